package ui

import "github.com/maxence-charriere/go-app/v9/pkg/app"

// diagnosisPanel is #diagnosis: the last response read in plain words, with
// the actions it suggests (sandbox CAPTCHA reset, log in again, SSO cookie).
type diagnosisPanel struct {
	app.Compo

	rev int
}

func (d *diagnosisPanel) OnMount(ctx app.Context) { observe(ctx, &d.rev) }

func (d *diagnosisPanel) Render() app.UI {
	g := model.diag
	if g == nil {
		return app.Section().ID("diagnosis").Class("panel diagnosis").Aria("live", "polite").Body(
			app.H2().Text("Diagnosis"),
			app.P().Class("empty").Text("Send a request: its response is explained here in plain words."),
		)
	}
	return app.Section().ID("diagnosis").Class("panel diagnosis "+g.Level.String()).Aria("live", "polite").Body(
		app.H2().Text("Diagnosis"),
		app.P().ID("diagnosis-title").Body(app.Strong().Text(g.Title)),
		app.Range(g.Lines).Slice(func(i int) app.UI { return app.P().Text(g.Lines[i]) }),
		app.Div().Class("row").Body(
			app.If(g.OfferCaptchaReset && model.onSandbox(),
				button("captcha-reset", "Reset CAPTCHA for "+g.CaptchaUser+" (sandbox admin)", model.busy["captcha-reset"]).
					OnClick(d.onCaptchaReset)),
			app.If(g.OfferRelogin,
				button("relogin", "Log in again", false).Class("secondary").OnClick(d.onRelogin)),
			app.If(g.OfferSSO,
				app.A().ID("sso-help").Href(Href(RouteSession)+"#cookie-paste").Text("Use a browser (SSO) cookie instead")),
		),
	)
}

// onCaptchaReset does what a Jira administrator does: clears the user's
// failed-login count (the sandbox's control endpoint).
func (d *diagnosisPanel) onCaptchaReset(ctx app.Context, e app.Event) {
	user := model.diag.CaptchaUser
	send(ctx, call{Method: "POST", Path: "/_sandbox/captcha/reset", Header: []Header{jsonHeader},
		Body: jsonString(map[string]string{"username": user}), Busy: "captcha-reset"},
		func(ctx app.Context, x Exchange) {
			if x.Status != 200 {
				return // the diagnosis of the failed call stays
			}
			model.diag = &Diagnosis{Level: LevelOK, Title: "CAPTCHA cleared for " + user + ".",
				Lines: []string{
					"The sandbox reset " + user + "'s failed-login count, as an administrator does in Jira (User management → the user → Reset failed login count).",
					"REST logins with the right password work again; three more failures bring CAPTCHA back.",
				}}
		})
}

// onRelogin takes the user back to the login form with the password focused
// (by the session page once it is mounted: this panel may not outlive the
// navigation).
func (d *diagnosisPanel) onRelogin(ctx app.Context, e app.Event) {
	model.focusPassword = true
	if p := ctx.Page().URL().Path; p != Href(RouteSession) && p != Href("/") {
		ctx.Navigate(Href(RouteSession))
		return
	}
	focusPassword(ctx)
}
