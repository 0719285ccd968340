package sandbox

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
)

// The Cloud face: under /cloud the same listener answers as a Jira Cloud
// site (https://<site>.atlassian.net) would, so that learners meet what
// differs between the two kinds of Jira on one machine: accounts known by
// e-mail and accountId, basic auth with an API token instead of a password,
// no personal access tokens, no session resource, and a gateway in front
// of Jira that answers some refusals itself.
//
// Sources, each named again beside the code that follows it:
//   - Atlassian, "Basic auth for REST APIs" (developer.atlassian.com/cloud/
//     jira/platform/basic-auth-for-rest-apis): e-mail and API token, sent
//     as basic auth; passwords deprecated.
//   - Atlassian, "Deprecation notice - Basic authentication with passwords
//     and cookie-based authentication" (2018; disabled from 3 June 2019).
//   - Recorded real answers quoted in public issue threads (each cited).
//   - The measurements of brekkylab/backlot (issues 114, 123, 135 and pull
//     request 134, September 2026) against real atlassian.net sites.

// cloudPath is where the Cloud face is mounted on the sandbox listener.
const cloudPath = "/cloud"

// cloudRouteTable lists every path the Cloud face answers. Paths of the
// Server face that Cloud does not have (password policy, personal access
// tokens) are simply absent: they get the 404 of an unknown path.
func cloudRouteTable() []route {
	get := func(fn func(*call)) *endpoint { return &endpoint{fn: fn} }
	json := func(fn func(*call)) *endpoint { return &endpoint{fn: fn, consumes: mediaJSON} }
	ctl := controlEndpoint
	var routes []route
	add := func(pattern string, m methods) { routes = append(routes, newRoute(pattern, m)) }
	// Version 2 and version 3 of the platform REST API answer alike for
	// these resources: v3 differs only in rich-text fields, which it writes
	// as Atlassian Document Format; myself, serverInfo and the fixture's
	// issue fields have none ("The Jira Cloud platform REST API", version 3
	// introduction).
	for _, v := range []string{"2", "3"} {
		base := "/rest/api/" + v
		add(base+"/myself", methods{"GET": get(handleCloudMyself)})
		add(base+"/serverInfo", methods{"GET": get(handleCloudServerInfo)})
		add(base+"/search", methods{"GET": get(handleCloudSearchRemoved), "POST": get(handleCloudSearchRemoved)})
		add(base+"/search/jql", methods{"GET": get(handleCloudSearchJQL), "POST": json(handleCloudSearchJQL)})
		add(base+"/issue/*", methods{"GET": get(handleCloudIssue)})
	}
	add("/rest/auth/1/session", methods{"GET": get(handleCloudSession), "POST": get(handleCloudSession), "DELETE": get(handleCloudSession)})

	add("/_sandbox/reset", methods{"POST": ctl(handleCloudControlReset)})
	add("/_sandbox/state", methods{"GET": ctl(handleCloudControlState)})
	add("/_sandbox/api-tokens", methods{"GET": ctl(handleCloudTokenList), "POST": ctl(handleCloudTokenCreate)})
	add("/_sandbox/api-tokens/*", methods{"DELETE": ctl(handleCloudTokenDelete)})
	return routes
}

// serveCloud serves a request under /cloud after the Host check and the
// body cap: the gateway's refusals first (they never reach Jira), then the
// caller, then the route.
func (s *Sandbox) serveCloud(c *call) {
	rt, params := matchRoute(s.cloudRoutes, c.path)
	c.params = params
	ep := rt.endpoint(c.r.Method)
	if !c.isControl() && !c.cloudAuthenticate() {
		return
	}
	switch {
	case rt == nil && c.isControl():
		c.errorJSON(http.StatusNotFound, "The Cloud face has no control "+c.path+": Jira Cloud has no CAPTCHA, password policy, sessions or Data Center switches to drive. Its controls are /cloud/_sandbox/reset, /cloud/_sandbox/state and /cloud/_sandbox/api-tokens.")
	case rt == nil:
		// The Server face's unknown-path answer (Jersey's); a real site's
		// answer to a path it does not serve varies with the path and could
		// not be pinned down.
		c.errorJSON(http.StatusNotFound, "null for uri: "+c.base+c.path)
	case ep == nil:
		c.w.Header().Set("Allow", rt.allow)
		c.errorJSON(http.StatusMethodNotAllowed, "Method "+c.r.Method+" is not allowed for "+c.path+".")
	case !c.acceptsMediaType(ep):
		c.unsupportedMediaType(ep.consumes)
	default:
		ep.fn(c)
	}
}

