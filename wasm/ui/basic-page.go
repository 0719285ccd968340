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

	rev int
}

func (p *basicPage) OnMount(ctx app.Context) { observe(ctx, &p.rev) }

// basicHeader builds the header value of seed 000: base64("user:password").
func basicHeader(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

func (p *basicPage) Render() app.UI {
	m := model
	pair := m.basicUser + ":" + m.basicPass
	enc := base64.StdEncoding.EncodeToString([]byte(pair))
	return newShell().Active(RouteBasic).
		Title("Basic auth").
		Lead("Send user:password, base64-encoded, in the Authorization header of every request (seed 000).").
		Content(
			field("basic-username", "Username", textInput("basic-username", m.basicUser).OnInput(bindInput(&m.basicUser))),
			field("basic-password", "Password", passwordInput("basic-password", m.basicPass).OnInput(bindInput(&m.basicPass))),
			app.H3().Text("How the header is built"),
			app.Ol().ID("basic-steps").Class("mono").Body(
				app.Li().Text("user:password → "+maskPair(m.basicUser, m.basicPass)),
				app.Li().Text("base64 → "+enc),
			),
			app.Pre().ID("basic-header").Text("Authorization: "+basicHeader(m.basicUser, m.basicPass)),
			app.P().Class("note").Text("Base64 is an encoding, not encryption: anyone who sees this header has the password. "+
				"Send it only over HTTPS. Failed basic logins count towards CAPTCHA like any other."),
			app.Form().ID("basic-form").OnSubmit(p.onSend).Body(
				field("basic-path", "Resource path", textInput("basic-path", m.basicPath).OnInput(bindInput(&m.basicPath))),
				app.Div().Class("row").Body(
					button("basic-send", busyText("basic-send", "Send GET", "Sending…"), m.busy["basic-send"]).Type("submit"),
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
	path := strings.TrimSpace(model.basicPath)
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	send(ctx, call{Method: "GET", Path: path,
		Header:   []Header{{Name: "Authorization", Value: basicHeader(model.basicUser, model.basicPass)}, {Name: "Accept", Value: "application/json"}},
		Auth:     AuthBasic,
		Username: model.basicUser,
		Busy:     "basic-send"}, nil)
}
