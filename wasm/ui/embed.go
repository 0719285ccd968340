package ui

import (
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// EnvPostOrigins names the page variable (go-app's Handler Env) in which
// the server hands the page the origins it may post its events to: space
// separated, already resolved from -frame-ancestors (server/lab embed.go);
// postSelf stands for the page's own origin.
const EnvPostOrigins = "LAB_POST_ORIGINS"

const postSelf = "self"

// The events an embedded page posts to its parent (CONTRACT.md, Embedding).
const (
	eventHeight         = "height"
	eventLoginSucceeded = "login-succeeded"
	eventLoginFailed    = "login-failed"
	eventLoggedOut      = "logged-out"
)

// embed is whether the page runs inside a portal's frame, read once at
// start: ?embed=1 on the first URL, and a parent that is not the page
// itself. Links inside the frame drop the query, and the mode stays.
var embed = struct {
	read, on bool
	origins  []string
	lastH    int
}{}

// embedded reports whether the page is embedded (always false in the
// server's prerender: the server marks the page itself, lab embedPage).
func embedded() bool {
	if !app.IsClient {
		return false
	}
	if !embed.read {
		embed.read = true
		w := app.Window()
		embed.on = embedQuery(w.Get("location").Get("search").String()) && !w.Get("parent").Equal(w.JSValue())
		if embed.on {
			embed.origins = postOrigins(app.Getenv(EnvPostOrigins), w.Get("location").Get("origin").String())
		}
	}
	return embed.on
}

// embedQuery reports whether a URL's query (location.search) asks for
// the embedded page: embed=1 among its parameters. (Read as text: net/url's
// query parsing, through go-app's Window().URL(), costs the wasm more.)
func embedQuery(search string) bool {
	return strings.Contains("&"+strings.TrimPrefix(search, "?")+"&", "&embed=1&")
}

// postOrigins turns the server's list into the targetOrigins of
// postMessage: one message per origin, as postMessage takes one exact
// origin (or "*", which would hand the events to any page framing the lab).
func postOrigins(list, self string) []string {
	var out []string
	for _, o := range strings.Fields(list) {
		if o == postSelf {
			o = self
		}
		if o == "" || o == "null" { // an opaque origin cannot be a target
			continue
		}
		out = append(out, o)
	}
	return out
}

// postEvent posts {"source":"jira-auth-lab","event":name,key:value} to
// the parent once per allowed origin: the browser delivers it only where
// the parent's origin is that one, and drops the others without a word.
func postEvent(name, key string, value any) {
	if !embedded() || len(embed.origins) == 0 {
		return
	}
	w := app.Window()
	msg := w.Get("Object").New()
	msg.Set("source", "jira-auth-lab")
	msg.Set("event", name)
	msg.Set(key, value)
	parent := w.Get("parent")
	for _, o := range embed.origins {
		parent.Call("postMessage", msg, o)
	}
}

// postLogin tells the portal how a session login ended.
func postLogin(target string, status int) {
	ev := eventLoginFailed
	if status == 200 {
		ev = eventLoginSucceeded
	}
	postEvent(ev, "target", target)
}

// postLoggedOut tells the portal that Jira ended the session (its logout
// answers 204, seed 001).
func postLoggedOut(target string, status int) {
	if status >= 200 && status < 300 {
		postEvent(eventLoggedOut, "target", target)
	}
}

// Embed starts, when the page is embedded, the report of its height to
// the portal, which sizes its frame from it (no scroll bar inside the
// portal's own). It runs before go-app mounts the page: the first report
// is the prerendered page's, as early as the portal can have it. The
// observer lives as long as the page.
func Embed() {
	if !embedded() {
		return
	}
	doc := app.Window().Get("document")
	root := doc.Get("documentElement")
	math := app.Window().Get("Math")
	report := app.FuncOf(func(app.Value, []app.Value) any {
		// The html element's own height is its content's (the embedded
		// page sets no min-height), unlike scrollHeight, which never drops
		// below the frame's: a frame sized to it could never shrink.
		h := math.Call("ceil", root.Call("getBoundingClientRect").Get("height")).Int()
		if h != embed.lastH {
			embed.lastH = h
			postEvent(eventHeight, "height", h)
		}
		return nil
	})
	ro := app.Window().Get("ResizeObserver")
	if !ro.Truthy() {
		report.Invoke()
		return
	}
	obs := ro.New(report)
	obs.Call("observe", root)
	obs.Call("observe", doc.Get("body"))
}
