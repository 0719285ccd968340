package sandbox

import (
	"net/http"
	"strings"
)

// Seraph's login reasons (X-Seraph-LoginReason).
const (
	reasonOK     = "OK"
	reasonFailed = "AUTHENTICATED_FAILED"
	reasonDenied = "AUTHENTICATION_DENIED"
	reasonOut    = "OUT"
)

const (
	sessionCookie = "JSESSIONID"
	xsrfCookie    = "atlassian.xsrf.token"
)

// Messages Seraph passes to sendError (com.atlassian.seraph.filter.SecurityFilter
// and JiraSeraphAuthenticator.getUserFromBasicAuthentication); Jira shows
// them in its HTML error page. Seed 001: "the response body will contain a
// message telling you that your cookie is invalid" — this is that message.
const (
	msgInvalidCookie  = "os_authType was 'any' and an invalid cookie was sent."
	msgNoValidCookie  = "os_authType was 'cookie' but no valid cookie was sent."
	msgBasicFailurePr = "Basic Authentication Failure - Reason : "
)

// authType is Seraph's com.atlassian.seraph.auth.AuthType: what the caller
// expects authentication to be, from the os_authType parameter or, without
// one, the default a filter put on the request.
type authType string

const (
	authTypeNone   authType = "NONE"
	authTypeCookie authType = "COOKIE"
	authTypeBasic  authType = "BASIC"
	authTypeAny    authType = "ANY"
)

// requestAuthType imitates AuthType.getAuthTypeInformation: the os_authType
// parameter (any case; unknown values are NONE), else the request default.
// The default comes from two filters: the REST plugin's RestSeraphFilter
// marks every /rest/ request "any" ("REST and os_authType", Atlassian SDK
// docs), and Jira's JiraRestSeraphAuthFilter sets "none" under /rest/auth/
// so that a caller whose session timed out can still log in (JRA-25405).
func (c *call) requestAuthType() authType {
	if v, ok := c.r.URL.Query()["os_authType"]; ok && len(v) > 0 {
		switch t := authType(strings.ToUpper(v[0])); t {
		case authTypeCookie, authTypeBasic, authTypeAny:
			return t
		}
		return authTypeNone
	}
	if strings.HasPrefix(c.path, "/rest/") && !strings.HasPrefix(c.path, "/rest/auth/") {
		return authTypeAny
	}
	return authTypeNone
}

// wantsBasicChallenge imitates Seraph's RedirectUtils.hasHttpBasicAuthenticationRequestParameter:
// the raw query must hold exactly "os_authType=basic" (lower case) as one of
// its &-separated parts.
func (c *call) wantsBasicChallenge() bool {
	return strings.Contains("&"+c.r.URL.RawQuery+"&", "&os_authType=basic&")
}

// authenticate identifies the caller from the request headers in the order
// of Jira's filter chain, and reports whether the request may go on
// (otherwise it has answered):
//
//  1. Seraph's DefaultAuthenticator.getUser: the user of a live session
//     wins; otherwise, when the request carries Basic credentials (or asks
//     for a challenge with ?os_authType=basic), JiraSeraphAuthenticator
//     logs them in — a success opens a session, a failure is Jira's HTML
//     error page.
//  2. Seraph's SecurityFilter, still without a user: os_authType=cookie
//     without a session, or "any" (every /rest/ resource but /rest/auth/…)
//     with a JSESSIONID that names no live session, is a 401 — an expired
//     cookie is reported, not silently downgraded to anonymous.
//  3. The personal-access-token filter, which comes after Seraph: that is
//     why a stale JSESSIONID beside a valid token is still refused
//     (pycontribs/jira issue 1904, "os_authType was 'any' and an invalid
//     cookie was sent." with a working token).
//
// Without credentials the caller is anonymous: Jira sends no challenge to
// anonymous REST callers (seed 000).
func (c *call) authenticate() bool {
	if c.sessionFromCookie() {
		return true
	}
	scheme, cred, _ := strings.Cut(c.r.Header.Get("Authorization"), " ")
	switch {
	case strings.EqualFold(scheme, "Basic"):
		return c.basicAuth()
	case c.wantsBasicChallenge():
		c.basicChallenge()
		return false
	}
	if !c.securityFilter() {
		return false
	}
	if strings.EqualFold(scheme, "Bearer") {
		return c.bearerAuth(strings.TrimSpace(cred))
	}
	// Seraph ignores schemes it does not know.
	return true
}

// securityFilter applies Seraph SecurityFilter's checks for a request that
// has no user yet, and reports whether it may go on.
func (c *call) securityFilter() bool {
	switch c.requestAuthType() {
	case authTypeCookie:
		if c.sess == nil {
			c.writeErrorPage(http.StatusUnauthorized, msgNoValidCookie)
			return false
		}
	case authTypeAny:
		if c.hasSessionCookie() && c.sess == nil {
			c.writeErrorPage(http.StatusUnauthorized, msgInvalidCookie)
			return false
		}
	}
	return true
}

// hasSessionCookie reports whether the request names a JSESSIONID at all
// (SecurityFilter.hasJSessionCookie).
func (c *call) hasSessionCookie() bool {
	_, err := c.r.Cookie(sessionCookie)
	return err == nil
}

