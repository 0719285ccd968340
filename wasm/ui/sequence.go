package ui

import (
	"html"
	"strconv"
	"strings"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/cookies"
	"jiraauthlab/wasm/jira"
	"jiraauthlab/wasm/mask"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// The sequence diagram's parties, left to right.
const (
	partyBrowser = iota
	partyProxy
	partyJira
)

// seqExchanges is how many exchanges of the current flow the diagram
// draws: a flow of the seeds (log in, ask, log out, ask again) fits.
const seqExchanges = 5

// seqMessage is one arrow of the diagram: one message between two parties,
// labelled with the header that matters in it.
type seqMessage struct {
	ID       int // the exchange it belongs to
	From, To int
	Label    string
	Level    string // "ok", "warn" or "bad" for answers, "" for requests
}

// sequenceOf lays out the newest exchanges with the Jira named target,
// oldest first, four messages each: the page's request to the proxy, the
// request as Jira received it (its credentials), Jira's answer (the cookie
// issued, the refusal), and the answer as the page got it. A request the
// proxy refused itself never reaches Jira: two messages.
func sequenceOf(log []contract.Exchange, target string, reveal bool) []seqMessage {
	var flow []contract.Exchange
	for _, x := range log {
		if x.Target == target {
			flow = append(flow, x)
			if len(flow) == seqExchanges {
				break
			}
		}
	}
	var out []seqMessage
	for i := len(flow) - 1; i >= 0; i-- {
		x := flow[i]
		toProxy := x.Method + " " + shortPath(x.Path)
		if x.SentHeader(contract.HeaderCookie) != "" {
			toProxy += " + " + contract.HeaderCookie
		}
		out = append(out, seqMessage{ID: x.ID, From: partyBrowser, To: partyProxy, Label: toProxy})
		level := statusLevel(x.Status)
		if !reachedJira(x) {
			back := "failed: " + x.Err
			if x.Status != 0 {
				back = itoa(x.Status) + " from the proxy itself"
			}
			out = append(out, seqMessage{ID: x.ID, From: partyProxy, To: partyBrowser, Label: back, Level: level})
			continue
		}
		out = append(out,
			seqMessage{ID: x.ID, From: partyProxy, To: partyJira, Label: credentialsSent(x, reveal)},
			seqMessage{ID: x.ID, From: partyJira, To: partyProxy, Label: itoa(x.Status) + " " + keyAnswer(x, reveal), Level: level})
		back := itoa(x.Status)
		if len(cookies.SetCookieLines(x.ResponseHeader)) > 0 {
			back += " + " + contract.HeaderSetCookie
		}
		out = append(out, seqMessage{ID: x.ID, From: partyProxy, To: partyBrowser, Label: back, Level: level})
	}
	return out
}

// credentialsSent is what identified the request to Jira, as Jira got it.
func credentialsSent(x contract.Exchange, reveal bool) string {
	show := func(name, value string) string {
		if !reveal {
			value = mask.Header(name, value)
		}
		return name + ": " + value
	}
	switch {
	case x.SentHeader("Authorization") != "":
		return show("Authorization", x.SentHeader("Authorization"))
	case x.SentHeader(contract.HeaderCookie) != "":
		return show("Cookie", x.SentHeader(contract.HeaderCookie))
	case x.Auth == contract.AuthLogin && x.Username != "":
		return `{"username":"` + x.Username + `","password":…}`
	}
	return "no credentials"
}

// keyAnswer is the header of Jira's answer that tells what happened to the
// credentials: the cookie issued, Seraph's reason for a refusal, or whom
// Jira ran the request as.
func keyAnswer(x contract.Exchange, reveal bool) string {
	if lines := cookies.SetCookieLines(x.ResponseHeader); len(lines) > 0 {
		c, _, _ := strings.Cut(lines[0], ";")
		if !reveal {
			c = mask.SetCookie(c)
		}
		return "Set-Cookie: " + c
	}
	if r := x.Header(jira.HeaderLoginReason); r != "" && r != "OK" {
		return jira.HeaderLoginReason + ": " + r
	}
	if u := x.Header(jira.HeaderUser); u != "" {
		return jira.HeaderUser + ": " + u
	}
	return ""
}

// statusLevel is the colour of a status: green for 2xx/3xx, red for a
// refusal or a failure, amber for the rest.
func statusLevel(status int) string {
	switch {
	case status == 0 || status == 401 || status == 403 || status >= 500:
		return "bad"
	case status < 400:
		return "ok"
	}
	return "warn"
}

// sequencePanel is #sequence: the current flow as a sequence diagram —
// browser, lab proxy, Jira — drawn as SVG; each arrow opens its exchange.
type sequencePanel struct {
	app.Compo

	l logState
	t targetState
}

func (p *sequencePanel) OnInit() { p.l, p.t = journal, targets }

func (p *sequencePanel) OnMount(ctx app.Context) {
	p.OnInit()
	ctx.ObserveState(keyLog).Value(&p.l)
	ctx.ObserveState(keyTarget).Value(&p.t)
}

// Geometry of the diagram, in its own units (the SVG scales to the panel).
const (
	seqWidth = 600
	seqTop   = 44 // below the parties' names
	seqRow   = 26
)

var seqX = [3]int{70, 320, 570}

var seqParties = [3]string{"Browser (this page)", "Lab proxy", "Jira"}

func (p *sequencePanel) Render() app.UI {
	msgs := sequenceOf(p.l.exchanges, p.t.target, p.l.reveal)
	return app.Section().ID("sequence-panel").Class("panel").Aria("labelledby", "sequence-heading").Body(
		app.H2().ID("sequence-heading").Text("Sequence"),
		app.If(len(msgs) == 0, app.P().Class("empty").Text("The messages of your requests to this Jira are drawn here: who sends what to whom.")),
		// One click and one key handler for every arrow (they are SVG
		// markup, not go-app elements: go-app sets classes through
		// className, which an SVG element does not take). The box
		// scrolls sideways on a phone, so it takes the focus too.
		app.Div().Class("sequence-scroll").Attr("tabindex", "0").Aria("label", "Sequence diagram, scrolls sideways").
			OnClick(onArrow).OnKeyDown(onArrow).Body(
			app.Raw(sequenceSVG(msgs)),
		),
	)
}

// sequenceSVG draws the messages as an SVG sequence diagram: the parties'
// lifelines, then one <g class="arrow" data-exchange=…> a message.
func sequenceSVG(msgs []seqMessage) string {
	height := seqTop + seqRow*len(msgs) + 10
	var b strings.Builder
	b.WriteString(`<svg id="sequence" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + itoa(seqWidth) + " " + itoa(height) +
		`" role="group" aria-label="Sequence diagram of the last requests: browser, lab proxy, Jira">`)
	for i, name := range seqParties {
		x := itoa(seqX[i])
		b.WriteString(`<g class="party"><text x="` + x + `" y="16" text-anchor="middle">` + name + `</text><line x1="` + x +
			`" y1="24" x2="` + x + `" y2="` + itoa(height) + `"/></g>`)
	}
	for i, m := range msgs {
		y := seqTop + seqRow*i + 14
		x1, x2 := seqX[m.From], seqX[m.To]
		dir := 1
		if x2 < x1 {
			dir = -1
		}
		tip := x2 - dir*2
		label := m.Label
		if len([]rune(label)) > 42 {
			label = string([]rune(label)[:41]) + "…"
		}
		class := "arrow"
		if m.Level != "" {
			class += " answer " + m.Level
		}
		id := itoa(m.ID)
		// The arrow's name is its text: "#3 GET /rest/api/2/myself".
		b.WriteString(`<g class="` + class + `" data-exchange="` + id + `" tabindex="0" role="button">`)
		if i == 0 || msgs[i-1].ID != m.ID {
			b.WriteString(`<text class="seq-id" x="4" y="` + itoa(y+4) + `">#` + id + `</text>`)
		}
		b.WriteString(`<line x1="` + itoa(x1) + `" y1="` + itoa(y) + `" x2="` + itoa(tip) + `" y2="` + itoa(y) + `"/>` +
			`<polygon points="` + itoa(tip) + "," + itoa(y) + " " + itoa(tip-dir*8) + "," + itoa(y-4) + " " + itoa(tip-dir*8) + "," + itoa(y+4) + `"/>` +
			`<text x="` + itoa((x1+x2)/2) + `" y="` + itoa(y-5) + `" text-anchor="middle">` + html.EscapeString(label) + `</text></g>`)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// onArrow opens the exchange of the arrow clicked, or focused when Enter
// or Space is pressed.
func onArrow(ctx app.Context, e app.Event) {
	if e.Get("type").String() == "keydown" {
		if k := e.Get("key").String(); k != "Enter" && k != " " {
			return
		}
		e.PreventDefault()
	}
	g := e.Get("target").Call("closest", "[data-exchange]")
	if !g.Truthy() {
		return
	}
	if id, err := strconv.Atoi(g.Call("getAttribute", "data-exchange").String()); err == nil {
		openExchange(ctx, id)
	}
}

// openExchange opens exchange id in the log and brings it into view, as
// the learner asked by clicking its arrow.
func openExchange(ctx app.Context, id int) {
	l := &journal
	if l.open == nil {
		l.open = map[int]bool{}
	}
	l.open[id] = true
	publish(ctx, keyLog)
	ctx.Defer(func(app.Context) {
		el := app.Window().Get("document").Call("querySelector", `#exchanges [data-exchange="`+itoa(id)+`"]`)
		if el.Truthy() {
			el.Call("scrollIntoView", map[string]any{"block": "start"})
			if s := el.Call("querySelector", "summary"); s.Truthy() {
				s.Call("focus", map[string]any{"preventScroll": true})
			}
		}
	})
}
