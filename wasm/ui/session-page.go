package ui

import (
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// sessionPage is /session (and /): cookie-based login with
// /rest/auth/1/session, as seeds 001 and 002 describe.
type sessionPage struct {
	app.Compo

	s    sessionState
	t    targetState
	busy busyState
}

// OnInit starts from the stores' values, for the first render (also the
// server's prerender, which never mounts).
func (p *sessionPage) OnInit() { p.s, p.t, p.busy = session, targets, busy }

func (p *sessionPage) OnMount(ctx app.Context) {
	p.OnInit() // again: a change may have come between the first render and now
	ctx.ObserveState(keySession).Value(&p.s)
	ctx.ObserveState(keyTarget).Value(&p.t)
	ctx.ObserveState(keyBusy).Value(&p.busy)
	ctx.Defer(func(app.Context) { syncFields() }) // the fields hold what was typed before
	if session.focusPassword {
		ctx.Defer(focusPassword)
	}
}

// focusPassword puts the cursor in #password (after "Log in again").
func focusPassword(ctx app.Context) {
	session.focusPassword = false
	if el := app.Window().GetElementByID("password"); el.Truthy() {
		el.Call("focus")
	}
}

func (p *sessionPage) Render() app.UI {
	s, b := p.s, p.busy
	cookieLine := ""
	if s.cookie != "" {
		cookieLine = "Cookie: " + s.cookie
	}
	otherJira := s.cookie != "" && s.cookieTarget != p.t.target
	setCookie := make([]string, len(s.setCookie))
	for i, c := range s.setCookie {
		setCookie[i] = "Set-Cookie: " + c
	}
	return newShell().Active(RouteSession).
		Title("Session login").
		Lead("Log in with POST /rest/auth/1/session, then send the session cookie Jira returns with every call.").
		Content(
			app.Form().ID("login-form").OnSubmit(p.onLogin).Body(
				field("username", "Username", textInput("username", s.username).
					Attr("autocomplete", "username").OnInput(onText)),
				revealable("password", "Password", passwordInput("password", s.password).
					OnInput(onText)),
				app.Div().Class("row").Body(
					button("login", b.label("login", "Log in", "Logging in…"), b.on["login"]).Type("submit"),
					button("whoami", b.label("whoami", "Who am I", "Asking…"), b.on["whoami"]).Class("secondary").OnClick(p.onWhoami),
					button("logout", b.label("logout", "Log out", "Logging out…"), b.on["logout"]).Class("secondary").OnClick(p.onLogout),
				),
			),
			app.H2().Text("Session JSON"),
			app.Pre().ID("session-json").Text(s.sessionJSON),
			app.H2().Text("Set-Cookie received"),
			app.Pre().ID("set-cookie").Text(strings.Join(setCookie, "\n")),
			app.H2().Text("Cookie header sent next"),
			app.Pre().ID("cookie-header").Text(cookieLine),
			app.If(otherJira, app.P().ID("cookie-other-jira").Class("badge warn").
				Text("This cookie belongs to "+s.cookieTarget+": the lab does not send it to "+p.t.target+". Log in there, or paste a cookie of that Jira.")),
			app.P().Class("note").Text("A page's script can neither read Set-Cookie (the browser hides it, and JSESSIONID is HttpOnly) "+
				"nor send a Cookie header of its own. The lab's server does both for it: it hands Set-Cookie over as X-Jira-Set-Cookie "+
				"and turns the lab's X-Jira-Cookie into the Cookie header Jira receives, built from session.name and session.value as Atlassian's “Cookie-based auth for REST APIs” does. "+
				"This column shows the cookie you work with; the log, the diagram and the diagnosis mask it until you press Reveal secrets."),

			app.H2().Text("Search with the session"),
			app.Form().ID("search-form").OnSubmit(p.onSearch).Body(
				field("jql", "JQL", textInput("jql", s.jql).OnInput(onText)),
				app.Div().Class("row").Body(
					button("search", b.label("search", "Search", "Searching…"), b.on["search"]).Class("secondary").Type("submit"),
				),
			),
			app.Div().ID("search-results").Body(renderSearch(s.search, s.searchErr)),

			app.H2().Text("Use a cookie from the browser (SSO accounts)"),
			app.P().Class("note").Text("An account managed by SSO has no Jira password: REST logins fail with 401. "+
				"Log in with the browser instead, copy the JSESSIONID cookie from its developer tools (or a cookies.txt made by curl -c), and paste it here: the workaround of Atlassian's ID-6351, “REST API calls are returning 401 Unauthorized after Atlassian Account is enabled”."),
			field("cookie-paste", "Paste a cookie (name=value), a Cookie: line, or a Netscape cookie file",
				textArea("cookie-paste", s.cookiePaste).Rows(3).
					Attr("spellcheck", "false").Disabled(!live()).OnInput(p.onPaste)),
			app.If(s.pasteErr != "", app.P().ID("cookie-paste-error").Class("badge bad").Text(s.pasteErr)),
			app.If(p.t.onSandbox(),
				app.Div().Class("row").Body(
					button("sso-login", b.label("sso-login", "Simulated SSO login (sandbox)", "Walking the SSO login…"), b.on["sso-login"]).
						Class("secondary").OnClick(p.onSSOLogin),
				),
				app.If(len(s.ssoSteps) > 0, app.Ol().ID("sso-steps").Body(
					app.Range(s.ssoSteps).Slice(func(i int) app.UI { return app.Li().Text(s.ssoSteps[i]) }),
				)),
			),
		).UI()
}

func (p *sessionPage) onLogin(ctx app.Context, e app.Event) {
	e.PreventDefault()
	login(ctx)
}

func (p *sessionPage) onWhoami(ctx app.Context, e app.Event) {
	send(ctx, call{Method: "GET", Path: "/rest/auth/1/session", Auth: session.authFor(targets.target), Busy: "whoami"}, nil)
}

func (p *sessionPage) onLogout(ctx app.Context, e app.Event) {
	logout(ctx)
}

func (p *sessionPage) onSearch(ctx app.Context, e app.Event) {
	e.PreventDefault()
	search(ctx)
}

func (p *sessionPage) onPaste(ctx app.Context, e app.Event) {
	session.applyPaste(targets.target, ctx.JSSrc().Get("value").String())
	publish(ctx, keySession)
}

func (p *sessionPage) onSSOLogin(ctx app.Context, e app.Event) { ssoLogin(ctx) }

func renderSearch(r *searchResult, errText string) app.UI {
	if errText != "" {
		return app.P().Class("note").Text(errText)
	}
	if r == nil {
		return app.P().Class("note").Text("Results appear here.")
	}
	if len(r.Issues) == 0 {
		return app.P().Class("note").Text("No issue matches (anonymous callers see only what anonymous may browse).")
	}
	return app.Div().Body(
		app.P().Class("note").Text(itoa(r.Total)+" issue(s)"),
		app.Table().Class("results").Body(
			app.THead().Body(app.Tr().Body(
				app.Th().Text("Key"), app.Th().Text("Summary"), app.Th().Text("Type"), app.Th().Text("Status"), app.Th().Text("Assignee"),
			)),
			app.TBody().Body(app.Range(r.Issues).Slice(func(i int) app.UI {
				is := r.Issues[i]
				return app.Tr().Body(
					app.Td().Text(is.Key), app.Td().Text(is.Fields.Summary), app.Td().Text(is.Fields.IssueType.String()),
					app.Td().Text(is.Fields.Status.String()), app.Td().Text(is.Fields.Assignee.String()),
				)
			})),
		),
	)
}
