package ui

import "github.com/maxence-charriere/go-app/v9/pkg/app"

// consolePage is /console: any request to the chosen Jira — the ones the
// guided pages do not cover (a form post without its token, an attachment,
// WebSudo) — and a pasted curl command turned into one.
type consolePage struct {
	app.Compo

	s    consoleState
	busy busyState
}

// OnInit starts from the stores' values (see sessionPage.OnInit).
func (p *consolePage) OnInit() { p.s, p.busy = console, busy }

func (p *consolePage) OnMount(ctx app.Context) {
	p.OnInit() // again: a change may have come between the first render and now
	ctx.ObserveState(keyConsole).Value(&p.s)
	ctx.ObserveState(keyBusy).Value(&p.busy)
	ctx.Defer(func(app.Context) { syncFields() })
}

func (p *consolePage) Render() app.UI {
	s, b := p.s, p.busy
	return newShell().Active(RouteConsole).
		Title("Console").
		Lead("Send any request to the chosen Jira, with the credentials of the other pages — or paste a curl command.").
		Content(
			app.Form().ID("console-form").OnSubmit(p.onSend).Body(
				app.Div().Class("row").Body(
					field("console-method", "Method", app.Select().ID("console-method").Disabled(!live()).OnChange(p.onMethod).Body(
						app.Range(consoleMethods).Slice(func(i int) app.UI {
							m := consoleMethods[i]
							return app.Option().Value(m).Selected(m == s.method).Text(m)
						}),
					)),
					field("console-auth", "Credentials", app.Select().ID("console-auth").Disabled(!live()).OnChange(p.onAuth).Body(
						app.Option().Value("none").Selected(s.auth == "none").Text("none (anonymous)"),
						app.Option().Value("session").Selected(s.auth == "session").Text("session cookie (Session page)"),
						app.Option().Value("basic").Selected(s.auth == "basic").Text("basic auth (Basic auth page)"),
						app.Option().Value("token").Selected(s.auth == "token").Text("token (Tokens page)"),
					)),
				),
				field("console-path", "Path", textInput("console-path", s.path).OnInput(onText)),
				field("console-headers", "Headers, one Name: value a line", textArea("console-headers", s.headers).Rows(3).
					Attr("spellcheck", "false").Disabled(!live()).OnInput(onText)),
				field("console-body", "Body", textArea("console-body", s.body).Rows(4).
					Attr("spellcheck", "false").Disabled(!live()).OnInput(onText)),
				app.Div().Class("field check").Body(
					app.Input().ID("console-browser-ua").Type("checkbox").Checked(s.browserUA).Disabled(!live()).OnChange(p.onBrowserUA),
					app.Label().For("console-browser-ua").Text("Send the browser's own User-Agent (Jira's XSRF filter refuses a POST from it)"),
				),
				app.If(s.err != "", app.P().ID("console-error").Class("badge warn").Text(s.err)),
				app.Div().Class("row").Body(
					button("console-send", b.label("console-send", "Send", "Sending…"), b.on["console-send"]).Type("submit"),
				),
			),
			app.H2().Text("Paste a curl command"),
			field("curl-import", "curl …", textArea("curl-import", s.importText).Rows(4).
				Attr("spellcheck", "false").Disabled(!live()).OnInput(onText)),
			app.If(s.importErr != "", app.P().ID("curl-import-error").Class("badge bad").Text(s.importErr)),
			app.Div().Class("row").Body(
				button("curl-import-apply", "Fill the form from it", false).Class("secondary").OnClick(p.onImport),
			),
			app.P().Class("note").Text("The host of the pasted URL is left out: the request goes to the Jira chosen at the top right, through the lab's proxy. -u user:password becomes basic auth."),
		).UI()
}

func (p *consolePage) onSend(ctx app.Context, e app.Event) {
	e.PreventDefault()
	sendConsole(ctx)
}

func (p *consolePage) onMethod(ctx app.Context, e app.Event) {
	console.method = ctx.JSSrc().Get("value").String()
	publish(ctx, keyConsole)
}

func (p *consolePage) onAuth(ctx app.Context, e app.Event) {
	console.auth = ctx.JSSrc().Get("value").String()
	publish(ctx, keyConsole)
}

func (p *consolePage) onBrowserUA(ctx app.Context, e app.Event) {
	console.browserUA = ctx.JSSrc().Get("checked").Bool()
	publish(ctx, keyConsole)
}

func (p *consolePage) onImport(ctx app.Context, e app.Event) { importCurl(ctx) }
