// Command wasm is the floor's browser program: go-app's "hello", client only
// (no app.Handler), built with the lab's Go and flags.
package main

import (
	"jiraauthlab/bench/floor"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

func main() {
	floor.Routes()
	app.RunWhenOnBrowser()
}
