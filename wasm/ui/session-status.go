package ui

import (
	"strings"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/jira"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// The states of #session-state (CONTRACT: none / alive / ended), and the
// one a pasted cookie has before any call has used it.
const (
	sessionNone      = "none"
	sessionAlive     = "alive"
	sessionEnded     = "ended"
	sessionUnchecked = "unchecked"
)

// sessionStatus is whose session the lab holds for one Jira, and what the
// log last showed of it.
type sessionStatus struct {
	State string
	User  string // "" while no answer has named the user
	Why   string // the exchange that told, in a few words
	ID    int    // that exchange, 0 when none
}

// readSessionStatus reads the status of the lab's cookie for the Jira named
// target from the log (newest first): the newest exchange that says
// something about that cookie decides. Jira tells in its answers, not in
// the cookie: a 401 to a request that carried it, X-AUSERNAME: anonymous
// (JRASERVER-25405: an unknown session makes the caller anonymous), a 204
// to the logout (DELETE /rest/auth/1/session, seed 001), or the sandbox's
// own expire and reset controls.
func readSessionStatus(s sessionState, target string, log []contract.Exchange) sessionStatus {
	if s.cookie == "" || s.cookieTarget != target {
		return sessionStatus{State: sessionNone}
	}
	st := sessionStatus{State: sessionUnchecked, User: s.cookieUser}
	for _, x := range log {
		if x.Target != target || x.Status == 0 {
			continue
		}
		if x.Sandbox && x.Status == 200 && (x.Path == "/_sandbox/expire-sessions" || x.Path == "/_sandbox/reset") {
			return sessionStatus{State: sessionEnded, User: st.User, Why: "the sandbox ended every session (" + x.Path + ")", ID: x.ID}
		}
		sent := x.SentHeader(contract.HeaderCookie) == s.cookie
		login := x.Method == "POST" && x.Path == "/rest/auth/1/session" && x.Status == 200 && s.cookieAuth == contract.AuthSession &&
			strings.Contains(x.ResponseBody, cookieValue(s.cookie))
		if !sent && !login {
			continue
		}
		user := x.Header(jira.HeaderUser)
		if st.User == "" && user != "" && user != jira.Anonymous {
			st.User = user
		}
		why := x.Method + " " + shortPath(x.Path) + " → " + itoa(x.Status)
		switch {
		case login:
			if st.User == "" {
				st.User = x.Username
			}
			return sessionStatus{State: sessionAlive, User: st.User, Why: "logged in: " + why, ID: x.ID}
		case x.Method == "DELETE" && x.Path == "/rest/auth/1/session" && x.Status == 204:
			return sessionStatus{State: sessionEnded, User: st.User, Why: "logged out: " + why, ID: x.ID}
		case x.Status == 401:
			return sessionStatus{State: sessionEnded, User: st.User, Why: "Jira refused the cookie: " + why, ID: x.ID}
		case user == jira.Anonymous:
			return sessionStatus{State: sessionEnded, User: st.User, Why: "Jira answered as anonymous: " + why, ID: x.ID}
		case x.Status < 300 && user != "":
			return sessionStatus{State: sessionAlive, User: st.User, Why: why + " as " + user, ID: x.ID}
		}
	}
	return st
}

// cookieValue is the value of the first pair of a Cookie header.
func cookieValue(cookie string) string {
	pair, _, _ := strings.Cut(cookie, ";")
	_, v, _ := strings.Cut(pair, "=")
	return strings.TrimSpace(v)
}

// shortPath keeps a path readable in one line: its query goes.
func shortPath(p string) string {
	p, _, _ = strings.Cut(p, "?")
	if len(p) > 40 {
		p = p[:39] + "…"
	}
	return p
}

// sessionBadge is #session-state, on every page: whose session the lab
// holds for the chosen Jira and whether Jira still knows it. The username
// field says what was typed; this says what Jira answered.
type sessionBadge struct {
	app.Compo

	s sessionState
	l logState
	t targetState
}

func (b *sessionBadge) OnInit() { b.s, b.l, b.t = session, journal, targets }

func (b *sessionBadge) OnMount(ctx app.Context) {
	b.OnInit()
	ctx.ObserveState(keySession).Value(&b.s)
	ctx.ObserveState(keyLog).Value(&b.l)
	ctx.ObserveState(keyTarget).Value(&b.t)
}

func (b *sessionBadge) Render() app.UI {
	st := readSessionStatus(b.s, b.t.target, b.l.exchanges)
	who := st.User
	if who == "" {
		who = "someone (not named yet)"
	}
	var text string
	switch st.State {
	case sessionNone:
		text = "No session with this Jira: the lab sends it no cookie."
		if b.s.cookie != "" {
			text = "No session with this Jira: the lab's cookie belongs to " + b.s.cookieTarget + "."
		}
	case sessionAlive:
		text = who + "'s session — alive (" + st.Why + ")."
	case sessionEnded:
		text = who + "'s session — ended (" + st.Why + "). Calls with its cookie run as anonymous or get 401."
	default:
		text = "A pasted cookie — not checked yet: press Who am I."
	}
	return app.P().ID("session-state").Class("session-state "+st.State).DataSet("state", st.State).Body(
		app.Strong().Text("Session: "),
		app.Text(text),
	)
}
