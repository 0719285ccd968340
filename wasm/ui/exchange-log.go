package ui

import (
	"strconv"
	"strings"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/cookies"
	"jiraauthlab/wasm/curl"
	"jiraauthlab/wasm/har"
	"jiraauthlab/wasm/jira"
	"jiraauthlab/wasm/mask"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// exchangeLog is #exchanges: every request the pages made and its complete
// answer, newest first, shared by all pages.
type exchangeLog struct {
	app.Compo

	l logState
}

// OnInit starts from the store's value (see sessionPage.OnInit).
func (l *exchangeLog) OnInit() { l.l = journal }

func (l *exchangeLog) OnMount(ctx app.Context) {
	restoreHistory(ctx)
	l.OnInit() // again: a change may have come between the first render and now
	ctx.ObserveState(keyLog).Value(&l.l)
}

func (l *exchangeLog) Render() app.UI {
	s := l.l
	reveal := "Reveal secrets"
	if s.reveal {
		reveal = "Hide secrets"
	}
	return app.Section().Class("panel").Body(
		app.Div().Class("row").Body(
			app.H2().Text("Exchanges"),
			button("clear-log", "Clear log", false).Class("secondary").OnClick(l.onClear),
			button("reveal-secrets", reveal, false).Class("secondary").OnClick(l.onReveal),
			button("forget-secrets", "Forget secrets", false).Class("secondary").
				Title("Clears every password field, the cookie and this log").OnClick(l.onForget),
		),
		app.Div().Class("row").Body(
			button("har-export", "Export as HAR", false).Class("secondary").
				Title("Downloads the log as "+harFile+" (HAR 1.2: DevTools' network panel opens it); secrets masked unless revealed").
				OnClick(l.onExport),
			app.Label().For("har-import").Class("file-label").Text("Open a HAR:"),
			app.Input().ID("har-import").Type("file").Accept(".har,application/json").Disabled(!live()).OnChange(l.onImport),
		),
		app.If(s.harErr != "", app.P().ID("har-error").Class("badge bad").Text(s.harErr)),
		app.Div().Class("field check").Body(
			app.Input().ID("keep-secrets").Type("checkbox").Checked(s.keep).Disabled(!live()).OnChange(l.onKeep),
			app.Label().For("keep-secrets").Text("Keep cookies and tokens in this browser's history (passwords never are)"),
		),
		app.Ol().ID("exchanges").Class("exchanges").Body(
			app.If(len(s.exchanges) == 0, app.Li().Class("empty").Text("No request yet.")),
			app.Range(s.exchanges).Slice(func(i int) app.UI {
				x := s.exchanges[i]
				return renderExchange(x, s.entryOpen(x.ID), s.reveal, s.copied == x.ID)
			}),
		),
	)
}

// sentHeaders are the request headers as Jira receives them: the lab's
// X-Jira-Cookie and X-Jira-User-Agent under the names the proxy gives them,
// and the User-Agent the proxy sends when the page named none; secrets
// masked unless revealed.
func sentHeaders(x contract.Exchange, reveal bool) string {
	agent := "" // the proxy's, for requests that left it
	if reachedJira(x) {
		agent = contract.UserAgent(labVersion())
	}
	var b strings.Builder
	for _, h := range x.ReceivedHeader(agent) {
		value := h.Value
		if !reveal {
			value = mask.Header(h.Name, value)
		}
		b.WriteString(h.Name + ": " + value + "\n")
	}
	return b.String()
}

// reachedJira reports whether the request left the proxy: an answer came,
// and not the proxy's own error (which has none of Jira's headers).
func reachedJira(x contract.Exchange) bool {
	if x.Status == 0 {
		return false
	}
	var e contract.ErrorBody
	return x.Header(jira.HeaderRequestID) != "" || jsonUnmarshal(x.ResponseBody, &e) != nil || !e.Error.Known()
}

// receivedHeaders are the response headers as Jira sent them, after its
// status line: each in Jira's spelling under its own name (the proxy hands
// Set-Cookie and Jira's other page-affecting headers over as X-Jira-…: the
// note names them), each Set-Cookie on its own line. The lab's own
// headers (its security headers, the proxy's Server-Timing) come apart.
func receivedHeaders(x contract.Exchange) (jiraSent, renamed, lab string) {
	var b, r, own strings.Builder
	b.WriteString("HTTP/1.1 " + itoa(x.Status) + " " + har.StatusText(x.Status) + "\n")
	for _, h := range x.ResponseHeader {
		name := h.Name
		if contract.LabResponseHeader(name) || strings.EqualFold(name, "Server-Timing") {
			own.WriteString(canonicalHeader(name) + ": " + h.Value + "\n")
			continue
		}
		if len(name) > len(contract.HeaderPrefix) && strings.EqualFold(name[:len(contract.HeaderPrefix)], contract.HeaderPrefix) {
			name = name[len(contract.HeaderPrefix):]
			if r.Len() > 0 {
				r.WriteString(", ")
			}
			r.WriteString(canonicalHeader(name) + " as " + contract.HeaderPrefix + canonicalHeader(name))
		}
		if strings.EqualFold(name, "Set-Cookie") {
			for _, c := range cookies.SplitSetCookie(h.Value) {
				b.WriteString("Set-Cookie: " + c + "\n")
			}
			continue
		}
		b.WriteString(canonicalHeader(name) + ": " + h.Value + "\n")
	}
	return b.String(), r.String(), own.String()
}

// canonicalHeader spells a header name as Jira does: its own X- headers
// its way (X-AUSERNAME), the others Word-Word, as the browser's lower-case
// Headers object no longer does.
func canonicalHeader(name string) string {
	if s := jira.Spelled(name); s != name {
		return s
	}
	switch strings.ToLower(name) {
	case "www-authenticate":
		return "WWW-Authenticate"
	case "x-xss-protection":
		return "X-XSS-Protection"
	}
	b := []byte(strings.ToLower(name))
	up := true
	for i, c := range b {
		if up && c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == '-'
	}
	return string(b)
}

// requestLine is the request's first line as Jira received it: the path
// under the Jira's own base path (/jira), as the browser sent it.
func requestLine(x contract.Exchange) string {
	base := x.TargetURL
	if i := strings.Index(base, "://"); i >= 0 {
		base = base[i+3:]
	}
	if i := strings.IndexByte(base, '/'); i >= 0 {
		base = strings.TrimRight(base[i:], "/")
	} else {
		base = ""
	}
	return x.Method + " " + base + x.Path + " HTTP/1.1\n"
}

func renderExchange(x contract.Exchange, open, reveal, copied bool) app.UI {
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
	body := x.ResponseBody
	if pretty, ok := mask.PrettyJSON(body); ok {
		body = pretty
	}
	if len(body) > 20000 {
		body = body[:20000] + "\n… (cut at 20000 characters)"
	}
	id := x.ID
	jiraSent, renamed, lab := receivedHeaders(x)
	cmd := curl.Command(x, curl.Options{Reveal: reveal, UserAgent: contract.UserAgent(labVersion())})
	copyLabel := "Copy as curl"
	if copied {
		copyLabel = "Copied"
	}
	return app.Li().Class("exchange").DataSet("id", x.ID).DataSet("exchange", x.ID).Body(
		app.Details().Open(open).OnToggle(func(ctx app.Context, e app.Event) {
			// Keep the user's choice with the exchange, and go-app's idea of
			// the attribute with the page (the scope makes go-app rebind the
			// handler when this element shows another exchange).
			l := &journal
			if o := ctx.JSSrc().Get("open").Bool(); o != l.entryOpen(id) {
				if l.open == nil {
					l.open = map[int]bool{}
				}
				l.open[id] = o
				publish(ctx, keyLog)
			}
		}, id).Body(
			app.Summary().Body(
				app.Span().Class("badge "+level).Text(status),
				app.Strong().Text(x.Method),
				app.Span().Class("url").Text(strings.TrimRight(x.TargetURL, "/")+x.Path),
				app.Span().Class("note").Text(x.Duration.Round(100_000).String()+" · "+x.Target),
			),
			app.If(x.Err != "", app.P().Class("badge bad").Text(x.Err)),
			app.If(x.Typed != "", app.P().Class("note typed").Text("You typed "+x.Typed+"; the browser sent "+x.Path+
				" (browsers and curl resolve dot segments and percent-encode what a URL may not hold before sending).")),
			app.H3().Text("Request, as Jira received it"),
			app.Pre().Class("req-headers").Attr("tabindex", "0").Text(requestLine(x)+sentHeaders(x, reveal)),
			app.If(x.RequestBody != "",
				app.H3().Text("Request body"),
				app.Pre().Class("req-body").Attr("tabindex", "0").Text(mask.Body(x.SentHeader("Content-Type"), x.RequestBody)),
			),
			app.Div().Class("row").Body(
				app.H3().Text("As curl, against Jira itself"),
				button("copy-curl-"+strconv.Itoa(id), copyLabel, false).Class("secondary copy-curl").
					Title("Copies the command: run it in a shell, as Atlassian's examples do").
					OnClick(func(ctx app.Context, e app.Event) { copyCurl(ctx, id, cmd) }, id, cmd),
			),
			app.Pre().Class("curl").Attr("tabindex", "0").Text(cmd),
			app.If(x.Status != 0,
				app.H3().Text("Response, as Jira sent it"),
				app.Pre().Class("resp-headers").Attr("tabindex", "0").Text(jiraSent),
				app.If(renamed != "", app.P().Class("note renamed").Text("The lab's proxy handed over "+renamed+
					": a page may neither see nor be ruled by them under their own names.")),
				app.If(lab != "",
					app.H3().Text("Added by the lab (not Jira's)"),
					app.Pre().Class("lab-headers").Attr("tabindex", "0").Text(lab),
				),
				app.H3().Text("Response body"),
				app.Pre().Class("resp-body").Attr("tabindex", "0").Text(body),
			),
		),
	)
}

// copyCurl puts cmd on the clipboard and, once the browser says it did,
// marks exchange id's button. A browser that refuses (no clipboard
// permission) leaves the command on screen to select by hand.
func copyCurl(ctx app.Context, id int, cmd string) {
	clip := app.Window().Get("navigator").Get("clipboard")
	if !clip.Truthy() {
		return
	}
	root := ctx.Dispatcher().Context()
	var done, failed app.Func
	release := func() { done.Release(); failed.Release() }
	done = app.FuncOf(func(app.Value, []app.Value) any {
		release()
		root.Dispatch(func(ctx app.Context) {
			journal.copied = id
			publish(ctx, keyLog)
		})
		return nil
	})
	failed = app.FuncOf(func(app.Value, []app.Value) any { release(); return nil })
	clip.Call("writeText", cmd).Call("then", done, failed)
}

func (l *exchangeLog) onClear(ctx app.Context, e app.Event) {
	journal.exchanges, journal.open = nil, nil
	ctx.LocalStorage().Del(historyKey)
	publish(ctx, keyLog)
}

func (l *exchangeLog) onExport(ctx app.Context, e app.Event) { exportHAR(ctx) }

func (l *exchangeLog) onImport(ctx app.Context, e app.Event) {
	importHAR(ctx, ctx.JSSrc().Get("files"))
	ctx.JSSrc().Set("value", "") // the same file again is a change too
}

func (l *exchangeLog) onKeep(ctx app.Context, e app.Event) {
	setKeep(ctx, ctx.JSSrc().Get("checked").Bool())
}

func (l *exchangeLog) onReveal(ctx app.Context, e app.Event) {
	journal.reveal = !journal.reveal
	publish(ctx, keyLog)
}

func (l *exchangeLog) onForget(ctx app.Context, e app.Event) { forgetSecrets(ctx) }