// Answers of Atlassian's gateway, which stands in front of every Cloud site.
const (
	// msgPasswordDeprecated is the gateway's text/plain 401 to basic auth
	// with an account's password, verbatim with its two spaces and final
	// newline, as recorded in 2022 and 2023 (dora-metrics/pelorus issue 423,
	// solidify/jira-azuredevops-migrator issue 740, devmoath/jira-php issue
	// 4); captures of 2020 and 2021 (gioboa/jira-plugin issue 148,
	// kovetskiy/mark issue 102) link the older Confluence KB page instead.
	msgPasswordDeprecated = "Basic authentication with passwords is deprecated.  For more information, see: https://developer.atlassian.com/cloud/confluence/deprecation-notice-basic-auth/\n"
	// bodyBearerRefused is the 403 every route answers to a Bearer token
	// the site cannot read as an Atlassian Connect session token — an API
	// token or a Data Center personal access token sent as Bearer —
	// verbatim with its space after the colon (lesstif/php-jira-rest-client
	// issue 528, erishforG/git-parsec issue 367; measured on every route by
	// brekkylab/backlot issue 135). OAuth 2.0 bearers are accepted only on
	// api.atlassian.com, which the sandbox does not imitate.
	bodyBearerRefused = `{"error": "Failed to parse Connect Session Auth Token"}`
	// msgClientMustAuth is the 401 of a resource that needs a user (myself)
	// when the caller is anonymous or its credentials failed: text/html,
	// with an OAuth challenge (brekkylab/backlot issue 123, measured on
	// GET /rest/api/3/myself).
	msgClientMustAuth = "Client must be authenticated to access this resource."
)

// cloudAuthenticate identifies the caller of a Cloud request and reports
// whether it may go on (otherwise it has answered).
//
// Cloud has no session cookie of Jira's (its browser session is
// cloud.session.token, issued by id.atlassian.com), so a JSESSIONID is
// ignored: cookie-based authentication was removed with the 2019
// deprecation. Basic credentials are an e-mail and an API token; any that
// do not resolve to an account leave the caller anonymous — the request
// is served as anonymous, not refused (brekkylab/backlot pull request 134:
// a failed e-mail:token pair, an empty password, a value that is not
// base64, and an unknown scheme all answered alike) — with
// X-Seraph-LoginReason: AUTHENTICATED_FAILED and a logged-out XSRF cookie
// (the answer to an expired API token recorded in MrRefactoring/jira.js
// issue 418, April 2026).
func (c *call) cloudAuthenticate() bool {
	scheme, cred, _ := strings.Cut(c.r.Header.Get("Authorization"), " ")
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		c.gateway = true
		c.w.Header().Set("Content-Type", "application/json")
		c.w.WriteHeader(http.StatusForbidden)
		c.w.Write([]byte(bodyBearerRefused))
		return false
	case !strings.EqualFold(scheme, "Basic"):
		return true
	}
	email, secret, ok := parseBasic(cred)
	a := cloudAccountByEmail(email)
	switch {
	case ok && a != nil && a.server.passwordIs(secret):
		// The gateway recognises the account's password and answers
		// itself: Jira never sees the request.
		c.gateway = true
		c.writeText(http.StatusUnauthorized, "text/plain", msgPasswordDeprecated)
		return false
	case ok && a != nil && c.cst.tokenMatches(a, secret):
		c.cuser, c.user = a, a.server
		return true
	}
	c.loginReason = reasonFailed
	c.setLoggedOutXSRF()
	return true
}

// parseBasic decodes the credentials of a Basic Authorization header. It
// never fails loudly: the caller treats bad credentials as no credentials.
func parseBasic(cred string) (user, secret string, ok bool) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	if err != nil {
		return "", "", false
	}
	user, secret, ok = strings.Cut(string(b), ":")
	return user, secret, ok
}

