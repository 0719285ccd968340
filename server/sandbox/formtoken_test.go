package sandbox

import (
	"net/url"
	"strings"
	"testing"
)

const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

// browserPost is a form post as a browser sends it: its User-Agent, an
// Origin, and the cookies given ("name=value; …").
func browserPost(path, form, origin, cookies string) req {
	r := formPost(path, form)
	r.header = map[string]string{"Content-Type": "application/x-www-form-urlencoded", "User-Agent": firefox, "Origin": origin}
	if cookies != "" {
		r.header["Cookie"] = cookies
	}
	return r
}

// tokenCookie returns the atlassian.xsrf.token value a response sets ("" if none).
func tokenCookie(r resp) string {
	for _, sc := range r.header.Values("Set-Cookie") {
		if v, ok := strings.CutPrefix(sc, xsrfCookie+"="); ok {
			v, _, _ = strings.Cut(v, ";")
			return v
		}
	}
	return ""
}

// setsSession reports whether a response sets a JSESSIONID.
func setsSession(r resp) bool {
	for _, sc := range r.header.Values("Set-Cookie") {
		if strings.HasPrefix(sc, sessionCookie+"=") {
			return true
		}
	}
	return false
}

// refused checks that r is Jira's XSRF error view and acted on nothing.
func refused(t *testing.T, name string, r resp) {
	t.Helper()
	want{status: 200, headers: map[string]string{"X-Seraph-LoginReason": "", "Content-Type": "text/html;charset=UTF-8"},
		body: []string{"<!-- SecurityTokenMissing -->", "<title>XSRF Security Token Missing", "missing form token", "A new form token has been issued."}}.check(t, name, r)
	if setsSession(r) {
		t.Errorf("%s: a refused post set a session cookie", name)
	}
	if tokenCookie(r) == "" {
		t.Errorf("%s: no new form token issued", name)
	}
}

// TestCrossSiteLoginPosts replays the finding of issue 14: a page on
// another site made a visitor's browser post /login.jsp — three wrong
// passwords locked fred into CAPTCHA, and a fourth post logged him in with
// the CAPTCHA word. Without the login page's token, none of it happens.
func TestCrossSiteLoginPosts(t *testing.T) {
	h := newHarness(t, Options{})
	const evil = "https://evil.example"
	for i := range 3 {
		refused(t, "cross-site post "+string(rune('1'+i)), h.do(browserPost("/login.jsp", "os_username=fred&os_password=guess", evil, "")))
	}
	if fred := accountIn(t, h.state(t), "fred"); fred.ConsecutiveFailedLogins != 0 || fred.CaptchaRequired {
		t.Errorf("no failure counted: fred %+v; want 0 failures, no CAPTCHA", fred)
	}
	refused(t, "cross-site login with the CAPTCHA word", h.do(browserPost("/login.jsp", "os_username=fred&os_password=fred&os_captcha="+captchaWord, evil, "")))
	// A token the attacker fetched for itself is no use without the
	// visitor's matching cookie, and a made-up pair is not the sandbox's.
	own := tokenCookie(h.do(req{path: "/login.jsp"}))
	refused(t, "fetched token, no cookie", h.do(browserPost("/login.jsp", "os_username=fred&os_password=fred&atl_token="+own, evil, "")))
	forged := "ABCD-EFGH-IJKL-MNOP_" + strings.Repeat("0", 40) + "_lout"
	refused(t, "forged pair", h.do(browserPost("/login.jsp", "os_username=fred&os_password=fred&atl_token="+forged, evil, xsrfCookie+"="+forged)))
}

