package ui

import (
	"strconv"
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
		return []app.UI{
			app.P().ID("sb-not-sandbox").Class("badge warn").Text("The Jira chosen, " + up.Name + ", is not a built-in sandbox: these controls belong to the sandbox."),
			app.If(p.firstSandbox() != "", button("sb-switch", "Use the sandbox ("+p.firstSandbox()+")", false).OnClick(p.onSwitch)),
		}
	}
	s := p.s
	d := s.data
	cloud := d.Face == "cloud"
	off := !live() || !ok || s.status != loaded
	return []app.UI{
		app.H2().Text("Accounts"),
		app.P().Class("note").Text("Log in with these anywhere in the lab; the counts follow every answer of the sandbox."),
		app.Table().ID("sb-accounts").Class("results sb-accounts").Body(
			app.THead().Body(app.Tr().Body(
				app.Th().Text("User"), app.Th().Text("Password"), app.Th().Text("Kind"),
				app.Th().Text("What it demonstrates"), app.Th().Text("Failed logins"), app.Th().Text("CAPTCHA"),
			)),
			app.TBody().Body(p.accountRows()...),
		),
		app.If(ok && up.URL != "",
			app.P().Class("note").Body(
				app.Text("CAPTCHA also ends with a browser login on "),
				app.A().Href(strings.TrimSuffix(up.URL, "/")+"/login.jsp").Target("_blank").Rel("noopener").Text("the sandbox's login page"),
				app.Text(" that answers the word it shows, as on Jira."),
			)),
		app.If(!cloud, p.serverControls(off)...),
		app.If(cloud, app.P().Class("note").Text("The password policy and the administrator's switches belong to Jira Server / Data Center: choose the sandbox upstream to see them.")),
		app.H2().Text("Sessions"),
		app.P().Class("note").ID("sb-sessions").Text(strconv.Itoa(d.Sessions) + " session(s) open. Ending them is what Jira's idle timeout does: the next request with an old cookie answers as for no one."),
		app.Div().Class("row").Body(
			button("sb-expire", p.busy.label("sb-expire", "End every session", "Ending…"), off || p.busy.on["sb-expire"]).
				Class("secondary").OnClick(p.onExpire),
			button("sb-reset", p.busy.label("sb-reset", "Reset the sandbox", "Resetting…"), off || p.busy.on["sb-reset"]).
				Class("secondary").OnClick(p.onReset),
		),
		app.P().Class("note").Text("Reset brings back the first state: no sessions or tokens, no failed logins, the Secure policy, basic auth allowed and no rate limit, as Jira ships."),
	}
}

// serverControls are the Server / Data Center face's own: the password
// policy preset and the administrator's switches.
func (p *sandboxPage) serverControls(off bool) []app.UI {
	d := p.s.data
	policyOff := off || p.busy.on["sb-policy"]
	return []app.UI{
		app.H2().Text("Password policy"),
		field("sb-policy", "Preset", app.Select().ID("sb-policy").Disabled(policyOff).OnChange(p.onPolicy).Body(
			app.Range(policyPresets).Slice(func(i int) app.UI {
				pr := policyPresets[i]
				return app.Option().Value(pr.value).Selected(d.PasswordPolicy == pr.value).Text(pr.label)
			}),
			app.If(p.s.status != loaded, app.Option().Value("").Selected(true).Text("…")),
		)),
		app.P().Class("note").Body(
			app.Text("Custom chosen here takes Jira's defaults (8 to 255 characters, not similar to the user); its counts are set with curl (README). The rules show on "),
			app.A().Href(Href(RoutePassword)).Text("Password policy"), app.Text("."),
		),
		app.H2().Text("Administrator's switches"),
		app.Div().Class("field check").Body(
			app.Input().ID("sb-basic-auth").Type("checkbox").Checked(d.BasicAuth.Enabled).
				Disabled(off || p.busy.on["sb-basic-auth"]).OnChange(p.onBasicAuth),
			app.Label().For("sb-basic-auth").Text("Basic authentication with passwords allowed"),
		),
		field("sb-basic-users", "Allowed users while it is off (comma-separated)",
			app.Input().ID("sb-basic-users").Type("text").Value(strings.Join(d.BasicAuth.AllowedUsers, ", ")).
				AutoComplete(false).Attr("spellcheck", "false").Disabled(off).OnChange(p.onBasicAuth)),
		app.P().Class("note").Text("Off: basic auth with a password answers 403 for everyone but the allowed users, as a Data Center administrator can set it; tokens and the session still work."),
		app.Div().Class("field check").Body(
			app.Input().ID("sb-rate-limit").Type("checkbox").Checked(d.RateLimit.Enabled).
				Disabled(off || p.busy.on["sb-rate-limit"]).OnChange(p.onRateLimit),
			app.Label().For("sb-rate-limit").Text("Rate limiting"),
		),
		app.Div().Class("sb-numbers").Body(
			p.number("sb-rl-capacity", "Capacity (requests)", d.RateLimit.Capacity, off),
			p.number("sb-rl-fill", "Fill rate (requests)", d.RateLimit.FillRate, off),
			p.number("sb-rl-interval", "Interval (seconds)", d.RateLimit.IntervalSeconds, off),
		),
		app.P().Class("note").Text("On: each user has a bucket of Capacity requests, refilled by Fill rate every Interval; past it Jira answers 429 with Retry-After, and every answer carries X-RateLimit-* headers (Data Center 8.6+)."),
	}
}

