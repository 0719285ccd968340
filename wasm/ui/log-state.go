package ui

import (
	"context"
	"strings"
	"time"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/diagnosis"
	"jiraauthlab/wasm/fetch"
	"jiraauthlab/wasm/mask"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// maxExchanges bounds the log: a long typing session on /password must not
// grow the page without end.
const maxExchanges = 100

// logState is the exchange log every page shares, and the diagnosis of the
// last answer.
type logState struct {
	exchanges []contract.Exchange // newest first
	nextID    int
	// open is the open/closed state the user gave log entries, by exchange
	// ID (go-app reuses elements by position, and the newest comes first).
	// An entry without a choice is open when it is the newest.
	open   map[int]bool
	reveal bool // show secrets in the log's request headers and curl commands
	copied int  // the exchange whose curl was copied last
	// keep: the learner chose to keep cookies and tokens in the history
	// this browser stores between visits (passwords never are).
	keep     bool
	restored bool   // the stored history was read (once per visit)
	harErr   string // why the HAR file chosen could not be opened
	diag     *diagnosis.Diagnosis
	// retryUntil is when a rate-limited Jira takes requests again
	// (Retry-After counted from the answer's arrival); zero when none.
	retryUntil time.Time
}

// journal is the store of the log and the diagnosis.
var journal logState

// epoch is bumped by "Forget secrets": answers to requests sent before are
// dropped, so none of them brings a cookie or a password back.
var epoch int

// add puts x first in the log, with the next ID, and bounds the log.
func (l *logState) add(x contract.Exchange) contract.Exchange {
	l.nextID++
	x.ID = l.nextID
	l.exchanges = append([]contract.Exchange{x}, l.exchanges...)
	if len(l.exchanges) > maxExchanges {
		for _, old := range l.exchanges[maxExchanges:] {
			delete(l.open, old.ID)
		}
		l.exchanges = l.exchanges[:maxExchanges]
	}
	return x
}

// entryOpen is whether the log entry of exchange id shows its details.
func (l logState) entryOpen(id int) bool {
	if open, chosen := l.open[id]; chosen {
		return open
	}
	return len(l.exchanges) > 0 && l.exchanges[0].ID == id
}

// call is one request of a page to a Jira, through the proxy.
type call struct {
	Method   string
	Path     string // upstream path and query, e.g. /rest/auth/1/session
	Header   []contract.Header
	Body     string
	Auth     contract.AuthKind // AuthSession/AuthPasted add the lab's cookie
	Username string            // whose credentials are sent, for the diagnosis
	Busy     string            // the button to disable while the call runs
	To       string            // upstream name; "" for the one chosen now
}

// jsonHeader is the Content-Type of every JSON call.
var jsonHeader = contract.Header{Name: "Content-Type", Value: "application/json"}

// acceptJSON asks for JSON (Jira answers some errors in HTML otherwise).
var acceptJSON = contract.Header{Name: "Accept", Value: "application/json"}

// send runs c in the background, logs the exchange, diagnoses it and then
// calls done with both (on the UI goroutine).
//
// The answer is dispatched through the root's context, not ctx: go-app
// drops a dispatch whose component has gone, and an answer must land even
// when the page that sent the request was left meanwhile. The root is
// mounted for the app's whole life.
func send(ctx app.Context, c call, done func(ctx app.Context, x contract.Exchange, d diagnosis.Diagnosis)) {
	up, ok := targets.current()
	if c.To != "" {
		up, ok = targets.upstream(c.To)
	}
	if !ok && c.To == "" && (targets.status == neverLoaded || targets.status == loading) {
		// Pressed before the list of Jiras arrived: sent once it has
		// (loadUpstreams), not refused with "no Jira is selected".
		targets.waiting = append(targets.waiting, func(ctx app.Context) { send(ctx, c, done) })
		if c.Busy != "" {
			setBusy(ctx, c.Busy, true)
		}
		return
	}
	if !ok {
		journal.diag = noTargetDiagnosis(targets)
		publish(ctx, keyLog)
		if c.Busy != "" && busy.on[c.Busy] { // it waited for the list
			setBusy(ctx, c.Busy, false)
		}
		return
	}
	header := append([]contract.Header(nil), c.Header...)
	if cookie := session.cookieFor(up.Name, c.Auth); cookie != "" {
		// The browser cannot set Cookie itself: the proxy turns this into
		// the only Cookie header Jira sees.
		header = append(header, contract.Header{Name: contract.HeaderCookie, Value: cookie})
	}
	// Every proxied request names the visitor; the proxy passes it on to a
	// built-in sandbox only. Kept in the exchange, so that its curl command
	// reaches the same sandbox state.
	header = append(header, visitorHeader())
	if c.Busy != "" {
		setBusy(ctx, c.Busy, true)
	}
	prefix := Href("/proxy/" + up.Name)
	req := fetch.Request{Method: c.Method, URL: prefix + c.Path, Header: header, Body: c.Body}
	path, typed := c.Path, ""
	if sent, ok := browserPath(req.URL); ok && sent != req.URL {
		// The browser resolves dot segments before it sends (the URL
		// standard): the log shows the path Jira receives.
		if !strings.HasPrefix(sent, prefix+"/") {
			journal.diag = &diagnosis.Diagnosis{Level: diagnosis.LevelBad, Title: "Not sent: the path climbs above Jira's root with ../.",
				Lines: []string{"The browser resolves /../ before sending (so does curl): " + c.Path + " would leave the Jira's address and reach the lab itself. Remove the dot segments."}}
			publish(ctx, keyLog)
			return
		}
		path, typed = sent[len(prefix):], c.Path
	}
	started, sentIn := time.Now(), epoch
	root := ctx.Dispatcher().Context()
	ctx.Async(func() {
		cctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		resp, err := fetch.Do(cctx, req)
		root.Dispatch(func(ctx app.Context) {
			if epoch != sentIn {
				return // sent before "Forget secrets"
			}
			x := contract.Exchange{
				Method: c.Method, Path: path, Typed: typed, Target: up.Name, TargetURL: up.URL, Sandbox: up.Sandbox,
				Auth: c.Auth, Username: c.Username, RequestHeader: header, RequestBody: c.Body,
				Status: resp.Status, ResponseHeader: resp.Header, ResponseBody: resp.Body,
				Duration: resp.Duration, Started: started,
			}
			if err != nil {
				x.Err = err.Error()
			}
			l := &journal
			x = l.add(x)
			saveHistory(ctx)
			// x is first in the log now: what came before it is the rest,
			// newest first, as Diagnose wants it.
			d := diagnosis.Diagnose(x, l.exchanges[1:])
			if up.Name == targets.target || l.diag == nil {
				// An answer from a Jira no longer selected is logged, but
				// does not take over the diagnosis of the one chosen now.
				l.diag = &d
				l.retryUntil = time.Time{}
				if d.RetryAfter > 0 {
					l.retryUntil = time.Now().Add(time.Duration(d.RetryAfter) * time.Second)
				}
			}
			if c.Busy != "" {
				setBusy(ctx, c.Busy, false)
			}
			if done != nil {
				done(ctx, x, d)
			}
			publish(ctx, keyLog)
		})
	})
}

// browserPath is the path and query the browser sends for the same-origin
// URL u, by its own URL parser; false outside a browser.
func browserPath(u string) (string, bool) {
	if !live() {
		return "", false
	}
	w := app.Window()
	parsed := w.Get("URL").New(u, w.Get("location").Get("href"))
	return parsed.Get("pathname").String() + parsed.Get("search").String(), true
}

// setDiagnosis replaces the diagnosis with one the lab tells itself.
func setDiagnosis(ctx app.Context, d diagnosis.Diagnosis) {
	journal.diag = &d
	publish(ctx, keyLog)
}

// noTargetDiagnosis says why a request could not be sent.
func noTargetDiagnosis(t targetState) *diagnosis.Diagnosis {
	if t.status == loadingErr {
		return &diagnosis.Diagnosis{Level: diagnosis.LevelBad, Title: "The lab could not load its list of Jiras.",
			Lines: []string{t.err, "Press Retry next to the Jira selector at the top right once the lab server is reachable again."}}
	}
	return &diagnosis.Diagnosis{Level: diagnosis.LevelWarn, Title: "No Jira is selected.",
		Lines: []string{"Pick a Jira in the selector at the top right; the list comes from the lab server (-upstream flags and the built-in sandbox)."}}
}

// forgetSecrets clears every password, the cookie and the log (which holds
// Authorization headers and session ids), on screen too. It is a plain
// call, not an action: it must take effect before any answer still in
// flight lands, and actions run on goroutines of their own.
func forgetSecrets(ctx app.Context) {
	epoch++ // requests in flight are abandoned: nothing may wait for them
	journal = logState{nextID: journal.nextID, reveal: journal.reveal, keep: journal.keep, restored: true}
	ctx.LocalStorage().Del(historyKey)
	busy.on = map[string]bool{}
	session.forget()
	basic.forget()
	reloadPolicy := password.forget()
	tokens.forget()
	console.forget()
	publish(ctx, keyLog, keyBusy, keySession, keyBasic, keyPassword, keyToken, keyConsole)
	syncFields() // the password fields, and the pasted cookie, empty on screen too
	if reloadPolicy {
		loadPolicy(ctx)
	}
}

// The history the browser keeps between visits (local storage).
const (
	historyKey = "lab.history"         // the exchanges, newest first, as mask.ForStorage leaves them
	keepKey    = "lab.history.secrets" // whether cookies and tokens are kept in it
	// maxHistoryBytes bounds what the history takes of the browser's
	// storage (browsers give an origin about 5 MB): the oldest go first.
	maxHistoryBytes = 1 << 20
)

// saveHistory stores the log as the browser may keep it.
func saveHistory(ctx app.Context) {
	l := journal
	stored := make([]contract.Exchange, 0, len(l.exchanges))
	size := 0
	for _, x := range l.exchanges {
		x = mask.ForStorage(x, l.keep)
		size += len(x.RequestBody) + len(x.ResponseBody) + 512
		if size > maxHistoryBytes {
			break // the oldest go first
		}
		stored = append(stored, x)
	}
	_ = ctx.LocalStorage().Set(historyKey, stored)
}

// restoreHistory reads the stored log, once per visit, before anything is
// logged.
func restoreHistory(ctx app.Context) {
	if journal.restored {
		return
	}
	journal.restored = true
	_ = ctx.LocalStorage().Get(keepKey, &journal.keep)
	var stored []contract.Exchange
	if err := ctx.LocalStorage().Get(historyKey, &stored); err != nil || len(stored) == 0 {
		return
	}
	if len(stored) > maxExchanges {
		stored = stored[:maxExchanges]
	}
	// Answers that landed before the history was read come first.
	journal.exchanges = append(journal.exchanges, stored...)
	for _, x := range journal.exchanges {
		journal.nextID = max(journal.nextID, x.ID)
	}
	publish(ctx, keyLog)
}

// setKeep records the learner's choice and stores the history again under it.
func setKeep(ctx app.Context, keep bool) {
	journal.keep = keep
	_ = ctx.LocalStorage().Set(keepKey, keep)
	saveHistory(ctx)
	publish(ctx, keyLog)
}
