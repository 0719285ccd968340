package ui

import "github.com/maxence-charriere/go-app/v9/pkg/app"

// sessionPage is /session (and /): cookie-based login with
// /rest/auth/1/session, as seeds 001 and 002 describe.
type sessionPage struct {
	app.Compo

	username string
	password string
	jql      string
}

func (p *sessionPage) Render() app.UI {
	jql := p.jql
	if jql == "" {
		jql = "type=Bug AND status=Closed"
	}
	return newShell().Active(RouteSession).
		Title("Session login").
		Lead("Log in with POST /rest/auth/1/session, then use the session cookie Jira returns.").
		Content(
			app.Form().ID("login-form").Body(
				field("username", "Username", textInput("username", p.username).Attr("autocomplete", "username")),
				field("password", "Password", passwordInput("password", p.password)),
				app.Div().Class("row").Body(
					button("login", "Log in", false),
					button("whoami", "Who am I", false).Class("secondary"),
					button("logout", "Log out", false).Class("secondary"),
				),
			),
			field("jql", "JQL", textInput("jql", jql)),
			app.Div().Class("row").Body(button("search", "Search", false).Class("secondary")),
			app.Div().ID("search-results"),
			app.H3().Text("Session JSON"),
			app.Pre().ID("session-json"),
			app.H3().Text("Set-Cookie received"),
			app.Pre().ID("set-cookie"),
			app.H3().Text("Cookie header sent next"),
			app.Pre().ID("cookie-header"),
			field("cookie-paste", "Paste a cookie (name=value) or a Netscape cookie file",
				app.Textarea().ID("cookie-paste").Rows(3).Disabled(!live())),
		)
}
