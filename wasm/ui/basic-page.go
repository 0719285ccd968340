package ui

import "github.com/maxence-charriere/go-app/v9/pkg/app"

// basicPage is /basic: the Authorization: Basic header, built as the user
// types (seed 000).
type basicPage struct {
	app.Compo

	username string
	password string
	path     string
}

func (p *basicPage) Render() app.UI {
	path := p.path
	if path == "" {
		path = "/rest/api/2/myself"
	}
	return newShell().Active(RouteBasic).
		Title("Basic auth").
		Lead("Send user:password, base64-encoded, with every request.").
		Content(
			field("basic-username", "Username", textInput("basic-username", p.username)),
			field("basic-password", "Password", passwordInput("basic-password", p.password)),
			field("basic-path", "Resource path", textInput("basic-path", path)),
			app.H3().Text("Header"),
			app.Pre().ID("basic-header"),
			app.Div().Class("row").Body(button("basic-send", "Send", false)),
		)
}
