package sandbox

import (
	"container/list"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"sort"
	"strings"
	"sync"
	"time"

	"jiraauthlab/contract"
)

// store holds all mutable state of the sandbox behind one mutex: login
// counters (CAPTCHA), sessions, personal access tokens and the password policy.
// The accounts and issues themselves are immutable fixtures (fixture.go).
type store struct {
	now          func() time.Time
	idle         time.Duration
	maxSessions  int
	maxPerUser   int
	captchaLimit int

	mu       sync.Mutex
	logins   map[string]*loginState // by account name
	sessions map[string]*list.Element
	lru      *list.List // of *session, most recently used at the front
	byUser   map[*account]*userSessions
	tokens   map[[sha256.Size]byte]*token
	tokenSeq int
	policy   passwordPolicy

	// The Data Center administrator's switches (switches.go) and the
	// rate limiter's buckets, one per account name (ratelimit.go).
	basicAuth contract.SandboxBasicAuth
	rateLimit contract.SandboxRateLimit
	buckets   map[string]*bucket
}

// loginState is an account's login history, as Jira's LoginInfo reports it.
type loginState struct {
	consecutive   int // failures since the last success; CAPTCHA at >= captchaLimit
	failedTotal   int
	loginCount    int
	lastLogin     time.Time
	previousLogin time.Time // the login before lastLogin: what loginInfo reports
	lastFailed    time.Time
}

// session is one JSESSIONID.
type session struct {
	id, short, xsrf string
	user            *account
	lastAccess      time.Time
	webSudoUntil    time.Time
	used            bool          // asked for by a session login, or sent back at least once
	mine            *list.Element // its place in its user's fresh or used list
}

// userSessions are one account's sessions, most recently used first, in
// two lists: fresh ones, opened as a side effect of a basic-auth call (every
// one opens a session, as in Jira 8.20) and never sent back since, and used
// ones — sent back, or asked for by a session login, whose client came for
// the cookie and is about to send it. A full account gives up its least
// recently used fresh session first, so that a flood of one-shot basic-auth
// calls cannot push out a session someone is using; then its least
// recently used one (a session login's fresh cookie is never the first to
// go: with many logins at once, it would be gone before its first use).
type userSessions struct {
	fresh, used *list.List // of *session
}

func (us *userSessions) len() int { return us.fresh.Len() + us.used.Len() }

// victim is the session the account gives up first.
func (us *userSessions) victim() *session {
	if e := us.fresh.Back(); e != nil {
		return e.Value.(*session)
	}
	return us.used.Back().Value.(*session)
}

// sessionRef is what a request keeps of its session: a copy, so that no
// caller holds a pointer into the locked table.
type sessionRef struct {
	id, short, xsrf string
	webSudo         bool
}

// token is a personal access token. Only the SHA-256 of the raw token is
// kept, as Jira does, so the raw value is shown once, at creation.
type token struct {
	id       int
	name     string
	owner    *account
	created  time.Time
	expires  time.Time // zero: never
	lastUsed time.Time
}

// Limits of the token table; with a fixed set of accounts this bounds it.
const (
	maxTokensPerUser  = 10 // Jira's default for atlassian.pats.max.tokens.per.user
	maxTokenDays      = 365
	webSudoTimeout    = 10 * time.Minute // Jira's default WebSudo window
	maxFailureCounter = 1 << 20          // keeps the counter far from overflow
)

func newStore(now func() time.Time, idle time.Duration, maxSessions, maxPerUser, captchaLimit int) *store {
	st := &store{now: now, idle: idle, maxSessions: maxSessions, maxPerUser: min(maxPerUser, maxSessions), captchaLimit: captchaLimit}
	st.resetLocked()
	return st
}

// reset restores the initial state: POST /_sandbox/reset.
func (st *store) reset() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.resetLocked()
}

func (st *store) resetLocked() {
	st.logins = initialLogins()
	st.clearSessionsLocked()
	st.tokens = make(map[[sha256.Size]byte]*token)
	st.tokenSeq = 0
	st.policy = presetPolicy(presetSecure)
	st.basicAuth = defaultBasicAuth()
	st.rateLimit = defaultRateLimit
	st.buckets = make(map[string]*bucket)
}

// loginOutcome is the result of checking credentials.
type loginOutcome int

const (
	loginOK     loginOutcome = iota
	loginFailed              // X-Seraph-LoginReason: AUTHENTICATED_FAILED
	loginDenied              // X-Seraph-LoginReason: AUTHENTICATION_DENIED (CAPTCHA)
)

