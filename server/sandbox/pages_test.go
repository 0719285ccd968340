package sandbox

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// attr finds the first `name="value"` attribute in the element with id.
func attr(t *testing.T, page, id, name string) string {
	t.Helper()
	el := regexp.MustCompile(`<[a-z]+ [^>]*id="` + regexp.QuoteMeta(id) + `"[^>]*>`).FindString(page)
	if el == "" {
		t.Fatalf("no element #%s in page:\n%s", id, page)
	}
	m := regexp.MustCompile(` ` + name + `="([^"]*)"`).FindStringSubmatch(el)
	if m == nil {
		t.Fatalf("#%s has no %s: %s", id, name, el)
	}
	return html.UnescapeString(m[1])
}

// text returns the text of the element with id (no nested elements).
func text(t *testing.T, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*>([^<]*)<`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no text element #%s in page:\n%s", id, page)
	}
	return html.UnescapeString(m[1])
}

// relative strips the server's origin from an absolute URL of a page.
func (h *harness) relative(t *testing.T, u string) string {
	t.Helper()
	if !strings.HasPrefix(u, h.srv.URL+"/") {
		t.Fatalf("URL %q is not on the sandbox %s", u, h.srv.URL)
	}
	return strings.TrimPrefix(u, h.srv.URL)
}

// TestSSOWalk walks the simulated SSO login the way the lab's UI does through
// a proxy that shows redirects instead of following them: each step is a plain
// GET or form POST built from the previous page.
func TestSSOWalk(t *testing.T) {
	for _, prefix := range []string{"", "/jira"} {
		h := newHarness(t, Options{})
		// Step 1: the login page links to the identity provider.
		login := h.do(req{path: prefix + "/login.jsp"})
		want{status: 200, headers: map[string]string{"Content-Type": "text/html;charset=UTF-8"}}.check(t, "login page", login)
		idpURL := attr(t, login.body, "sso-link", "href")
		if want := h.srv.URL + prefix + "/plugins/servlet/sso/login"; idpURL != want {
			t.Errorf("sso-link = %q; want %q", idpURL, want)
		}
		// Step 2: the identity provider's form.
		idp := h.do(req{path: h.relative(t, idpURL)})
		want{status: 200, body: []string{`name="username"`}}.check(t, "idp page", idp)
		action := attr(t, idp.body, "idp-form", "action")
		if got := attr(t, idp.body, "idp-form", "method"); got != "post" {
			t.Errorf("idp-form method = %q; want post", got)
		}
		user := attr(t, idp.body, "idp-username", "value")
		if user != "sso-user" {
			t.Errorf("idp-username prefilled %q; want sso-user", user)
		}
		// Step 3: POST the form; the answer sets and shows the cookie.
		done := h.do(formPost(h.relative(t, action), "username="+url.QueryEscape(user)))
		want{status: 200, headers: map[string]string{"X-AUSERNAME": "sso-user", "X-Seraph-LoginReason": "OK"},
			match: map[string]string{"Set-Cookie": `^JSESSIONID=[0-9A-F]{32}; Path=` + cookiePath(prefix) + `; HttpOnly$`, "X-ASESSIONID": `^[0-9a-z]{7}$`}}.check(t, "sso done", done)
		shown := text(t, done.body, "sso-cookie")
		setCookie := strings.SplitN(done.header.Get("Set-Cookie"), ";", 2)[0]
		if shown != setCookie {
			t.Errorf("#sso-cookie = %q; want the Set-Cookie value %q", shown, setCookie)
		}
		file := text(t, done.body, "sso-cookie-file")
		host := strings.Split(strings.TrimPrefix(h.srv.URL, "http://"), ":")[0]
		if !strings.Contains(file, "#HttpOnly_"+host+"\tFALSE\t"+cookiePath(prefix)+"\tFALSE\t0\tJSESSIONID\t"+strings.TrimPrefix(shown, "JSESSIONID=")) {
			t.Errorf("#sso-cookie-file = %q; want a Netscape line for %s", file, shown)
		}
		// Step 4: the cookie works for REST (seed 003's workaround).
		sid := strings.TrimPrefix(shown, "JSESSIONID=")
		want{status: 200, headers: map[string]string{"X-AUSERNAME": "sso-user"}, body: []string{`"key":"TEST-1"`}}.check(t, "TEST-1 with SSO cookie",
			h.do(req{path: prefix + "/rest/api/2/issue/TEST-1", cookie: sid, header: jsonHeader}))
		want{status: 200, body: []string{`"name":"sso-user"`}}.check(t, "session with SSO cookie", h.do(req{path: "/rest/auth/1/session", cookie: sid}))
		want{status: 401}.check(t, "basic auth still fails", h.do(req{path: "/rest/api/2/issue/TEST-1", basic: "sso-user:sso-user"}))
		want{status: 200, body: []string{`id="dashboard-user"`, "(sso-user)"}}.check(t, "continue link",
			h.do(req{path: h.relative(t, attr(t, done.body, "sso-continue", "href")), cookie: sid}))
	}
}

func TestBrowserPages(t *testing.T) {
	h := newHarness(t, Options{})
	sid := h.login("fred", "fred")
	tests := []httpCase{
		{"root redirects to the dashboard", req{path: "/"}, want{status: 302, headers: map[string]string{"Location": h.srv.URL + "/secure/Dashboard.jspa"}}},
		{"/jira root", req{path: "/jira"}, want{status: 302, headers: map[string]string{"Location": h.srv.URL + "/jira/secure/Dashboard.jspa"}}},
		{"dashboard anonymous", req{path: "/secure/Dashboard.jspa"}, want{status: 200, body: []string{"You are not logged in", `id="login-link"`}}},
		{"dashboard with cookie", req{path: "/secure/Dashboard.jspa", cookie: sid}, want{status: 200, body: []string{"Logged in as Fred F. User (fred)."}}},
		{"login page without CAPTCHA", req{path: "/login.jsp"}, want{status: 200, body: []string{`name="os_username"`, `name="os_password"`, `id="sso-link"`}, notBody: []string{"os_captcha"}}},
		{"login page escapes input", req{path: "/login.jsp?os_username=" + url.QueryEscape(`"><script>`)}, want{status: 200, body: []string{`value="&#34;&gt;&lt;script&gt;"`}, notBody: []string{"<script>"}}},
		{"browser login", formPost("/login.jsp", "os_username=admin&os_password=admin"),
			want{status: 302, headers: map[string]string{"Location": h.srv.URL + "/secure/Dashboard.jspa", "X-Seraph-LoginReason": "OK"}, match: map[string]string{"Set-Cookie": "^JSESSIONID="}}},
		{"browser login under /jira", formPost("/jira/login.jsp", "os_username=admin&os_password=admin"),
			want{status: 302, headers: map[string]string{"Location": h.srv.URL + "/jira/secure/Dashboard.jspa"}}},
		{"browser login, wrong password", formPost("/login.jsp", "os_username=admin&os_password=x"),
			want{status: 200, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATED_FAILED", "X-ASESSIONID": ""}, body: []string{"incorrect", `value="admin"`}}},
		{"browser login of the SSO account", formPost("/login.jsp", "os_username=sso-user&os_password=sso-user"),
			want{status: 200, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"}, body: []string{"signs in with SSO"}}},
		{"browser login of unverified works", formPost("/login.jsp", "os_username=unverified&os_password=unverified"), want{status: 302}},
		{"browser login, form not urlencoded", req{method: "POST", path: "/login.jsp", body: `{"os_username":"admin"}`, header: jsonHeader},
			want{status: 200, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"}}},
		{"login page ignores bad basic auth", req{path: "/login.jsp", basic: "fred:nope"}, want{status: 200}},
		{"IdP refuses a password account", formPost("/plugins/servlet/sso/login", "username=fred"),
			want{status: 403, headers: map[string]string{"X-ASESSIONID": "", "X-AUSERNAME": "anonymous"}, body: []string{`id="page-error"`, "does not manage this account"}}},
		{"IdP refuses an unknown account", formPost("/plugins/servlet/sso/login", "username=ghost"), want{status: 403}},
		{"IdP with empty form", formPost("/plugins/servlet/sso/login", ""), want{status: 403}},
		{"IdP POST is not subject to the REST form-token rule", formPost("/plugins/servlet/sso/login", "username=sso-user"), want{status: 200}},
	}
	h.runCases(tests)

	// The browser login's redirect lands on a dashboard showing the user.
	res := h.do(formPost("/login.jsp", "os_username=fred&os_password=fred"))
	c := strings.TrimPrefix(strings.SplitN(res.header.Get("Set-Cookie"), ";", 2)[0], "JSESSIONID=")
	want{body: []string{"(fred)"}}.check(t, "after browser login", h.do(req{path: h.relative(t, res.header.Get("Location")), cookie: c}))
}

func TestWebSudo(t *testing.T) {
	h := newHarness(t, Options{})
	admin := h.login("admin", "admin")
	fred := h.login("fred", "fred")
	const props = "/rest/api/2/application-properties"
	steps := []struct {
		name string
		req  req
		want want
	}{
		{"anonymous", req{path: props}, want{status: 401, body: []string{"You are not authenticated"}}},
		{"non-administrator", req{path: props, cookie: fred}, want{status: 403}},
		{"administrator session needs WebSudo", req{path: props, cookie: admin},
			want{status: 401, body: []string{`{"message":"This resource requires WebSudo.","status-code":401}`}}},
		{"basic auth is not subject to WebSudo", req{path: props, basic: "admin:admin"},
			want{status: 200, body: []string{`"key":"jira.maximum.authentication.attempts.allowed"`, `"value":"3"`}}},
		{"WebSudo page without a session", req{path: "/secure/admin/WebSudoAuthenticate.jspa"},
			want{status: 302, headers: map[string]string{"Location": h.srv.URL + "/login.jsp"}}},
		{"WebSudo page", req{path: "/secure/admin/WebSudoAuthenticate.jspa", cookie: admin}, want{status: 200, body: []string{`name="webSudoPassword"`}}},
		{"wrong password", withCookie(formPost("/secure/admin/WebSudoAuthenticate.jspa", "webSudoPassword=x"), admin),
			want{status: 200, body: []string{"incorrect"}}},
		{"still required", req{path: props, cookie: admin}, want{status: 401}},
		{"right password", withCookie(formPost("/secure/admin/WebSudoAuthenticate.jspa", "webSudoPassword=admin"), admin),
			want{status: 200, body: []string{`id="websudo-ok"`}}},
		{"granted", req{path: props, cookie: admin}, want{status: 200}},
		{"end WebSudo", req{method: "DELETE", path: "/rest/auth/1/websudo", cookie: admin}, want{status: 204}},
		{"required again", req{path: props, cookie: admin}, want{status: 401}},
	}
	for _, s := range steps {
		s.want.check(t, s.name, h.do(s.req))
	}
	// The window closes by itself.
	h.do(withCookie(formPost("/secure/admin/WebSudoAuthenticate.jspa", "webSudoPassword=admin"), admin))
	want{status: 200}.check(t, "granted again", h.do(req{path: props, cookie: admin}))
	h.clock.Advance(webSudoTimeout)
	want{status: 401}.check(t, "after the WebSudo timeout", h.do(req{path: props, cookie: admin}))
}

func withCookie(r req, sid string) req {
	r.cookie = sid
	return r
}

// cookiePath is the path Jira's session cookies get under a context prefix.
func cookiePath(prefix string) string {
	if prefix == "" {
		return "/"
	}
	return prefix
}
