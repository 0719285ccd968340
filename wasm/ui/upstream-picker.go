package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// upstreamPicker is the #target select: the Jira every page talks to, filled
// from GET /api/upstreams (default first).
type upstreamPicker struct {
	app.Compo

	status    loadStatus
	err       string
	upstreams []Upstream
	target    string
}

func (p *upstreamPicker) OnMount(ctx app.Context) {
	ctx.ObserveState(stateUpstreams).Value(&p.upstreams)
	ctx.ObserveState(stateTarget).Value(&p.target)
	if len(p.upstreams) > 0 {
		p.status = loaded
		return
	}
	p.status = loading
	ctx.Async(func() {
		list, err := fetchUpstreams(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.status, p.err = loadingErr, err.Error()
				return
			}
			p.status = loaded
			ctx.SetState(stateUpstreams, list)
			if !hasUpstream(list, p.target) && len(list) > 0 {
				ctx.SetState(stateTarget, list[0].Name, app.Persist)
			}
		})
	})
}

func (p *upstreamPicker) Render() app.UI {
	sel := app.Select().ID("target").
		Disabled(!live() || p.status != loaded).
		OnChange(p.onChange)
	var opts []app.UI
	switch p.status {
	case loaded:
		for _, u := range p.upstreams {
			label := fmt.Sprintf("%s — %s", u.Name, u.URL)
			if u.Sandbox {
				label = fmt.Sprintf("%s (built-in) — %s", u.Name, u.URL)
			}
			opts = append(opts, app.Option().Value(u.Name).Selected(u.Name == p.target).Text(label))
		}
	case loadingErr:
		opts = append(opts, app.Option().Value("").Text("cannot list upstreams"))
	default:
		opts = append(opts, app.Option().Value("").Text("loading…"))
	}
	return app.Div().Class("lab-target").Body(
		app.Label().For("target").Text("Jira"),
		sel.Body(opts...),
		app.If(p.status == loadingErr, app.Span().ID("target-error").Class("badge bad").Text(p.err)),
	)
}

func (p *upstreamPicker) onChange(ctx app.Context, e app.Event) {
	ctx.SetState(stateTarget, ctx.JSSrc().Get("value").String(), app.Persist)
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

func hasUpstream(list []Upstream, name string) bool {
	for _, u := range list {
		if u.Name == name {
			return true
		}
	}
	return false
}
