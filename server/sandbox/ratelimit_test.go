package sandbox

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jiraauthlab/contract"
)

// rateHeaders are the rate-limit headers of an answer: limit, remaining,
// fill rate, interval and Retry-After, "" where absent.
func rateHeaders(h http.Header) [5]string {
	return [5]string{h.Get(hdrRateLimit), h.Get(hdrRateRemaining), h.Get(hdrRateFillRate), h.Get(hdrRateInterval), h.Get(hdrRetryAfter)}
}

var noRateHeaders [5]string

// limited is what a limited answer's headers say with capacity 3, one token
// every 10 seconds.
func limited(remaining, retryAfter int) [5]string {
	return [5]string{"3", strconv.Itoa(remaining), "1", "10", strconv.Itoa(retryAfter)}
}

// TestRateLimit drives one user's bucket with the test clock: three
// tokens, one more every ten seconds; other users, anonymous callers,
// browser requests and the control endpoints are not charged.
func TestRateLimit(t *testing.T) {
	h := newHarness(t, Options{})
	token := h.createToken("fred", "fred")
	sid := h.login("fred", "fred")
	want{status: 200, body: []string{`{"enabled":true,"capacity":3,"fillRate":1,"intervalSeconds":10}`}}.check(t, "switch on",
		h.do(req{method: "PUT", path: "/_sandbox/rate-limit", header: jsonHeader, body: `{"enabled":true,"capacity":3,"fillRate":1,"intervalSeconds":10}`}))

	acceptJSON := map[string]string{"Accept": "application/json"}
	uiCookies := map[string]string{"Cookie": "JSESSIONID=" + sid + "; atlassian.xsrf.token=ABCD-EFGH-IJKL-MNOP_0123456789abcdef0123456789abcdef01234567_lin"}
	steps := []struct {
		name    string
		advance time.Duration
		req     req
		status  int
		rate    [5]string
		body    []string // substrings
		ctype   string   // Content-Type, when checked
	}{
		{"first call takes a token", 0, req{path: "/rest/api/2/myself", basic: "fred:fred"}, 200, limited(2, 0), []string{`"name":"fred"`}, jsonContentType},
		{"a token is taken by a token", 0, req{path: "/rest/api/2/myself", header: bearer(token)}, 200, limited(1, 0), nil, ""},
		{"the last token: Retry-After counts the wait", 0, req{path: "/rest/api/2/myself", cookie: sid}, 200, limited(0, 10), nil, ""},
		{"empty: 429 as JSON for a JSON client", 0, req{path: "/rest/api/2/myself", basic: "fred:fred", header: acceptJSON}, 429, limited(0, 10),
			[]string{`{"message":"Rate limit exceeded."}`}, jsonContentType},
		{"empty: 429 as Tomcat's page otherwise", 4 * time.Second, req{path: "/rest/api/2/search?jql=", basic: "fred:fred"}, 429, limited(0, 6),
			[]string{"HTTP Status 429 – Too Many Requests", "<b>Message</b> Rate limit exceeded."}, "text/html;charset=utf-8"},
		{"unknown REST path is charged too", 1 * time.Second, req{path: "/rest/api/2/nothing", basic: "fred:fred"}, 429, limited(0, 5), nil, ""},
		{"one batch after the interval", 5 * time.Second, req{path: "/rest/api/2/myself", basic: "fred:fred"}, 200, limited(0, 10), nil, ""},
		{"half an interval adds nothing", 5 * time.Second, req{path: "/rest/api/2/myself", basic: "fred:fred"}, 429, limited(0, 5), nil, ""},
		// Batches keep the interval's phase: 605 s after the last batch
		// are 60 batches, the last one 5 s ago.
		{"never more than the capacity", 10 * time.Minute, req{path: "/rest/api/2/myself", basic: "fred:fred"}, 200, limited(2, 0), nil, ""},
		{"another user has a bucket of their own", 0, req{path: "/rest/api/2/myself", basic: "admin:admin"}, 200, limited(2, 0), nil, ""},
		{"a user's name in any case is one bucket", 0, req{path: "/rest/api/2/myself", basic: "FRED:fred"}, 200, limited(1, 0), nil, ""},
		{"under /jira", 0, req{path: "/jira/rest/api/2/myself", basic: "fred:fred"}, 200, limited(0, 5), nil, ""},
		{"anonymous callers are not limited", 0, req{path: "/rest/api/2/serverInfo"}, 200, noRateHeaders, nil, ""},
		{"refused credentials are not charged", 0, req{path: "/rest/api/2/myself", basic: "fred:wrong"}, 401, noRateHeaders, nil, ""},
		{"browser cookies: a UI request, not limited", 0, req{path: "/rest/api/2/myself", header: uiCookies}, 200, noRateHeaders, []string{`"name":"fred"`}, ""},
		{"browser pages are not REST", 0, req{path: "/secure/Dashboard.jspa", basic: "fred:fred"}, 200, noRateHeaders, nil, ""},
		{"the session login is anonymous until it runs", 0, req{method: "POST", path: "/rest/auth/1/session", header: jsonHeader,
			body: `{"username":"fred","password":"fred"}`}, 200, noRateHeaders, nil, ""},
		{"control endpoints are never limited", 0, req{path: "/_sandbox/rate-limit", basic: "fred:fred"}, 200, noRateHeaders, nil, ""},
		{"still empty", 0, req{path: "/rest/api/2/myself", cookie: sid}, 429, limited(0, 5), nil, ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			h.clock.Advance(s.advance)
			res := h.doT(t, s.req)
			want{status: s.status, body: s.body}.check(t, s.name, res)
			if got := rateHeaders(res.header); got != s.rate {
				t.Errorf("%s: rate headers (limit, remaining, fill rate, interval, Retry-After) = %q; want %q", s.name, got, s.rate)
			}
			if s.ctype != "" && res.header.Get("Content-Type") != s.ctype {
				t.Errorf("%s: Content-Type = %q; want %q", s.name, res.header.Get("Content-Type"), s.ctype)
			}
			if res.status == 429 && strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
				res.errorBody(t)
			}
		})
	}

	if got, want := h.state(t).RateLimit, (contract.SandboxRateLimit{Enabled: true, Capacity: 3, FillRate: 1, IntervalSeconds: 10}); got != want {
		t.Errorf("state rateLimit = %+v; want %+v", got, want)
	}
	want{status: 200}.check(t, "reset", h.do(req{method: "POST", path: "/_sandbox/reset"}))
	if got := h.state(t).RateLimit; got != defaultRateLimit {
		t.Errorf("rateLimit after reset = %+v; want %+v", got, defaultRateLimit)
	}
	res := h.do(req{path: "/rest/api/2/myself", basic: "fred:fred"})
	if res.status != 200 || rateHeaders(res.header) != noRateHeaders {
		t.Errorf("after reset: status %d, rate headers %q; want 200 and none", res.status, rateHeaders(res.header))
	}
}

