package ui

import (
	"jiraauthlab/contract"
	"jiraauthlab/wasm/tours"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// learnPage is /learn: one tour per flow of the seed documents, each step
// linked to the lab page where it is done and ticked once the exchange log
// holds an exchange that does it — from any page, in any order, also after
// a reload (the log comes back from the browser's storage).
type learnPage struct {
	app.Compo

	l logState
}

// OnInit starts from the store's value (see sessionPage.OnInit).
func (p *learnPage) OnInit() { p.l = journal }

func (p *learnPage) OnMount(ctx app.Context) {
	p.OnInit() // again: a change may have come between the first render and now
	ctx.ObserveState(keyLog).Value(&p.l)
}

func (p *learnPage) Render() app.UI {
	log := p.l.exchanges
	return newShell().Active(RouteLearn).
		Title("Learn").
		Lead("One tour per way into Jira's REST API. Follow a step's link, do it there, and it is ticked here: the lab reads its exchange log.").
		Content(
			app.P().Class("note").Text("The built-in sandbox's accounts: fred / fred (an ordinary user), admin / admin, "+
				"unverified / unverified (e-mail not verified), sso-user (logs in through SSO only); the word its own /login.jsp asks once CAPTCHA is on is kelpie. "+
				"On the Cloud face (sandbox-cloud in the Jira selector) fred is fred@example.com."),
			app.Div().ID("tours").Class("tours").Body(
				app.Range(tours.All).Slice(func(i int) app.UI { return renderTour(tours.All[i], log) }),
			),
			renderSchemes(log),
		).UI()
}

// renderSchemes is #schemes: which credentials go in which header, what
// each kind of Jira does with them, and what the learner's own last
// request of that shape got.
func renderSchemes(log []contract.Exchange) app.UI {
	cell := func(s tours.Scheme, onCloud bool, text string) app.UI {
		status, ok := s.Last(log, onCloud)
		return app.Td().Body(
			app.Text(text),
			app.If(ok, app.Span().Class("badge "+statusLevel(status)).Text("you: "+itoa(status))),
		)
	}
	return app.Section().ID("schemes").Class("schemes").Aria("labelledby", "schemes-title").Body(
		app.H2().ID("schemes-title").Text("Which header, which Jira"),
		app.Div().Class("table-scroll").Attr("tabindex", "0").Aria("label", "Schemes by kind of Jira, scrolls sideways").Body(
			app.Table().Class("results").Body(
				app.THead().Body(app.Tr().Body(
					app.Th().Scope("col").Text("Credentials"), app.Th().Scope("col").Text("Header actually sent"),
					app.Th().Scope("col").Text("Jira Server / Data Center"), app.Th().Scope("col").Text("Jira Cloud"),
				)),
				app.TBody().Body(app.Range(tours.Schemes).Slice(func(i int) app.UI {
					s := tours.Schemes[i]
					return app.Tr().Body(
						app.Th().Scope("row").Text(s.Name),
						app.Td().Body(app.Code().Text(s.Header)),
						cell(s, false, s.Server),
						cell(s, true, s.Cloud),
					)
				})),
			),
		),
	)
}

// renderTour is one .tour: its flow, its source, why, how far the learner
// got and the steps, the next one to do marked.
func renderTour(t tours.Tour, log []contract.Exchange) app.UI {
	done := t.Progress(log)
	n, next := tours.Count(done), tours.Next(done)
	class := "tour"
	if next < 0 {
		class += " complete"
	}
	return app.Section().ID("tour-"+t.ID).Class(class).Aria("labelledby", "tour-"+t.ID+"-title").Body(
		app.Div().Class("tour-head").Body(
			app.H2().ID("tour-"+t.ID+"-title").Text(t.Flow),
			app.Span().Class("tour-count").DataSet("done", n).Text(itoa(n)+" of "+itoa(len(t.Steps))),
		),
		app.P().Class("tour-source").Body(app.Span().Class("tour-title").Text(t.Title), app.Text(" — "+t.Source)),
		app.P().Class("tour-why").Text(t.Why),
		app.Ol().Class("steps").Body(
			app.Range(t.Steps).Slice(func(i int) app.UI {
				s := t.Steps[i]
				class, state := "step", ""
				switch {
				case done[i]:
					class, state = "step done", "Done"
				case i == next:
					class, state = "step next", "Next"
				}
				return app.Li().Class(class).Body(
					app.If(state != "", app.Span().Class("step-state").Text(state)),
					app.Span().Class("step-text").Text(s.Text),
					app.A().Class("step-link").Href(Href(s.Page)+"#"+s.Anchor).Text(s.Label),
				)
			}),
		),
	)
}
