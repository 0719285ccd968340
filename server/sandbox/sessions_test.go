package sandbox

import (
	"fmt"
	"testing"
	"time"
)

// TestSessionFloodEvictsOnlyTheFlooder replays the finding of issue 14:
// anyone could evict every sandbox session by filling the table (10,000
// basic-auth calls as fred in 15 s). Filling it now only evicts sessions
// of the account that fills it, and of those the ones never used again
// first; failed and anonymous calls open none.
func TestSessionFloodEvictsOnlyTheFlooder(t *testing.T) {
	h := newHarness(t, Options{MaxSessions: 10, MaxSessionsPerUser: 6, IdleTimeout: time.Hour})
	admin := h.login("admin", "admin")
	fred := h.login("fred", "fred")
	mine := func(name string) {
		t.Helper()
		// The learners use their sessions between the flood's calls.
		want{status: 200, headers: map[string]string{"X-AUSERNAME": "admin"}}.check(t, name+": admin's session", h.do(req{path: "/rest/api/2/myself", cookie: admin}))
		want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred"}}.check(t, name+": fred's session", h.do(req{path: "/rest/api/2/myself", cookie: fred}))
	}
	mine("before")
	for i := range 50 {
		// Each basic-auth call opens a session (Jira 8.20), never used again.
		want{status: 200}.check(t, "flood", h.do(req{path: "/rest/api/2/serverInfo", basic: "fred:fred"}))
		h.do(req{path: "/rest/api/2/myself", basic: "fred:wrong"})
		h.do(req{path: "/rest/api/2/serverInfo"})
		if i%10 == 9 {
			mine(fmt.Sprintf("after %d calls", i+1))
		}
	}
	st := h.sb.store.state()
	if st.Sessions > 10 {
		t.Errorf("sessions = %d; want at most 10", st.Sessions)
	}
	if n := h.sb.store.sessionsOf(accountByName("fred")); n != 6 {
		t.Errorf("fred's sessions = %d; want his cap, 6", n)
	}

	// Sessions used again are evicted too once an account has only those,
	// least recently used first.
	var used []string
	for range 8 {
		sid := h.login("fred", "fred")
		h.do(req{path: "/rest/api/2/myself", cookie: sid})
		used = append(used, sid)
	}
	for i, sid := range used {
		status := 200
		if i < 2 {
			status = 401
		}
		want{status: status}.check(t, fmt.Sprintf("used session %d", i), h.do(req{path: "/rest/api/2/myself", cookie: sid}))
	}
	want{status: 200}.check(t, "admin's session at the end", h.do(req{path: "/rest/api/2/myself", cookie: admin}))
}

// TestSessionTableFullEvictsTheLargest: when the table itself is full (more
// accounts than it holds caps for), the account holding the most sessions
// gives one up, not whoever is least recently used.
func TestSessionTableFullEvictsTheLargest(t *testing.T) {
	h := newHarness(t, Options{MaxSessions: 4, MaxSessionsPerUser: 4, IdleTimeout: time.Hour})
	admin := h.login("admin", "admin")
	for range 10 {
		h.login("fred", "fred")
	}
	want{status: 200}.check(t, "admin's session", h.do(req{path: "/rest/api/2/myself", cookie: admin}))
	if n := h.sb.store.state().Sessions; n != 4 {
		t.Errorf("sessions = %d; want 4", n)
	}
}

// Many learners log in at once: a session login's new cookie is about to be
// sent back, and must not be the first to go when its account is full (it
// was: the flows of make load lost a cookie before its first use). The
// sessions their owners left behind go first.
func TestNewLoginSessionOutlivesOlderOnes(t *testing.T) {
	h := newHarness(t, Options{MaxSessions: 100, MaxSessionsPerUser: 3, IdleTimeout: time.Hour})
	first := h.login("fred", "fred")
	h.do(req{path: "/rest/api/2/myself", cookie: first}) // used, then left for a new login
	fresh := h.login("fred", "fred")                     // not sent back yet
	h.login("fred", "fred")                              // another learner's
	h.login("fred", "fred")                              // full: one must go
	want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred"}}.check(t, "the new login's cookie, at its first use",
		h.do(req{path: "/rest/api/2/myself", cookie: fresh}))
	want{status: 401}.check(t, "the session left behind", h.do(req{path: "/rest/api/2/myself", cookie: first}))
}