// TestRateLimitNewSettingsRefill: a change of settings starts every bucket
// afresh, full under the new capacity.
func TestRateLimitNewSettingsRefill(t *testing.T) {
	h := newHarness(t, Options{})
	put := func(body string) {
		t.Helper()
		if res := h.do(req{method: "PUT", path: "/_sandbox/rate-limit", header: jsonHeader, body: body}); res.status != 200 {
			t.Fatalf("PUT %s: %d %s", body, res.status, res.body)
		}
	}
	put(`{"enabled":true,"capacity":1,"fillRate":1,"intervalSeconds":60}`)
	for i, wantStatus := range []int{200, 429} {
		if res := h.do(req{path: "/rest/api/2/myself", basic: "fred:fred"}); res.status != wantStatus {
			t.Fatalf("call %d: status %d; want %d", i+1, res.status, wantStatus)
		}
	}
	put(`{"capacity":5,"fillRate":2}`)
	res := h.do(req{path: "/rest/api/2/myself", basic: "fred:fred"})
	if got, want := rateHeaders(res.header), [5]string{"5", "4", "2", "60", "0"}; res.status != 200 || got != want {
		t.Errorf("after new settings: status %d, rate headers %q; want 200, %q", res.status, got, want)
	}
}

// TestRateLimitSwitchControl: PUT /_sandbox/rate-limit refuses what it
// cannot apply with a clear 400 and changes nothing then; absent fields
// keep their value.
func TestRateLimitSwitchControl(t *testing.T) {
	h := newHarness(t, Options{})
	put := func(body string) req {
		return req{method: "PUT", path: "/_sandbox/rate-limit", header: jsonHeader, body: body}
	}
	between := func(field string, max int) string {
		return `\"` + field + `\" must be between 1 and ` + strconv.Itoa(max) + `.`
	}
	h.runCases([]httpCase{
		{"GET: off by default", req{path: "/_sandbox/rate-limit"}, want{status: 200, body: []string{`{"enabled":false,"capacity":10,"fillRate":1,"intervalSeconds":1}`}}},
		{"capacity 0", put(`{"enabled":true,"capacity":0}`), want{status: 400, body: []string{between("capacity", maxRateLimitTokens)}}},
		{"negative fill rate", put(`{"enabled":true,"fillRate":-1}`), want{status: 400, body: []string{between("fillRate", maxRateLimitTokens)}}},
		{"interval 0", put(`{"intervalSeconds":0}`), want{status: 400, body: []string{between("intervalSeconds", maxRateLimitInterval)}}},
		{"interval over a day", put(`{"intervalSeconds":86401}`), want{status: 400, body: []string{between("intervalSeconds", maxRateLimitInterval)}}},
		{"capacity too large", put(`{"capacity":1000001}`), want{status: 400, body: []string{between("capacity", maxRateLimitTokens)}}},
		{"every bad number named", put(`{"capacity":-5,"fillRate":0,"intervalSeconds":-1}`),
			want{status: 400, body: []string{between("capacity", maxRateLimitTokens), between("fillRate", maxRateLimitTokens), between("intervalSeconds", maxRateLimitInterval)}}},
		{"fill rate above capacity", put(`{"capacity":2,"fillRate":5}`),
			want{status: 400, body: []string{`\"fillRate\" (5) must not be greater than \"capacity\" (2)`}}},
		{"fill rate above the current capacity", put(`{"fillRate":11}`),
			want{status: 400, body: []string{`\"fillRate\" (11) must not be greater than \"capacity\" (10)`}}},
		{"a fraction", put(`{"capacity":1.5}`), want{status: 400, notBody: []string{"json:", "Go "}}},
		{"beyond int64", put(`{"capacity":99999999999999999999}`), want{status: 400, notBody: []string{"json:", "Go "}}},
		{"a string", put(`{"capacity":"10"}`), want{status: 400, notBody: []string{"json:"}}},
		{"unknown field", put(`{"enabled":true,"limit":5}`), want{status: 400, body: []string{`Unrecognized field \"limit\"`, beanRateLimit}}},
		{"nothing to change", put(`{}`), want{status: 400, body: []string{`The body must name at least one of`}}},
		{"no body", req{method: "PUT", path: "/_sandbox/rate-limit", header: jsonHeader}, want{status: 400}},
		{"not JSON", req{method: "PUT", path: "/_sandbox/rate-limit", body: "enabled=true",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, want{status: 415}},
		{"wrong method", req{method: "DELETE", path: "/_sandbox/rate-limit"}, want{status: 405, headers: map[string]string{"Allow": "GET, HEAD, PUT"}}},
		{"refusals changed nothing", req{path: "/_sandbox/rate-limit"}, want{status: 200, body: []string{`{"enabled":false,"capacity":10,"fillRate":1,"intervalSeconds":1}`}}},
		{"still off: no headers", req{path: "/rest/api/2/myself", basic: "fred:fred"}, want{status: 200, headers: map[string]string{"X-RateLimit-Limit": "", "Retry-After": ""}}},

		{"enabled alone keeps the numbers", put(`{"enabled":true}`), want{status: 200, body: []string{`{"enabled":true,"capacity":10,"fillRate":1,"intervalSeconds":1}`}}},
		{"numbers alone keep it on", put(`{"capacity":20,"fillRate":20,"intervalSeconds":3600}`),
			want{status: 200, body: []string{`{"enabled":true,"capacity":20,"fillRate":20,"intervalSeconds":3600}`}}},
		{"on: headers", req{path: "/rest/api/2/myself", basic: "fred:fred"},
			want{status: 200, headers: map[string]string{"X-RateLimit-Limit": "20", "X-RateLimit-Remaining": "19", "X-RateLimit-FillRate": "20", "X-RateLimit-Interval-Seconds": "3600", "Retry-After": "0"}}},
		{"through /jira", req{path: "/jira/_sandbox/rate-limit"}, want{status: 200, body: []string{`"capacity":20`}}},
		{"off again", put(`{"enabled":false}`), want{status: 200, body: []string{`{"enabled":false,"capacity":20,"fillRate":20,"intervalSeconds":3600}`}}},
	})
}

// TestRateLimitHeaderSpelling: the headers go out as Jira spells them
// (X-RateLimit-…, which Go would canonicalise to X-Ratelimit-…).
func TestRateLimitHeaderSpelling(t *testing.T) {
	sb := New(Options{})
	serve := func(method, path, auth, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "http://127.0.0.1:8090"+path, strings.NewReader(body))
		if body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		sb.ServeHTTP(w, r)
		return w
	}
	if w := serve("PUT", "/_sandbox/rate-limit", "", `{"enabled":true}`); w.Code != 200 {
		t.Fatalf("switch on: %d %s", w.Code, w.Body)
	}
	w := serve("GET", "/rest/api/2/myself", "Basic ZnJlZDpmcmVk", "")
	for _, k := range []string{hdrRateLimit, hdrRateRemaining, hdrRateFillRate, hdrRateInterval, hdrRetryAfter} {
		t.Run(k, func(t *testing.T) {
			if _, ok := w.Header()[k]; !ok {
				t.Errorf("header %q not spelled as Jira spells it: %v", k, w.Header())
			}
			if canon := http.CanonicalHeaderKey(k); canon != k {
				if _, dup := w.Header()[canon]; dup {
					t.Errorf("header %q also sent as %q", k, canon)
				}
			}
		})
	}
}

