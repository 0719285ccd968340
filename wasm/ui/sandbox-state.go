package ui

import (
	"context"
	"encoding/json"
	"time"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/diagnosis"
	"jiraauthlab/wasm/fetch"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// sandboxState is the /sandbox panel's: what the built-in sandbox chosen as
// the target says of itself (GET /_sandbox/state).
type sandboxState struct {
	of     string // the upstream whose state data is
	data   contract.SandboxState
	status loadStatus
	err    string
	// inFlight and again keep one read at a time: a reason to read again
	// that comes while one runs gives one more read after it, not one each.
	inFlight, again bool
	// seen is the newest exchange the state was read after: each answer of
	// the sandbox makes one read, never more.
	seen int
}

// sandbox is the store of the /sandbox panel.
var sandbox sandboxState

// Sandbox control endpoints (CONTRACT.md, "Control endpoints").
const (
	sbState         = "/_sandbox/state"
	sbReset         = "/_sandbox/reset"
	sbCaptchaReset  = "/_sandbox/captcha/reset"
	sbPolicy        = "/_sandbox/password-policy"
	sbExpire        = "/_sandbox/expire-sessions"
	sbBasicAuth     = "/_sandbox/basic-auth"
	sbRateLimit     = "/_sandbox/rate-limit"
	sbControlPrefix = "/_sandbox/"
)

// refreshSandbox reads the chosen sandbox's state again. The read goes
// straight to the proxy, not through send: it is the panel's bookkeeping,
// not a request of the learner's, and would otherwise fill the log with
// one entry per answer it follows.
func refreshSandbox(ctx app.Context) {
	s := &sandbox
	up, ok := targets.current()
	if !ok || !up.Sandbox {
		return
	}
	if s.inFlight {
		s.again = true
		return
	}
	s.inFlight = true
	if s.of != up.Name || s.status != loaded {
		s.of, s.status, s.err, s.data = up.Name, loading, "", contract.SandboxState{}
		publish(ctx, keySandbox)
	}
	quietGet(ctx, up.Name, sbState, nil, func(ctx app.Context, status int, body string) {
		s := &sandbox
		s.inFlight = false
		if up.Name == targets.target { // else the chosen Jira changed meanwhile
			s.of = up.Name
			var st contract.SandboxState
			switch {
			case status == 0:
				s.status, s.err = loadingErr, "Could not read the sandbox's state: "+body
			case status != 200 || json.Unmarshal([]byte(body), &st) != nil:
				s.status, s.err = loadingErr, "Could not read the sandbox's state (HTTP "+itoa(status)+")."
			default:
				s.status, s.err, s.data = loaded, "", st
			}
			publish(ctx, keySandbox)
		}
		if again := s.again; again || up.Name != targets.target {
			s.again = false
			refreshSandbox(ctx)
		}
	})
}

// quietGet sends GET path to the upstream name through the proxy without
// logging it (fetchUpstreams reads the same way), and hands done the status
// and body on the UI goroutine: status 0 and the error's text when no
// answer came. Its answer lands through the root's context (see send).
func quietGet(ctx app.Context, name, path string, header []contract.Header, done func(ctx app.Context, status int, body string)) {
	// The visitor's own sandbox state, as every proxied request reads it.
	req := fetch.Request{Method: "GET", URL: Href("/proxy/" + name + path), Header: append(header, acceptJSON, visitorHeader())}
	root := ctx.Dispatcher().Context()
	ctx.Async(func() {
		cctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		resp, err := fetch.Do(cctx, req)
		if err != nil {
			resp.Status, resp.Body = 0, err.Error()
		}
		root.Dispatch(func(ctx app.Context) { done(ctx, resp.Status, resp.Body) })
	})
}

// sandboxAnswered is called as the log changes: an answer of the sandbox
// chosen that the state has not followed yet makes one read. A failed
// login changes the counts, a login the sessions.
func sandboxAnswered(ctx app.Context) {
	s := &sandbox
	fresh := false
	for _, x := range journal.exchanges { // newest first
		if x.ID <= s.seen {
			break
		}
		if x.Sandbox && x.Target == targets.target {
			fresh = true
		}
	}
	if len(journal.exchanges) > 0 {
		s.seen = max(s.seen, journal.exchanges[0].ID)
	}
	if fresh {
		refreshSandbox(ctx)
	}
}

// sandboxControl sends one control call of the panel through send, so the
// learner sees it in the log as the curl command it stands for; then the
// state, and where it changed, the policy, are read again.
func sandboxControl(ctx app.Context, method, path string, body any, busyID string) {
	c := call{Method: method, Path: path, Busy: busyID}
	if body != nil {
		c.Header = []contract.Header{jsonHeader, acceptJSON}
		c.Body = jsonString(body)
	}
	send(ctx, c, func(ctx app.Context, x contract.Exchange, _ diagnosis.Diagnosis) {
		sandbox.seen = max(sandbox.seen, x.ID) // this answer's read is the one below
		refreshSandbox(ctx)
		if path == sbPolicy || path == sbReset {
			rereadPolicy(ctx)
		}
	})
}