// TestLoginFormToken: the login page sets the atlassian.xsrf.token cookie
// and carries the same token in the form, and a browser's post needs both.
func TestLoginFormToken(t *testing.T) {
	for _, prefix := range []string{"", "/jira"} {
		h := newHarness(t, Options{})
		self := h.srv.URL
		page := h.do(req{path: prefix + "/login.jsp", header: map[string]string{"User-Agent": firefox}})
		tok := tokenCookie(page)
		if !strings.HasSuffix(tok, "_lout") || len(tok) != 65 {
			t.Fatalf("%s: login page token cookie %q; want XXXX-XXXX-XXXX-XXXX_<40 hex>_lout", prefix, tok)
		}
		if !strings.Contains(page.header.Get("Set-Cookie"), "; Path="+cookiePath(prefix)) {
			t.Errorf("%s: token cookie %q; want Path=%s", prefix, page.header.Get("Set-Cookie"), cookiePath(prefix))
		}
		if got := attr(t, page.body, "login-form-token", "value"); got != tok {
			t.Errorf("%s: atl_token field %q; want the cookie's %q", prefix, got, tok)
		}
		jar := xsrfCookie + "=" + tok
		// The same page again keeps the token it has.
		again := h.do(req{path: prefix + "/login.jsp", header: map[string]string{"Cookie": jar}})
		if tokenCookie(again) != "" || attr(t, again.body, "login-form-token", "value") != tok {
			t.Errorf("%s: a second visit changed the token", prefix)
		}
		form := "os_username=fred&os_password=x&atl_token=" + url.QueryEscape(tok)
		// A wrong password shows the form again with the same token.
		res := h.do(browserPost(prefix+"/login.jsp", form, self, jar))
		want{status: 200, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"}, body: []string{"incorrect"}}.check(t, prefix+" wrong password", res)
		if attr(t, res.body, "login-form-token", "value") != tok || tokenCookie(res) != "" {
			t.Errorf("%s: the page shown again has another token", prefix)
		}
		// Field and cookie must agree.
		refused(t, prefix+" cookie without field", h.do(browserPost(prefix+"/login.jsp", "os_username=fred&os_password=fred", self, jar)))
		other := tokenCookie(h.do(req{path: prefix + "/login.jsp"}))
		refused(t, prefix+" another token's cookie", h.do(browserPost(prefix+"/login.jsp", form, self, xsrfCookie+"="+other)))
		// The right pair logs in; the session's token replaces the cookie.
		ok := h.do(browserPost(prefix+"/login.jsp", "os_username=fred&os_password=fred&atl_token="+url.QueryEscape(tok), self, jar))
		want{status: 302, headers: map[string]string{"X-Seraph-LoginReason": "OK", "Location": self + prefix + "/secure/Dashboard.jspa"}}.check(t, prefix+" browser login", ok)
		if !setsSession(ok) || !strings.HasSuffix(tokenCookie(ok), "_lin") {
			t.Errorf("%s: browser login set %q; want JSESSIONID and the session's _lin token", prefix, ok.header.Values("Set-Cookie"))
		}
	}
}

// TestLoginFormTokenCaptcha: a visitor whose account is locked by CAPTCHA
// still clears it the way Jira offers, on the login page, with the token.
func TestLoginFormTokenCaptcha(t *testing.T) {
	h := newHarness(t, Options{})
	for range 3 {
		h.do(req{path: "/rest/api/2/myself", basic: "fred:wrong"})
	}
	page := h.do(req{path: "/login.jsp?os_username=fred", header: map[string]string{"User-Agent": firefox}})
	want{body: []string{`id="captcha-word"`}}.check(t, "CAPTCHA shown", page)
	tok := attr(t, page.body, "login-form-token", "value")
	res := h.do(browserPost("/login.jsp", "os_username=fred&os_password=fred&os_captcha="+captchaWord+"&atl_token="+url.QueryEscape(tok), h.srv.URL, xsrfCookie+"="+tok))
	want{status: 302, headers: map[string]string{"X-Seraph-LoginReason": "OK"}}.check(t, "CAPTCHA answered", res)
}

// TestFormTokenScripts: a client that is no browser may post the login form
// without a token, as Atlassian's own functional tests and the README's
// curl lines do; a token it sends is checked; no-check opts out.
func TestFormTokenScripts(t *testing.T) {
	h := newHarness(t, Options{})
	want{status: 302}.check(t, "curl -d without a token", h.do(formPost("/login.jsp", "os_username=fred&os_password=fred")))
	refused(t, "a script's wrong token", h.do(formPost("/login.jsp", "os_username=fred&os_password=fred&atl_token=nope")))
	r := browserPost("/login.jsp", "os_username=fred&os_password=fred", "https://evil.example", "")
	r.header["X-Atlassian-Token"] = "no-check"
	want{status: 302}.check(t, "X-Atlassian-Token: no-check", h.do(r))
	// An Origin marks a browser even without its User-Agent.
	r = formPost("/login.jsp", "os_username=fred&os_password=fred")
	r.header = map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example"}
	refused(t, "Origin without a browser User-Agent", h.do(r))
}

// TestIdPFormToken: the identity provider's form carries the token too. The
// lab's page posts it through the proxy (User-Agent JiraAuthLab, no
// Origin, no cookie) with username alone, and that keeps working.
func TestIdPFormToken(t *testing.T) {
	h := newHarness(t, Options{})
	idp := h.do(req{path: "/plugins/servlet/sso/login", header: map[string]string{"User-Agent": firefox}})
	tok := attr(t, idp.body, "idp-token", "value")
	if tok == "" || tok != tokenCookie(idp) {
		t.Fatalf("idp form token %q; want the cookie's %q", tok, tokenCookie(idp))
	}
	refused(t, "cross-site IdP post", h.do(browserPost("/plugins/servlet/sso/login", "username=sso-user", "https://evil.example", "")))
	want{status: 200, body: []string{`id="sso-cookie">JSESSIONID=`}}.check(t, "browser with the token",
		h.do(browserPost("/plugins/servlet/sso/login", "username=sso-user&atl_token="+url.QueryEscape(tok), h.srv.URL, xsrfCookie+"="+tok)))
	page := req{method: "POST", path: "/plugins/servlet/sso/login", body: "username=sso-user",
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "JiraAuthLab/dev", "Sec-Fetch-Site": "same-origin"}}
	want{status: 200, body: []string{`id="sso-cookie">JSESSIONID=`}}.check(t, "the lab page's post", h.do(page))
}

// TestWebSudoFormToken: WebSudo's form carries the session's token.
func TestWebSudoFormToken(t *testing.T) {
	h := newHarness(t, Options{})
	admin := h.login("admin", "admin")
	page := h.do(req{path: "/secure/admin/WebSudoAuthenticate.jspa", cookie: admin})
	tok := attr(t, page.body, "websudo-token", "value")
	post := func(form string) req {
		return browserPost("/secure/admin/WebSudoAuthenticate.jspa", form, h.srv.URL, sessionCookie+"="+admin)
	}
	refused(t, "without the token", h.do(post("webSudoPassword=admin")))
	want{status: 401}.check(t, "still required", h.do(req{path: "/rest/api/2/application-properties", cookie: admin}))
	want{status: 200, body: []string{`id="websudo-ok"`}}.check(t, "with the session's token", h.do(post("webSudoPassword=admin&atl_token="+url.QueryEscape(tok))))
}
