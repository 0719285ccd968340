package ui

import "github.com/maxence-charriere/go-app/v9/pkg/app"

// The lab's state is split by concern, one store each: the target (which
// Jiras, which one is chosen), the exchange log with its diagnosis, the
// busy buttons, and one store per page. A store is a package variable owned
// by the UI goroutine (event handlers and dispatched functions), so it
// needs no lock. A change is published under the store's own state key:
// only the components observing that key re-render, so a keystroke on one
// page re-renders that page alone. Components keep a copy: OnInit takes it
// for the first render (also the server's prerender, which never mounts),
// OnMount takes it again and observes the key. (The keys are go-app's
// state keys, apart from the local-storage keys the lab keeps.)
const (
	keyTarget   = "lab.state.target"
	keyLog      = "lab.state.log"
	keyBusy     = "lab.state.busy"
	keySession  = "lab.state.session"
	keyBasic    = "lab.state.basic"
	keyPassword = "lab.state.password"
	keyToken    = "lab.state.token"
	keyConsole  = "lab.state.console"
	keySandbox  = "lab.state.sandbox"
)

// publish hands the observers of each key a copy of its store's value, and
// re-renders them (go-app's ctx.SetState).
func publish(ctx app.Context, keys ...string) {
	for _, k := range keys {
		var v any
		switch k {
		case keyTarget:
			v = targets
		case keyLog:
			v = journal
		case keyBusy:
			v = busy
		case keySession:
			v = session
		case keyBasic:
			v = basic
		case keyPassword:
			v = password
		case keyToken:
			v = tokens
		case keyConsole:
			v = console
		case keySandbox:
			v = sandbox
		}
		ctx.SetState(k, v)
	}
}

// loadStatus is the state of one piece of remote data.
type loadStatus int

const (
	neverLoaded loadStatus = iota
	loading
	loadingErr
	loaded
)

// busyState is which buttons wait for an answer, by id.
type busyState struct{ on map[string]bool }

// busy is the store of the buttons that wait for an answer.
var busy = busyState{on: map[string]bool{}}

// label is idle, or busyText while the button id waits.
func (b busyState) label(id, idle, busyText string) string {
	if b.on[id] {
		return busyText
	}
	return idle
}

// setBusy marks the button id as waiting (or not) and publishes it.
func setBusy(ctx app.Context, id string, on bool) {
	if on {
		busy.on[id] = true
	} else {
		delete(busy.on, id)
	}
	publish(ctx, keyBusy)
}
