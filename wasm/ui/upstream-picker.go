package ui

import "github.com/maxence-charriere/go-app/v9/pkg/app"

// upstreamPicker is the #target select: the Jira every page talks to, filled
// from GET /api/upstreams (default first).
type upstreamPicker struct {
	app.Compo

	t targetState
}

// OnInit starts from the store's value (see sessionPage.OnInit).
func (p *upstreamPicker) OnInit() { p.t = targets }

func (p *upstreamPicker) OnMount(ctx app.Context) {
	p.OnInit() // again: a change may have come between the first render and now
	ctx.ObserveState(keyTarget).Value(&p.t)
	if live() && (targets.status == neverLoaded || targets.status == loadingErr) {
		loadUpstreams(ctx)
	}
}

func (p *upstreamPicker) Render() app.UI {
	t := p.t
	sel := app.Select().ID("target").
		Disabled(!live() || t.status != loaded).
		OnChange(p.onChange)
	var opts []app.UI
	switch t.status {
	case loaded:
		for _, u := range t.upstreams {
			label := u.Name + " — " + u.URL
			if u.Sandbox {
				label = u.Name + " (built-in) — " + u.URL
			}
			opts = append(opts, app.Option().Value(u.Name).Selected(u.Name == t.target).Text(label))
		}
	case loadingErr:
		opts = append(opts, app.Option().Value("").Text("cannot list upstreams"))
	default:
		opts = append(opts, app.Option().Value("").Text("loading…"))
	}
	return app.Div().Class("lab-target").Body(
		app.Label().For("target").Text("Jira"),
		sel.Body(opts...),
		app.If(t.status == loadingErr,
			app.Span().ID("target-error").Class("badge bad").Text(t.err),
			button("target-retry", "Retry", false).Class("secondary").OnClick(p.onRetry),
		),
	)
}

func (p *upstreamPicker) onChange(ctx app.Context, e app.Event) {
	chooseTarget(ctx, ctx.JSSrc().Get("value").String())
}

func (p *upstreamPicker) onRetry(ctx app.Context, e app.Event) { loadUpstreams(ctx) }
