package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/fetch"
	"jiraauthlab/wasm/jira"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// targetState is which Jiras the lab may reach (GET /api/upstreams) and
// which one every page talks to.
type targetState struct {
	upstreams []contract.Upstream
	target    string     // the chosen upstream's name
	status    loadStatus // of GET /api/upstreams, shared by every page's picker
	err       string
	// waiting are the requests pressed before the list arrived: sent when
	// it does (or told why not, when it cannot be loaded).
	waiting []func(app.Context)
}

// targets is the store of the chosen Jira.
var targets targetState

// savedTargetKey is where the chosen upstream's name is kept between visits.
const savedTargetKey = "lab.target"

// actionTargetChanged is posted when the chosen Jira changes (also when the
// list first arrives). What belongs to one Jira — the password policy and
// its verdict — handles it; the picker need not know who.
const actionTargetChanged = "target-changed"

// current returns the chosen upstream.
func (t targetState) current() (contract.Upstream, bool) { return t.upstream(t.target) }

// upstream returns the named upstream.
func (t targetState) upstream(name string) (contract.Upstream, bool) {
	for _, u := range t.upstreams {
		if u.Name == name {
			return u, true
		}
	}
	return contract.Upstream{}, false
}

// onSandbox reports whether the chosen Jira is a built-in sandbox.
func (t targetState) onSandbox() bool {
	u, ok := t.current()
	return ok && u.Sandbox
}

// cloudKind says what kind of Cloud the chosen Jira is: "face" for the
// sandbox's Cloud face (CONTRACT.md, "Two faces of Jira": <sandbox>/cloud),
// "site" for a site on atlassian.net, "" for Server or Data Center.
func (t targetState) cloudKind() string {
	u, ok := t.current()
	switch {
	case !ok:
		return ""
	case jira.CloudFace(u.URL, u.Sandbox):
		return "face"
	case jira.IsCloud(u.URL, u.Sandbox):
		return "site"
	}
	return ""
}

// loadUpstreams fetches the list of Jiras, once at a time; its answer
// lands whatever page is shown by then.
func loadUpstreams(ctx app.Context) {
	if targets.status == loading {
		return
	}
	targets.status, targets.err = loading, ""
	publish(ctx, keyTarget)
	root := ctx.Dispatcher().Context() // see send: outlives the page
	ctx.Async(func() {
		list, err := fetchUpstreams(context.Background())
		root.Dispatch(func(ctx app.Context) {
			t := &targets
			defer publish(ctx, keyTarget)
			waiting := t.waiting
			t.waiting = nil
			defer func() {
				for _, w := range waiting {
					w(ctx)
				}
			}()
			if err != nil {
				t.status, t.err = loadingErr, err.Error()
				return
			}
			t.status, t.upstreams = loaded, list
			var saved string
			_ = ctx.LocalStorage().Get(savedTargetKey, &saved)
			t.target = saved
			if _, ok := t.current(); !ok && len(list) > 0 {
				t.target = list[0].Name
			}
			ctx.NewAction(actionTargetChanged)
		})
	})
}

// chooseTarget makes name the Jira every page talks to, for this visit and
// the next.
func chooseTarget(ctx app.Context, name string) {
	targets.target = name
	_ = ctx.LocalStorage().Set(savedTargetKey, name)
	publish(ctx, keyTarget)
	ctx.NewAction(actionTargetChanged)
}

// errServerGone is the failure of a request that got no answer at all: the
// page says it in words (fetch says only "TypeError: Failed to fetch").
type errServerGone struct{}

func (errServerGone) Error() string {
	return "The lab's server does not answer (stopped, or the network is down): the pages still work from this browser's cache, but no request can reach Jira. Press Retry once it runs again."
}

func fetchUpstreams(ctx context.Context) ([]contract.Upstream, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	resp, err := fetch.Do(ctx, fetch.Request{Method: "GET", URL: Href("/api/upstreams")})
	if err != nil {
		// fetch says only "TypeError: Failed to fetch" when nothing answers.
		return nil, errServerGone{}
	}
	if resp.Status >= 400 {
		return nil, fmt.Errorf("list upstreams: %w", &fetch.StatusError{Status: resp.Status, Body: resp.Body})
	}
	var list []contract.Upstream
	if err := json.Unmarshal([]byte(resp.Body), &list); err != nil {
		return nil, fmt.Errorf("list upstreams: %w", err)
	}
	return list, nil
}
