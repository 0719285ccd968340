package ui

import (
	"strings"

	"jiraauthlab/contract"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// sandboxPage is /sandbox: the built-in sandbox's own panel — its accounts
// with their passwords and what each demonstrates, their failed logins and
// CAPTCHA, the password policy, the administrator's switches, expire and
// reset. Every control is a logged request, so the learner sees the curl
// command behind each click.
type sandboxPage struct {
	app.Compo

	s    sandboxState
	t    targetState
	busy busyState
	l    logState // observed for its answers, see sandboxAnswered
}

// OnInit starts from the stores' values (see sessionPage.OnInit).
func (p *sandboxPage) OnInit() { p.s, p.t, p.busy = sandbox, targets, busy }

func (p *sandboxPage) OnMount(ctx app.Context) {
	p.OnInit() // again: a change may have come between the first render and now
	ctx.ObserveState(keySandbox).Value(&p.s)
	ctx.ObserveState(keyBusy).Value(&p.busy)
	ctx.ObserveState(keyTarget).OnChange(func() {
		if sandbox.of != targets.target {
			refreshSandbox(ctx)
		}
	}).Value(&p.t)
	ctx.ObserveState(keyLog).OnChange(func() { sandboxAnswered(ctx) }).Value(&p.l)
	if !live() {
		return
	}
	if len(journal.exchanges) > 0 {
		sandbox.seen = max(sandbox.seen, journal.exchanges[0].ID) // the read below follows them
	}
	refreshSandbox(ctx)
}

func (p *sandboxPage) Render() app.UI {
	return newShell().Active(RouteSandbox).
		Title("Sandbox").
		Lead("The built-in sandbox Jira's own controls: its accounts, its password policy and an administrator's switches. Each control is a request you see in the log; every page follows a change at once.").
		Content(p.body()...).UI()
}

func (p *sandboxPage) body() []app.UI {
	up, ok := p.t.current()
	if ok && !up.Sandbox {
		first := p.firstSandbox()
		return []app.UI{
			app.P().ID("sb-not-sandbox").Class("badge warn").Text("The Jira chosen, " + up.Name + ", is not a built-in sandbox: these controls belong to the sandbox."),
			app.If(first != "", button("sb-switch", "Use the sandbox ("+first+")", false).OnClick(p.onSwitch)),
		}
	}
	d := p.s.data
	off := !live() || !ok || p.s.status != loaded
	return []app.UI{
		app.H2().Text("Accounts"),
		sbNote("Log in with these anywhere in the lab; the counts follow every answer of the sandbox. CAPTCHA also ends with a browser login on the sandbox's /login.jsp that answers the word it shows, as on Jira."),
		app.Table().ID("sb-accounts").Class("results sb-accounts").Body(
			app.THead().Body(app.Tr().Body(app.Range(sbColumns).Slice(func(i int) app.UI { return app.Th().Text(sbColumns[i]) }))),
			app.TBody().Body(p.accountRows()...),
		),
		app.If(d.Face != "cloud", p.serverControls(off)...),
		app.If(d.Face == "cloud", sbNote("The password policy and the administrator's switches belong to Jira Server / Data Center: choose the sandbox upstream to see them.")),
		app.H2().Text("Sessions"),
		app.If(d.Face != "cloud",
			app.P().ID("sb-sessions").Class("note").Text(itoa(d.Sessions)+" session(s) open. Ending them is what Jira's idle timeout does: the next request with an old cookie answers as for no one. Reset brings back the first state: no sessions or tokens, no failed logins, the Secure policy, basic auth allowed and no rate limit.")),
		app.Div().Class("row").Body(
			// The Cloud face has no sessions to end (its control answers 404).
			app.If(d.Face != "cloud", p.control("sb-expire", "End every session", off, p.onExpire)),
			p.control("sb-reset", "Reset the sandbox", off, p.onReset),
		),
	}
}

// serverControls are the Server / Data Center face's own: the password
// policy preset and the administrator's switches.
func (p *sandboxPage) serverControls(off bool) []app.UI {
	d := p.s.data
	rl := sbBucket(d.RateLimit)
	return []app.UI{
		app.H2().Text("Password policy"),
		field("sb-policy", "Preset", app.Select().ID("sb-policy").Disabled(off || p.busy.on["sb-policy"]).OnChange(p.onPolicy).Body(
			app.Range(sbPresets).Slice(func(i int) app.UI {
				// Only the preset in force carries selected: go-app's
				// prerender writes selected="false", which HTML reads as
				// selected, and the last option would show.
				v := sbPresets[i]
				if d.PasswordPolicy == v {
					return app.Option().Value(v).Selected(true).Text(v)
				}
				return app.Option().Value(v).Text(v)
			}),
		)),
		sbNote("Jira's default is disabled. Custom chosen here takes Jira's defaults (8 to 255 characters, not similar to the user); set its counts with curl (README). The rules show on the Password policy page."),
		app.H2().Text("Administrator's switches"),
		p.check("sb-basic-auth", "Basic authentication with passwords allowed", d.BasicAuth.Enabled, off, p.onBasicAuth),
		sbNote("Off: basic auth with a password answers 403 for everyone but " + strings.Join(sbAllowed(d.BasicAuth.AllowedUsers), ", ") + " (the allow-list; change it with curl, README), as a Data Center administrator can set it; tokens and the session still work."),
		p.check("sb-rate-limit", "Rate limiting", d.RateLimit.Enabled, off, p.onRateLimit),
		sbNote("On: each user has a bucket of " + itoa(rl.Capacity) + " requests, refilled by " + itoa(rl.FillRate) + " every " +
			itoa(rl.IntervalSeconds) + " s (set others with curl, README); past it Jira answers 429 with Retry-After, and every answer carries X-RateLimit-* headers (Data Center 8.6+)."),
	}
}

// sbNote is a muted sentence of explanation.
func sbNote(text string) app.UI { return app.P().Class("note").Text(text) }

// check is one of the panel's checkboxes, busy while its call runs.
func (p *sandboxPage) check(id, label string, on, off bool, h app.EventHandler) app.UI {
	return app.Div().Class("field check").Body(
		app.Input().ID(id).Type("checkbox").Checked(on).Disabled(off || p.busy.on[id]).OnChange(h),
		app.Label().For(id).Text(label),
	)
}

// control is one of the panel's buttons, busy while its call runs.
func (p *sandboxPage) control(id, label string, off bool, h app.EventHandler) app.UI {
	return button(id, p.busy.label(id, label, "Sending…"), off || p.busy.on[id]).Class("secondary").OnClick(h)
}

// sbCell is the account table's cell of column i; at phone width it names
// its column (data-label, see lab.css).
func sbCell(i int, class, text string) app.UI {
	return app.Td().DataSet("label", sbColumns[i]).Class(class).Text(text)
}

var sbColumns = []string{"User", "Password", "Kind", "What it demonstrates", "Failed logins", "CAPTCHA"}

// sbPresets are the presets of Jira's admin screen (seed 004,
// JIRA-FACTS.md "Password policy").
var sbPresets = []string{"disabled", "basic", "secure", "custom"}

// sbKindLine says in one line what an account of the kind demonstrates.
func sbKindLine(kind string) string {
	switch kind {
	case "user":
		return "an ordinary user: basic auth and session logins work (seeds 000, 001)"
	case "admin":
		return "a Jira administrator: logs in as fred does; keep it allowed when basic auth is switched off"
	case "unverified":
		return "an unverified e-mail address: a session login answers 409 (seed 001)"
	case "sso":
		return "an SSO account: no Jira password, REST logins always fail (seed 003)"
	}
	return ""
}

// sbBucket fills a bucket never set with the contract's example
// (10 requests, 1 more every second), so turning the switch on limits.
func sbBucket(rl contract.SandboxRateLimit) contract.SandboxRateLimit {
	if rl.Capacity <= 0 || rl.FillRate <= 0 || rl.IntervalSeconds <= 0 {
		rl.Capacity, rl.FillRate, rl.IntervalSeconds = 10, 1, 1
	}
	return rl
}

func (p *sandboxPage) accountRows() []app.UI {
	s := p.s
	switch s.status {
	case loadingErr:
		return []app.UI{app.Tr().Body(app.Td().ColSpan(6).Class("badge bad").Text(s.err))}
	case neverLoaded, loading:
		return []app.UI{app.Tr().Body(app.Td().ColSpan(6).Class("note").Text("Reading the sandbox's state…"))}
	}
	d := s.data
	rows := make([]app.UI, len(d.Users))
	for i, u := range d.Users {
		failed := itoa(u.ConsecutiveFailedLogins)
		if d.CaptchaAfter > 0 && u.Kind != "sso" {
			failed += " of " + itoa(d.CaptchaAfter)
		}
		line := sbKindLine(u.Kind)
		if d.Face == "cloud" {
			// Cloud refuses account passwords for basic auth and has no
			// session login (JIRA-FACTS.md, "More real answers").
			line, failed = "on Cloud: basic auth with the e-mail and an API token (Tokens page); the password is refused", "—"
		} else if u.Kind == "user" && d.CaptchaAfter > 0 {
			line += "; " + itoa(d.CaptchaAfter) + " wrong passwords in a row turn CAPTCHA on"
		}
		captcha := "off"
		if u.CaptchaRequired {
			captcha = "on"
		}
		id := "sb-captcha-reset-" + u.Name
		rows[i] = app.Tr().Body(
			sbCell(0, "mono", u.Name), sbCell(1, "mono", u.Password), sbCell(2, "", u.Kind), sbCell(3, "", line),
			sbCell(4, "sb-failed", failed),
			app.Td().DataSet("label", sbColumns[5]).Class("sb-captcha "+captcha).Body(
				app.Text(captcha),
				app.If(u.CaptchaRequired || u.ConsecutiveFailedLogins > 0,
					button(id, "Reset "+u.Name, p.busy.on[id]).Class("secondary").DataSet("user", u.Name).OnClick(p.onCaptchaReset)),
			),
		)
	}
	return rows
}

// firstSandbox is the name of the first built-in sandbox upstream.
func (p *sandboxPage) firstSandbox() string {
	for _, u := range p.t.upstreams {
		if u.Sandbox {
			return u.Name
		}
	}
	return ""
}

func (p *sandboxPage) onSwitch(ctx app.Context, e app.Event) {
	if name := p.firstSandbox(); name != "" {
		chooseTarget(ctx, name)
	}
}

func (p *sandboxPage) onPolicy(ctx app.Context, e app.Event) {
	preset := ctx.JSSrc().Get("value").String()
	if preset == "" {
		return
	}
	sandboxControl(ctx, "PUT", sbPolicy, map[string]string{"preset": preset}, "sb-policy")
}

// onBasicAuth turns the switch as it stands on screen, keeping the allow-list.
func (p *sandboxPage) onBasicAuth(ctx app.Context, e app.Event) {
	body := contract.SandboxBasicAuth{Enabled: ctx.JSSrc().Get("checked").Bool(), AllowedUsers: sbAllowed(sandbox.data.BasicAuth.AllowedUsers)}
	sandboxControl(ctx, "PUT", sbBasicAuth, body, "sb-basic-auth")
}

// sbAllowed keeps the administrator allowed when no list was set
// (the contract's example), so switching basic auth off locks no one out
// of the lesson.
func sbAllowed(users []string) []string {
	if len(users) == 0 {
		return []string{"admin"}
	}
	return users
}

// onRateLimit turns the switch as it stands on screen, keeping the bucket.
func (p *sandboxPage) onRateLimit(ctx app.Context, e app.Event) {
	body := sbBucket(sandbox.data.RateLimit)
	body.Enabled = ctx.JSSrc().Get("checked").Bool()
	sandboxControl(ctx, "PUT", sbRateLimit, body, "sb-rate-limit")
}

func (p *sandboxPage) onCaptchaReset(ctx app.Context, e app.Event) {
	user := ctx.JSSrc().Get("dataset").Get("user").String()
	sandboxControl(ctx, "POST", sbCaptchaReset, map[string]string{"username": user}, "sb-captcha-reset-"+user)
}

func (p *sandboxPage) onExpire(ctx app.Context, e app.Event) {
	sandboxControl(ctx, "POST", sbExpire, nil, "sb-expire")
}

func (p *sandboxPage) onReset(ctx app.Context, e app.Event) {
	sandboxControl(ctx, "POST", sbReset, nil, "sb-reset")
}
