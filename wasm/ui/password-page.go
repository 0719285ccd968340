package ui

import "github.com/maxence-charriere/go-app/v9/pkg/app"

// passwordPage is /password: the password-policy endpoints of seed 004,
// checked live as the user types.
type passwordPage struct {
	app.Compo

	s passwordState
	t targetState
}

// OnInit starts from the stores' values (see sessionPage.OnInit).
func (p *passwordPage) OnInit() { p.s, p.t = password, targets }

func (p *passwordPage) OnMount(ctx app.Context) {
	p.OnInit() // again: a change may have come between the first render and now
	ctx.ObserveState(keyPassword).Value(&p.s)
	ctx.ObserveState(keyTarget).Value(&p.t)
	ctx.Defer(func(app.Context) { syncFields() })
	if live() && password.policyStatus == neverLoaded {
		loadPolicy(ctx)
	}
}

func (p *passwordPage) Render() app.UI {
	s := p.s
	update := s.updating()
	return newShell().Active(RoutePassword).
		Title("Password policy").
		Lead("Check a password against Jira's policy before creating a user or changing a password (seed 004).").
		Content(
			app.H3().Text("Policy"),
			app.Ul().ID("policy").Body(p.policyItems()...),
			field("pw-mode", "Mode", app.Select().ID("pw-mode").Disabled(!live()).OnChange(p.onMode).Body(
				app.Option().Value("create").Selected(!update).Text("Create user — POST …/password/policy/createUser"),
				app.Option().Value("update").Selected(update).Text("Update password — POST …/password/policy/updateUser"),
			)),
			field("pw-username", "Username", textInput("pw-username", s.user).OnInput(p.onField)),
			app.Div().Class(hiddenIf(update)).Body(
				field("pw-display-name", "Display name", textInput("pw-display-name", s.name).OnInput(p.onField)),
				field("pw-email", "Email address", textInput("pw-email", s.email).Type("email").OnInput(p.onField)),
			),
			app.Div().Class(hiddenIf(!update)).Body(
				field("pw-old", "Old password", passwordInput("pw-old", s.old).OnInput(p.onField)),
			),
			field("pw-new", "New password", passwordInput("pw-new", s.new).OnInput(p.onField)),
			app.Div().ID("pw-result").Class("pw-result").Aria("live", "polite").Body(p.result()),
			app.P().Class("note").Text("The password goes only to the policy endpoint of the Jira you chose, through the lab's proxy, and is never stored."),
		).UI()
}

func hiddenIf(b bool) string {
	if b {
		return "hidden"
	}
	return ""
}

func (p *passwordPage) policyItems() []app.UI {
	s := p.s
	switch {
	case s.policyStatus == loading && s.policyWanted && p.t.status == loadingErr:
		return []app.UI{app.Li().Class("badge bad").Text("The lab could not load its list of Jiras: press Retry next to the Jira selector.")}
	case s.policyStatus == loading || s.policyStatus == neverLoaded: // the prerendered page has not asked yet
		return []app.UI{app.Li().Class("note").Text("Loading the policy…")}
	case s.policyStatus == loadingErr:
		return []app.UI{app.Li().Class("badge bad").Text(s.policyErr)}
	case s.policyStatus == loaded && len(s.policy) == 0:
		return []app.UI{app.Li().Text("No rules: the password policy is disabled (Jira's default).")}
	}
	items := make([]app.UI, len(s.policy))
	for i, rule := range s.policy {
		items[i] = app.Li().Text(rule)
	}
	return items
}

func (p *passwordPage) result() app.UI {
	s := p.s
	switch {
	case s.new == "":
		return app.P().Class("note").Text("Type a new password: it is checked as you type.")
	case s.status == loadingErr:
		return app.P().Class("badge bad").Text(s.err)
	case s.status == loading && p.t.status == loadingErr:
		return app.P().Class("badge bad").Text("Not checked: the lab could not load its list of Jiras (press Retry next to the Jira selector).")
	case s.status == loaded && len(s.messages) == 0:
		return app.P().Class("badge ok").Text("This password passes the policy.")
	case s.status == loaded:
		items := make([]app.UI, len(s.messages))
		for i, msg := range s.messages {
			items[i] = app.Li().Text(msg)
		}
		return app.Div().Body(app.P().Class("badge bad").Text("Jira would refuse this password:"), app.Ul().Body(items...))
	}
	return app.P().Class("note").Text("Checking…")
}

func (p *passwordPage) onMode(ctx app.Context, e app.Event) {
	password.mode = ctx.JSSrc().Get("value").String()
	loadPolicy(ctx)
	schedulePasswordCheck(ctx)
}

// onField keeps a field in the store and schedules a check.
func (p *passwordPage) onField(ctx app.Context, e app.Event) {
	if f, _ := textField(ctx.JSSrc().Get("id").String()); f != nil {
		*f = ctx.JSSrc().Get("value").String()
		schedulePasswordCheck(ctx)
	}
}
