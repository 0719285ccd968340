package ui

import (
	"time"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/diagnosis"
	"jiraauthlab/wasm/mask"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// diagnosisPanel is #diagnosis: the last response read in plain words, with
// the actions it suggests (sandbox CAPTCHA reset, log in again, SSO cookie).
type diagnosisPanel struct {
	app.Compo

	l    logState
	t    targetState
	busy busyState
}

// OnInit starts from the stores' values (see sessionPage.OnInit).
func (d *diagnosisPanel) OnInit() { d.l, d.t, d.busy = journal, targets, busy }

func (d *diagnosisPanel) OnMount(ctx app.Context) {
	d.OnInit() // again: a change may have come between the first render and now
	ctx.ObserveState(keyLog).Value(&d.l)
	ctx.ObserveState(keyTarget).Value(&d.t)
	ctx.ObserveState(keyBusy).Value(&d.busy)
}

func (d *diagnosisPanel) Render() app.UI {
	g := d.l.diag
	// The panel sticks to the viewport's edge (web/lab.css): the answer to
	// a button is seen where the button is, at phone width too. Its first
	// line, #diagnosis-summary, says it in one sentence; the reasons unfold.
	section := app.Section().ID("diagnosis").Aria("live", "polite").Aria("labelledby", "diagnosis-heading")
	if g == nil {
		// Nothing to say yet: the panel stays in its place, not over the page.
		return section.Class("panel diagnosis idle").Body(
			app.H2().ID("diagnosis-heading").Text("Diagnosis"),
			app.P().ID("diagnosis-summary").Class("empty").Text("Send a request: its response is explained here in plain words."),
		)
	}
	return section.Class("panel diagnosis "+g.Level.String()).Body(
		app.H2().ID("diagnosis-heading").Text("Diagnosis"),
		app.P().ID("diagnosis-summary").Body(app.Strong().Text(mask.Text(g.Title, d.l.reveal))),
		app.If(len(g.Lines) > 0,
			app.Details().ID("diagnosis-details").Body(
				app.Summary().Text("Why, and what to do"),
				app.Range(g.Lines).Slice(func(i int) app.UI { return app.P().Text(mask.Text(g.Lines[i], d.l.reveal)) }),
			),
		),
		app.If(!d.l.retryUntil.IsZero(), &retryCountdown{Until: d.l.retryUntil}),
		app.Div().Class("row").Body(
			app.If(g.OfferCaptchaReset && d.t.onSandbox(),
				button("captcha-reset", "Reset CAPTCHA for "+g.CaptchaUser+" (sandbox admin)", d.busy.on["captcha-reset"]).
					OnClick(d.onCaptchaReset)),
			app.If(g.OfferRelogin,
				button("relogin", "Log in again", false).Class("secondary").OnClick(d.onRelogin)),
			app.If(g.OfferSSO,
				app.A().ID("sso-help").Href(Href(RouteSession)+"#cookie-paste").Text("Use a browser (SSO) cookie instead")),
			// Jira's own login page, where a person answers the CAPTCHA
			// (X-Authentication-Denied-Reason: CAPTCHA_CHALLENGE; login-url=…).
			app.If(g.LoginURL != "",
				app.A().ID("captcha-login").Href(g.LoginURL).Target("_blank").Rel("noopener").Text("Answer the CAPTCHA on Jira's login page")),
		),
	)
}

// onCaptchaReset does what a Jira administrator does: clears the user's
// failed-login count (the sandbox's control endpoint).
func (d *diagnosisPanel) onCaptchaReset(ctx app.Context, e app.Event) {
	if d.l.diag == nil { // forgotten meanwhile: the button is on its way out
		return
	}
	user := d.l.diag.CaptchaUser // the user the button names
	send(ctx, call{Method: "POST", Path: "/_sandbox/captcha/reset", Header: []contract.Header{jsonHeader},
		Body: jsonString(map[string]string{"username": user}), Busy: "captcha-reset"},
		func(ctx app.Context, x contract.Exchange, _ diagnosis.Diagnosis) {
			if x.Status != 200 {
				return // the diagnosis of the failed call stays
			}
			setDiagnosis(ctx, diagnosis.Diagnosis{Level: diagnosis.LevelOK, Title: "CAPTCHA cleared for " + user + ".",
				Lines: []string{
					"The sandbox reset " + user + "'s failed-login count, as an administrator does in Jira (User management → the user → Reset failed login count).",
					"REST logins with the right password work again; three more failures bring CAPTCHA back.",
				}})
		})
}

// onRelogin takes the user back to the login form with the password focused
// (by the session page once it is mounted: this panel may not outlive the
// navigation).
func (d *diagnosisPanel) onRelogin(ctx app.Context, e app.Event) {
	session.focusPassword = true
	if p := ctx.Page().URL().Path; p != Href(RouteSession) && p != Href("/") {
		ctx.Navigate(Href(RouteSession))
		return
	}
	focusPassword(ctx)
}

// retryCountdown is #retry-countdown: the seconds a rate-limited Jira asks
// to wait (Retry-After), counted down live.
type retryCountdown struct {
	app.Compo

	Until time.Time
	left  int
	gen   int // the tick chain that is current: a new Until starts another
}

func (c *retryCountdown) OnMount(ctx app.Context)  { c.start(ctx) }
func (c *retryCountdown) OnUpdate(ctx app.Context) { c.start(ctx) }

func (c *retryCountdown) start(ctx app.Context) {
	c.gen++
	c.tick(ctx, c.gen)
}

func (c *retryCountdown) tick(ctx app.Context, gen int) {
	if gen != c.gen {
		return
	}
	c.left = int((time.Until(c.Until) + time.Second - 1) / time.Second)
	if c.left > 0 {
		ctx.After(time.Second, func(ctx app.Context) { c.tick(ctx, gen) })
	}
}

func (c *retryCountdown) Render() app.UI {
	text := "Jira takes this user's requests again now."
	if c.left > 0 {
		text = "Retry in " + itoa(c.left) + " s (Retry-After)."
	}
	return app.P().ID("retry-countdown").Class("badge warn").Aria("live", "off").Text(text)
}