// authenticate checks a name and password, keeping the CAPTCHA counter:
// while CAPTCHA is required the password is not even checked, unless the
// caller answered the CAPTCHA (browser login). SSO accounts have no password
// and never count, so they can never be locked out by guesses. Unknown names
// keep no state, so guessing names cannot grow memory.
func (st *store) authenticate(name, password string, captchaAnswered bool) (*account, loginOutcome) {
	a := accountByName(name)
	if a == nil {
		return nil, loginFailed
	}
	if a.SSO {
		return a, loginFailed
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	ls := st.logins[a.Name]
	if ls.consecutive >= st.captchaLimit && !captchaAnswered {
		return a, loginDenied
	}
	if !a.passwordIs(password) {
		if ls.consecutive < maxFailureCounter {
			ls.consecutive++
		}
		if ls.failedTotal < maxFailureCounter {
			ls.failedTotal++
		}
		ls.lastFailed = st.now()
		return a, loginFailed
	}
	ls.consecutive = 0
	return a, loginOK
}

// captchaRequired reports whether a's next login must answer the CAPTCHA.
func (st *store) captchaRequired(a *account) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.logins[a.Name].consecutive >= st.captchaLimit
}

// resetCaptcha clears a's consecutive failures (POST /_sandbox/captcha/reset).
func (st *store) resetCaptcha(a *account) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.logins[a.Name].consecutive = 0
}

// recordLogin counts a successful login of a and returns its login info.
func (st *store) recordLogin(a *account) loginInfo {
	st.mu.Lock()
	defer st.mu.Unlock()
	ls := st.logins[a.Name]
	ls.consecutive = 0
	ls.loginCount++
	ls.previousLogin = ls.lastLogin
	ls.lastLogin = st.now()
	return ls.info()
}

// loginInfo returns a's login info as GET /rest/auth/1/session reports it.
func (st *store) loginInfo(a *account) loginInfo {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.logins[a.Name].info()
}

func (ls *loginState) info() loginInfo {
	return loginInfo{
		FailedLoginCount:    ls.failedTotal,
		LoginCount:          ls.loginCount,
		LastFailedLoginTime: jiraTimePtr(ls.lastFailed),
		PreviousLoginTime:   jiraTimePtr(ls.previousLogin),
	}
}

// loginInfo is the "loginInfo" object of the session resource. Jira leaves out
// what it does not know (no failure yet, first login).
type loginInfo struct {
	FailedLoginCount    int     `json:"failedLoginCount,omitempty"`
	LoginCount          int     `json:"loginCount"`
	LastFailedLoginTime *string `json:"lastFailedLoginTime,omitempty"`
	PreviousLoginTime   *string `json:"previousLoginTime,omitempty"`
}

// newSession starts a session for a. It first drops expired sessions from
// the cold end of the LRU list; then, if a already holds its share
// (maxPerUser), a gives one up (userSessions.victim); then, if the table is
// still full, the account holding the most sessions gives one up. So the
// table never exceeds maxSessions, and logging in — even as everyone can,
// with the built-in accounts' known passwords — only ever evicts sessions
// of the account logged in as, unless that account holds no more than any
// other. Failed logins and anonymous calls open no session at all.
//
// implicit marks a session opened as a side effect of basic auth.
func (st *store) newSession(a *account, implicit bool) sessionRef {
	st.mu.Lock()
	defer st.mu.Unlock()
	now := st.now()
	st.sweepLocked(now)
	for us := st.byUser[a]; us != nil && us.len() >= st.maxPerUser; {
		st.dropLocked(st.sessions[us.victim().id])
	}
	for st.lru.Len() >= st.maxSessions {
		st.dropLocked(st.sessions[st.largestLocked().victim().id])
	}
	us := st.byUser[a]
	if us == nil {
		us = &userSessions{fresh: list.New(), used: list.New()}
		st.byUser[a] = us
	}
	ss := &session{id: randomHex(16), short: randomBase36(7), xsrf: newXSRFToken(), user: a, lastAccess: now, used: !implicit}
	st.sessions[ss.id] = st.lru.PushFront(ss)
	if implicit {
		ss.mine = us.fresh.PushFront(ss)
	} else {
		ss.mine = us.used.PushFront(ss)
	}
	return ss.ref(now)
}

