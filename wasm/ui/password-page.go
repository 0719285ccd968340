package ui

import "github.com/maxence-charriere/go-app/v9/pkg/app"

// passwordPage is /password: the password-policy endpoints of seed 004.
type passwordPage struct {
	app.Compo

	mode string
}

func (p *passwordPage) Render() app.UI {
	mode := p.mode
	if mode == "" {
		mode = "create"
	}
	return newShell().Active(RoutePassword).
		Title("Password policy").
		Lead("Check a password against Jira's policy before creating a user or changing a password.").
		Content(
			app.H3().Text("Policy"),
			app.Ul().ID("policy"),
			field("pw-mode", "Mode", app.Select().ID("pw-mode").Disabled(!live()).Body(
				app.Option().Value("create").Selected(mode == "create").Text("Create user"),
				app.Option().Value("update").Selected(mode == "update").Text("Update password"),
			)),
			field("pw-username", "Username", textInput("pw-username", "")),
			field("pw-display-name", "Display name", textInput("pw-display-name", "")),
			field("pw-email", "Email address", textInput("pw-email", "")),
			field("pw-old", "Old password", passwordInput("pw-old", "")),
			field("pw-new", "New password", passwordInput("pw-new", "")),
			app.Div().ID("pw-result").Aria("live", "polite"),
		)
}
