package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// targetKey is where the chosen upstream's name is kept between visits.
const targetKey = "lab.target"

// upstreamPicker is the #target select: the Jira every page talks to, filled
// from GET /api/upstreams (default first).
type upstreamPicker struct {
	app.Compo

	rev int
}

func (p *upstreamPicker) OnMount(ctx app.Context) {
	observe(ctx, &p.rev)
	if model.upstreamsStatus == neverLoaded || model.upstreamsStatus == loadingErr {
		loadUpstreams(ctx)
	}
}

// loadUpstreams fetches the list of Jiras once at a time; its answer lands
// whatever page is shown by then.
func loadUpstreams(ctx app.Context) {
	if model.upstreamsStatus == loading {
		return
	}
	model.upstreamsStatus, model.upstreamsErr = loading, ""
	ctx.Async(func() {
		list, err := fetchUpstreams(context.Background())
		dispatch(ctx, func(ctx app.Context) {
			defer changed(ctx)
			if err != nil {
				model.upstreamsStatus, model.upstreamsErr = loadingErr, err.Error()
				return
			}
			model.upstreamsStatus = loaded
			model.upstreams = list
			var saved string
			_ = ctx.LocalStorage().Get(targetKey, &saved)
			model.target = saved
			if _, ok := model.current(); !ok && len(list) > 0 {
				model.target = list[0].Name
			}
			if model.policyWanted {
				loadPolicy(ctx)
			}
			if model.pwNew != "" {
				schedulePasswordCheck(ctx) // typed before the target was known
			}
		})
	})
	changed(ctx)
}

func (p *upstreamPicker) onRetry(ctx app.Context, e app.Event) { loadUpstreams(ctx) }

func (p *upstreamPicker) Render() app.UI {
	sel := app.Select().ID("target").
		Disabled(!live() || model.upstreamsStatus != loaded).
		OnChange(p.onChange)
	var opts []app.UI
	switch model.upstreamsStatus {
	case loaded:
		for _, u := range model.upstreams {
			label := u.Name + " — " + u.URL
			if u.Sandbox {
				label = u.Name + " (built-in) — " + u.URL
			}
			opts = append(opts, app.Option().Value(u.Name).Selected(u.Name == model.target).Text(label))
		}
	case loadingErr:
		opts = append(opts, app.Option().Value("").Text("cannot list upstreams"))
	default:
		opts = append(opts, app.Option().Value("").Text("loading…"))
	}
	return app.Div().Class("lab-target").Body(
		app.Label().For("target").Text("Jira"),
		sel.Body(opts...),
		app.If(model.upstreamsStatus == loadingErr,
			app.Span().ID("target-error").Class("badge bad").Text(model.upstreamsErr),
			button("target-retry", "Retry", false).Class("secondary").OnClick(p.onRetry),
		),
	)
}

func (p *upstreamPicker) onChange(ctx app.Context, e app.Event) {
	model.target = ctx.JSSrc().Get("value").String()
	_ = ctx.LocalStorage().Set(targetKey, model.target)
	if model.policyStatus != neverLoaded {
		loadPolicy(ctx) // the rules belong to the Jira chosen
	}
	if model.pwNew != "" {
		schedulePasswordCheck(ctx) // and so does the verdict
	}
	changed(ctx)
}

func fetchUpstreams(ctx context.Context) ([]Upstream, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	resp, err := Do(ctx, Request{Method: "GET", URL: Href("/api/upstreams")})
	if err != nil {
		return nil, fmt.Errorf("list upstreams: %w", err)
	}
	if resp.Status >= 400 {
		return nil, fmt.Errorf("list upstreams: %w", &StatusError{Status: resp.Status, Body: resp.Body})
	}
	var list []Upstream
	if err := json.Unmarshal([]byte(resp.Body), &list); err != nil {
		return nil, fmt.Errorf("list upstreams: %w", err)
	}
	return list, nil
}