// largestLocked returns the sessions of an account that holds the most.
func (st *store) largestLocked() *userSessions {
	var top *userSessions
	for _, us := range st.byUser {
		if top == nil || us.len() > top.len() {
			top = us
		}
	}
	return top
}

// sessionsOf returns how many live sessions a holds.
func (st *store) sessionsOf(a *account) int {
	st.mu.Lock()
	defer st.mu.Unlock()
	if us := st.byUser[a]; us != nil {
		return us.len()
	}
	return 0
}

// session returns the live session with id, touching it (idle timeout
// restarts). An expired session is removed and reported as absent, so its
// cookie makes the caller anonymous.
func (st *store) session(id string) (*account, sessionRef, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	e, ok := st.sessions[id]
	if !ok {
		return nil, sessionRef{}, false
	}
	ss := e.Value.(*session)
	now := st.now()
	if st.expired(ss, now) {
		st.dropLocked(e)
		return nil, sessionRef{}, false
	}
	ss.lastAccess = now
	st.lru.MoveToFront(e)
	us := st.byUser[ss.user]
	if !ss.used {
		ss.used = true
		us.fresh.Remove(ss.mine)
		ss.mine = us.used.PushFront(ss)
	} else {
		us.used.MoveToFront(ss.mine)
	}
	return ss.user, ss.ref(now), true
}

func (ss *session) ref(now time.Time) sessionRef {
	return sessionRef{id: ss.id, short: ss.short, xsrf: ss.xsrf, webSudo: now.Before(ss.webSudoUntil)}
}

func (st *store) expired(ss *session, now time.Time) bool {
	return now.Sub(ss.lastAccess) >= st.idle
}

// sweepLocked removes expired sessions. The list is ordered by last access,
// so it only looks at the cold end.
func (st *store) sweepLocked(now time.Time) {
	for e := st.lru.Back(); e != nil && st.expired(e.Value.(*session), now); e = st.lru.Back() {
		st.dropLocked(e)
	}
}

func (st *store) dropLocked(e *list.Element) {
	ss := e.Value.(*session)
	delete(st.sessions, ss.id)
	st.lru.Remove(e)
	us := st.byUser[ss.user]
	if ss.used {
		us.used.Remove(ss.mine)
	} else {
		us.fresh.Remove(ss.mine)
	}
	if us.len() == 0 {
		delete(st.byUser, ss.user)
	}
}

// clearSessionsLocked ends every session.
func (st *store) clearSessionsLocked() {
	st.sessions = make(map[string]*list.Element)
	st.lru = list.New()
	st.byUser = make(map[*account]*userSessions)
}

// endSession removes the session with id (logout); absent ids are ignored.
func (st *store) endSession(id string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if e, ok := st.sessions[id]; ok {
		st.dropLocked(e)
	}
}

// expireSessions ends every session and returns how many there were.
func (st *store) expireSessions() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := st.lru.Len()
	st.clearSessionsLocked()
	return n
}

// setWebSudo opens (on) or closes the WebSudo window of session id.
func (st *store) setWebSudo(id string, on bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if e, ok := st.sessions[id]; ok {
		ss := e.Value.(*session)
		ss.webSudoUntil = time.Time{}
		if on {
			ss.webSudoUntil = st.now().Add(webSudoTimeout)
		}
	}
}

// createToken creates a personal access token for owner, valid for days
// (nil: no expiry). It returns the token and its raw value, shown only now;
// ok is false when owner already has maxTokensPerUser live tokens.
func (st *store) createToken(owner *account, name string, days *int) (view tokenView, raw string, ok bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	now := st.now()
	n := 0
	for h, t := range st.tokens {
		switch {
		case st.tokenExpired(t, now):
			delete(st.tokens, h)
		case t.owner == owner:
			n++
		}
	}
	if n >= maxTokensPerUser {
		return tokenView{}, "", false
	}
	st.tokenSeq++
	t := &token{id: st.tokenSeq, name: name, owner: owner, created: now}
	if days != nil {
		t.expires = now.AddDate(0, 0, *days)
	}
	raw = newRawToken()
	st.tokens[sha256.Sum256([]byte(raw))] = t
	return t.view(), raw, true
}

func (st *store) tokenExpired(t *token, now time.Time) bool {
	return !t.expires.IsZero() && !now.Before(t.expires)
}

// tokenOwner returns the owner of the live token raw, or nil.
func (st *store) tokenOwner(raw string) *account {
	h := sha256.Sum256([]byte(raw))
	st.mu.Lock()
	defer st.mu.Unlock()
	t, ok := st.tokens[h]
	if !ok {
		return nil
	}
	now := st.now()
	if st.tokenExpired(t, now) {
		delete(st.tokens, h)
		return nil
	}
	t.lastUsed = now
	return t.owner
}

