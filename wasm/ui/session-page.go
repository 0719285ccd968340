package ui

import (
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// sessionPage is /session (and /): cookie-based login with
// /rest/auth/1/session, as seeds 001 and 002 describe.
type sessionPage struct {
	app.Compo

	rev int
}

func (p *sessionPage) OnMount(ctx app.Context) {
	observe(ctx, &p.rev)
	if model.focusPassword {
		ctx.Defer(focusPassword)
	}
}

// focusPassword puts the cursor in #password (after "Log in again").
func focusPassword(ctx app.Context) {
	model.focusPassword = false
	if el := app.Window().GetElementByID("password"); el.Truthy() {
		el.Call("focus")
	}
}

func (p *sessionPage) Render() app.UI {
	m := model
	cookieLine := ""
	if m.cookie != "" {
		cookieLine = "Cookie: " + m.cookie
	}
	otherJira := m.cookie != "" && m.cookieFor != m.target
	setCookie := make([]string, len(m.setCookie))
	for i, c := range m.setCookie {
		setCookie[i] = "Set-Cookie: " + c
	}
	return newShell().Active(RouteSession).
		Title("Session login").
		Lead("Log in with POST /rest/auth/1/session, then send the session cookie Jira returns with every call.").
		Content(
			app.Form().ID("login-form").OnSubmit(p.onLogin).Body(
				field("username", "Username", textInput("username", m.username).
					Attr("autocomplete", "username").OnInput(bindInput(&m.username))),
				field("password", "Password", passwordInput("password", m.password).OnInput(bindInput(&m.password))),
				app.Div().Class("row").Body(
					button("login", busyText("login", "Log in", "Logging in…"), m.busy["login"]).Type("submit"),
					button("whoami", busyText("whoami", "Who am I", "Asking…"), m.busy["whoami"]).Class("secondary").OnClick(p.onWhoami),
					button("logout", busyText("logout", "Log out", "Logging out…"), m.busy["logout"]).Class("secondary").OnClick(p.onLogout),
				),
			),
			app.H3().Text("Session JSON"),
			app.Pre().ID("session-json").Text(m.sessionJSON),
			app.H3().Text("Set-Cookie received"),
			app.Pre().ID("set-cookie").Text(strings.Join(setCookie, "\n")),
			app.H3().Text("Cookie header sent next"),
			app.Pre().ID("cookie-header").Text(cookieLine),
			app.If(otherJira, app.P().ID("cookie-other-jira").Class("badge warn").
				Text("This cookie belongs to "+m.cookieFor+": the lab does not send it to "+m.target+". Log in there, or paste a cookie of that Jira.")),
			app.P().Class("note").Text("A page's script can neither read Set-Cookie (the browser hides it, and JSESSIONID is HttpOnly) "+
				"nor send a Cookie header of its own. The lab's server does both for it: it hands Set-Cookie over as X-Jira-Set-Cookie "+
				"and turns the lab's X-Jira-Cookie into the Cookie header Jira receives, built from session.name and session.value as seed 001 does."),

			app.H3().Text("Search with the session"),
			field("jql", "JQL", textInput("jql", m.jql).OnInput(bindInput(&m.jql))),
			app.Div().Class("row").Body(
				button("search", busyText("search", "Search", "Searching…"), m.busy["search"]).Class("secondary").OnClick(p.onSearch),
			),
			app.Div().ID("search-results").Body(renderSearch(m.search, m.searchErr)),

			app.H3().Text("Use a cookie from the browser (SSO accounts)"),
			app.P().Class("note").Text("An account managed by SSO has no Jira password: REST logins fail with 401. "+
				"Log in with the browser instead, copy the JSESSIONID cookie from its developer tools (or a cookies.txt made by curl -c), and paste it here (seed 003)."),
			field("cookie-paste", "Paste a cookie (name=value), a Cookie: line, or a Netscape cookie file",
				textArea("cookie-paste", m.cookiePaste).Rows(3).
					Attr("spellcheck", "false").Disabled(!live()).OnInput(p.onPaste)),
			app.If(m.pasteErr != "", app.P().ID("cookie-paste-error").Class("badge bad").Text(m.pasteErr)),
			app.If(m.onSandbox(),
				app.Div().Class("row").Body(
					button("sso-login", busyText("sso-login", "Simulated SSO login (sandbox)", "Walking the SSO login…"), m.busy["sso-login"]).
						Class("secondary").OnClick(p.onSSOLogin),
				),
				app.If(len(m.ssoSteps) > 0, app.Ol().ID("sso-steps").Body(
					app.Range(m.ssoSteps).Slice(func(i int) app.UI { return app.Li().Text(m.ssoSteps[i]) }),
				)),
			),
		).UI()
}

// bindInput keeps a form value in the model as the user types.
func bindInput(dst *string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		*dst = ctx.JSSrc().Get("value").String()
		changed(ctx)
	}
}

