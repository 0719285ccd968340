package sandbox

import (
	"net/http"
	"sort"
	"strings"
)

// endpoint is one method of a route.
type endpoint struct {
	fn   func(*call)
	auth authMode
	// consumes is the one media type the resource reads (Jersey's
	// @Consumes): a request that names another one is answered 415 before
	// any filter of the resource runs. "" reads anything.
	consumes string
}

// authMode says how ServeHTTP identifies the caller before the handler runs.
type authMode int

const (
	// authFull: session cookie, else Authorization (basic or bearer); bad
	// credentials are answered before the handler runs.
	authFull authMode = iota
	// authCookieOnly: only a live session cookie is recognised. For handlers
	// that take credentials from their body (session login, browser login,
	// the identity provider), where an Authorization header must not answer
	// first ("a POST without body is 400 whatever the credentials").
	authCookieOnly
	// authSkip: no Jira authentication at all (control endpoints).
	authSkip
)

// methods maps an HTTP method to its endpoint.
type methods map[string]*endpoint

// route is a path pattern: literal segments and "*" for one wildcard segment.
type route struct {
	segs    []string
	methods methods
	allow   string // the Allow header of a 405
}

// routeTable lists every path the sandbox answers. The Jira paths are also
// reached under /jira and with "latest" as version (see canonicalSegs).
func (s *Sandbox) routeTable() []route {
	get := func(fn func(*call)) *endpoint { return &endpoint{fn: fn} }
	open := func(fn func(*call)) *endpoint { return &endpoint{fn: fn, auth: authCookieOnly} }
	// JSON resources: Jira's REST resources declare @Consumes(application/json)
	// (e.g. com.atlassian.jira.rest.auth.Login).
	consumesJSON := func(fn func(*call)) *endpoint { return &endpoint{fn: fn, consumes: mediaJSON} }
	consumesMultipart := func(fn func(*call)) *endpoint { return &endpoint{fn: fn, consumes: mediaMultipart} }
	ctl := controlEndpoint
	table := []struct {
		pattern string
		m       methods
	}{
		// Browser pages (HTML).
		{"/", methods{"GET": open(handleRoot)}},
		{"/login.jsp", methods{"GET": open(handleLoginPage), "POST": open(handleLoginPage)}},
		{"/secure/Dashboard.jspa", methods{"GET": get(handleDashboard)}},
		{"/secure/MyJiraHome.jspa", methods{"GET": get(handleMyJiraHome)}},
		{"/secure/admin/WebSudoAuthenticate.jspa", methods{"GET": get(handleWebSudoPage), "POST": get(handleWebSudoPage)}},
		{"/plugins/servlet/sso/login", methods{"GET": open(handleSSOLogin), "POST": open(handleSSOLogin)}},

		// REST.
		{"/rest/auth/1/session", methods{"GET": get(handleSessionGet), "POST": {fn: handleSessionPost, auth: authCookieOnly, consumes: mediaJSON}, "DELETE": get(handleSessionDelete)}},
		{"/rest/auth/1/websudo", methods{"DELETE": get(handleWebSudoDelete)}},
		{"/rest/api/2/myself", methods{"GET": get(handleMyself)}},
		{"/rest/api/2/user", methods{"GET": get(handleUser)}},
		{"/rest/api/2/serverInfo", methods{"GET": get(handleServerInfo)}},
		{"/rest/api/2/application-properties", methods{"GET": get(handleApplicationProperties)}},
		{"/rest/api/2/issue/createmeta", methods{"GET": get(handleCreateMeta)}},
		{"/rest/api/2/issue/*", methods{"GET": get(handleIssue)}},
		{"/rest/api/2/issue/*/attachments", methods{"POST": consumesMultipart(handleAttachments)}},
		{"/rest/api/2/field", methods{"GET": get(handleFields)}},
		{"/rest/api/2/search", methods{"GET": get(handleSearch), "POST": consumesJSON(handleSearch)}},
		{"/rest/api/2/password/policy", methods{"GET": get(handlePolicyGet)}},
		{"/rest/api/2/password/policy/createUser", methods{"POST": consumesJSON(handlePolicyCreateUser)}},
		{"/rest/api/2/password/policy/updateUser", methods{"POST": consumesJSON(handlePolicyUpdateUser)}},
		{"/rest/pat/latest/tokens", methods{"GET": get(handleTokenList), "POST": consumesJSON(handleTokenCreate)}},
		{"/rest/pat/latest/tokens/*", methods{"DELETE": get(handleTokenDelete)}},

		// Control endpoints: never a Jira path, no Jira authentication.
		{"/_sandbox/reset", methods{"POST": ctl(handleControlReset)}},
		{"/_sandbox/captcha/reset", methods{"POST": ctl(handleControlCaptchaReset)}},
		{"/_sandbox/password-policy", methods{"GET": ctl(handleControlPolicy), "PUT": ctl(handleControlPolicy)}},
		{"/_sandbox/expire-sessions", methods{"POST": ctl(handleControlExpireSessions)}},
		{"/_sandbox/state", methods{"GET": ctl(handleControlState)}},
		{"/_sandbox/basic-auth", methods{"GET": ctl(handleControlBasicAuth), "PUT": ctl(handleControlBasicAuth)}},
		{"/_sandbox/rate-limit", methods{"GET": ctl(handleControlRateLimit), "PUT": ctl(handleControlRateLimit)}},
	}
	routes := make([]route, 0, len(table))
	for _, t := range table {
		routes = append(routes, newRoute(t.pattern, t.m))
	}
	return routes
}

