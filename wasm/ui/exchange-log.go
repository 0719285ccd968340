package ui

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// exchangeLog is #exchanges: every request the pages made and its complete
// answer, newest first, shared by all pages.
type exchangeLog struct {
	app.Compo

	rev int
}

func (l *exchangeLog) OnMount(ctx app.Context) { observe(ctx, &l.rev) }

func (l *exchangeLog) Render() app.UI {
	return app.Section().Class("panel").Body(
		app.Div().Class("row").Body(
			app.H2().Text("Exchanges"),
			button("clear-log", "Clear log", false).Class("secondary").OnClick(l.onClear),
			button("reveal-secrets", revealLabel(), false).Class("secondary").OnClick(l.onReveal),
			button("forget-secrets", "Forget secrets", false).Class("secondary").
				Title("Clears every password field, the cookie and this log").OnClick(l.onForget),
		),
		app.Ol().ID("exchanges").Class("exchanges").Body(
			app.If(len(model.exchanges) == 0, app.Li().Class("empty").Text("No request yet.")),
			app.Range(model.exchanges).Slice(func(i int) app.UI { return renderExchange(model.exchanges[i], model.entryOpen(model.exchanges[i].ID)) }),
		),
	)
}

func revealLabel() string {
	if model.reveal {
		return "Hide secrets"
	}
	return "Reveal secrets"
}

func renderExchange(x Exchange, open bool) app.UI {
	status := "failed"
	level := "bad"
	if x.Status != 0 {
		status = strconv.Itoa(x.Status)
		switch {
		case x.Status < 300:
			level = "ok"
		case x.Status < 500 && x.Status != 401 && x.Status != 403:
			level = "warn"
		}
	}
	var req strings.Builder
	for _, h := range x.RequestHeader {
		name, value := h.Name, h.Value
		if strings.EqualFold(name, "X-Jira-Cookie") {
			name = "Cookie" // what Jira receives
		}
		if !model.reveal {
			value = MaskHeader(name, value)
		}
		req.WriteString(name + ": " + value + "\n")
	}
	var resp strings.Builder
	for _, h := range x.ResponseHeader {
		if labOwnHeaders[strings.ToLower(h.Name)] {
			continue
		}
		if strings.EqualFold(h.Name, "X-Jira-Set-Cookie") {
			for _, c := range SplitSetCookie(h.Value) {
				resp.WriteString("x-jira-set-cookie: " + c + "\n")
			}
			continue
		}
		resp.WriteString(h.Name + ": " + h.Value + "\n")
	}
	body := x.ResponseBody
	if pretty, ok := PrettyJSON(body); ok {
		body = pretty
	}
	if len(body) > 20000 {
		body = body[:20000] + "\n… (cut at 20000 characters)"
	}
	id := x.ID
	return app.Li().Class("exchange").DataSet("id", x.ID).Body(
		app.Details().Open(open).OnToggle(func(ctx app.Context, e app.Event) {
			// Keep the user's choice with the exchange, and go-app's idea of
			// the attribute with the page (the scope makes go-app rebind the
			// handler when this element shows another exchange).
			if o := ctx.JSSrc().Get("open").Bool(); o != model.entryOpen(id) {
				if model.openLog == nil {
					model.openLog = map[int]bool{}
				}
				model.openLog[id] = o
				changed(ctx)
			}
		}, id).Body(
			app.Summary().Body(
				app.Span().Class("badge "+level).Text(status),
				app.Strong().Text(x.Method),
				app.Span().Class("url").Text(strings.TrimRight(x.TargetURL, "/")+x.Path),
				app.Span().Class("note").Text(x.Duration.Round(100_000).String()+" · "+x.Target),
			),
			app.If(x.Err != "", app.P().Class("badge bad").Text(x.Err)),
			app.H3().Text("Request headers"),
			app.Pre().Class("req-headers").Text(req.String()),
			app.If(x.RequestBody != "",
				app.H3().Text("Request body"),
				app.Pre().Class("req-body").Text(MaskBody(x.requestHeader("Content-Type"), x.RequestBody)),
			),
			app.If(x.Status != 0,
				app.H3().Text("Response headers"),
				app.Pre().Class("resp-headers").Text(resp.String()),
				app.H3().Text("Response body"),
				app.Pre().Class("resp-body").Text(body),
			),
		),
	)
}

// labOwnHeaders are the security headers the lab's server puts on every
// answer, proxied ones included; the log shows what Jira sent.
var labOwnHeaders = map[string]bool{
	"content-security-policy": true,
	"x-content-type-options":  true,
	"referrer-policy":         true,
}

func (l *exchangeLog) onClear(ctx app.Context, e app.Event) {
	model.exchanges, model.openLog = nil, nil
	changed(ctx)
}

func (l *exchangeLog) onReveal(ctx app.Context, e app.Event) {
	model.reveal = !model.reveal
	changed(ctx)
}

func (l *exchangeLog) onForget(ctx app.Context, e app.Event) {
	model.forgetSecrets()
	syncFields() // the password fields, and the pasted cookie, empty on screen too
	changed(ctx)
}
