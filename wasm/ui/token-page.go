package ui

import "github.com/maxence-charriere/go-app/v9/pkg/app"

// tokenPage is /token: personal access tokens (Jira Server/DC 8.14+):
// create one with basic auth, see its secret once, use it as Authorization:
// Bearer, list, revoke, and see the 401 after.
type tokenPage struct {
	app.Compo

	s    tokenState
	t    targetState
	busy busyState
}

// OnInit starts from the stores' values (see sessionPage.OnInit).
func (p *tokenPage) OnInit() { p.s, p.t, p.busy = tokens, targets, busy }

func (p *tokenPage) OnMount(ctx app.Context) {
	p.OnInit() // again: a change may have come between the first render and now
	ctx.ObserveState(keyToken).Value(&p.s)
	ctx.ObserveState(keyTarget).Value(&p.t)
	ctx.ObserveState(keyBusy).Value(&p.busy)
	ctx.Defer(func(app.Context) { syncFields() })
}

func (p *tokenPage) Render() app.UI {
	s, b := p.s, p.busy
	shown := "Create a token: its secret appears here once, as Jira shows it."
	if s.raw != "" {
		shown = s.raw
	}
	// The same ids on both kinds of Jira (CONTRACT.md): on Cloud the user
	// is an e-mail and the token goes with it in basic auth.
	cloud := p.t.cloudKind()
	title, lead := "Personal access tokens", "Create a token with your password once, then send Authorization: Bearer <token> instead of the password (Jira Server and Data Center 8.14+)."
	user, secret, use, days := "Username", "Password", "Use: GET /rest/api/2/myself", "Expires after (days)"
	note := "Jira shows the secret (rawToken) only in the answer that creates the token: keep it like a password. " +
		"It replaces the password in Authorization: Bearer <token>; basic auth and session logins are not needed any more."
	if cloud != "" {
		title, lead = "API tokens (Jira Cloud)", "Jira Cloud takes no password over REST: send an API token as the password, with your e-mail — Authorization: Basic base64(e-mail:token). Cloud has no personal access tokens."
		user, secret, use = "E-mail", "Password (not needed: the sandbox plays id.atlassian.com)", "Use: GET /rest/api/3/myself"
		days = "Expires after (days): Cloud's API tokens last a year"
		note = "The token is shown once, as id.atlassian.com shows it. It is the password of basic auth, with your e-mail as the user; Bearer is refused (403)."
		if cloud == "site" {
			secret = "API token (made on id.atlassian.com)"
			note = "A Cloud site makes API tokens on id.atlassian.com only: type yours above and press Use."
		}
	}
	return newShell().Active(RouteToken).
		Title(title).
		Lead(lead).
		Content(
			app.Form().ID("token-form").OnSubmit(p.onCreate).Body(
				field("token-username", user, textInput("token-username", s.user).Attr("autocomplete", "username").OnInput(onText)),
				revealable("token-password", secret, passwordInput("token-password", s.pass).OnInput(onText)),
				field("token-name", "Token name", textInput("token-name", s.name).OnInput(onText)),
				field("token-days", days, textInput("token-days", s.days).Attr("inputmode", "numeric").Disabled(!live() || cloud != "").OnInput(onText)),
				app.If(s.err != "", app.P().ID("token-error").Class("badge bad").Text(s.err)),
				app.Div().Class("row").Body(
					button("token-create", b.label("token-create", "Create token", "Creating…"), b.on["token-create"]).Type("submit"),
				),
			),
			app.H2().Text("The token's secret"),
			app.Pre().ID("token-value").Text(shown),
			app.P().Class("note").Text(note),
			app.Div().Class("row").Body(
				button("token-use", b.label("token-use", use, "Asking…"), b.on["token-use"]).
					Class("secondary").OnClick(p.onUse),
				button("token-revoke", b.label("token-revoke", "Revoke", "Revoking…"), b.on["token-revoke"]).
					Class("secondary").OnClick(p.onRevoke),
			),
			app.H2().Text("Your tokens"),
			app.If(len(s.tokens) == 0, app.P().Class("note").Text("Jira lists your tokens here once you have created one.")),
			app.If(len(s.tokens) > 0, app.Table().ID("token-list").Class("results").Body(
				app.THead().Body(app.Tr().Body(app.Th().Text("Id"), app.Th().Text("Name"), app.Th().Text("Created"), app.Th().Text("Expires"))),
				app.TBody().Body(app.Range(s.tokens).Slice(func(i int) app.UI {
					t := s.tokens[i]
					return app.Tr().Body(app.Td().Text(itoa(t.ID)), app.Td().Text(t.Name), app.Td().Text(t.CreatedAt), app.Td().Text(t.ExpiringAt))
				})),
			)),
			app.P().Class("note").Text("On Jira Cloud there are no personal access tokens: an API token (id.atlassian.com) goes with your e-mail address in basic auth instead."),
		).UI()
}

func (p *tokenPage) onCreate(ctx app.Context, e app.Event) {
	e.PreventDefault()
	createToken(ctx)
}
func (p *tokenPage) onUse(ctx app.Context, e app.Event)    { useToken(ctx) }
func (p *tokenPage) onRevoke(ctx app.Context, e app.Event) { revokeToken(ctx) }