func busyText(key, idle, busy string) string {
	if model.busy[key] {
		return busy
	}
	return idle
}

func (p *sessionPage) onLogin(ctx app.Context, e app.Event) {
	e.PreventDefault()
	user := model.username
	body := jsonString(map[string]string{"username": user, "password": model.password})
	send(ctx, call{Method: "POST", Path: "/rest/auth/1/session", Header: []Header{jsonHeader}, Body: body,
		Auth: AuthLogin, Username: user, Busy: "login"},
		func(ctx app.Context, x Exchange) {
			if x.Status != 200 {
				return
			}
			cookie, err := CookieFromSession(x.ResponseBody)
			if err != nil {
				model.diag = &Diagnosis{Level: LevelBad, Title: "The login answered 200 without a session.",
					Lines: []string{err.Error(), "Seed 001: the answer must be {\"session\":{\"name\":…,\"value\":…}}."}}
				return
			}
			model.sessionJSON, _ = PrettyJSON(x.ResponseBody)
			model.setCookie = SetCookieLines(x.ResponseHeader)
			model.useCookie(x.Target, cookie, AuthSession)
		})
}

func (p *sessionPage) onWhoami(ctx app.Context, e app.Event) {
	send(ctx, call{Method: "GET", Path: "/rest/auth/1/session", Auth: model.authFor(), Busy: "whoami"}, nil)
}

func (p *sessionPage) onLogout(ctx app.Context, e app.Event) {
	// The cookie is kept on purpose: the next call shows Jira refusing it.
	send(ctx, call{Method: "DELETE", Path: "/rest/auth/1/session", Auth: model.authFor(), Busy: "logout"}, nil)
}

func (p *sessionPage) onSearch(ctx app.Context, e app.Event) {
	body := jsonString(map[string]any{"jql": model.jql, "maxResults": 20, "fields": []string{"summary", "status", "issuetype", "assignee"}})
	send(ctx, call{Method: "POST", Path: "/rest/api/2/search", Header: []Header{jsonHeader}, Body: body,
		Auth: model.authFor(), Busy: "search"},
		func(ctx app.Context, x Exchange) {
			model.search, model.searchErr = nil, ""
			if x.Status != 200 {
				model.searchErr = "No results: HTTP " + itoa(x.Status) + ". See the diagnosis."
				return
			}
			var r searchResult
			if err := jsonUnmarshal(x.ResponseBody, &r); err != nil {
				model.searchErr = "The answer is not a search result: " + err.Error()
				return
			}
			model.search = &r
		})
}

func (p *sessionPage) onPaste(ctx app.Context, e app.Event) {
	text := ctx.JSSrc().Get("value").String()
	model.cookiePaste = text
	applyPastedCookie(model.target, text)
	changed(ctx)
}

