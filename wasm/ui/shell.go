package ui

import "github.com/maxence-charriere/go-app/v9/pkg/app"

// shell is the layout every page shares: header with navigation and the
// upstream picker, the page's own panel, the diagnosis and the exchange log.
// It is a plain builder, not a component: a component holding the page's
// elements in its props could render them a second time on its own, and
// go-app refuses to mount an element twice ("html element is already
// mounted"), which kills the wasm.
type shell struct {
	Iactive  string   // route of the page, to highlight its link
	Ititle   string   // the page's heading
	Ilead    string   // one sentence under the heading
	Icontent []app.UI // the page's panel body
}

func newShell() *shell { return &shell{} }

// Active sets the route of the page being shown.
func (s *shell) Active(route string) *shell { s.Iactive = route; return s }

// Title sets the page's heading.
func (s *shell) Title(t string) *shell { s.Ititle = t; return s }

// Lead sets the sentence under the heading.
func (s *shell) Lead(t string) *shell { s.Ilead = t; return s }

// Content sets the page's panel body.
func (s *shell) Content(elems ...app.UI) *shell { s.Icontent = elems; return s }

var navLinks = []struct{ route, label string }{
	{RouteLearn, "Learn"},
	{RouteSession, "Session"},
	{RouteBasic, "Basic auth"},
	{RoutePassword, "Password policy"},
	{RouteToken, "Tokens"},
	{RouteConsole, "Console"},
	{RouteSandbox, "Sandbox"},
}

// UI builds the page.
func (s *shell) UI() app.UI {
	wasm := "prerendered"
	if live() {
		wasm = "running"
	}
	if embedded() {
		// In a portal's frame: the portal has its own header and
		// navigation; the target stays selectable (CONTRACT.md, Embedding).
		return app.Div().Class("lab lab-embedded").DataSet("wasm", wasm).Body(
			app.Div().Class("lab-embed-bar").Body(&upstreamPicker{}, &sessionBadge{}),
			s.main(),
		)
	}
	return app.Div().Class("lab").DataSet("wasm", wasm).Body(
		// Keyboard users skip the header's links to the page's own panel.
		app.A().Class("skip-link").Href("#page-title").Text("Skip to the page").OnClick(skipToPage),
		app.Header().Class("lab-header").Body(
			app.A().Class("lab-brand").Href(Href(RouteSession)).Body(
				app.Img().Src(Href("/web/icon.svg")).Alt(""),
				app.Span().Text("Jira Auth Lab"),
			),
			app.Nav().Class("lab-nav").Aria("label", "Flows").Body(
				app.Range(navLinks).Slice(func(i int) app.UI {
					l := navLinks[i]
					a := app.A().ID("nav-" + l.route[1:]).Href(Href(l.route)).Text(l.label)
					if l.route == s.Iactive {
						a = a.Class("active").Aria("current", "page")
					}
					return a
				}),
			),
			&upstreamPicker{},
			&sessionBadge{},
		),
		s.main(),
		app.Footer().Class("lab-footer").Body(
			app.Text("Jira Auth Lab · version "),
			app.Span().ID("version").Text(labVersion()),
		),
	)
}

// main is the page's own panel beside the diagnosis, the sequence and the log.
func (s *shell) main() app.UI {
	return app.Main().Class("lab-main").Body(
		app.Section().Class("panel").Aria("labelledby", "page-title").Body(
			app.H1().ID("page-title").Attr("tabindex", "-1").Text(s.Ititle),
			app.P().Class("lead").Text(s.Ilead),
			app.Div().Body(s.Icontent...),
		),
		app.Div().Body(
			&diagnosisPanel{},
			&sequencePanel{},
			&exchangeLog{},
		),
	)
}

// skipToPage moves the focus to the page's heading, so the next Tab is in
// the page's own panel (go-app handles the link's click itself, and a
// fragment link only scrolls).
func skipToPage(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if h := app.Window().GetElementByID("page-title"); h.Truthy() {
		h.Call("focus")
	}
}
