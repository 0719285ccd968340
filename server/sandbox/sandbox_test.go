package sandbox

import (
	"fmt"
	"io"
	"jiraauthlab/internal/testkit"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func TestRouting(t *testing.T) {
	h := newHarness(t, Options{})
	tests := []httpCase{
		{"unknown path", req{path: "/rest/api/2/nothing"},
			want{status: 404, body: []string{`{"errorMessages":["null for uri: ` + h.srv.URL + `/rest/api/2/nothing"],"errors":{}}`}}},
		{"unknown path under /jira", req{path: "/jira/nothing"}, want{status: 404, body: []string{h.srv.URL + "/jira/nothing"}}},
		// Corrected: Seraph authenticates before routing (TestAuthenticationBeforeRouting).
		{"unknown path, bad credentials", req{path: "/nothing", basic: "fred:x"}, want{status: 401}},
		{"/jiraxyz is not the alias", req{path: "/jiraxyz/rest/api/2/serverInfo"}, want{status: 404}},
		{"wrong method", req{method: "DELETE", path: "/rest/api/2/search"},
			want{status: 405, headers: map[string]string{"Allow": "GET, HEAD, POST"}, body: []string{"Method DELETE is not allowed"}}},
		{"HEAD of a GET route", req{method: "HEAD", path: "/rest/api/2/serverInfo"}, want{status: 200, headers: map[string]string{"Content-Type": jsonContentType}}},
		{"empty wildcard", req{path: "/rest/api/2/issue//attachments"}, want{status: 404}},
		{"encoded slash stays in the key", req{path: "/rest/api/2/issue/QA%2F31", basic: "fred:fred"}, want{status: 404}},
		{"dot segments are not cleaned", req{path: "/rest/api/2/issue/../myself"}, want{status: 404}},
		{"latest auth alias", req{path: "/rest/auth/latest/session", basic: "fred:fred"}, want{status: 200}},
		{"control 404", req{path: "/_sandbox/nothing"}, want{status: 404}},
	}
	h.runCases(tests)
}

func TestControlEndpoints(t *testing.T) {
	h := newHarness(t, Options{})
	sid := h.login("fred", "fred")
	h.do(req{method: "POST", path: "/rest/pat/latest/tokens", basic: "fred:fred", header: jsonHeader, body: `{"name":"t"}`})
	h.do(req{path: "/rest/api/2/myself", basic: "admin:x"})
	h.do(req{method: "PUT", path: "/_sandbox/password-policy", header: jsonHeader, body: `{"preset":"basic"}`})

	// Two sessions: the login, and the basic-auth call that created the token.
	st := h.state(t)
	if st.Sessions != 2 || st.Tokens != 1 || st.PasswordPolicy != "basic" {
		t.Errorf("state: sessions %d, tokens %d, policy %q; want 2, 1, basic", st.Sessions, st.Tokens, st.PasswordPolicy)
	}
	if a := accountIn(t, st, "admin"); a.ConsecutiveFailedLogins != 1 || a.CaptchaRequired {
		t.Errorf("state: admin %+v; want 1 failed login, no CAPTCHA", a)
	}
	want{status: 200, body: []string{`{"reset":true}`}}.check(t, "reset", h.do(req{method: "POST", path: "/_sandbox/reset"}))
	st = h.state(t)
	if st.Sessions != 0 || st.Tokens != 0 || st.PasswordPolicy != "secure" || accountIn(t, st, "admin").ConsecutiveFailedLogins != 0 {
		t.Errorf("state after reset: %+v; want no sessions, no tokens, secure, no failures", st)
	}
	want{status: 401}.check(t, "session ended by reset", h.do(req{path: "/rest/api/2/myself", cookie: sid}))

	// Reset also restores Fred's login history.
	res := h.do(req{method: "POST", path: "/rest/auth/1/session", header: jsonHeader, body: `{"username":"fred","password":"fred"}`})
	want{body: []string{`"loginCount":12`}}.check(t, "login history after reset", res)

	tests := []httpCase{
		{"captcha reset: unknown user", req{method: "POST", path: "/_sandbox/captcha/reset", header: jsonHeader, body: `{"username":"ghost"}`},
			want{status: 404, body: []string{"ghost"}}},
		{"captcha reset: no username", req{method: "POST", path: "/_sandbox/captcha/reset", header: jsonHeader, body: `{}`}, want{status: 400}},
		{"captcha reset: unknown field", req{method: "POST", path: "/_sandbox/captcha/reset", header: jsonHeader, body: `{"user":"fred"}`},
			want{status: 400, body: []string{`Unrecognized field \"user\"`}}},
		{"captcha reset: no body", req{method: "POST", path: "/_sandbox/captcha/reset", header: jsonHeader}, want{status: 400}},
		{"captcha reset: not JSON", req{method: "POST", path: "/_sandbox/captcha/reset", body: "username=fred",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, want{status: 415}},
		{"captcha reset: case-insensitive name", req{method: "POST", path: "/_sandbox/captcha/reset", header: jsonHeader, body: `{"username":"FRED"}`},
			want{status: 200, body: []string{`"username":"fred"`}}},
		{"cross-origin browser request", req{method: "POST", path: "/_sandbox/reset", header: map[string]string{"Origin": "http://evil.example"}},
			want{status: 403, body: []string{"cross-origin"}}},
		{"same-origin browser request", req{method: "POST", path: "/_sandbox/reset", header: map[string]string{"Origin": h.srv.URL}}, want{status: 200}},
		{"control ignores Jira credentials", req{method: "POST", path: "/_sandbox/expire-sessions", basic: "fred:wrong"}, want{status: 200}},
		{"wrong method", req{path: "/_sandbox/reset"}, want{status: 405, headers: map[string]string{"Allow": "POST"}}},
		{"through /jira", req{path: "/jira/_sandbox/state"}, want{status: 200}},
	}
	h.runCases(tests)
}

func TestBodyCap(t *testing.T) {
	h := newHarness(t, Options{MaxBody: 64})
	big := `{"username":"fred","password":"` + strings.Repeat("x", 100) + `"}`
	res := h.do(req{method: "POST", path: "/rest/auth/1/session", header: jsonHeader, body: big})
	want{status: 413, body: []string{"too large"}}.check(t, "declared length over the cap", res)
	res.jiraError(t)

	// A chunked body has no declared length: the cap applies while reading.
	hr, _ := http.NewRequest("POST", h.srv.URL+"/rest/api/2/password/policy/createUser", io.MultiReader(strings.NewReader(big)))
	hr.Header.Set("Content-Type", "application/json")
	hr.ContentLength = -1
	r, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 413 || !strings.Contains(string(b), "too large") {
		t.Errorf("chunked over the cap: %d %s; want 413", r.StatusCode, b)
	}
	want{status: 200}.check(t, "under the cap", h.do(req{method: "POST", path: "/rest/auth/1/session", header: jsonHeader, body: `{"username":"fred","password":"fred"}`}))
	// Browser forms are capped too.
	want{status: 413}.check(t, "form over the cap", h.do(formPost("/login.jsp", "os_username=fred&os_password="+strings.Repeat("x", 100))))
	// The default is 1 MiB.
	h2 := newHarness(t, Options{})
	want{status: 413}.check(t, "default cap", h2.do(req{method: "POST", path: "/rest/api/2/search", basic: "fred:fred", header: jsonHeader,
		body: `{"jql":"` + strings.Repeat("a", 1<<20) + `"}`}))
}

func TestPanicRecovery(t *testing.T) {
	sb := New(Options{})
	sb.routes = append(sb.routes, route{segs: []string{"boom"}, methods: methods{"GET": {auth: authSkip, fn: func(*call) { panic("boom") }}}})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	h := &harness{t: t, sb: sb, srv: srv}
	res := h.do(req{path: "/boom"})
	want{status: 500, headers: map[string]string{"Cache-Control": "no-cache, no-store, no-transform"}}.check(t, "panic", res)
	res.jiraError(t)
}

// TestLogsHoldNoSecrets sends passwords, cookies and tokens at debug level and
// checks that none of them reaches the log.
func TestLogsHoldNoSecrets(t *testing.T) {
	var buf testkit.SyncBuffer
	h := newHarness(t, Options{Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	sid := h.login("fred", "fred")
	res := h.do(req{method: "POST", path: "/rest/pat/latest/tokens", basic: "fred:fred", header: jsonHeader, body: `{"name":"t"}`})
	var tok tokenView
	res.decode(t, &tok)
	h.do(req{path: "/rest/api/2/myself", header: map[string]string{"Authorization": "Bearer " + tok.RawToken}})
	h.do(req{path: "/rest/api/2/myself", cookie: sid})
	h.do(formPost("/login.jsp", "os_username=admin&os_password=hunter2secret"))
	h.do(req{path: "/rest/api/2/myself", basic: "admin:topsecretpw"})
	log := buf.String()
	if !strings.Contains(log, "sandbox request") {
		t.Fatalf("no request log: %q", log)
	}
	for _, secret := range []string{sid, tok.RawToken, "hunter2secret", "topsecretpw", "ZnJlZDpmcmVk", `"password"`} {
		if strings.Contains(log, secret) {
			t.Errorf("log contains %q:\n%s", secret, log)
		}
	}
}

// TestConcurrentUse runs every kind of state change at once; -race checks it.
func TestConcurrentUse(t *testing.T) {
	h := newHarness(t, Options{MaxSessions: 20})
	var wg sync.WaitGroup
	errs := make(chan string, 1000)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{}
			doIt := func(method, path, body string, set func(*http.Request)) int {
				r, _ := http.NewRequest(method, h.srv.URL+path, strings.NewReader(body))
				if body != "" {
					r.Header.Set("Content-Type", "application/json")
				}
				if set != nil {
					set(r)
				}
				res, err := client.Do(r)
				if err != nil {
					errs <- err.Error()
					return 0
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				return res.StatusCode
			}
			for i := range 25 {
				user := []string{"fred", "admin"}[g%2]
				switch i % 7 {
				case 0:
					doIt("POST", "/rest/auth/1/session", `{"username":"`+user+`","password":"`+user+`"}`, nil)
				case 1:
					doIt("GET", "/rest/api/2/search?jql=assignee%3Dfred", "", func(r *http.Request) { r.SetBasicAuth(user, user) })
				case 2:
					doIt("GET", "/rest/api/2/myself", "", func(r *http.Request) { r.SetBasicAuth(user, "wrong") })
				case 3:
					doIt("POST", "/rest/pat/latest/tokens", `{"name":"t"}`, func(r *http.Request) { r.SetBasicAuth("admin", "admin") })
				case 4:
					doIt("PUT", "/_sandbox/password-policy", `{"preset":"basic"}`, nil)
				case 5:
					doIt("POST", "/_sandbox/captcha/reset", `{"username":"`+user+`"}`, nil)
				case 6:
					if g == 0 {
						doIt("POST", "/_sandbox/reset", "", nil)
					} else {
						doIt("POST", "/_sandbox/expire-sessions", "", nil)
					}
				}
				if st := doIt("GET", "/rest/api/2/serverInfo", "", nil); st != 200 {
					errs <- fmt.Sprintf("serverInfo: %d", st)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := h.sb.store.state().Sessions; n > 20 {
		t.Errorf("sessions = %d; want at most 20", n)
	}
}