// applyPastedCookie makes a pasted cookie the one the lab sends next to
// target. An empty or invalid paste withdraws a cookie pasted before (a
// cookie from a login stays).
func applyPastedCookie(target, text string) {
	model.pasteErr = ""
	cookie := ""
	if strings.TrimSpace(text) != "" {
		var err error
		if cookie, err = ParsePastedCookies(text, nowFunc()); err != nil {
			model.pasteErr = err.Error()
		}
	}
	if cookie == "" {
		if model.cookieAuth == AuthPasted {
			model.useCookie("", "", AuthNone)
		}
		return
	}
	model.useCookie(target, cookie, AuthPasted)
}

// onSSOLogin walks the sandbox's simulated SSO browser login through the
// proxy, one plain request per step, as a browser would, and pastes the
// cookie its last page shows.
func (p *sessionPage) onSSOLogin(ctx app.Context, e app.Event) {
	up, ok := model.current()
	if !ok {
		return
	}
	model.ssoSteps = []string{"GET /login.jsp — Jira's login page links to the identity provider."}
	model.busy["sso-login"] = true
	fail := func(ctx app.Context, why string) {
		delete(model.busy, "sso-login")
		model.ssoSteps = append(model.ssoSteps, "Stopped: "+why)
	}
	send(ctx, call{Method: "GET", Path: "/login.jsp", To: up.Name}, func(ctx app.Context, x Exchange) {
		idp, ok := upstreamPath(up.URL, attrOf(x.ResponseBody, `id="sso-link"`, "href"))
		if x.Status != 200 || !ok {
			fail(ctx, "no SSO link on /login.jsp")
			return
		}
		model.ssoSteps = append(model.ssoSteps, "GET "+idp+" — the identity provider asks who you are.")
		send(ctx, call{Method: "GET", Path: idp, To: up.Name}, func(ctx app.Context, x Exchange) {
			action, ok := upstreamPath(up.URL, attrOf(x.ResponseBody, `id="idp-form"`, "action"))
			user := attrOf(x.ResponseBody, `id="idp-username"`, "value")
			if x.Status != 200 || !ok || user == "" {
				fail(ctx, "no login form at the identity provider")
				return
			}
			model.ssoSteps = append(model.ssoSteps, "POST "+action+" username="+user+" — the identity provider logs you in; Jira sets JSESSIONID.")
			send(ctx, call{Method: "POST", Path: action,
				Header: []Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}},
				Body:   "username=" + url.QueryEscape(user), Username: user, To: up.Name},
				func(ctx app.Context, x Exchange) {
					cookie := textOf(x.ResponseBody, `id="sso-cookie"`)
					if x.Status != 200 || cookie == "" {
						fail(ctx, "the last page shows no cookie")
						return
					}
					delete(model.busy, "sso-login")
					model.ssoSteps = append(model.ssoSteps, "Copied "+strings.SplitN(cookie, "=", 2)[0]+" from the last page into the paste field, as you would from the browser's developer tools.")
					model.cookiePaste = cookie
					syncFields()
					applyPastedCookie(up.Name, cookie)
					model.diag = &Diagnosis{Level: LevelOK, Title: "SSO login done: the lab now sends the browser's session cookie.",
						Lines: []string{
							"This is seed 003's workaround: an SSO account has no Jira password, so REST logins fail, but the cookie of a browser session works.",
							"Press Who am I or Search: Jira answers as " + user + ".",
						}}
				})
		})
	})
}

// searchResult is the part of Jira's search answer the table shows.
type searchResult struct {
	Total  int `json:"total"`
	Issues []struct {
		Key    string `json:"key"`
		Fields struct {
			Summary   string `json:"summary"`
			Status    *named `json:"status"`
			IssueType *named `json:"issuetype"`
			Assignee  *named `json:"assignee"`
		} `json:"fields"`
	} `json:"issues"`
}

type named struct {
	Name string `json:"name"`
}

func (n *named) String() string {
	if n == nil {
		return "—"
	}
	return n.Name
}

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