// number is a small numeric field of the rate limit.
func (p *sandboxPage) number(id, label string, v int, off bool) app.UI {
	return field(id, label, app.Input().ID(id).Type("number").Attr("min", "1").Value(strconv.Itoa(v)).
		Disabled(off).OnChange(p.onRateLimit))
}

// policyPresets are the presets of Jira's admin screen (seed 004,
// JIRA-FACTS.md "Password policy").
var policyPresets = []struct{ value, label string }{
	{"disabled", "Disabled (Jira's default)"},
	{"basic", "Basic"},
	{"secure", "Secure"},
	{"custom", "Custom"},
}

// kindLines say what each kind of account demonstrates, in one line.
var kindLines = map[string]string{
	"user":       "an ordinary user: basic auth and session logins work (seeds 000, 001)",
	"admin":      "a Jira administrator: logs in as fred does; keep it allowed when basic auth is switched off",
	"unverified": "an unverified e-mail address: a session login answers 409 (seed 001)",
	"sso":        "an SSO account: no Jira password, REST logins always fail (seed 003)",
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
		failed := strconv.Itoa(u.ConsecutiveFailedLogins)
		if d.CaptchaAfter > 0 && u.Kind != "sso" {
			failed += " of " + strconv.Itoa(d.CaptchaAfter)
		}
		line := kindLines[u.Kind]
		if u.Kind == "user" && d.CaptchaAfter > 0 {
			line += "; " + strconv.Itoa(d.CaptchaAfter) + " wrong passwords in a row turn CAPTCHA on"
		}
		captcha := app.Span().Class("badge").Text("off")
		if u.CaptchaRequired {
			captcha = app.Span().Class("badge bad").Text("on")
		}
		id := "sb-captcha-reset-" + u.Name
		rows[i] = app.Tr().DataSet("user", u.Name).Body(
			app.Td().DataSet("label", "User").Body(app.Code().Text(u.Name)),
			app.Td().DataSet("label", "Password").Body(app.Code().Text(u.Password)),
			app.Td().DataSet("label", "Kind").Text(u.Kind),
			app.Td().DataSet("label", "Demonstrates").Text(line),
			app.Td().DataSet("label", "Failed logins").Class("sb-failed").Text(failed),
			app.Td().DataSet("label", "CAPTCHA").Class("sb-captcha").Body(
				captcha,
				app.If(u.CaptchaRequired || u.ConsecutiveFailedLogins > 0,
					button(id, p.busy.label(id, "Reset", "Resetting…"), p.busy.on[id]).Class("secondary").
						Aria("label", "Reset the failed logins of "+u.Name).DataSet("user", u.Name).OnClick(p.onCaptchaReset)),
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

// onBasicAuth sends the switch and its allow-list as they stand on screen.
func (p *sandboxPage) onBasicAuth(ctx app.Context, e app.Event) {
	doc := app.Window().Get("document")
	body := contract.SandboxBasicAuth{
		Enabled:      doc.Call("getElementById", "sb-basic-auth").Get("checked").Bool(),
		AllowedUsers: splitUsers(doc.Call("getElementById", "sb-basic-users").Get("value").String()),
	}
	sandboxControl(ctx, "PUT", sbBasicAuth, body, "sb-basic-auth")
}

// onRateLimit sends the switch and its bucket as they stand on screen; a
// number left empty or not a number keeps the sandbox's current one.
func (p *sandboxPage) onRateLimit(ctx app.Context, e app.Event) {
	doc := app.Window().Get("document")
	cur := sandbox.data.RateLimit
	num := func(id string, old int) int {
		if n, err := strconv.Atoi(strings.TrimSpace(doc.Call("getElementById", id).Get("value").String())); err == nil && n > 0 {
			return n
		}
		return old
	}
	body := contract.SandboxRateLimit{
		Enabled:         doc.Call("getElementById", "sb-rate-limit").Get("checked").Bool(),
		Capacity:        num("sb-rl-capacity", cur.Capacity),
		FillRate:        num("sb-rl-fill", cur.FillRate),
		IntervalSeconds: num("sb-rl-interval", cur.IntervalSeconds),
	}
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
