package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// portalPage is a company portal that frames the lab, as the README shows:
// an iframe sized from the lab's height messages, and a listener keeping
// every message it receives (window.events) for the test to read.
const portalPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Portal</title></head>
<body>
<h1>Developer portal</h1>
<iframe id="lab" title="Jira Auth Lab" src="%s" style="width: 100%%; height: 400px; border: 0"></iframe>
<script>
window.events = [];
window.addEventListener("message", (e) => {
  window.events.push({origin: e.origin, data: e.data});
  if (e.data && e.data.source === "jira-auth-lab" && e.data.event === "height") {
    document.getElementById("lab").style.height = e.data.height + "px";
  }
});
</script>
</body></html>`

// newPortal serves portalPage on a loopback origin of its own, framing
// whatever URL *src holds when the page is asked for.
func newPortal(t *testing.T, src *atomic.Value) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, portalPage, src.Load().(string))
	}))
	t.Cleanup(s.Close)
	return s
}

// embedEvent is one message the portal received.
type embedEvent struct {
	Origin string `json:"origin"`
	Data   struct {
		Source string `json:"source"`
		Event  string `json:"event"`
		Target string `json:"target"`
		Height int    `json:"height"`
	} `json:"data"`
}

// portalEvents reads window.events of the portal page.
func (b *browser) portalEvents() []embedEvent {
	b.t.Helper()
	var raw string
	b.eval(`JSON.stringify(window.events || [])`, &raw)
	var evs []embedEvent
	if err := json.Unmarshal([]byte(raw), &evs); err != nil {
		b.t.Fatalf("window.events: %v (%s)", err, raw)
	}
	return evs
}

// waitPortalEvent waits until the portal has received the lab's event
// named name, and returns it.
func (b *browser) waitPortalEvent(name string) embedEvent {
	b.t.Helper()
	b.waitJS("the portal to receive "+name,
		fmt.Sprintf(`(window.events || []).some(e => e.data && e.data.source === "jira-auth-lab" && e.data.event === %q)`, name))
	for _, ev := range b.portalEvents() {
		if ev.Data.Source == "jira-auth-lab" && ev.Data.Event == name {
			return ev
		}
	}
	b.t.Fatalf("event %s vanished", name)
	return embedEvent{}
}

// labFrame finds the frame whose URL starts with prefix (the lab inside
// the portal) in the page's frame tree, waiting for it to be attached.
func (b *browser) labFrame(prefix string) *cdp.Frame {
	b.t.Helper()
	var found *cdp.Frame
	deadline := time.Now().Add(30 * time.Second)
	for found == nil && time.Now().Before(deadline) {
		var tree *page.FrameTree
		b.run("frame tree", chromedp.ActionFunc(func(ctx context.Context) (err error) {
			tree, err = page.GetFrameTree().Do(ctx)
			return err
		}))
		for _, c := range tree.ChildFrames {
			if strings.HasPrefix(c.Frame.URL, prefix) || strings.HasPrefix(c.Frame.UnreachableURL, prefix) {
				found = c.Frame
			}
		}
		if found == nil {
			b.pause(100 * time.Millisecond)
		}
	}
	if found == nil {
		b.t.Fatalf("no frame of %s in the portal", prefix)
	}
	return found
}

// frame drives one iframe of the page from a world of its own (the lab's
// DOM is cross-origin to the portal, so the portal's script cannot reach
// it; DevTools can).
type frame struct {
	b  *browser
	id runtime.ExecutionContextID
}

func (b *browser) enterFrame(f *cdp.Frame) *frame {
	b.t.Helper()
	fr := &frame{b: b}
	b.run("enter the frame", chromedp.ActionFunc(func(ctx context.Context) (err error) {
		fr.id, err = page.CreateIsolatedWorld(f.ID).WithWorldName("e2e").Do(ctx)
		return err
	}))
	return fr
}

// eval evaluates expr in the frame (promises awaited) into res.
func (f *frame) eval(expr string, res any) {
	f.b.t.Helper()
	f.b.run("evaluate in the frame: "+expr, chromedp.ActionFunc(func(ctx context.Context) error {
		v, exc, err := runtime.Evaluate(expr).WithContextID(f.id).WithAwaitPromise(true).WithReturnByValue(true).Do(ctx)
		if err != nil {
			return err
		}
		if exc != nil {
			return fmt.Errorf("%s", exc.Text+" "+describe(exc))
		}
		if res == nil || v == nil || v.Value == nil {
			return nil
		}
		return json.Unmarshal(v.Value, res)
	}))
}

func describe(exc *runtime.ExceptionDetails) string {
	if exc.Exception != nil {
		return exc.Exception.Description
	}
	return ""
}

// waitJS polls a predicate in the frame.
func (f *frame) waitJS(what, expr string) {
	f.b.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		var ok bool
		f.eval("!!("+expr+")", &ok)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			f.b.t.Fatalf("frame: timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// setInput types value into the frame's field #id.
func (f *frame) setInput(id, value string) {
	f.b.t.Helper()
	f.eval(fmt.Sprintf(`(() => { const el = document.getElementById(%q); el.value = %q;
		el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); return true })()`, id, value), nil)
}

// click clicks the frame's button #id once it is enabled.
func (f *frame) click(id string) {
	f.b.t.Helper()
	f.waitJS("#"+id+" enabled", fmt.Sprintf(`(() => { const el = document.getElementById(%q); return el !== null && !el.disabled })()`, id))
	f.eval(fmt.Sprintf(`(() => { document.getElementById(%q).click(); return true })()`, id), nil)
}

// count is how many of the frame's nodes match sel.
func (f *frame) count(sel string) int {
	f.b.t.Helper()
	var n int
	f.eval(fmt.Sprintf(`document.querySelectorAll(%q).length`, sel), &n)
	return n
}

// A portal on an allowed origin frames the lab: the page inside shows no
// header or navigation of its own but keeps the target, and the portal
// receives the page's height and the outcome of each login and logout,
// from the lab's origin. A portal on an origin -frame-ancestors does not
// name cannot frame it (CSP), and hears nothing.
func TestEmbedInPortal(t *testing.T) {
	var src atomic.Value
	allowed, other := newPortal(t, &src), newPortal(t, &src)
	lab := startLab(t, "-frame-ancestors", "'self' "+allowed.URL)
	labOrigin := strings.TrimSuffix(lab.URL, "/")
	src.Store(lab.Page("session") + "?embed=1")

	b := newBrowser(t)
	b.allowErrors = func(msg string) bool {
		// Jira's 401 to the wrong password, seen through the proxy; and
		// Chromium reporting the refused frame (CSP) in the second portal.
		return allowProxyStatuses(msg) || strings.Contains(msg, "frame-ancestors")
	}

	parent := b.t
	defer func() { b.t = parent }() // the browser's cleanup reports to the test
	t.Run("allowed portal", func(t *testing.T) {
		b.t = t
		b.run("open the portal", chromedp.Navigate(allowed.URL))
		f := b.enterFrame(b.labFrame(labOrigin))
		f.waitJS("the lab's wasm", `document.querySelector('[data-wasm="running"]') !== null && document.getElementById('app-wasm-loader') === null`)

		tests := []struct {
			sel  string
			want int
		}{
			{".lab-embedded", 1},
			{".lab-header", 0},
			{".lab-nav", 0},
			{".lab-brand", 0},
			{".lab-footer", 0},
			{"#target", 1},
			{"#session-state", 1},
			{"#login", 1},
		}
		for _, tt := range tests {
			if got := f.count(tt.sel); got != tt.want {
				t.Errorf("in the frame, %s matches %d; want %d", tt.sel, got, tt.want)
			}
		}

		h := b.waitPortalEvent("height")
		if h.Origin != labOrigin || h.Data.Height <= 0 {
			t.Errorf("height event = %+v; want a positive height from %s", h, labOrigin)
		}
		// The portal sized its frame from it: the page inside fits.
		var frameH, docH int
		b.eval(`document.getElementById("lab").getBoundingClientRect().height`, &frameH)
		f.eval(`Math.ceil(document.documentElement.getBoundingClientRect().height)`, &docH)
		if frameH != docH && frameH != h.Data.Height {
			t.Errorf("frame height %d; the page inside is %d high (last message said %d)", frameH, docH, h.Data.Height)
		}

		f.setInput("username", "fred")
		f.setInput("password", "wrong")
		f.click("login")
		failed := b.waitPortalEvent("login-failed")
		f.setInput("password", "fred")
		f.click("login")
		ok := b.waitPortalEvent("login-succeeded")
		f.click("logout")
		out := b.waitPortalEvent("logged-out")
		for _, ev := range []embedEvent{failed, ok, out} {
			if ev.Origin != labOrigin || ev.Data.Source != "jira-auth-lab" || ev.Data.Target != "sandbox" {
				t.Errorf("%s event = %+v; want source jira-auth-lab, target sandbox, from %s", ev.Data.Event, ev, labOrigin)
			}
		}
		// The log of the session page grew: the events followed Jira's
		// answers, not the clicks.
		if n := f.count("#exchanges li.exchange"); n < 3 {
			t.Errorf("the frame's log holds %d exchanges; want the two logins and the logout", n)
		}
	})

	t.Run("portal not allowed", func(t *testing.T) {
		b.t = t
		b.run("open the other portal", chromedp.Navigate(other.URL))
		fr := b.labFrame(labOrigin)
		// Chromium replaces a frame refused by frame-ancestors with its
		// error page; the lab's document never loads there.
		refused := func() bool {
			b.mu.Lock()
			defer b.mu.Unlock()
			for _, l := range b.logs {
				if strings.Contains(l, "frame-ancestors") && strings.Contains(l, labOrigin) {
					return true
				}
			}
			return false
		}
		deadline := time.Now().Add(20 * time.Second)
		for !refused() && time.Now().Before(deadline) {
			b.pause(100 * time.Millisecond)
		}
		if !refused() {
			t.Errorf("no CSP refusal of the frame in the console:\n%s", strings.Join(b.logs, "\n"))
		}
		f := b.enterFrame(b.labFrame(labOrigin))
		var lab bool
		f.eval(`document.querySelector(".lab") !== null`, &lab)
		if lab {
			t.Errorf("the lab loaded inside a portal it does not allow (frame %s)", fr.URL)
		}
		b.pause(2 * time.Second) // what a framed lab would post at once: its height
		if evs := b.portalEvents(); len(evs) > 0 {
			t.Errorf("the refused portal received %+v", evs)
		}
	})
}

// A wildcard in -frame-ancestors lets any matching portal frame the lab,
// but names no origin the page could post to: it posts nothing (never to
// "*", which would tell any page framing it).
func TestEmbedWildcardGetsNoMessages(t *testing.T) {
	var src atomic.Value
	portal := newPortal(t, &src)
	lab := startLab(t, "-frame-ancestors", "'self' http://127.0.0.1:*")
	labOrigin := strings.TrimSuffix(lab.URL, "/")
	src.Store(lab.Page("session") + "?embed=1")
	b := newBrowser(t)
	b.allowErrors = allowProxyStatuses

	b.run("open the portal", chromedp.Navigate(portal.URL))
	f := b.enterFrame(b.labFrame(labOrigin))
	f.waitJS("the lab's wasm", `document.querySelector('[data-wasm="running"]') !== null && document.getElementById('app-wasm-loader') === null`)
	if f.count(".lab-header") != 0 {
		t.Errorf("the framed lab shows its header")
	}
	f.setInput("username", "fred")
	f.setInput("password", "fred")
	f.click("login")
	f.waitJS("the login's answer", `document.querySelectorAll('#exchanges li.exchange').length >= 1`)
	b.pause(time.Second)
	if evs := b.portalEvents(); len(evs) > 0 {
		t.Errorf("a portal allowed only by a wildcard received %+v", evs)
	}
}
