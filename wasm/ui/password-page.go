package ui

import (
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// passwordPage is /password: the password-policy endpoints of seed 004,
// checked live as the user types.
type passwordPage struct {
	app.Compo

	s passwordState
	t targetState
	l logState
	// stop releases the window's focus and visibility listeners.
	stop []func()
}

// OnInit starts from the stores' values (see sessionPage.OnInit).
func (p *passwordPage) OnInit() { p.s, p.t = password, targets }

func (p *passwordPage) OnMount(ctx app.Context) {
	p.OnInit() // again: a change may have come between the first render and now
	ctx.ObserveState(keyPassword).Value(&p.s)
	ctx.ObserveState(keyTarget).Value(&p.t)
	ctx.ObserveState(keyLog).OnChange(func() { passwordControlCalls(ctx) }).Value(&p.l)
	ctx.Defer(func(app.Context) { syncFields() })
	if !live() {
		return
	}
	if len(journal.exchanges) > 0 {
		password.seen = max(password.seen, journal.exchanges[0].ID) // read below
	}
	// The policy may have been switched while the page was not shown (the
	// /sandbox panel, curl, another tab): the first showing asks Jira in
	// the learner's sight (logged), every later one quietly.
	if password.policyStatus == neverLoaded {
		loadPolicy(ctx)
	} else {
		rereadPolicy(ctx)
	}
	// Coming back to the window (from a terminal running curl, another
	// tab) is when a switch made elsewhere shows.
	p.stop = append(p.stop,
		app.Window().AddEventListener("focus", func(ctx app.Context, _ app.Event) { rereadPolicy(ctx) }),
		app.Window().AddEventListener("visibilitychange", func(ctx app.Context, _ app.Event) {
			if app.Window().Get("document").Get("visibilityState").String() == "visible" {
				rereadPolicy(ctx)
			}
		}))
}

func (p *passwordPage) OnDismount() {
	for _, stop := range p.stop {
		stop()
	}
	p.stop = nil
}

func (p *passwordPage) Render() app.UI {
	s := p.s
	update := s.updating()
	return newShell().Active(RoutePassword).
		Title("Password policy").
		Lead("Check a password against Jira's policy before creating a user or changing a password (seed 004).").
		Content(
			app.H2().Text("Policy"),
			app.Ul().ID("policy").Body(p.policyItems()...),
			field("pw-mode", "Mode", app.Select().ID("pw-mode").Disabled(!live()).OnChange(p.onMode).Body(
				app.Option().Value("create").Selected(!update).Text("Create user (createUser)"),
				app.Option().Value("update").Selected(update).Text("Update password (updateUser)"),
			)),
			app.P().Class("note").Text("Each check is POST /rest/api/2/password/policy/"+p.s.checkResource()+"."),
			field("pw-username", "Username", textInput("pw-username", s.user).OnInput(p.onField)),
			app.Div().Class(hiddenIf(update)).Body(
				field("pw-display-name", "Display name", textInput("pw-display-name", s.name).OnInput(p.onField)),
				field("pw-email", "Email address", textInput("pw-email", s.email).Type("email").OnInput(p.onField)),
			),
			app.Div().Class(hiddenIf(!update)).Body(
				p.secretField("pw-old", "Old password", s.old, s.showOld),
			),
			p.secretField("pw-new", "New password", s.new, s.showNew),
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
	// The rules are marked from Jira's own verdict, not judged in the page:
	// Jira words the rules and the verdict alike (seed 004: the verdict
	// lists "the reasons the password would be refused", in the rules'
	// sentences), and only Jira knows what it counts as similar to the
	// user. A verdict naming a rule not listed is another policy's
	// (rereadPolicy follows it): then nothing is marked.
	marked := s.new != "" && s.judged && !s.unknownRule()
	items := make([]app.UI, len(s.policy))
	for i, rule := range s.policy {
		li := app.Li().Text(rule)
		if marked {
			met := !slices.Contains(s.messages, rule)
			class, state := "rule met", "met"
			if !met {
				class, state = "rule unmet", "not met"
			}
			if s.status != loaded {
				class += " stale" // the last password's verdict, until this one's lands
			}
			li = app.Li().Class(class).Body(app.Span().Class("rule-state").Text(state), app.Text(" "+rule))
		}
		items[i] = li
	}
	return items
}

// checkResource is the policy resource that checks a password in this mode.
func (p passwordState) checkResource() string {
	if p.updating() {
		return "updateUser"
	}
	return "createUser"
}

// secretField is a password field with a button that shows what was typed
// (the id stays the field's: tests and docs name it).
func (p *passwordPage) secretField(id, label, value string, shown bool) app.UI {
	in := passwordInput(id, value).OnInput(p.onField)
	if shown {
		in = in.Type("text")
	}
	return app.Div().Class("field").Body(
		app.Label().For(id).Text(label),
		app.Div().Class("pw-reveal").Body(
			in,
			// A toggle keeps its name; aria-pressed says whether it is on.
			button(id+"-show", "Show", false).Class("secondary").
				Aria("pressed", shown).Aria("controls", id).Aria("label", "Show "+strings.ToLower(label)).
				DataSet("field", id).OnClick(p.onShow),
		),
	)
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

// onShow shows or hides the password of the field its button names.
func (p *passwordPage) onShow(ctx app.Context, e app.Event) {
	switch ctx.JSSrc().Get("dataset").Get("field").String() {
	case "pw-old":
		password.showOld = !password.showOld
	case "pw-new":
		password.showNew = !password.showNew
	}
	publish(ctx, keyPassword)
}

// onField keeps a field in the store and schedules a check.
func (p *passwordPage) onField(ctx app.Context, e app.Event) {
	if f, _ := textField(ctx.JSSrc().Get("id").String()); f != nil {
		*f = ctx.JSSrc().Get("value").String()
		schedulePasswordCheck(ctx)
	}
}