// sessionFromCookie makes the owner of a live JSESSIONID the caller and
// reports whether there was one.
func (c *call) sessionFromCookie() bool {
	ck, err := c.r.Cookie(sessionCookie)
	if err != nil {
		return false
	}
	a, ref, ok := c.st.session(ck.Value)
	if !ok && c.st != c.s.store {
		// A cookie from the shared state — a browser walked the sandbox's
		// own login pages, which no visitor id reaches, and the learner
		// pasted its JSESSIONID into the lab (Atlassian's ID-6351
		// workaround) — takes this request to that state, as a request
		// without X-Sandbox-Visitor would go. Another visitor's sessions
		// are never there: visitors stay apart.
		if a, ref, ok = c.s.store.session(ck.Value); ok {
			c.st, c.cst = c.s.store, c.s.cloud
		}
	}
	if ok {
		c.user, c.by, c.sess = a, authCookie, &ref
	}
	return ok
}

// basicAuth checks Authorization: Basic (seed 000) as
// JiraSeraphAuthenticator.getUserFromBasicAuthentication does: CAPTCHA
// (Seraph's elevated security check) first, without looking at the
// password; then the password, whose failures count towards CAPTCHA. A
// success is a Seraph login, so it opens a session like any other (a Jira
// 8.20 capture of a basic-auth call carries Set-Cookie: JSESSIONID and
// atlassian.xsrf.token, and X-ASESSIONID).
func (c *call) basicAuth() bool {
	name, password, ok := c.r.BasicAuth()
	if !ok {
		// Undecodable credentials cannot match anyone.
		c.basicFailure()
		return false
	}
	a, outcome := c.st.authenticate(name, password, false)
	switch outcome {
	case loginOK:
		c.st.recordLogin(a)
		c.openSession(a, true)
		c.by = authBasic
		return true
	case loginDenied:
		c.captchaDenied()
		c.oauthRealm()
		// Jira 8.20 answers the CAPTCHA refusal with 403 (the recorded
		// capture); Seraph's older code sent 401 with the same reason.
		c.writeErrorPage(http.StatusForbidden, msgBasicFailurePr+reasonDenied)
		return false
	default:
		c.basicFailure()
		return false
	}
}

// basicFailure answers refused basic credentials: 401, Jira's HTML error
// page with Seraph's "Basic Authentication Failure - Reason :
// AUTHENTICATED_FAILED" (seed 000), and the OAuth challenge.
func (c *call) basicFailure() {
	c.loginReason = reasonFailed
	c.oauthRealm()
	c.writeErrorPage(http.StatusUnauthorized, msgBasicFailurePr+reasonFailed)
}

// basicChallenge answers ?os_authType=basic without Basic credentials: the
// HTTP challenge Seraph's authenticator sends (JiraSeraphAuthenticator:
// WWW-Authenticate: Basic realm="protected-area", then sendError(401)) —
// Atlassian's documented way to get a challenge from Jira ("REST and
// os_authType"), which otherwise sends none (seed 000).
func (c *call) basicChallenge() {
	setRaw(c.w.Header(), hdrAuthenticate, `Basic realm="protected-area"`)
	c.writeErrorPage(http.StatusUnauthorized, "")
}

// bearerAuth checks a personal access token. A token that is unknown,
// revoked or expired is answered as the REST plugin answers a caller it
// could not authenticate (JIRA-FACTS.md, "More real answers").
func (c *call) bearerAuth(raw string) bool {
	a := c.st.tokenOwner(raw)
	if a == nil {
		c.loginReason = reasonFailed
		c.messageJSON(http.StatusUnauthorized, "Client must be authenticated to access this resource.")
		return false
	}
	c.user, c.by, c.loginReason = a, authBearer, reasonOK
	return true
}

// captchaDenied sets the headers of a login refused because CAPTCHA is required.
func (c *call) captchaDenied() {
	c.loginReason = reasonDenied
	c.deniedReason = "CAPTCHA_CHALLENGE; login-url=" + c.base + "/login.jsp"
}

// origin is the sandbox's own origin as the request reached it.
func (c *call) origin() string {
	if c.r.TLS != nil {
		return "https://" + c.r.Host
	}
	return "http://" + c.r.Host
}

// startSession logs a in with a new session: it ends the session the request
// came with (a login never continues an old session), records the login,
// and opens the new session. It returns the login info.
func (c *call) startSession(a *account) loginInfo {
	if c.sess != nil {
		c.st.endSession(c.sess.id)
	}
	info := c.st.recordLogin(a)
	c.openSession(a, false)
	c.by = authCookie
	return info
}

// cookiePath is the path of the session cookies: the context path.
func (c *call) cookiePath() string {
	if c.prefix == "" {
		return "/"
	}
	return c.prefix
}

// openSession starts a session for a and sets its cookies: JSESSIONID
// (HttpOnly) and atlassian.xsrf.token, with the path of the context Jira was
// reached under (Tomcat roots the session cookie at the context path:
// Path=/jira under /jira), and Secure on https as in the 8.20 capture.
//
// implicit: opened as a side effect of basic auth, not asked for.
func (c *call) openSession(a *account, implicit bool) {
	ref := c.st.newSession(a, implicit)
	c.user, c.sess, c.loginReason = a, &ref, reasonOK
	path := c.cookiePath()
	tls := c.r.TLS != nil
	h := c.w.Header()
	h.Add("Set-Cookie", (&http.Cookie{Name: sessionCookie, Value: ref.id, Path: path, HttpOnly: true, Secure: tls}).String())
	xsrf := &http.Cookie{Name: xsrfCookie, Value: ref.xsrf, Path: path, Secure: tls}
	if tls {
		xsrf.SameSite = http.SameSiteNoneMode
	}
	h.Add("Set-Cookie", xsrf.String())
}
