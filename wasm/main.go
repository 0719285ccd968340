// Command wasm is the browser half of Jira Auth Lab: it registers the same
// routes as the server and hands the page to go-app. It must never reach
// server code (app.Handler, net/http clients): that would double the download.
package main

import (
	"jiraauthlab/wasm/ui"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

func main() {
	ui.Routes()
	ui.Embed()
	app.RunWhenOnBrowser()
}
