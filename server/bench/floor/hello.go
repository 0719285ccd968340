// Package floor is the smallest go-app v9 program worth measuring: one
// component on one route. Its wasm is the floor the lab's wasm is compared
// with, and its server serves it the way the lab serves its own.
package floor

import "github.com/maxence-charriere/go-app/v9/pkg/app"

// hello is the floor's only component.
type hello struct {
	app.Compo
}

// Render shows one heading; the id lets a browser find it.
func (h *hello) Render() app.UI {
	return app.H1().ID("hello").Text("Hello, floor")
}

// Routes registers the floor's only page. The wasm and the server both call
// it: go-app's Handler answers 404 for routes the server did not register.
func Routes() {
	app.Route("/", &hello{})
}
