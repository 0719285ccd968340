package sandbox

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

const basicFailure = "Basic Authentication Failure - Reason : AUTHENTICATED_FAILED"

func TestBasicAuth(t *testing.T) {
	h := newHarness(t, Options{})
	tests := []httpCase{
		{"correct password", req{path: "/rest/api/2/myself", basic: "fred:fred"},
			want{status: 200, headers: map[string]string{"X-Seraph-LoginReason": "OK", "X-AUSERNAME": "fred"},
				match: map[string]string{"X-ASESSIONID": `^[0-9a-z]{7}$`, "Set-Cookie": `^JSESSIONID=[0-9A-F]{32}; Path=/; HttpOnly$`}, body: []string{`"name":"fred"`}}},
		{"user name is case-insensitive", req{path: "/rest/api/2/myself", basic: "FRED:fred"},
			want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred"}}},
		{"seed 000 header by hand", req{path: "/rest/api/2/myself", header: map[string]string{"Authorization": "Basic ZnJlZDpmcmVk"}},
			want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred"}}},
		{"wrong password", req{path: "/rest/api/2/myself", basic: "admin:nope"},
			want{status: 401, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATED_FAILED", "Content-Type": "text/html;charset=UTF-8", "X-AUSERNAME": "anonymous",
				"WWW-Authenticate": `OAuth realm="` + url.QueryEscape(h.srv.URL) + `"`},
				body: []string{basicFailure, "<title>Unauthorized (401)</title>"}}},
		{"wrong password on an anonymous resource", req{path: "/rest/api/2/serverInfo", basic: "admin:nope"},
			want{status: 401, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"}}},
		{"unknown user", req{path: "/rest/api/2/myself", basic: "nobody:x"},
			want{status: 401, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"}, body: []string{basicFailure}}},
		{"undecodable credentials", req{path: "/rest/api/2/myself", header: map[string]string{"Authorization": "Basic !!!"}},
			want{status: 401, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"}}},
		{"sso-user has no usable password", req{path: "/rest/api/2/issue/TEST-1", basic: "sso-user:sso-user"},
			want{status: 401, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATED_FAILED", "Content-Type": "text/html;charset=UTF-8"}}},
		{"unverified may use basic auth", req{path: "/rest/api/2/myself", basic: "unverified:unverified"},
			want{status: 200, headers: map[string]string{"X-AUSERNAME": "unverified"}}},
		{"unknown scheme is anonymous", req{path: "/rest/api/2/serverInfo", header: map[string]string{"Authorization": "Negotiate abc"}},
			want{status: 200, headers: map[string]string{"X-AUSERNAME": "anonymous", "X-Seraph-LoginReason": ""}}},
		{"anonymous gets no challenge", req{path: "/rest/api/2/myself"},
			want{status: 401, headers: map[string]string{"WWW-Authenticate": "", "X-Seraph-LoginReason": "", "X-AUSERNAME": "anonymous"},
				body: []string{"You are not authenticated. Authentication required to perform this operation."}}},
	}
	h.runCases(tests)
}

func TestCommonHeaders(t *testing.T) {
	h := newHarness(t, Options{})
	sid := h.login("fred", "fred")
	for _, r := range []req{
		{path: "/rest/api/2/serverInfo"},
		{path: "/rest/api/2/myself", cookie: sid},
		{path: "/rest/api/2/nothing"},
		{path: "/login.jsp"},
		{path: "/login.jsp", cookie: sid},
		{path: "/plugins/servlet/sso/login", cookie: sid},
		{method: "POST", path: "/rest/auth/1/session", cookie: sid, header: jsonHeader},
		{method: "POST", path: "/rest/api/2/issue/QA-31/attachments", cookie: sid, header: map[string]string{"Content-Type": "multipart/form-data; boundary=x"}},
	} {
		res := h.do(r)
		name := r.method + " " + r.path
		want{match: map[string]string{"X-AREQUESTID": `^\d+x\d+x\d+$`, "X-AUSERNAME": `^(anonymous|fred)$`},
			headers: map[string]string{"Cache-Control": "no-cache, no-store, no-transform"}}.check(t, name, res)
		if r.cookie != "" && !regexp.MustCompile(`^[0-9a-z]{7}$`).MatchString(res.header.Get("X-ASESSIONID")) {
			t.Errorf("%s: X-ASESSIONID = %q; want a short session id", name, res.header.Get("X-ASESSIONID"))
		}
		if strings.HasPrefix(res.body, "{") && res.header.Get("Content-Type") != jsonContentType {
			t.Errorf("%s: Content-Type = %q; want %q", name, res.header.Get("Content-Type"), jsonContentType)
		}
	}
}

func TestSessionResource(t *testing.T) {
	h := newHarness(t, Options{})
	sessionWant := want{status: 200,
		headers: map[string]string{"X-Seraph-LoginReason": "OK", "X-AUSERNAME": "fred"},
		match:   map[string]string{"X-ASESSIONID": `^[0-9a-z]{7}$`},
		body:    []string{`{"session":{"name":"JSESSIONID","value":"`, `"loginInfo":{`}}
	loginFailed := want{status: 401,
		headers: map[string]string{"WWW-Authenticate": "JIRA REST POST", "X-Seraph-LoginReason": "AUTHENTICATED_FAILED"},
		body:    []string{`{"errorMessages":["Login failed"],"errors":{}}`}}
	tests := []httpCase{
		{"login", req{method: "POST", body: `{"username":"fred","password":"fred"}`, header: jsonHeader}, sessionWant},
		{"login via /jira and latest", req{method: "POST", path: "/jira/rest/auth/latest/session", body: `{"username":"fred","password":"fred"}`, header: jsonHeader}, sessionWant},
		{"login with charset", req{method: "POST", body: `{"username":"admin","password":"admin"}`, header: map[string]string{"Content-Type": "application/json; charset=utf-8"}},
			want{status: 200, headers: map[string]string{"X-AUSERNAME": "admin"}}},
		{"wrong password", req{method: "POST", body: `{"username":"admin","password":"x"}`, header: jsonHeader}, loginFailed},
		{"unknown user", req{method: "POST", body: `{"username":"ghost","password":"x"}`, header: jsonHeader}, loginFailed},
		{"empty strings", req{method: "POST", body: `{"username":"","password":""}`, header: jsonHeader}, loginFailed},
		{"sso-user", req{method: "POST", body: `{"username":"sso-user","password":"sso-user"}`, header: jsonHeader}, loginFailed},
		{"unverified email", req{method: "POST", body: `{"username":"unverified","password":"unverified"}`, header: jsonHeader},
			want{status: 409, headers: map[string]string{"Set-Cookie": ""}, body: []string{"not verified"}}},
		{"no body", req{method: "POST", header: jsonHeader}, want{status: 400, body: []string{"missing"}}},
		{"no body, right basic auth (seed 002)", req{method: "POST", header: jsonHeader, basic: "fred:fred"}, want{status: 400}},
		{"no body, wrong basic auth", req{method: "POST", header: jsonHeader, basic: "fred:nope"}, want{status: 400}},
		// No media type is what a cross-site form could send: the XSRF filter
		// refuses it before the resource reads the (absent) body.
		{"no body, no content type", req{method: "POST"}, want{status: 403, body: []string{"XSRF check failed"}}},
		{"no body, no content type, no-check", req{method: "POST", header: map[string]string{"X-Atlassian-Token": "no-check"}}, want{status: 400}},
		{"malformed JSON", req{method: "POST", body: `{"username":`, header: jsonHeader}, want{status: 400, body: []string{"Unexpected end-of-input: expected close marker for OBJECT"}}},
		{"trailing data", req{method: "POST", body: `{"username":"fred","password":"fred"} x`, header: jsonHeader}, want{status: 400}},
		{"array body", req{method: "POST", body: `[]`, header: jsonHeader}, want{status: 400}},
		{"number as password", req{method: "POST", body: `{"username":"fred","password":1}`, header: jsonHeader}, want{status: 400}},
		{"missing password", req{method: "POST", body: `{"username":"fred"}`, header: jsonHeader}, want{status: 400, body: []string{`\"password\"`}}},
		{"wrong content type", req{method: "POST", body: `{"username":"fred","password":"fred"}`, header: map[string]string{"Content-Type": "text/xml"}}, want{status: 415}},
		{"missing content type", req{method: "POST", body: `{"username":"fred","password":"fred"}`}, want{status: 403, body: []string{"XSRF check failed"}}},
		{"missing content type, no-check", req{method: "POST", body: `{"username":"fred","password":"fred"}`, header: map[string]string{"X-Atlassian-Token": "no-check"}}, want{status: 415}},
		// curl -d without -H "Content-Type: application/json": Jersey refuses
		// the media type before the XSRF filter runs.
		{"form content type is unsupported", req{method: "POST", body: `username=fred&password=fred`, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}},
			want{status: 415}},
		{"GET anonymous", req{}, want{status: 401, body: []string{"You are not authenticated"}}},
		{"GET with basic auth (seed 002)", req{basic: "fred:fred"}, want{status: 200, headers: map[string]string{"X-Seraph-LoginReason": "OK"},
			body: []string{`"self":"` + h.srv.URL + `/rest/api/latest/user?username=fred"`, `"name":"fred"`, `"loginInfo":{`}}},
		{"DELETE with basic auth (seed 002)", req{method: "DELETE", basic: "fred:fred"}, want{status: 204, headers: map[string]string{"X-Seraph-LoginReason": "OUT"}}},
		{"DELETE anonymous", req{method: "DELETE"}, want{status: 401}},
		{"PUT", req{method: "PUT"}, want{status: 405, headers: map[string]string{"Allow": "DELETE, GET, HEAD, POST"}}},
	}
	for i := range tests {
		if tests[i].req.path == "" {
			tests[i].req.path = "/rest/auth/1/session"
		}
	}
	h.runCases(tests)
}

func TestSessionCookies(t *testing.T) {
	h := newHarness(t, Options{})
	res := h.do(req{method: "POST", path: "/rest/auth/1/session", header: jsonHeader, body: `{"username":"fred","password":"fred"}`})
	var body struct {
		Session   struct{ Name, Value string }
		LoginInfo map[string]any
	}
	res.decode(t, &body)
	if !regexp.MustCompile(`^[0-9A-F]{32}$`).MatchString(body.Session.Value) {
		t.Errorf("session value %q; want 32 upper-case hex digits", body.Session.Value)
	}
	cookies := res.header.Values("Set-Cookie")
	if len(cookies) != 2 {
		t.Fatalf("Set-Cookie = %q; want JSESSIONID and atlassian.xsrf.token", cookies)
	}
	if want := "JSESSIONID=" + body.Session.Value + "; Path=/; HttpOnly"; cookies[0] != want {
		t.Errorf("Set-Cookie[0] = %q; want %q", cookies[0], want)
	}
	if !regexp.MustCompile(`^atlassian\.xsrf\.token=[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}_[0-9a-f]{40}_lin; Path=/$`).MatchString(cookies[1]) {
		t.Errorf("Set-Cookie[1] = %q; want Jira's xsrf token form", cookies[1])
	}
	// Fred's first login shows JIRA-FACTS.md's loginInfo.
	wantInfo := map[string]any{"failedLoginCount": 1.0, "loginCount": 12.0,
		"lastFailedLoginTime": "2016-01-27T07:30:51.349+0000", "previousLoginTime": "2016-01-27T07:31:14.351+0000"}
	for k, v := range wantInfo {
		if body.LoginInfo[k] != v {
			t.Errorf("loginInfo[%s] = %v; want %v", k, body.LoginInfo[k], v)
		}
	}

	sid := body.Session.Value
	want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred", "X-Seraph-LoginReason": ""}}.check(t, "GET with cookie",
		h.do(req{path: "/rest/auth/1/session", cookie: sid}))
	want{status: 200, body: []string{`"key":"QA-31"`}}.check(t, "cookie reaches protected issue",
		h.do(req{path: "/rest/api/2/issue/QA-31", cookie: sid}))
	want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred"}}.check(t, "cookie wins over wrong basic auth",
		h.do(req{path: "/rest/api/2/myself", cookie: sid, basic: "fred:wrong"}))
	want{status: 200, headers: map[string]string{"X-AUSERNAME": "admin"}}.check(t, "unknown cookie falls back to basic auth",
		h.do(req{path: "/rest/api/2/myself", cookie: "0000", basic: "admin:admin"}))
	want{status: 204, headers: map[string]string{"X-Seraph-LoginReason": "OUT", "X-AUSERNAME": "anonymous", "X-ASESSIONID": ""}}.check(t, "logout",
		h.do(req{method: "DELETE", path: "/rest/auth/1/session", cookie: sid}))
	want{status: 401}.check(t, "GET after logout", h.do(req{path: "/rest/auth/1/session", cookie: sid}))
	want{status: 401}.check(t, "issue after logout", h.do(req{path: "/rest/api/2/issue/QA-31", cookie: sid}))

	// A new login ends the session the request came with.
	a := h.login("fred", "fred")
	res = h.do(req{method: "POST", path: "/rest/auth/1/session", header: jsonHeader, cookie: a, body: `{"username":"admin","password":"admin"}`})
	want{status: 200}.check(t, "login over a session", res)
	want{status: 401}.check(t, "old session after new login", h.do(req{path: "/rest/api/2/myself", cookie: a}))
}

func TestSessionExpiry(t *testing.T) {
	h := newHarness(t, Options{IdleTimeout: time.Hour})
	sid := h.login("fred", "fred")
	h.clock.Advance(59 * time.Minute)
	want{status: 200}.check(t, "just before the idle timeout", h.do(req{path: "/rest/api/2/myself", cookie: sid}))
	h.clock.Advance(59 * time.Minute) // idle time restarts with each use
	want{status: 200}.check(t, "use restarts the idle time", h.do(req{path: "/rest/api/2/myself", cookie: sid}))
	h.clock.Advance(time.Hour)
	res := h.do(req{path: "/rest/api/2/myself", cookie: sid})
	want{status: 401, headers: map[string]string{"X-AUSERNAME": "anonymous", "X-ASESSIONID": ""},
		body: []string{"an invalid cookie was sent"}}.check(t, "after the idle timeout", res)
	// Corrected by JIRA-FACTS.md: an expired cookie is a 401 even where
	// anonymous may read, not an anonymous search (TestExpiredCookie).
	want{status: 401, body: []string{"an invalid cookie was sent"}}.check(t, "expired cookie is refused on search",
		h.do(req{path: "/rest/api/2/search", cookie: sid}))

	// The default timeout is Jira's 300 minutes.
	h2 := newHarness(t, Options{})
	sid = h2.login("fred", "fred")
	h2.clock.Advance(299 * time.Minute)
	want{status: 200}.check(t, "default: 299 minutes", h2.do(req{path: "/rest/api/2/myself", cookie: sid}))
	h2.clock.Advance(300 * time.Minute)
	want{status: 401}.check(t, "default: 300 minutes idle", h2.do(req{path: "/rest/api/2/myself", cookie: sid}))
}

func TestExpireSessionsEndpoint(t *testing.T) {
	h := newHarness(t, Options{})
	a, b := h.login("fred", "fred"), h.login("admin", "admin")
	want{status: 200, body: []string{`{"expiredSessions":2}`}}.check(t, "expire", h.do(req{method: "POST", path: "/_sandbox/expire-sessions"}))
	for _, sid := range []string{a, b} {
		want{status: 401}.check(t, "after expire-sessions", h.do(req{path: "/rest/auth/1/session", cookie: sid}))
	}
}

func TestSessionTableIsCapped(t *testing.T) {
	h := newHarness(t, Options{MaxSessions: 3, IdleTimeout: time.Hour})
	var sids []string
	for range 5 {
		sids = append(sids, h.login("fred", "fred"))
	}
	for i, sid := range sids {
		wantStatus := 200
		if i < 2 {
			wantStatus = 401 // least recently used, evicted
		}
		want{status: wantStatus}.check(t, fmt.Sprintf("session %d", i), h.do(req{path: "/rest/api/2/myself", cookie: sid}))
	}
	if n := h.sb.store.state().Sessions; n != 3 {
		t.Errorf("sessions = %d; want 3", n)
	}
	// Expired sessions are swept before anything live is evicted.
	h.clock.Advance(2 * time.Hour)
	h.login("admin", "admin")
	if n := h.sb.store.state().Sessions; n != 1 {
		t.Errorf("sessions after sweep = %d; want 1", n)
	}
}

func TestCaptcha(t *testing.T) {
	h := newHarness(t, Options{})
	captchaHeaders := func() map[string]string {
		return map[string]string{
			"X-Seraph-LoginReason":           "AUTHENTICATION_DENIED",
			"X-Authentication-Denied-Reason": "CAPTCHA_CHALLENGE; login-url=" + h.srv.URL + "/login.jsp",
		}
	}
	sessionLogin := func(pw string) req {
		return req{method: "POST", path: "/rest/auth/1/session", header: jsonHeader, body: `{"username":"fred","password":"` + pw + `"}`}
	}
	basic := func(pw string) req { return req{path: "/rest/api/2/myself", basic: "fred:" + pw} }

	type step struct {
		name string
		req  req
		want want
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"session logins", []step{
			{"fail 1", sessionLogin("x"), want{status: 401}},
			{"fail 2", sessionLogin("x"), want{status: 401}},
			{"fail 3", sessionLogin("x"), want{status: 401, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"}}},
			{"denied, right password", sessionLogin("fred"), want{status: 403, headers: captchaHeaders(),
				body: []string{`{"errorMessages":["Login denied"],"errors":{}}`}}},
			{"basic also denied", basic("fred"), want{status: 403, headers: captchaHeaders()}},
			{"other users unaffected", req{path: "/rest/api/2/myself", basic: "admin:admin"}, want{status: 200}},
			{"admin reset", req{method: "POST", path: "/_sandbox/captcha/reset", header: jsonHeader, body: `{"username":"fred"}`},
				want{status: 200, body: []string{`"captchaRequired":false`}}},
			{"login works again", sessionLogin("fred"), want{status: 200}},
		}},
		{"basic and session failures add up", []step{
			{"basic fail", basic("x"), want{status: 401}},
			{"session fail", sessionLogin("x"), want{status: 401}},
			{"basic fail", basic("x"), want{status: 401}},
			{"denied", basic("fred"), want{status: 403, headers: captchaHeaders(),
				body: []string{"AUTHENTICATION_DENIED"}}},
			{"full reset clears it", req{method: "POST", path: "/_sandbox/reset"}, want{status: 200}},
			{"login works again", basic("fred"), want{status: 200}},
		}},
		{"success before the limit resets the count", []step{
			{"fail", sessionLogin("x"), want{status: 401}},
			{"fail", sessionLogin("x"), want{status: 401}},
			{"success", basic("fred"), want{status: 200}},
			{"fail", sessionLogin("x"), want{status: 401}},
			{"fail", sessionLogin("x"), want{status: 401}},
			{"still allowed", sessionLogin("fred"), want{status: 200}},
		}},
		{"browser login answers the CAPTCHA", []step{
			{"fail", basic("x"), want{status: 401}},
			{"fail", basic("x"), want{status: 401}},
			{"fail", basic("x"), want{status: 401}},
			{"denied", sessionLogin("fred"), want{status: 403}},
			{"login page shows the CAPTCHA", req{path: "/login.jsp?os_username=fred"},
				want{status: 200, body: []string{`id="captcha-word">kelpie<`, `name="os_captcha"`}}},
			{"browser login without answer", formPost("/login.jsp", "os_username=fred&os_password=fred"),
				want{status: 200, headers: captchaHeaders(), body: []string{"CAPTCHA question", `name="os_captcha"`}}},
			{"browser login with wrong answer", formPost("/login.jsp", "os_username=fred&os_password=fred&os_captcha=wolf"),
				want{status: 200, headers: captchaHeaders()}},
			{"right answer, wrong password", formPost("/login.jsp", "os_username=fred&os_password=x&os_captcha=kelpie"),
				want{status: 200, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"}, body: []string{`name="os_captcha"`}}},
			{"right answer and password", formPost("/login.jsp", "os_username=fred&os_password=fred&os_captcha=Kelpie"),
				want{status: 302, headers: map[string]string{"Location": h.srv.URL + "/secure/Dashboard.jspa", "X-Seraph-LoginReason": "OK", "X-AUSERNAME": "fred"},
					match: map[string]string{"Set-Cookie": `^JSESSIONID=[0-9A-F]{32}; Path=/; HttpOnly$`}}},
			{"REST login works again", sessionLogin("fred"), want{status: 200}},
		}},
		{"sso-user never triggers CAPTCHA", []step{
			{"fail", req{path: "/rest/api/2/myself", basic: "sso-user:a"}, want{status: 401}},
			{"fail", req{path: "/rest/api/2/myself", basic: "sso-user:b"}, want{status: 401}},
			{"fail", req{path: "/rest/api/2/myself", basic: "sso-user:c"}, want{status: 401}},
			{"fail", req{path: "/rest/api/2/myself", basic: "sso-user:d"}, want{status: 401}},
			{"still AUTHENTICATED_FAILED", req{method: "POST", path: "/rest/auth/1/session", header: jsonHeader, body: `{"username":"sso-user","password":"sso-user"}`},
				want{status: 401, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATED_FAILED", "X-Authentication-Denied-Reason": ""}}},
		}},
	}
	for _, tt := range tests {
		h.do(req{method: "POST", path: "/_sandbox/reset"})
		for i, s := range tt.steps {
			s.want.check(t, fmt.Sprintf("%s: step %d (%s)", tt.name, i, s.name), h.do(s.req))
		}
	}
}

func TestCaptchaLimitOption(t *testing.T) {
	h := newHarness(t, Options{CaptchaLimit: 1})
	want{status: 401}.check(t, "first failure", h.do(req{path: "/rest/api/2/myself", basic: "fred:x"}))
	want{status: 403}.check(t, "limit 1", h.do(req{path: "/rest/api/2/myself", basic: "fred:fred"}))
}

func formPost(path, body string) req {
	return req{method: "POST", path: path, body: body, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}
}

func TestFormTokenRule(t *testing.T) {
	h := newHarness(t, Options{})
	sid := h.login("fred", "fred")
	multipartBody := "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--B--\r\n"
	attach := func(mod func(*req)) req {
		r := req{method: "POST", path: "/rest/api/2/issue/TEST-1/attachments", body: multipartBody,
			header: map[string]string{"Content-Type": "multipart/form-data; boundary=B"}}
		mod(&r)
		return r
	}
	xsrf := want{status: 403, headers: map[string]string{"Content-Type": "text/plain;charset=UTF-8"}, body: []string{"XSRF check failed"}}
	noCheck := func(r *req) { r.header["X-Atlassian-Token"] = "no-check" }
	tests := []httpCase{
		{"cookie without token header", attach(func(r *req) { r.cookie = sid }), xsrf},
		{"cookie with no-check", attach(func(r *req) { r.cookie = sid; noCheck(r) }),
			want{status: 200, body: []string{`"filename":"a.txt"`, `"size":5`, `"mimeType":"text/plain"`}}},
		{"cookie with nocheck", attach(func(r *req) { r.cookie = sid; r.header["X-Atlassian-Token"] = "nocheck" }), want{status: 200}},
		// Corrected by JIRA-FACTS.md: no authentication method is exempt.
		{"basic auth is not exempt", attach(func(r *req) { r.basic = "fred:fred" }), xsrf},
		{"basic auth with no-check", attach(func(r *req) { r.basic = "fred:fred"; noCheck(r) }), want{status: 200}},
		{"anonymous without token header", attach(func(*req) {}), xsrf},
		{"anonymous with no-check needs a login", attach(noCheck), want{status: 401}},
		{"GET is never checked", req{path: "/rest/api/2/search", cookie: sid, header: map[string]string{"Origin": "http://evil.example", "User-Agent": firefoxUA}}, want{status: 200}},
		{"not multipart", attach(func(r *req) { r.basic = "fred:fred"; r.header["Content-Type"] = "application/json" }), want{status: 415}},
		{"multipart without file part", attach(func(r *req) {
			r.basic = "fred:fred"
			noCheck(r)
			r.body = "--B\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--B--\r\n"
		}), want{status: 400}},
		{"malformed multipart", attach(func(r *req) { r.basic = "fred:fred"; noCheck(r); r.body = "--B\r\nno headers" }), want{status: 400}},
		{"unknown issue", attach(func(r *req) { r.basic = "fred:fred"; noCheck(r); r.path = "/rest/api/2/issue/NOPE-1/attachments" }), want{status: 404}},
	}
	h.runCases(tests)
}

func TestPersonalAccessTokens(t *testing.T) {
	h := newHarness(t, Options{})
	create := func(auth, body string) resp {
		return h.do(req{method: "POST", path: "/rest/pat/latest/tokens", basic: auth, header: jsonHeader, body: body})
	}
	res := create("fred:fred", `{"name":"lab","expirationDuration":90}`)
	want{status: 201, body: []string{`"id":1`, `"name":"lab"`, `"createdAt":"2024-03-01T09:30:00.000+0000"`,
		`"expiringAt":"2024-05-30T09:30:00.000+0000"`, `"rawToken":"`}}.check(t, "create", res)
	var tok tokenView
	res.decode(t, &tok)
	bearer := map[string]string{"Authorization": "Bearer " + tok.RawToken}

	tests := []httpCase{
		{"bearer authenticates", req{path: "/rest/api/2/myself", header: bearer},
			want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred", "X-Seraph-LoginReason": "OK"}}},
		{"bearer through /jira", req{path: "/jira/rest/api/2/issue/QA-31", header: bearer}, want{status: 200}},
		{"wrong token", req{path: "/rest/api/2/myself", header: map[string]string{"Authorization": "Bearer nope"}},
			want{status: 401, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATED_FAILED", "Content-Type": jsonContentType},
				body: []string{`{"message":"Client must be authenticated to access this resource.","status-code":401}`}}},
		{"list hides raw tokens", req{path: "/rest/pat/latest/tokens", basic: "fred:fred"},
			want{status: 200, body: []string{`"name":"lab"`, `"lastAccessedAt":"`}, notBody: []string{"rawToken"}}},
		{"list via 1.0", req{path: "/rest/pat/1.0/tokens", header: bearer}, want{status: 200, body: []string{`"name":"lab"`}}},
		{"admin sees none of fred's", req{path: "/rest/pat/latest/tokens", basic: "admin:admin"}, want{status: 200, body: []string{"[]"}}},
		{"anonymous cannot create", req{method: "POST", path: "/rest/pat/latest/tokens", header: jsonHeader, body: `{"name":"x"}`}, want{status: 401}},
		{"missing name", req{method: "POST", path: "/rest/pat/latest/tokens", basic: "fred:fred", header: jsonHeader, body: `{}`},
			want{status: 400, body: []string{"name must not be empty"}}},
		{"bad duration", req{method: "POST", path: "/rest/pat/latest/tokens", basic: "fred:fred", header: jsonHeader, body: `{"name":"x","expirationDuration":0}`},
			want{status: 400, body: []string{"between 1 and 365"}}},
		{"duration not a number", req{method: "POST", path: "/rest/pat/latest/tokens", basic: "fred:fred", header: jsonHeader, body: `{"name":"x","expirationDuration":"90"}`},
			want{status: 400}},
		{"no body", req{method: "POST", path: "/rest/pat/latest/tokens", basic: "fred:fred", header: jsonHeader}, want{status: 400}},
		{"delete someone else's", req{method: "DELETE", path: "/rest/pat/latest/tokens/1", basic: "admin:admin"}, want{status: 404}},
		{"delete bad id", req{method: "DELETE", path: "/rest/pat/latest/tokens/x", basic: "fred:fred"}, want{status: 404}},
	}
	h.runCases(tests)

	// Expiry: a 90-day token stops working after 90 days.
	h.clock.Advance(89 * 24 * time.Hour)
	want{status: 200}.check(t, "day 89", h.do(req{path: "/rest/api/2/myself", header: bearer}))
	h.clock.Advance(24 * time.Hour)
	want{status: 401}.check(t, "day 90", h.do(req{path: "/rest/api/2/myself", header: bearer}))

	// Revocation.
	res = create("fred:fred", `{"name":"forever"}`)
	want{status: 201, notBody: []string{"expiringAt"}}.check(t, "no expiry", res)
	res.decode(t, &tok)
	bearer["Authorization"] = "Bearer " + tok.RawToken
	want{status: 200}.check(t, "before revoke", h.do(req{path: "/rest/api/2/myself", header: bearer}))
	want{status: 204}.check(t, "revoke", h.do(req{method: "DELETE", path: fmt.Sprintf("/rest/pat/latest/tokens/%d", tok.ID), basic: "fred:fred"}))
	want{status: 401}.check(t, "after revoke", h.do(req{path: "/rest/api/2/myself", header: bearer}))

	// The table is capped per user.
	for i := range maxTokensPerUser {
		want{status: 201}.check(t, fmt.Sprintf("token %d", i), create("admin:admin", `{"name":"t"}`))
	}
	want{status: 400, body: []string{"revoke one first"}}.check(t, "over the cap", create("admin:admin", `{"name":"t"}`))
}

func TestRawTokenForm(t *testing.T) {
	// Jira's token form: 44 base64 characters.
	if raw := newRawToken(); !regexp.MustCompile(`^[A-Za-z0-9+/]{44}$`).MatchString(raw) {
		t.Errorf("newRawToken() = %q; want 44 base64 characters", raw)
	}
}
