package sandbox

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"jiraauthlab/contract"
)

// fakeClock is a settable Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

// harness is a sandbox behind a real HTTP server.
type harness struct {
	t     *testing.T
	sb    *Sandbox
	srv   *httptest.Server
	clock *fakeClock
}

// newHarness starts a sandbox with opts (Now is replaced by a fake clock),
// on a loopback listener it is told about (Options.Addr), as the lab's
// server does.
func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	clock := &fakeClock{t: time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)}
	opts.Now = clock.Now
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opts.Addr == nil {
		opts.Addr = ln.Addr()
	}
	sb := New(opts)
	srv := httptest.NewUnstartedServer(sb)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return &harness{t: t, sb: sb, srv: srv, clock: clock}
}

// req is one request of a test.
type req struct {
	method string
	path   string
	header map[string]string
	body   string
	basic  string // "user:password"
	cookie string // JSESSIONID value
	host   string // the Host header; "" for the server's address
}

// resp is a response, body read.
type resp struct {
	status int
	header http.Header
	body   string
}

// noRedirect makes the client show redirects, as the lab's proxy does.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (h *harness) do(r req) resp {
	h.t.Helper()
	return h.doT(h.t, r)
}

// doT is do reporting to t (a subtest's).
func (h *harness) doT(t *testing.T, r req) resp {
	t.Helper()
	method := r.method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr, err := http.NewRequest(method, h.srv.URL+r.path, body)
	if err != nil {
		t.Fatalf("new request %s %s: %v", method, r.path, err)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	if r.basic != "" {
		u, p, _ := strings.Cut(r.basic, ":")
		hr.SetBasicAuth(u, p)
	}
	if r.cookie != "" {
		hr.AddCookie(&http.Cookie{Name: "JSESSIONID", Value: r.cookie})
	}
	if r.host != "" {
		hr.Host = r.host
	}
	res, err := noRedirect.Do(hr)
	if err != nil {
		t.Fatalf("%s %s: %v", method, r.path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read %s %s: %v", method, r.path, err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: string(b)}
}

var jsonHeader = map[string]string{"Content-Type": "application/json"}

// login starts a session through the session resource and returns JSESSIONID.
func (h *harness) login(user, password string) string {
	h.t.Helper()
	res := h.do(req{method: "POST", path: "/rest/auth/1/session", header: jsonHeader,
		body: `{"username":"` + user + `","password":"` + password + `"}`})
	if res.status != http.StatusOK {
		h.t.Fatalf("login %s: status %d, body %s", user, res.status, res.body)
	}
	var v struct {
		Session struct{ Name, Value string }
	}
	res.decode(h.t, &v)
	return v.Session.Value
}

func (r resp) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
}

// jiraErrorBody checks that r is Jira's error body and returns its messages.
func (r resp) jiraError(t *testing.T) []string {
	t.Helper()
	var e struct {
		ErrorMessages []string          `json:"errorMessages"`
		Errors        map[string]string `json:"errors"`
	}
	r.decode(t, &e)
	if e.ErrorMessages == nil || e.Errors == nil || !strings.Contains(r.body, `"errors":{}`) {
		t.Fatalf("not a Jira error body: %s", r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != jsonContentType {
		t.Errorf("error Content-Type = %q; want %q", ct, jsonContentType)
	}
	return e.ErrorMessages
}

// check compares a response with the expectations of a table row.
type want struct {
	status  int
	headers map[string]string // exact values; "" means absent
	match   map[string]string // header → regexp
	body    []string          // substrings of the body
	notBody []string          // must not appear
}

func (w want) check(t *testing.T, name string, r resp) {
	t.Helper()
	if w.status != 0 && r.status != w.status {
		t.Errorf("%s: status = %d; want %d (body %s)", name, r.status, w.status, r.body)
	}
	for k, v := range w.headers {
		if got := r.header.Get(k); got != v {
			t.Errorf("%s: header %s = %q; want %q", name, k, got, v)
		}
	}
	for k, re := range w.match {
		if got := r.header.Get(k); !regexp.MustCompile(re).MatchString(got) {
			t.Errorf("%s: header %s = %q; want match %q", name, k, got, re)
		}
	}
	for _, s := range w.body {
		if !strings.Contains(r.body, s) {
			t.Errorf("%s: body %s; want it to contain %q", name, r.body, s)
		}
	}
	for _, s := range w.notBody {
		if strings.Contains(r.body, s) {
			t.Errorf("%s: body %s; want it not to contain %q", name, r.body, s)
		}
	}
}

// httpCase is one row of a table test: a request and what its answer must be.
type httpCase struct {
	name string
	req  req
	want want
}

// runCases runs the rows in order, each as a subtest. Every JSON error
// answer must also be one of Jira's two error bodies.
func (h *harness) runCases(cases []httpCase) {
	h.t.Helper()
	for _, tc := range cases {
		h.t.Run(tc.name, func(t *testing.T) {
			res := h.doT(t, tc.req)
			tc.want.check(t, tc.name, res)
			if res.status >= 400 && strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
				res.errorBody(t)
			}
		})
	}
}

// errorBody checks that r is Jira's error body ({"errorMessages":…}), the
// REST plugin's ({"message":…,"status-code":…}), or the message alone that
// the basic-auth switch and the rate limiter answer ({"message":…}).
func (r resp) errorBody(t *testing.T) {
	t.Helper()
	if r.status == http.StatusTooManyRequests || strings.HasPrefix(r.body, `{"message":`) && !strings.Contains(r.body, `"status-code":`) {
		var e map[string]string
		r.decode(t, &e)
		if len(e) != 1 || e["message"] == "" {
			t.Fatalf("not a {\"message\":…} body: %s", r.body)
		}
		return
	}
	if strings.Contains(r.body, `"status-code":`) {
		var e struct {
			Message    *string `json:"message"`
			StatusCode int     `json:"status-code"`
		}
		r.decode(t, &e)
		if e.Message == nil || e.StatusCode != r.status {
			t.Fatalf("not the REST plugin's error body: %s", r.body)
		}
		return
	}
	r.jiraError(t)
}

// state reads GET /_sandbox/state, which must decode strictly into the
// contract's type (no field the page would not know).
func (h *harness) state(t *testing.T) contract.SandboxState {
	t.Helper()
	res := h.doT(t, req{path: "/_sandbox/state"})
	if res.status != http.StatusOK {
		t.Fatalf("GET /_sandbox/state: status %d, body %s", res.status, res.body)
	}
	var st contract.SandboxState
	dec := json.NewDecoder(strings.NewReader(res.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		t.Fatalf("decode state %s: %v", res.body, err)
	}
	return st
}

// accountIn returns the account name of state s, failing t when it is absent.
func accountIn(t *testing.T, s contract.SandboxState, name string) contract.SandboxAccount {
	t.Helper()
	for _, a := range s.Users {
		if a.Name == name {
			return a
		}
	}
	t.Fatalf("state has no account %q: %+v", name, s.Users)
	return contract.SandboxAccount{}
}