// tokens lists owner's live tokens, oldest first.
func (st *store) tokensOf(owner *account) []tokenView {
	st.mu.Lock()
	defer st.mu.Unlock()
	now := st.now()
	views := []tokenView{}
	for _, t := range st.tokens {
		if t.owner == owner && !st.tokenExpired(t, now) {
			views = append(views, t.view())
		}
	}
	sort.Slice(views, func(i, j int) bool { return views[i].ID < views[j].ID })
	return views
}

// deleteToken revokes owner's token id and reports whether it existed.
func (st *store) deleteToken(owner *account, id int) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	for h, t := range st.tokens {
		if t.id == id && t.owner == owner {
			delete(st.tokens, h)
			return true
		}
	}
	return false
}

// tokenView is a token as the token resource shows it.
type tokenView struct {
	ID             int     `json:"id"`
	Name           string  `json:"name"`
	CreatedAt      string  `json:"createdAt"`
	ExpiringAt     *string `json:"expiringAt,omitempty"`
	LastAccessedAt *string `json:"lastAccessedAt,omitempty"`
	RawToken       string  `json:"rawToken,omitempty"`
}

func (t *token) view() tokenView {
	return tokenView{
		ID:             t.id,
		Name:           t.name,
		CreatedAt:      jiraTime(t.created),
		ExpiringAt:     jiraTimePtr(t.expires),
		LastAccessedAt: jiraTimePtr(t.lastUsed),
	}
}

// currentPolicy returns the password policy in force.
func (st *store) currentPolicy() passwordPolicy {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.policy
}

// setPolicy replaces the password policy.
func (st *store) setPolicy(p passwordPolicy) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.policy = p
}

// state is GET /_sandbox/state: what the lab's /sandbox panel, demos and
// tests see of the sandbox, in the one type page and sandbox share.
func (st *store) state() contract.SandboxState {
	st.mu.Lock()
	defer st.mu.Unlock()
	v := contract.SandboxState{
		Face:           "server",
		Sessions:       st.lru.Len(),
		Tokens:         len(st.tokens),
		PasswordPolicy: st.policy.Preset,
		CaptchaAfter:   st.captchaLimit,
		Users:          make([]contract.SandboxAccount, 0, len(accounts)),
		BasicAuth:      st.basicAuthLocked(),
		RateLimit:      st.rateLimit,
	}
	for _, a := range accounts {
		ls := st.logins[a.Name]
		v.Users = append(v.Users, contract.SandboxAccount{
			Name:                    a.Name,
			Password:                a.listedPassword(),
			Kind:                    a.kind(),
			ConsecutiveFailedLogins: ls.consecutive,
			CaptchaRequired:         ls.consecutive >= st.captchaLimit,
			LoginCount:              ls.loginCount,
		})
	}
	return v
}

// randomHex returns n random bytes as upper-case hex: Jira's JSESSIONID form.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand crashes the program instead)
	return strings.ToUpper(hex.EncodeToString(b))
}

const base36 = "0123456789abcdefghijklmnopqrstuvwxyz"

// randomBase36 returns n random base-36 characters: the form of X-ASESSIONID.
// (The slight modulo bias is harmless: this id is a label, not a secret.)
func randomBase36(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = base36[int(b[i])%len(base36)]
	}
	return string(b)
}

// newXSRFToken returns a session's value of the atlassian.xsrf.token
// cookie, in its form: XXXX-XXXX-XXXX-XXXX_<40 hex>_lin.
func newXSRFToken() string {
	return xsrfPrefix() + "_" + strings.ToLower(randomHex(20)) + "_lin"
}

// xsrfPrefixLen is the length of xsrfPrefix's XXXX-XXXX-XXXX-XXXX.
const xsrfPrefixLen = 19

// xsrfPrefix returns the first part of a form token: four groups of four
// random capitals and digits.
func xsrfPrefix() string {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 16)
	rand.Read(b)
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(alnum[int(c)%len(alnum)])
	}
	return sb.String()
}

// newRawToken returns a new personal access token: 33 random bytes in
// base64, the length of Jira's tokens.
func newRawToken() string {
	b := make([]byte, 33)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// sessionCount is the number of sessions in the table.
func (st *store) sessionCount() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.lru.Len()
}
