package sandbox

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"jiraauthlab/contract"
)

// as returns r sent by visitor id ("" for none: the default state).
func as(id string, r req) req {
	if id == "" {
		return r
	}
	h := maps.Clone(r.header)
	if h == nil {
		h = map[string]string{}
	}
	h[contract.HeaderSandboxVisitor] = id
	r.header = h
	return r
}

// TestVisitorIsolation: what one visitor does to the sandbox — its
// failed logins and CAPTCHA, its policy, its sessions, its tokens on both
// faces, its two switches, its reset — shows in its own state only. Each
// row acts as one caller (a visitor, or the default state of curl), then
// sends the same probe as that caller and as the others.
func TestVisitorIsolation(t *testing.T) {
	type row struct {
		name  string
		actor string // the visitor who acts; "" is the default state
		// act does what actor does (do sends as actor) and returns the
		// probe to send as every caller.
		act       func(t *testing.T, h *harness, do func(req) resp) req
		wantActor want
		wantOther want
	}
	wrongFred := func(t *testing.T, h *harness, do func(req) resp) req {
		for range 3 {
			want{status: 401}.check(t, "wrong password", do(req{path: "/rest/api/2/myself", basic: "fred:wrong"}))
		}
		return req{path: "/rest/api/2/myself", basic: "fred:fred"}
	}
	captchaOn := want{status: 403, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATION_DENIED"}}
	fredIn := want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred"}}
	secure := []string{msgMin10, msgSpecial}
	rows := []row{
		{name: "CAPTCHA of a visitor", actor: "visitor-a", act: wrongFred, wantActor: captchaOn, wantOther: fredIn},
		{name: "CAPTCHA of curl (default state)", actor: "", act: wrongFred, wantActor: captchaOn, wantOther: fredIn},
		{name: "CAPTCHA shown in the caller's /_sandbox/state", actor: "visitor-a",
			act: func(t *testing.T, h *harness, do func(req) resp) req {
				wrongFred(t, h, do)
				return req{path: "/_sandbox/state"}
			},
			wantActor: want{status: 200, body: []string{`"name":"fred","password":"fred","kind":"user","consecutiveFailedLogins":3,"captchaRequired":true`}},
			wantOther: want{status: 200, body: []string{`"name":"fred","password":"fred","kind":"user","consecutiveFailedLogins":0,"captchaRequired":false`}}},
		{name: "CAPTCHA reset acts on the caller's state", actor: "visitor-a",
			act: func(t *testing.T, h *harness, do func(req) resp) req {
				wrongFred(t, h, do)
				// The others' CAPTCHA is on too, so that the reset shows where it acted.
				for _, other := range []string{"", "visitor-b"} {
					for range 3 {
						h.doT(t, as(other, req{path: "/rest/api/2/myself", basic: "fred:wrong"}))
					}
				}
				want{status: 200}.check(t, "reset", do(req{method: "POST", path: "/_sandbox/captcha/reset", header: jsonHeader, body: `{"username":"fred"}`}))
				return req{path: "/rest/api/2/myself", basic: "fred:fred"}
			},
			wantActor: fredIn, wantOther: captchaOn},
		{name: "password policy", actor: "visitor-a",
			act: func(t *testing.T, h *harness, do func(req) resp) req {
				want{status: 200}.check(t, "switch", do(req{method: "PUT", path: "/_sandbox/password-policy", header: jsonHeader, body: `{"preset":"disabled"}`}))
				return req{path: "/rest/api/2/password/policy"}
			},
			wantActor: want{status: 200, body: []string{"[]"}, notBody: secure},
			wantOther: want{status: 200, body: secure}},
		{name: "a session cookie works in its own state only", actor: "visitor-a",
			act: func(t *testing.T, h *harness, do func(req) resp) req {
				res := do(req{method: "POST", path: "/rest/auth/1/session", header: jsonHeader, body: `{"username":"fred","password":"fred"}`})
				var v struct{ Session struct{ Value string } }
				res.decode(t, &v)
				return req{path: "/rest/api/2/myself", cookie: v.Session.Value}
			},
			wantActor: fredIn, wantOther: want{status: 401, headers: map[string]string{"X-AUSERNAME": "anonymous"}}},
		// The shared state's sessions are everyone's: a learner's browser
		// walks the sandbox's own SSO pages (no visitor id reaches them) and
		// pastes the cookie into the lab (Atlassian's ID-6351 workaround).
		{name: "a default-state session cookie works for visitors", actor: "",
			act: func(t *testing.T, h *harness, do func(req) resp) req {
				return req{path: "/rest/api/2/myself", cookie: h.login("fred", "fred")}
			},
			wantActor: fredIn, wantOther: fredIn},
		{name: "personal access token", actor: "visitor-a",
			act: func(t *testing.T, h *harness, do func(req) resp) req {
				res := do(req{method: "POST", path: "/rest/pat/latest/tokens", basic: "fred:fred", header: jsonHeader, body: `{"name":"mine"}`})
				var v tokenView
				res.decode(t, &v)
				return req{path: "/rest/api/2/myself", header: bearer(v.RawToken)}
			},
			wantActor: fredIn, wantOther: want{status: 401, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"}}},
		{name: "Cloud API token", actor: "visitor-a",
			act: func(t *testing.T, h *harness, do func(req) resp) req {
				res := do(req{method: "POST", path: "/cloud/_sandbox/api-tokens", header: jsonHeader, body: `{"email":"fred@example.com","label":"mine"}`})
				var v apiTokenView
				res.decode(t, &v)
				return req{path: "/cloud/rest/api/3/myself", basic: "fred@example.com:" + v.Token}
			},
			wantActor: want{status: 200, body: []string{`"emailAddress":"fred@example.com"`}},
			wantOther: want{status: 401, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"}}},
		{name: "basic auth switched off", actor: "visitor-a",
			act: func(t *testing.T, h *harness, do func(req) resp) req {
				want{status: 200}.check(t, "switch", do(req{method: "PUT", path: "/_sandbox/basic-auth", header: jsonHeader, body: `{"enabled":false,"allowedUsers":["admin"]}`}))
				return req{path: "/rest/api/2/myself", basic: "fred:fred"}
			},
			wantActor: basicAuthOff, wantOther: fredIn},
		{name: "rate limiting switched on", actor: "visitor-a",
			act: func(t *testing.T, h *harness, do func(req) resp) req {
				want{status: 200}.check(t, "switch", do(req{method: "PUT", path: "/_sandbox/rate-limit", header: jsonHeader, body: `{"enabled":true,"capacity":5,"fillRate":1,"intervalSeconds":60}`}))
				return req{path: "/rest/api/2/myself", basic: "fred:fred"}
			},
			wantActor: want{status: 200, headers: map[string]string{"X-RateLimit-Limit": "5"}},
			wantOther: want{status: 200, headers: map[string]string{"X-RateLimit-Limit": ""}}},
		{name: "reset acts on the caller's state", actor: "visitor-a",
			act: func(t *testing.T, h *harness, do func(req) resp) req {
				for _, who := range []string{"", "visitor-a", "visitor-b"} {
					want{status: 200}.check(t, "switch", h.doT(t, as(who, req{method: "PUT", path: "/_sandbox/password-policy", header: jsonHeader, body: `{"preset":"disabled"}`})))
				}
				want{status: 200}.check(t, "reset", do(req{method: "POST", path: "/_sandbox/reset"}))
				return req{path: "/rest/api/2/password/policy"}
			},
			wantActor: want{status: 200, body: secure},
			wantOther: want{status: 200, body: []string{"[]"}, notBody: secure}},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			probe := tc.act(t, h, func(r req) resp { return h.doT(t, as(tc.actor, r)) })
			for _, who := range []string{"", "visitor-a", "visitor-b"} {
				w, label := tc.wantOther, "other "+who
				if who == tc.actor {
					w, label = tc.wantActor, "actor "+who
				}
				if who == "" {
					label += "(default state)"
				}
				w.check(t, label, h.doT(t, as(who, probe)))
			}
		})
	}
}

// TestVisitorEviction: the table keeps at most MaxVisitors states; a new
// visitor pushes out the least recently used one, whose sessions and
// CAPTCHA go with it.
func TestVisitorEviction(t *testing.T) {
	tests := []struct {
		name    string
		max     int
		touches string // visitors in the order their requests arrive
		want    string // the visitors left, any order
	}{
		{"under the bound nobody goes", 3, "abc", "abc"},
		{"the oldest goes", 2, "abc", "bc"},
		{"a recent request keeps a visitor", 2, "abac", "ac"},
		{"repeated use counts once", 3, "aaabbbcd", "bcd"},
		{"one state at most", 1, "abcba", "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Options{MaxVisitors: tt.max})
			for _, v := range tt.touches {
				want{status: 200}.check(t, string(v), h.doT(t, as(string(v), req{path: "/rest/api/2/serverInfo"})))
			}
			if got := held(h.sb); got != sortString(tt.want) {
				t.Errorf("after %q with max %d: visitors %q; want %q", tt.touches, tt.max, got, sortString(tt.want))
			}
			if n := h.sb.Visitors(); n != len(tt.want) {
				t.Errorf("Visitors() = %d; want %d", n, len(tt.want))
			}
		})
	}

	t.Run("an evicted visitor starts afresh", func(t *testing.T) {
		h := newHarness(t, Options{MaxVisitors: 1})
		sid := h.loginAs(t, "a")
		for range 3 {
			h.doT(t, as("a", req{path: "/rest/api/2/myself", basic: "fred:wrong"}))
		}
		h.doT(t, as("b", req{path: "/rest/api/2/serverInfo"}))
		want{status: 401, headers: map[string]string{"X-AUSERNAME": "anonymous"}}.check(t, "a's old cookie", h.doT(t, as("a", req{path: "/rest/api/2/myself", cookie: sid})))
		want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred"}}.check(t, "a's CAPTCHA gone", h.doT(t, as("a", req{path: "/rest/api/2/myself", basic: "fred:fred"})))
	})
}

// loginAs logs fred in through the session resource as visitor id and
// returns the JSESSIONID.
func (h *harness) loginAs(t *testing.T, id string) string {
	t.Helper()
	res := h.doT(t, as(id, req{method: "POST", path: "/rest/auth/1/session", header: jsonHeader, body: `{"username":"fred","password":"fred"}`}))
	var v struct{ Session struct{ Value string } }
	res.decode(t, &v)
	if res.status != http.StatusOK || v.Session.Value == "" {
		t.Fatalf("login as visitor %q: %d %s", id, res.status, res.body)
	}
	return v.Session.Value
}

// held returns the ids the visitor table holds, sorted and joined,
// without touching them.
func held(s *Sandbox) string {
	s.visitors.mu.Lock()
	defer s.visitors.mu.Unlock()
	var ids []string
	for id := range s.visitors.byID {
		ids = append(ids, id)
	}
	return sortString(strings.Join(ids, ""))
}

func sortString(s string) string {
	b := []byte(s)
	for i := range b {
		for j := i + 1; j < len(b); j++ {
			if b[j] < b[i] {
				b[i], b[j] = b[j], b[i]
			}
		}
	}
	return string(b)
}

// TestVisitorIdleExpiry: a visitor's state outlives its last request by
// two hours, by the sandbox's clock; then the visitor starts afresh. The
// default state never expires.
func TestVisitorIdleExpiry(t *testing.T) {
	tests := []struct {
		name      string
		idle      time.Duration
		wantState bool
	}{
		{"just used", 0, true},
		{"a second short of two hours", 2*time.Hour - time.Second, true},
		{"two hours", 2 * time.Hour, false},
		{"a day", 24 * time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Options{IdleTimeout: 48 * time.Hour}) // sessions outlive the visitor
			for _, who := range []string{"a", ""} {
				for range 3 {
					h.doT(t, as(who, req{path: "/rest/api/2/myself", basic: "fred:wrong"}))
				}
			}
			sid := h.loginAs(t, "admin-visitor")
			h.clock.Advance(tt.idle)
			if n := h.sb.Visitors(); (n == 2) != tt.wantState {
				t.Errorf("after %s idle: %d visitors; want kept=%v", tt.idle, n, tt.wantState)
			}
			captcha := want{status: 403, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATION_DENIED"}}
			session := want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred"}}
			if !tt.wantState {
				captcha = want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred"}}
				session = want{status: 401, headers: map[string]string{"X-AUSERNAME": "anonymous"}}
			}
			captcha.check(t, "visitor a's CAPTCHA", h.doT(t, as("a", req{path: "/rest/api/2/myself", basic: "fred:fred"})))
			session.check(t, "visitor's session", h.doT(t, as("admin-visitor", req{path: "/rest/api/2/myself", cookie: sid})))
			want{status: 403, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATION_DENIED"}}.check(t,
				"the default state's CAPTCHA", h.do(req{path: "/rest/api/2/myself", basic: "fred:fred"}))
		})
	}
}

// TestVisitorBadID: a malformed X-Sandbox-Visitor gets Jira's error body
// with 400 on every path and face, and creates no state.
func TestVisitorBadID(t *testing.T) {
	h := newHarness(t, Options{})
	bad := want{status: 400, body: []string{"X-Sandbox-Visitor must be"}}
	paths := []string{"/rest/api/2/myself", "/jira/rest/api/2/serverInfo", "/cloud/rest/api/3/myself", "/_sandbox/state", "/login.jsp", "/nowhere"}
	tests := []struct {
		name  string
		value []string
		want  want
	}{
		{"too long", []string{strings.Repeat("a", 65)}, bad},
		{"very long", []string{strings.Repeat("0123456789abcdef", 1000)}, bad},
		{"empty", []string{""}, bad},
		{"space", []string{"a b"}, bad},
		{"dot segment", []string{"../other"}, bad},
		{"separator", []string{"a;b"}, bad},
		{"comma list", []string{"a,b"}, bad},
		{"non-ASCII", []string{"visitör"}, bad},
		{"given twice", []string{"a", "b"}, bad},
		{"64 characters", []string{strings.Repeat("Az09_-", 10) + "abcd"}, want{}},
		{"32 hex digits", []string{"0123456789abcdef0123456789ABCDEF"}, want{}},
	}
	for _, tt := range tests {
		for _, p := range paths {
			t.Run(tt.name+" "+p, func(t *testing.T) {
				hr, err := http.NewRequest(http.MethodGet, h.srv.URL+p, nil)
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range tt.value {
					hr.Header.Add(contract.HeaderSandboxVisitor, v)
				}
				res, err := noRedirect.Do(hr)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				body, err := io.ReadAll(res.Body)
				if err != nil {
					t.Fatal(err)
				}
				r := resp{status: res.StatusCode, header: res.Header, body: string(body)}
				if tt.want.status == 0 {
					if r.status == http.StatusBadRequest && strings.Contains(r.body, "X-Sandbox-Visitor") {
						t.Errorf("%s refused: %s", tt.name, r.body)
					}
					return
				}
				tt.want.check(t, tt.name, r)
				r.jiraError(t)
			})
		}
	}
	if n := h.sb.Visitors(); n != 2 {
		t.Errorf("visitors = %d; want only the 2 well-formed ones", n)
	}
}

// TestVisitorMemory measures what one visitor costs: N visitors each log
// in once (a session) and fail once (a login counter), through the
// handler. It reports bytes per visitor, and fails when a visitor costs
// more than the bound the -sandbox-visitors default is sized for (1,000
// visitors in well under 50 MB even with full session tables).
func TestVisitorMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates a few MB")
	}
	tests := []struct {
		name     string
		sessions int   // basic-auth calls per visitor, each opening a session
		maxBytes int64 // per visitor
	}{
		{"one login", 1, 16 << 10},
		{"session table full", visitorMaxSessions + 10, 48 << 10},
	}
	const n = 500
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := New(Options{MaxVisitors: n})
			serve := func(id string, r *http.Request) {
				r.Host = "127.0.0.1:8090"
				r.Header.Set(contract.HeaderSandboxVisitor, id)
				w := httptest.NewRecorder()
				sb.ServeHTTP(w, r)
				if w.Code >= 500 {
					t.Fatalf("%s %s: %d", r.Method, r.URL, w.Code)
				}
			}
			before := heap()
			for i := range n {
				id := fmt.Sprintf("%032x", i)
				r := httptest.NewRequest("POST", "/rest/auth/1/session", strings.NewReader(`{"username":"fred","password":"fred"}`))
				r.Header.Set("Content-Type", "application/json")
				serve(id, r)
				r = httptest.NewRequest("GET", "/rest/api/2/myself", nil)
				r.SetBasicAuth("admin", "wrong")
				serve(id, r)
				for j := range tt.sessions - 1 {
					// Two accounts, so that the visitor's whole table fills
					// (one account holds at most visitorMaxPerUser).
					who := []string{"fred", "admin"}[j%2]
					r = httptest.NewRequest("GET", "/rest/api/2/serverInfo", nil)
					r.SetBasicAuth(who, who)
					serve(id, r)
				}
			}
			after := heap()
			if v, s := sb.Visitors(), sb.Sessions(); v != n || s < n*min(tt.sessions, visitorMaxSessions) {
				t.Fatalf("Visitors, Sessions = %d, %d; want %d, at least %d", v, s, n, n*min(tt.sessions, visitorMaxSessions))
			}
			per := (after - before) / n
			t.Logf("%s: %d bytes per visitor (%d visitors, heap %d → %d)", tt.name, per, n, before, after)
			if per > tt.maxBytes {
				t.Errorf("%s: %d bytes per visitor; want at most %d", tt.name, per, tt.maxBytes)
			}
			runtime.KeepAlive(sb)
		})
	}
}

// heap is the live heap after a full collection.
func heap() int64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// FuzzVisitorID: no X-Sandbox-Visitor value panics or passes unless it is
// a well-formed id, so the visitor table is only ever keyed by short,
// plain strings.
func FuzzVisitorID(f *testing.F) {
	for _, s := range []string{"", "a", strings.Repeat("f", 32), strings.Repeat("x", 65), "a b", "../x", "ü", "a\x00b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header[contract.HeaderSandboxVisitor] = []string{s}
		id, ok := visitorID(r)
		if !ok {
			return
		}
		if id != s || id == "" || len(id) > maxVisitorIDLen || strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
			t.Errorf("visitorID(%q) = %q, true; want it refused", s, id)
		}
	})
}
