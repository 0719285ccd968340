package ui

import (
	"encoding/base64"
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// basicPage is /basic: the Authorization: Basic header, built as the user
// types (seed 000).
type basicPage struct {
	app.Compo

	s    basicState
	busy busyState
}

// OnInit starts from the stores' values (see sessionPage.OnInit).
func (p *basicPage) OnInit() { p.s, p.busy = basic, busy }

func (p *basicPage) OnMount(ctx app.Context) {
	p.OnInit() // again: a change may have come between the first render and now
	ctx.ObserveState(keyBasic).Value(&p.s)
	ctx.ObserveState(keyBusy).Value(&p.busy)
	ctx.Defer(func(app.Context) { syncFields() })
}

func (p *basicPage) Render() app.UI {
	s, b := p.s, p.busy
	_, note := resourcePath(s.path)
	enc := base64.StdEncoding.EncodeToString([]byte(s.user + ":" + s.pass))
	return newShell().Active(RouteBasic).
		Title("Basic auth").
		Lead("Send user:password, base64-encoded, in the Authorization header of every request, as Atlassian's “JIRA REST API Example – Basic Authentication” shows.").
		Content(
			// One form: Enter in any field sends, as in a login form.
			app.Form().ID("basic-form").OnSubmit(p.onSend).Body(
				field("basic-username", "Username", textInput("basic-username", s.user).OnInput(onText)),
				revealable("basic-password", "Password", passwordInput("basic-password", s.pass).OnInput(onText)),
				app.H2().Text("How the header is built"),
				app.Ol().ID("basic-steps").Class("mono").Body(
					app.Li().Text("user:password → "+maskPair(s.user, s.pass)),
					app.Li().Text("base64 → "+enc),
				),
				app.Pre().ID("basic-header").Text("Authorization: "+basicHeader(s.user, s.pass)),
				app.P().Class("note").Text("Base64 is an encoding, not encryption: anyone who sees this header has the password. "+
					"Send it only over HTTPS. Failed basic logins count towards CAPTCHA like any other. "+
					"The log masks it until you press Reveal secrets."),
				field("basic-path", "Resource path (or a full URL, as Atlassian's examples write it: its path is taken)", textInput("basic-path", s.path).OnInput(onText)),
				app.If(note != "", app.P().ID("basic-path-note").Class("note").Text(note)),
				app.Div().Class("row").Body(
					button("basic-send", b.label("basic-send", "Send GET", "Sending…"), b.on["basic-send"]).Type("submit"),
				),
			),
		).UI()
}

// maskPair shows the pair being encoded without echoing the password.
func maskPair(user, password string) string {
	return user + ":" + strings.Repeat("•", len([]rune(password)))
}

func (p *basicPage) onSend(ctx app.Context, e app.Event) {
	e.PreventDefault()
	sendBasic(ctx)
}