// setLoggedOutXSRF sets the XSRF cookie Cloud gives a caller it could not
// authenticate: the token ends in _lout (logged out) where a logged-in
// one ends in _lin; Path=/ of the site, SameSite=None; Secure (jira.js issue
// 418). The sandbox roots it at /cloud and sends Secure on https only, as
// the Server face does, since a browser drops a Secure cookie over http.
func (c *call) setLoggedOutXSRF() {
	ck := &http.Cookie{Name: xsrfCookie, Value: xsrfPrefix() + "_" + strings.ToLower(randomHex(20)) + "_lout", Path: cloudPath}
	if c.r.TLS != nil {
		ck.Secure, ck.SameSite = true, http.SameSiteNoneMode
	}
	c.w.Header().Add("Set-Cookie", ck.String())
}

// Cloud's own headers.
const (
	hdrTraceID   = "Atl-Traceid"
	hdrAtlReqID  = "Atl-Request-Id"
	hdrAccountID = "X-AACCOUNTID"
)

// stampCloud sets the headers every Cloud answer carries, copied from a
// recorded answer of December 2025 (aws-samples/aws-securityhub-jira-
// software-integration issue 9: Server: AtlassianEdge, Timing-Allow-Origin,
// X-Arequestid of 32 hex digits, X-Aaccountid with the caller's accountId
// percent-encoded, Cache-Control, X-Content-Type-Options, X-Xss-Protection,
// Atl-Traceid and Atl-Request-Id — the same id, once as 32 hex digits,
// once as a UUID — and Strict-Transport-Security) and of April 2026
// (jira.js issue 418: X-Seraph-LoginReason on a failed login). Cloud sends
// no X-AUSERNAME: user names were removed from its API (Atlassian's GDPR
// deprecation notice of 2018-2019), so X-AACCOUNTID is the tell of who
// Jira took the caller for, and its absence means anonymous. Left out:
// the capture's X-Ratelimit-*, Report-To and Nel (Cloud's rate limits and
// error reporting are not imitated), and HSTS on http.
//
// An answer of the gateway itself (c.gateway) carries only the edge's
// headers: the recorded password refusals (gioboa/jira-plugin issue 148,
// kovetskiy/mark issue 102) have Server, Atl-Traceid, X-Content-Type-Options,
// X-Xss-Protection and HSTS, and nothing of Jira's. Their Server was
// "AtlassianProxy/1.15.8.1"; the edge has answered as AtlassianEdge since
// (the 2025 capture), which the sandbox sends on both.
func (c *call) stampCloud(h http.Header) {
	id := strings.ToLower(randomHex(16))
	h.Set("Server", "AtlassianEdge")
	if !c.gateway {
		h.Set("Timing-Allow-Origin", "*")
		setRaw(h, hdrRequestID, id)
		if c.cuser != nil {
			setRaw(h, hdrAccountID, url.QueryEscape(c.cuser.AccountID))
		}
		if c.loginReason != "" {
			setRaw(h, hdrLoginReason, c.loginReason)
		}
		h.Set("Cache-Control", "no-cache, no-store, no-transform")
	}
	h.Set("X-Content-Type-Options", "nosniff")
	setRaw(h, hdrXSSProtection, "1; mode=block")
	h.Set(hdrTraceID, id)
	if !c.gateway {
		h.Set(hdrAtlReqID, id[0:8]+"-"+id[8:12]+"-"+id[12:16]+"-"+id[16:20]+"-"+id[20:32])
	}
	if c.r.TLS != nil {
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload")
	}
}

// requireCloudUser answers a resource that needs a user when the caller is
// anonymous, and reports whether the request may go on (msgClientMustAuth).
func (c *call) requireCloudUser() bool {
	if c.cuser != nil {
		return true
	}
	c.oauthRealm()
	c.writeText(http.StatusUnauthorized, "text/html;charset=UTF-8", msgClientMustAuth)
	return false
}

// handleCloudSession handles /rest/auth/1/session on the Cloud face.
// Cookie-based authentication was removed from Jira Cloud (the 2019
// deprecation notice; andygrunwald/go-jira removed its cookie transport for
// Cloud in pull request 581 for that reason). A session login against an
// atlassian.net site was recorded answering 401 with Jira's HTML
// "Unauthorized (401)" page (tulleuchen/jirastopwatch issue 138, April
// 2019); that GET and DELETE answer the same is the sandbox's choice — no
// recorded answer of theirs was found.
func handleCloudSession(c *call) {
	c.writeErrorPage(http.StatusUnauthorized, "")
}
