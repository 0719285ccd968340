package sandbox

import (
	"crypto/tls"
	"jiraauthlab/internal/testkit"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// User-Agents as browsers and tools send them.
const (
	firefoxUA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
	chromeUA  = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
	ie11UA    = "Mozilla/5.0 (Windows NT 10.0; Trident/7.0; rv:11.0) like Gecko"
	labUA     = "JiraAuthLab/1.0"
)

// TestXSRFFilter walks XsrfResourceFilter's three steps.
func TestXSRFFilter(t *testing.T) {
	var logs testkit.SyncBuffer
	h := newHarness(t, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	sid := h.login("fred", "fred")
	self := h.srv.URL
	search := func(hdr map[string]string) req {
		m := map[string]string{"Content-Type": "application/json"}
		for k, v := range hdr {
			m[k] = v
		}
		return req{method: "POST", path: "/rest/api/2/search", cookie: sid, body: `{"jql":""}`, header: m}
	}
	// A multipart POST to the attachments resource (which consumes only
	// that): whatever passes the filter is then refused by the resource as
	// malformed (400), so the status tells which step stopped it.
	form := func(hdr map[string]string) req {
		r := search(hdr)
		r.path, r.body = "/rest/api/2/issue/TEST-1/attachments", "x"
		if _, ok := hdr["Content-Type"]; !ok {
			r.header["Content-Type"] = "multipart/form-data; boundary=B"
		}
		return r
	}
	xsrf := want{status: 403, headers: map[string]string{"Content-Type": "text/plain;charset=UTF-8"}, body: []string{"XSRF check failed"}}
	passed := want{status: 200}
	tests := []httpCase{
		// Step 1: browsers.
		{"browser POST without Origin or Referer", search(map[string]string{"User-Agent": firefoxUA}), xsrf},
		{"browser POST from another origin", search(map[string]string{"User-Agent": chromeUA, "Origin": "http://evil.example"}), xsrf},
		{"browser POST from another origin with no-check", search(map[string]string{"User-Agent": chromeUA, "Origin": "http://evil.example", "X-Atlassian-Token": "no-check"}), xsrf},
		{"browser POST with own Origin", search(map[string]string{"User-Agent": chromeUA, "Origin": self}), passed},
		{"browser POST with own Referer", search(map[string]string{"User-Agent": chromeUA, "Referer": self + "/secure/Dashboard.jspa?x=1"}), passed},
		{"browser POST from a Chrome extension", search(map[string]string{"User-Agent": chromeUA, "Origin": "chrome-extension://abcdef"}), passed},
		{"browser POST from a Firefox extension", search(map[string]string{"User-Agent": firefoxUA, "Origin": "moz-extension://abcdef"}), xsrf},
		{"browser POST with Origin null", search(map[string]string{"User-Agent": firefoxUA, "Origin": "null"}), xsrf},
		{"curl -A 'Mozilla/5.0' is no browser", search(map[string]string{"User-Agent": "Mozilla/5.0", "Origin": "http://evil.example"}), passed},
		{"curl -A with a real browser string", search(map[string]string{"User-Agent": chromeUA}), xsrf},
		{"the lab's own user agent is no browser", search(map[string]string{"User-Agent": labUA, "Origin": "http://evil.example"}), passed},
		{"IE 11 with no-check is not judged as a browser", search(map[string]string{"User-Agent": ie11UA, "Origin": "http://evil.example", "X-Atlassian-Token": "no-check"}), passed},
		{"IE 11 without the header is", search(map[string]string{"User-Agent": ie11UA, "Origin": "http://evil.example"}), xsrf},
		{"browser DELETE from another origin is only logged", req{method: "DELETE", path: "/rest/auth/1/session", basic: "admin:admin",
			header: map[string]string{"User-Agent": firefoxUA, "Origin": "http://evil.example"}}, want{status: 204}},
		{"browser session login without Origin", req{method: "POST", path: "/rest/auth/1/session", body: `{"username":"fred","password":"fred"}`,
			header: map[string]string{"Content-Type": "application/json", "User-Agent": firefoxUA}}, xsrf},
		{"browser session login from Jira's own page", req{method: "POST", path: "/rest/auth/1/session", body: `{"username":"fred","password":"fred"}`,
			header: map[string]string{"Content-Type": "application/json", "User-Agent": firefoxUA, "Origin": self}}, passed},
		// Step 2: what a form can send.
		{"multipart POST", form(nil), xsrf},
		{"multipart POST with no-check", form(map[string]string{"X-Atlassian-Token": "no-check"}), want{status: 400}},
		{"no-check in any case", form(map[string]string{"X-Atlassian-Token": "No-Check"}), want{status: 400}},
		{"deprecated nocheck", form(map[string]string{"X-Atlassian-Token": "NoCheck"}), want{status: 400}},
		{"another token value", form(map[string]string{"X-Atlassian-Token": "yes"}), xsrf},
		{"multipart with the session's atl_token", func() req {
			r := form(nil)
			r.path += "?atl_token=" + url.QueryEscape(h.xsrfToken(sid))
			return r
		}(), want{status: 400}},
		{"multipart with a wrong atl_token", func() req {
			r := form(nil)
			r.path += "?atl_token=nope"
			return r
		}(), xsrf},
		{"text/plain to a multipart resource is 415 before XSRF", form(map[string]string{"Content-Type": "text/plain"}), want{status: 415}},
		{"form-encoded POST to a JSON resource is 415 before XSRF", search(map[string]string{"Content-Type": "application/x-www-form-urlencoded", "User-Agent": firefoxUA}),
			want{status: 415}},
		{"no content type at all", req{method: "POST", path: "/rest/api/2/search", cookie: sid, body: `{"jql":""}`}, xsrf},
		{"a PUT form is only logged", req{method: "PUT", path: "/rest/api/2/search", cookie: sid, header: map[string]string{"Content-Type": "text/plain"}},
			want{status: 405}},
		// Step 3.
		{"JSON from a non-browser client", search(nil), passed},
		{"not a REST resource", req{method: "POST", path: "/_sandbox/reset", header: map[string]string{"Content-Type": "text/plain"}}, passed},
	}
	h.runCases(tests)
	for _, want := range []string{"XSRF checks failed for request", "XSRF failure not being enforced", "deprecated"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}

// xsrfToken returns the atlassian.xsrf.token of session sid.
func (h *harness) xsrfToken(sid string) string {
	h.t.Helper()
	_, ref, ok := h.sb.store.session(sid)
	if !ok {
		h.t.Fatalf("no session %s", sid)
	}
	return ref.xsrf
}

// TestExpiredCookie: Seraph's SecurityFilter refuses a REST request whose
// JSESSIONID names no live session, except under /rest/auth/.
func TestExpiredCookie(t *testing.T) {
	h := newHarness(t, Options{IdleTimeout: time.Hour})
	live := h.login("fred", "fred")
	expired := h.login("fred", "fred")
	h.clock.Advance(30 * time.Minute)
	h.do(req{path: "/rest/api/2/myself", cookie: live})
	h.clock.Advance(45 * time.Minute) // expired: 75 idle minutes; live: 45
	tok := h.token("admin:admin")
	invalid := want{status: 401, headers: map[string]string{"Content-Type": "text/html;charset=UTF-8", "X-AUSERNAME": "anonymous", "X-Seraph-LoginReason": ""},
		body: []string{"<title>Unauthorized (401)</title>", "os_authType was &#39;any&#39; and an invalid cookie was sent."}}
	var tests []httpCase
	for _, path := range []string{"/rest/api/2/search?jql=", "/rest/api/2/serverInfo", "/rest/api/2/myself", "/rest/api/2/issue/TEST-1",
		"/rest/api/2/field", "/rest/api/2/password/policy", "/jira/rest/api/latest/serverInfo", "/rest/pat/latest/tokens", "/rest/api/2/nothing"} {
		tests = append(tests,
			httpCase{"expired on " + path, req{path: path, cookie: expired}, invalid},
			httpCase{"unknown on " + path, req{path: path, cookie: "0123456789ABCDEF"}, invalid})
	}
	tests = append(tests,
		httpCase{"live cookie", req{path: "/rest/api/2/myself", cookie: live}, want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred"}}},
		httpCase{"no cookie is anonymous", req{path: "/rest/api/2/serverInfo"}, want{status: 200, headers: map[string]string{"X-AUSERNAME": "anonymous"}}},
		httpCase{"/rest/auth/ answers for itself", req{path: "/rest/auth/1/session", cookie: expired},
			want{status: 401, body: []string{"You are not authenticated"}}},
		httpCase{"/rest/auth/ lets the caller log in again", req{method: "POST", path: "/rest/auth/1/session", cookie: expired, header: jsonHeader,
			body: `{"username":"fred","password":"fred"}`}, want{status: 200}},
		httpCase{"outside /rest/ the cookie is ignored", req{path: "/secure/Dashboard.jspa", cookie: expired},
			want{status: 200, body: []string{"You are not logged in"}}},
		httpCase{"basic auth beside it logs in afresh", req{path: "/rest/api/2/myself", cookie: expired, basic: "fred:fred"},
			want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred"}, match: map[string]string{"Set-Cookie": "^JSESSIONID="}}},
		httpCase{"a token beside it does not (the token filter runs after Seraph)", req{path: "/rest/api/2/myself", cookie: expired,
			header: map[string]string{"Authorization": "Bearer " + tok}}, invalid},
		httpCase{"os_authType=none opts out", req{path: "/rest/api/2/serverInfo?os_authType=none", cookie: expired},
			want{status: 200, headers: map[string]string{"X-AUSERNAME": "anonymous"}}},
		httpCase{"os_authType=any outside /rest/", req{path: "/secure/Dashboard.jspa?os_authType=any", cookie: expired}, invalid},
		httpCase{"os_authType=cookie without a cookie", req{path: "/secure/Dashboard.jspa?os_authType=cookie"},
			want{status: 401, body: []string{"os_authType was &#39;cookie&#39; but no valid cookie was sent."}}},
	)
	h.runCases(tests)
}

// token creates a personal access token with basic credentials.
func (h *harness) token(basic string) string {
	h.t.Helper()
	res := h.do(req{method: "POST", path: "/rest/pat/latest/tokens", basic: basic, header: jsonHeader, body: `{"name":"t"}`})
	var tok tokenView
	res.decode(h.t, &tok)
	return tok.RawToken
}

// TestMoreRealAnswers covers JIRA-FACTS.md's "More real answers".
func TestMoreRealAnswers(t *testing.T) {
	h := newHarness(t, Options{CaptchaLimit: 1})
	admin := h.login("admin", "admin")
	h.do(req{path: "/rest/api/2/myself", basic: "unverified:wrong"}) // CAPTCHA from now on
	realm := `OAuth realm="` + url.QueryEscape(h.srv.URL) + `"`
	tests := []httpCase{
		{"basic auth opens a session", req{path: "/rest/api/2/myself", basic: "fred:fred"},
			want{status: 200, match: map[string]string{"X-ASESSIONID": `^[0-9a-z]{7}$`, "Set-Cookie": `^JSESSIONID=[0-9A-F]{32}; Path=/; HttpOnly$`}}},
		{"under /jira its cookies are rooted there", req{path: "/jira/rest/api/2/myself", basic: "fred:fred"},
			want{status: 200, match: map[string]string{"Set-Cookie": `^JSESSIONID=[0-9A-F]{32}; Path=/jira; HttpOnly$`}}},
		{"session login under /jira too", req{method: "POST", path: "/jira/rest/auth/1/session", header: jsonHeader, body: `{"username":"fred","password":"fred"}`},
			want{status: 200, match: map[string]string{"Set-Cookie": `^JSESSIONID=[0-9A-F]{32}; Path=/jira; HttpOnly$`}}},
		{"failed basic auth: Jira's 401 page", req{path: "/rest/api/2/serverInfo", basic: "admin:nope"},
			want{status: 401, headers: map[string]string{"WWW-Authenticate": realm, "X-Seraph-LoginReason": "AUTHENTICATED_FAILED", "Content-Type": "text/html;charset=UTF-8"},
				body: []string{"<title>Unauthorized (401)</title>", "<h1>Unauthorized (401)</h1>", `class="aui-message aui-message-warning warning"`,
					"Encountered a <code>&quot;401 - Unauthorized&quot;</code> error", "<p>Basic Authentication Failure - Reason : AUTHENTICATED_FAILED</p>",
					`href="/secure/MyJiraHome.jspa"`}}},
		{"the CAPTCHA refusal: Jira's 403 page", req{path: "/jira/rest/api/2/myself", basic: "unverified:unverified"},
			want{status: 403, headers: map[string]string{"WWW-Authenticate": `OAuth realm="` + url.QueryEscape(h.srv.URL+"/jira") + `"`,
				"X-Seraph-LoginReason": "AUTHENTICATION_DENIED", "X-Authentication-Denied-Reason": "CAPTCHA_CHALLENGE; login-url=" + h.srv.URL + "/jira/login.jsp"},
				body: []string{"<title>Forbidden (403)</title>", "Basic Authentication Failure - Reason : AUTHENTICATION_DENIED", `href="/jira/secure/MyJiraHome.jspa"`}}},
		{"WebSudo", req{path: "/rest/api/2/application-properties", cookie: admin},
			want{status: 401, body: []string{`{"message":"This resource requires WebSudo.","status-code":401}`}}},
		{"os_authType=basic challenges an anonymous caller", req{path: "/rest/api/2/serverInfo?os_authType=basic"},
			want{status: 401, headers: map[string]string{"WWW-Authenticate": `Basic realm="protected-area"`, "Content-Type": "text/html;charset=UTF-8"}}},
		{"os_authType=basic with credentials", req{path: "/rest/api/2/serverInfo?os_authType=basic", basic: "fred:fred"},
			want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred"}}},
		{"os_authType=BASIC is not the challenge", req{path: "/rest/api/2/serverInfo?os_authType=BASIC"}, want{status: 200}},
		{"password policy 400 has no body", req{method: "POST", path: "/rest/api/2/password/policy/createUser", header: jsonHeader, body: `{"username":"x"}`},
			want{status: 400, headers: map[string]string{"Content-Type": ""}}},
		{"password policy 404 has no body", req{method: "POST", path: "/rest/api/2/password/policy/updateUser", header: jsonHeader, body: `{"username":"ghost","newPassword":"x"}`},
			want{status: 404, headers: map[string]string{"Content-Type": ""}}},
		{"Go to Jira home", req{path: "/secure/MyJiraHome.jspa"}, want{status: 302, headers: map[string]string{"Location": h.srv.URL + "/secure/Dashboard.jspa"}}},
	}
	h.runCases(tests)
	// Empty bodies really are empty.
	for _, r := range tests[9:11] {
		if res := h.do(r.req); res.body != "" {
			t.Errorf("%s: body %q; want none", r.name, res.body)
		}
	}
}

// TestSecurityHeaders: every answer carries Jira 8.20's security headers.
func TestSecurityHeaders(t *testing.T) {
	h := newHarness(t, Options{})
	common := map[string]string{"Referrer-Policy": "strict-origin-when-cross-origin", "X-XSS-Protection": "1; mode=block",
		"X-Content-Type-Options": "nosniff", "X-Frame-Options": "SAMEORIGIN", "Strict-Transport-Security": ""}
	with := func(csp string) map[string]string {
		m := map[string]string{"Content-Security-Policy": csp}
		for k, v := range common {
			m[k] = v
		}
		return m
	}
	tests := []httpCase{
		{"JSON", req{path: "/rest/api/2/serverInfo"}, want{status: 200, headers: with("sandbox")}},
		{"JSON error", req{path: "/rest/api/2/nothing"}, want{status: 404, headers: with("sandbox")}},
		{"HTML page", req{path: "/login.jsp"}, want{status: 200, headers: with("frame-ancestors 'self'")}},
		{"HTML error page", req{path: "/rest/api/2/myself", basic: "fred:x"}, want{status: 401, headers: with("frame-ancestors 'self'")}},
		{"XSRF refusal", req{method: "POST", path: "/rest/api/2/search", body: "{}"}, want{status: 403, headers: with("sandbox")}},
		{"no content", req{method: "DELETE", path: "/rest/auth/1/session", basic: "fred:fred"}, want{status: 204, headers: with("sandbox")}},
		{"redirect", req{path: "/"}, want{status: 302, headers: with("sandbox")}},
	}
	h.runCases(tests)

	// Strict-Transport-Security only over TLS, as in the https capture.
	srv := httptest.NewTLSServer(New(Options{}))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	res, err := client.Get(srv.URL + "/rest/api/2/myself?os_authType=none")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
		t.Errorf("TLS: Strict-Transport-Security = %q; want max-age=31536000", got)
	}
}

// TestJiraHeaderSpelling: Jira's headers go out as Jira spells them.
func TestJiraHeaderSpelling(t *testing.T) {
	sb := New(Options{})
	tests := []struct {
		name string
		auth string
		keys []string
	}{
		{"basic auth", "Basic ZnJlZDpmcmVk", []string{"X-AREQUESTID", "X-AUSERNAME", "X-ASESSIONID", "X-Seraph-LoginReason", "X-XSS-Protection", "Content-Security-Policy"}},
		{"failed basic auth", "Basic ZnJlZDp4", []string{"X-AREQUESTID", "X-AUSERNAME", "X-Seraph-LoginReason", "WWW-Authenticate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// httptest's example.com is not a name of the sandbox (hostPolicy).
			r := httptest.NewRequest("GET", "http://127.0.0.1:8090/rest/api/2/myself", nil)
			r.Header.Set("Authorization", tt.auth)
			w := httptest.NewRecorder()
			sb.ServeHTTP(w, r)
			for _, k := range tt.keys {
				if _, ok := w.Header()[k]; !ok {
					t.Errorf("header %q not spelled as Jira spells it: %v", k, w.Header())
				}
				if canon := http.CanonicalHeaderKey(k); canon != k {
					if _, dup := w.Header()[canon]; dup {
						t.Errorf("header %q also sent as %q", k, canon)
					}
				}
			}
		})
	}
}

// TestAuthenticationBeforeRouting: Seraph runs before Jersey routes.
func TestAuthenticationBeforeRouting(t *testing.T) {
	h := newHarness(t, Options{})
	sid := h.login("fred", "fred")
	h.runCases([]httpCase{
		{"valid basic auth, unknown path", req{path: "/rest/api/2/nothing", basic: "fred:fred"},
			want{status: 404, headers: map[string]string{"X-AUSERNAME": "fred", "X-Seraph-LoginReason": "OK"}}},
		{"valid cookie, unknown path", req{path: "/rest/api/2/nothing", cookie: sid}, want{status: 404, headers: map[string]string{"X-AUSERNAME": "fred"}}},
		{"bad credentials, unknown path", req{path: "/rest/api/2/nothing", basic: "fred:x"},
			want{status: 401, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"}}},
		{"valid basic auth, wrong method", req{method: "DELETE", path: "/rest/api/2/search", basic: "fred:fred"},
			want{status: 405, headers: map[string]string{"X-AUSERNAME": "fred"}}},
		{"bad credentials, wrong method", req{method: "DELETE", path: "/rest/api/2/search", basic: "fred:x"}, want{status: 401}},
		{"control endpoints never authenticate", req{path: "/_sandbox/nothing", basic: "fred:x"}, want{status: 404}},
	})
}

// TestFieldResource: GET /rest/api/2/field in Jira's shape.
func TestFieldResource(t *testing.T) {
	h := newHarness(t, Options{})
	res := h.do(req{path: "/rest/api/2/field"})
	want{status: 200, headers: map[string]string{"Content-Type": jsonContentType},
		body: []string{`{"id":"summary","name":"Summary","custom":false,"orderable":true,"navigable":true,"searchable":true,"clauseNames":["summary"],"schema":{"type":"string","system":"summary"}}`,
			`"clauseNames":["issuetype","type"]`, `{"id":"issuekey","name":"Key"`}}.check(t, "fields", res)
	var fields []fieldJSON
	res.decode(t, &fields)
	for _, id := range []string{"summary", "status", "issuetype", "assignee", "reporter", "created", "updated", "project"} {
		found := false
		for _, f := range fields {
			found = found || f.ID == id
		}
		if !found {
			t.Errorf("field %s missing", id)
		}
	}
}

// TestJacksonMessages: a body Jackson could not read is answered in
// Jackson's words, never Go's.
func TestJacksonMessages(t *testing.T) {
	h := newHarness(t, Options{})
	tests := []struct{ name, body, want string }{
		{"letter", `x`, `Unexpected character ('x' (code 120)): expected a valid value (number, String, array, object, 'true', 'false' or 'null')\n at [Source: org.apache.catalina.connector.CoyoteInputStream@5c1c4a7f; line: 1, column: 2]`},
		{"field name", `{username:"fred"}`, `Unexpected character ('u' (code 117)): was expecting double-quote to start field name`},
		{"colon", `{"username" "fred"}`, `was expecting a colon to separate field name and value`},
		{"comma", `{"username":"fred" "password":"x"}`, `was expecting comma to separate OBJECT entries`},
		{"truncated", `{"username":"fred",`, `Unexpected end-of-input: expected close marker for OBJECT`},
		{"open string", `{"username":"fr`, `Unexpected end-of-input: was expecting closing quote for a string value`},
		{"token", `{"username":tru}`, `Unrecognized token 'tru': was expecting ('true', 'false' or 'null')`},
		{"control character", "{\"username\":\"a\nb\"}", `Illegal unquoted character ((CTRL-CHAR, code 10))`},
		{"second line", "{\n  \"username\": x}", `line: 2, column: 16]`},
		{"wrong type", `{"username":"fred","password":["x"]}`, `Can not deserialize instance of java.lang.String out of START_ARRAY token (through reference chain: com.atlassian.jira.rest.auth.AuthParams[\"password\"])`},
		{"array body", `[]`, `Can not deserialize instance of com.atlassian.jira.rest.auth.AuthParams out of START_ARRAY token`},
		{"trailing data", `{"username":"fred","password":"fred"} x`, `Unexpected character ('x' (code 120))`},
		{"invalid UTF-8", "\xff", `Invalid UTF-8 start byte 0xff`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := h.do(req{method: "POST", path: "/rest/auth/1/session", header: jsonHeader, body: tt.body})
			want{status: 400, body: []string{tt.want}, notBody: []string{"json:", "Go ", "unmarshal", "struct"}}.check(t, tt.name, res)
			res.jiraError(t)
		})
	}
}

func TestBrowserFamily(t *testing.T) {
	tests := []struct {
		ua      string
		browser bool
	}{
		{firefoxUA, true}, {chromeUA, true}, {ie11UA, true},
		{"Mozilla/5.0", false}, {"curl/8.5.0", false}, {"Go-http-client/1.1", false}, {"python-requests/2.28.1", false},
		{"go-jira", false}, {labUA, false}, {"", false}, {"Opera/9.80", true}, {"Googlebot/2.1", true},
	}
	for _, tt := range tests {
		t.Run(tt.ua, func(t *testing.T) {
			if _, got := browserFamily(tt.ua); got != tt.browser {
				t.Errorf("browserFamily(%q) = %v; want %v", tt.ua, got, tt.browser)
			}
		})
	}
}

func TestSameOrigin(t *testing.T) {
	tests := []struct {
		raw, self string
		want      bool
	}{
		{"http://jira.example:8080", "http://jira.example:8080", true},
		{"http://JIRA.example:8080/secure/x", "http://jira.example:8080", true},
		{"http://jira.example:80", "http://jira.example", true},
		{"https://jira.example", "http://jira.example", false},
		{"http://jira.example:8081", "http://jira.example:8080", false},
		{"null", "http://jira.example", false},
		{"", "http://jira.example", false},
		{"//jira.example", "http://jira.example", false},
		{"http://[::1", "http://jira.example", false},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			if got := sameOrigin(tt.raw, tt.self); got != tt.want {
				t.Errorf("sameOrigin(%q, %q) = %v; want %v", tt.raw, tt.self, got, tt.want)
			}
		})
	}
}
