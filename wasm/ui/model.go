package ui

import (
	"context"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// stateRev is bumped after every change of the model: components observe it
// and re-render from the model. The model itself is only touched on the UI
// goroutine (handlers and ctx.Dispatch), so it needs no lock.
const stateRev = "lab.rev"

// maxExchanges bounds the log: a long typing session on /password must not
// grow the page without end.
const maxExchanges = 100

// labModel is everything the pages share: the target, the exchange log, the
// last diagnosis, the session cookie, and what the user typed (kept across
// page changes, so nothing typed is lost by navigating).
type labModel struct {
	rev       int
	upstreams []Upstream
	target    string
	// upstreamsStatus is the state of GET /api/upstreams, shared by every
	// page's picker (and its Retry button).
	upstreamsStatus loadStatus
	upstreamsErr    string
	// epoch is bumped by "Forget secrets": answers to requests sent before
	// are dropped, so none of them brings a cookie or a password back.
	epoch int
	// openLog is the open/closed state the user gave log entries, by
	// exchange ID (go-app reuses elements by position, and the newest comes
	// first). An entry without a choice is open when it is the newest.
	openLog map[int]bool

	exchanges []Exchange // newest first
	nextID    int
	diag      *Diagnosis
	busy      map[string]bool
	reveal    bool // show secrets in the log's request headers

	// /session
	username, password, jql string
	sessionJSON             string
	setCookie               []string
	cookie                  string   // "NAME=value; ..." the lab sends next as Cookie
	cookieAuth              AuthKind // AuthSession (from a login) or AuthPasted
	cookieFor               string   // the upstream the cookie belongs to: never sent elsewhere
	cookiePaste, pasteErr   string
	search                  *searchResult
	searchErr               string
	ssoSteps                []string

	// /basic
	basicUser, basicPass, basicPath string

	// /password
	pwMode, pwUser, pwName, pwEmail, pwOld, pwNew string
	policy                                        []string
	policyStatus                                  loadStatus
	policyErr                                     string
	policyWanted                                  bool // asked for before the target was known
	policySeq                                     int  // bumped per policy request: only the last one's answer counts
	pwStatus                                      loadStatus
	pwMessages                                    []string
	pwErr                                         string
	pwSeq                                         int  // bumped on every keystroke
	pwInFlight, pwPending                         bool // at most one check in flight; pending: its debounce ended meanwhile
	focusPassword                                 bool // "Log in again": focus #password once /session is up
}

var model = &labModel{
	busy:      map[string]bool{},
	jql:       "type=Bug AND status=Closed",
	basicPath: "/rest/api/2/myself",
	pwMode:    "create",
}

// changed re-renders every observing component.
func changed(ctx app.Context) {
	model.rev++
	ctx.SetState(stateRev, model.rev)
}

// observe makes a component re-render on every model change.
func observe(ctx app.Context, rev *int) {
	mounted = ctx.Src()
	ctx.ObserveState(stateRev).Value(rev)
	ctx.Defer(func(app.Context) { syncFields() }) // the page's fields hold what was typed before
}

// mounted is the component that mounted last: one of the current page's.
var mounted app.UI

// dispatch runs fn on the UI goroutine. go-app drops a ctx.Dispatch whose
// component has gone, but an answer must land even when the page that sent
// the request was left meanwhile: it is dispatched for the page mounted now.
func dispatch(ctx app.Context, fn func(app.Context)) {
	src := mounted
	if src == nil || !src.Mounted() {
		src = ctx.Src()
	}
	ctx.Dispatcher().Dispatch(app.Dispatch{Mode: app.Update, Source: src, Function: fn})
}

// current returns the chosen upstream.
func (m *labModel) current() (Upstream, bool) { return m.upstream(m.target) }

// upstream returns the named upstream.
func (m *labModel) upstream(name string) (Upstream, bool) {
	for _, u := range m.upstreams {
		if u.Name == name {
			return u, true
		}
	}
	return Upstream{}, false
}

func (m *labModel) onSandbox() bool {
	u, ok := m.current()
	return ok && u.Sandbox
}

// call is one request of a page to the chosen Jira, through the proxy.
type call struct {
	Method   string
	Path     string // upstream path and query, e.g. /rest/auth/1/session
	Header   []Header
	Body     string
	Auth     AuthKind // AuthSession/AuthPasted add the lab's cookie
	Username string   // whose credentials are sent, for the diagnosis
	Busy     string   // the button to disable while the call runs
	To       string   // upstream name; "" for the one chosen now
}

// send runs c in the background, logs the exchange, reads it into the
// diagnosis and then calls done (on the UI goroutine).
func send(ctx app.Context, c call, done func(ctx app.Context, x Exchange)) {
	up, ok := model.current()
	if c.To != "" {
		up, ok = model.upstream(c.To)
	}
	if !ok {
		model.diag = noTargetDiagnosis()
		changed(ctx)
		return
	}
	header := append([]Header(nil), c.Header...)
	if (c.Auth == AuthSession || c.Auth == AuthPasted) && model.cookie != "" && model.cookieFor == up.Name {
		// The browser cannot set Cookie itself: the proxy turns this into
		// the only Cookie header Jira sees.
		header = append(header, Header{Name: "X-Jira-Cookie", Value: model.cookie})
	}
	if c.Busy != "" {
		model.busy[c.Busy] = true
	}
	changed(ctx)
	req := Request{Method: c.Method, URL: Href("/proxy/" + up.Name + c.Path), Header: header, Body: c.Body}
	started := time.Now()
	epoch := model.epoch
	ctx.Async(func() {
		// Not ctx: it ends with the component, and the answer must not.
		cctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		resp, err := Do(cctx, req)
		dispatch(ctx, func(ctx app.Context) {
			if model.epoch != epoch {
				return // sent before "Forget secrets"
			}
			x := Exchange{
				Method: c.Method, Path: c.Path, Target: up.Name, TargetURL: up.URL, Sandbox: up.Sandbox,
				Auth: c.Auth, Username: c.Username, RequestHeader: header, RequestBody: c.Body,
				Status: resp.Status, ResponseHeader: resp.Header, ResponseBody: resp.Body,
				Duration: resp.Duration, Started: started,
			}
			if err != nil {
				x.Err = err.Error()
			}
			model.log(x)
			if d := Diagnose(x); up.Name == model.target || model.diag == nil {
				// An answer from a Jira no longer selected is logged, but
				// does not take over the diagnosis of the one chosen now.
				model.diag = &d
			}
			if c.Busy != "" {
				delete(model.busy, c.Busy)
			}
			if done != nil {
				done(ctx, x)
			}
			changed(ctx)
		})
	})
}

func (m *labModel) log(x Exchange) {
	m.nextID++
	x.ID = m.nextID
	m.exchanges = append([]Exchange{x}, m.exchanges...)
	if len(m.exchanges) > maxExchanges {
		for _, old := range m.exchanges[maxExchanges:] {
			delete(m.openLog, old.ID)
		}
		m.exchanges = m.exchanges[:maxExchanges]
	}
}

// entryOpen is whether the log entry of exchange id shows its details.
func (m *labModel) entryOpen(id int) bool {
	if open, chosen := m.openLog[id]; chosen {
		return open
	}
	return len(m.exchanges) > 0 && m.exchanges[0].ID == id
}

// noTargetDiagnosis says why a request could not be sent.
func noTargetDiagnosis() *Diagnosis {
	if model.upstreamsStatus == loadingErr {
		return &Diagnosis{Level: LevelBad, Title: "The lab could not load its list of Jiras.",
			Lines: []string{model.upstreamsErr, "Press Retry next to the Jira selector at the top right once the lab server is reachable again."}}
	}
	return &Diagnosis{Level: LevelWarn, Title: "No Jira is selected.",
		Lines: []string{"Pick a Jira in the selector at the top right; the list comes from the lab server (-upstream flags and the built-in sandbox)."}}
}

// forgetSecrets clears every password, the cookie and the log (which holds
// Authorization headers and session ids).
func (m *labModel) forgetSecrets() {
	m.password, m.basicPass, m.pwOld, m.pwNew = "", "", "", ""
	m.cookie, m.cookiePaste, m.pasteErr, m.sessionJSON = "", "", "", ""
	m.setCookie, m.ssoSteps = nil, nil
	m.exchanges, m.diag, m.openLog = nil, nil, nil
	m.pwMessages, m.pwStatus, m.pwErr = nil, neverLoaded, ""
	// Requests in flight are abandoned: their answers will be dropped, so
	// nothing may wait for them.
	m.epoch++
	m.busy = map[string]bool{}
	m.pwInFlight, m.pwPending = false, false
	if m.policyStatus == loading {
		m.policyStatus = neverLoaded
	}
}

// jsonHeader is the Content-Type of every JSON call.
var jsonHeader = Header{Name: "Content-Type", Value: "application/json"}

// authFor is how a call with the lab's cookie authenticates: without one when
// the cookie belongs to another Jira.
func (m *labModel) authFor() AuthKind {
	if m.cookie == "" || m.cookieFor != m.target {
		return AuthNone
	}
	return m.cookieAuth
}

// useCookie makes cookie the one the lab sends next, to the upstream named
// target (the one that issued it) and no other.
func (m *labModel) useCookie(target, cookie string, auth AuthKind) {
	m.cookie, m.cookieAuth, m.cookieFor = cookie, auth, target
}

// jiraErrors reads Jira's {"errorMessages":[...],"errors":{...}} into sentences.
func jiraErrors(body string) []string {
	var e struct {
		ErrorMessages []string          `json:"errorMessages"`
		Errors        map[string]string `json:"errors"`
	}
	if err := jsonUnmarshal(body, &e); err != nil {
		return nil
	}
	out := append([]string(nil), e.ErrorMessages...)
	for k, v := range e.Errors {
		out = append(out, k+": "+v)
	}
	return out
}
