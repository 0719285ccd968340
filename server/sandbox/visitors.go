package sandbox

import (
	"container/list"
	"net/http"
	"sync"
	"time"

	"jiraauthlab/contract"
)

// Per-visitor sandbox (CONTRACT.md, "Per-visitor sandbox"): learners who
// share one lab in a portal must not see each other's CAPTCHA, policy switch
// or sessions. The lab's proxy forwards the page's visitor id as
// X-Sandbox-Visitor; each id gets a state of its own (both faces' stores),
// created on first use. Requests without the header — curl, client
// libraries on the sandbox's port — share the default state, which is
// never evicted. Nothing of this imitates Jira: a real Jira has one state.

// Defaults of the visitor table, applied by New to zero Options fields.
const (
	defaultMaxVisitors = 1000
	defaultVisitorIdle = 2 * time.Hour
	// maxVisitorIDLen bounds the header the table keys on; the page sends
	// 32 hex digits.
	maxVisitorIDLen = 64
	// A visitor's own session table is smaller than the default state's:
	// one learner needs a handful, and MaxVisitors of them must fit in
	// memory (see TestVisitorMemory for the measured cost).
	visitorMaxSessions = 64
	visitorMaxPerUser  = 32
)

// visitorState is one visitor's sandbox: the Server face's store and the
// Cloud face's.
type visitorState struct {
	id      string
	store   *store
	cloud   *cloudStore
	lastUse time.Time
}

// visitorTable holds the visitors' states, most recently used first.
// It is bounded by max (the least recently used state goes first) and by
// idle (a state unused that long is dropped, by the sandbox's clock, on the
// next lookup).
type visitorTable struct {
	now   func() time.Time
	idle  time.Duration
	max   int
	fresh func() (*store, *cloudStore)

	mu   sync.Mutex
	byID map[string]*list.Element
	lru  *list.List // of *visitorState, most recently used at the front
}

func newVisitorTable(now func() time.Time, idle time.Duration, max int, fresh func() (*store, *cloudStore)) *visitorTable {
	return &visitorTable{now: now, idle: idle, max: max, fresh: fresh, byID: make(map[string]*list.Element), lru: list.New()}
}

// get returns id's state, creating it (and making room for it) on first use.
func (vt *visitorTable) get(id string) *visitorState {
	vt.mu.Lock()
	defer vt.mu.Unlock()
	now := vt.now()
	vt.sweepLocked(now)
	if e, ok := vt.byID[id]; ok {
		vs := e.Value.(*visitorState)
		vs.lastUse = now
		vt.lru.MoveToFront(e)
		return vs
	}
	for vt.lru.Len() >= vt.max {
		vt.dropLocked(vt.lru.Back())
	}
	st, cst := vt.fresh()
	vs := &visitorState{id: id, store: st, cloud: cst, lastUse: now}
	vt.byID[id] = vt.lru.PushFront(vs)
	return vs
}

// sweepLocked drops idle states; the list is ordered by last use, so it
// only looks at the cold end.
func (vt *visitorTable) sweepLocked(now time.Time) {
	for e := vt.lru.Back(); e != nil && now.Sub(e.Value.(*visitorState).lastUse) >= vt.idle; e = vt.lru.Back() {
		vt.dropLocked(e)
	}
}

func (vt *visitorTable) dropLocked(e *list.Element) {
	delete(vt.byID, e.Value.(*visitorState).id)
	vt.lru.Remove(e)
}

// states returns the live states (idle ones dropped first).
func (vt *visitorTable) states() []*visitorState {
	vt.mu.Lock()
	defer vt.mu.Unlock()
	vt.sweepLocked(vt.now())
	out := make([]*visitorState, 0, vt.lru.Len())
	for e := vt.lru.Front(); e != nil; e = e.Next() {
		out = append(out, e.Value.(*visitorState))
	}
	return out
}

// visitorHeaderError is the 400 of a malformed X-Sandbox-Visitor. The id
// is not repeated: it may be anything up to the header limit.
const visitorHeaderError = contract.HeaderSandboxVisitor + " must be 1 to 64 letters, digits, '-' or '_' (the lab sends 32 hex digits), given once."

// visitorID returns the X-Sandbox-Visitor of r: "" when absent (the
// default state), ok false when malformed (empty, too long, a character
// outside [A-Za-z0-9_-], or given more than once).
func visitorID(r *http.Request) (id string, ok bool) {
	vs := r.Header.Values(contract.HeaderSandboxVisitor)
	switch len(vs) {
	case 0:
		return "", true
	case 1:
	default:
		return "", false
	}
	id = vs[0]
	if id == "" || len(id) > maxVisitorIDLen {
		return "", false
	}
	for i := 0; i < len(id); i++ {
		switch b := id[i]; {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9', b == '-', b == '_':
		default:
			return "", false
		}
	}
	return id, true
}

// useVisitorState points c at its caller's state: the default one without
// X-Sandbox-Visitor, else that visitor's. A malformed id gets Jira's error
// body with 400 and false.
func (c *call) useVisitorState() bool {
	id, ok := visitorID(c.r)
	switch {
	case !ok:
		c.errorJSON(http.StatusBadRequest, visitorHeaderError)
		return false
	case id == "":
		c.st, c.cst = c.s.store, c.s.cloud
	default:
		vs := c.s.visitors.get(id)
		c.st, c.cst = vs.store, vs.cloud
	}
	return true
}

// Visitors reports how many per-visitor states the sandbox holds (the
// default state not counted), for an operator's metrics.
func (s *Sandbox) Visitors() int { return len(s.visitors.states()) }

// Sessions reports how many sessions live in all states together, the
// default one included, for an operator's metrics.
func (s *Sandbox) Sessions() int {
	n := s.store.sessionCount()
	for _, vs := range s.visitors.states() {
		n += vs.store.sessionCount()
	}
	return n
}