// TestRateLimitConcurrent: many calls at once from one user take exactly the
// bucket's tokens (no lost or double-spent token), while the switches are
// read; go test -race checks the locking.
func TestRateLimitConcurrent(t *testing.T) {
	h := newHarness(t, Options{})
	const capacity, calls = 7, 40
	want{status: 200}.check(t, "switch on", h.do(req{method: "PUT", path: "/_sandbox/rate-limit", header: jsonHeader,
		body: `{"enabled":true,"capacity":` + strconv.Itoa(capacity) + `,"fillRate":1,"intervalSeconds":3600}`}))

	var wg sync.WaitGroup
	statuses := make(chan int, calls)
	for range calls {
		wg.Go(func() {
			statuses <- h.doT(t, req{path: "/rest/api/2/myself", basic: "fred:fred"}).status
		})
		wg.Go(func() { h.doT(t, req{path: "/_sandbox/state"}) })
	}
	wg.Wait()
	close(statuses)
	counts := map[int]int{}
	for s := range statuses {
		counts[s]++
	}
	if counts[200] != capacity || counts[429] != calls-capacity || len(counts) != 2 {
		t.Errorf("statuses %v; want %d × 200 and %d × 429", counts, capacity, calls-capacity)
	}
}

// TestSwitchesConcurrent flips both switches while calls run: every answer
// is one the switches allow (never a 5xx), and go test -race checks the
// locking.
func TestSwitchesConcurrent(t *testing.T) {
	h := newHarness(t, Options{})
	bodies := map[string][]string{
		"/_sandbox/basic-auth": {`{"enabled":false,"allowedUsers":["admin"]}`, `{"enabled":true}`, `{"allowedUsers":["fred"]}`},
		"/_sandbox/rate-limit": {`{"enabled":true,"capacity":2,"fillRate":1,"intervalSeconds":1}`, `{"enabled":false}`},
	}
	allowed := map[int]bool{200: true, 403: true, 429: true}
	var wg sync.WaitGroup
	for i := range 20 {
		for path, bs := range bodies {
			wg.Go(func() {
				res := h.doT(t, req{method: "PUT", path: path, header: jsonHeader, body: bs[i%len(bs)]})
				if res.status != 200 {
					t.Errorf("PUT %s: %d %s", path, res.status, res.body)
				}
			})
		}
		wg.Go(func() {
			if res := h.doT(t, req{path: "/rest/api/2/myself", basic: "fred:fred"}); !allowed[res.status] {
				t.Errorf("call during flips: %d %s", res.status, res.body)
			}
		})
		wg.Go(func() { h.clock.Advance(time.Second) })
		wg.Go(func() { h.state(t) })
	}
	wg.Wait()
}
