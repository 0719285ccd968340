// Package ui holds the lab's pages and components. Both the wasm program and
// the server import it: go-app's server prerenders the same components and
// answers 404 for any route it has not registered itself.
package ui

import (
	"sync"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// Page routes, relative to the base path. They are part of the outside
// contract: tests and docs link to them.
const (
	RouteSession  = "/session"
	RouteBasic    = "/basic"
	RoutePassword = "/password"
	RouteToken    = "/token"
	RouteConsole  = "/console"
	RouteLearn    = "/learn"
	RouteSandbox  = "/sandbox"
)

// PageRoutes are the routes of the pages (the service worker precaches
// every one).
var PageRoutes = []string{RouteSession, RouteBasic, RoutePassword, RouteToken, RouteConsole, RouteLearn, RouteSandbox}

// Routes registers every page and the app's actions. It holds the only
// Route calls of the project so that the server and the browser always
// agree on the page set.
func Routes() {
	// "/" renders the session page itself: the service worker precaches "/",
	// so it must never be a redirect.
	app.Route("/", &sessionPage{})
	app.Route(RouteSession, &sessionPage{})
	app.Route(RouteBasic, &basicPage{})
	app.Route(RoutePassword, &passwordPage{})
	app.Route(RouteToken, &tokenPage{})
	app.Route(RouteConsole, &consolePage{})
	app.Route(RouteLearn, &learnPage{})
	app.Route(RouteSandbox, &sandboxPage{})

	// Actions the app posts, with the handlers that act on them. go-app
	// runs such app-wide handlers on a goroutine of their own, so each hands
	// its work to the UI goroutine, which owns the stores. app.Handle writes
	// a global map without a lock that every prerender reads: once only.
	registerActions.Do(func() {
		app.Handle(actionTargetChanged, func(ctx app.Context, _ app.Action) { ctx.Dispatch(passwordTargetChanged) })
	})
}

var registerActions sync.Once