// newRoute is the route of pattern, with the Allow header its methods give.
func newRoute(pattern string, m methods) route {
	allowed := make([]string, 0, len(m)+1)
	for meth := range m {
		allowed = append(allowed, meth)
	}
	if m[http.MethodGet] != nil {
		allowed = append(allowed, http.MethodHead) // HEAD is served by GET
	}
	sort.Strings(allowed)
	return route{segs: splitPath(pattern), methods: m, allow: strings.Join(allowed, ", ")}
}

// endpoint returns the endpoint of method (HEAD is served by GET), or nil.
func (rt *route) endpoint(method string) *endpoint {
	if rt == nil {
		return nil
	}
	if ep := rt.methods[method]; ep != nil {
		return ep
	}
	if method == http.MethodHead {
		return rt.methods[http.MethodGet]
	}
	return nil
}

// match finds the route of path and its wildcard values (nil: no route).
func (s *Sandbox) match(path string) (*route, []string) {
	return matchRoute(s.routes, path)
}

// matchRoute finds the route of path among routes, and its wildcard values.
func matchRoute(routes []route, path string) (*route, []string) {
	segs := canonicalSegs(splitPath(path))
	for i := range routes {
		if params, ok := matchSegs(routes[i].segs, segs); ok {
			return &routes[i], params
		}
	}
	return nil, nil
}

func matchSegs(pattern, segs []string) ([]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	var params []string
	for i, p := range pattern {
		switch {
		case p == "*":
			if segs[i] == "" {
				return nil, false
			}
			params = append(params, segs[i])
		case p != segs[i]:
			return nil, false
		}
	}
	return params, true
}

// splitPath splits a path into segments, ignoring one trailing slash
// (Jersey answers /rest/api/2/myself/ like /rest/api/2/myself).
func splitPath(p string) []string {
	p = strings.TrimPrefix(p, "/")
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// versionAliases maps the version segment clients may use to the one the
// route table is written with: Jira serves /rest/api/latest as /rest/api/2,
// and the token plugin answers as 1.0 and latest.
var versionAliases = map[string]map[string]string{
	"api":  {"latest": "2"},
	"auth": {"latest": "1"},
	"pat":  {"1.0": "latest"},
}

func canonicalSegs(segs []string) []string {
	if len(segs) >= 3 && segs[0] == "rest" {
		if v, ok := versionAliases[segs[1]][segs[2]]; ok {
			out := append([]string(nil), segs...)
			out[2] = v
			return out
		}
	}
	return segs
}
