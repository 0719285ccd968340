package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"jiraauthlab/wasm/ui"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// axeScript is axe-core's browser bundle, pinned by axe/package-lock.json
// and installed by `make axe` (npm ci), which the first use runs: a test run
// alone with go test needs nothing more than the Makefile's.
var axeScript = sync.OnceValues(func() (string, error) {
	cmd := exec.Command("make", "-s", "axe")
	cmd.Dir = repoRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("make axe (npm ci in server/e2e/axe): %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(repoRoot, "server", "e2e", "axe", "node_modules", "axe-core", "axe.min.js"))
	return string(b), err
})

// axeViolation is one rule axe-core found broken, with the nodes that break it.
type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  []string `json:"target"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

// axeReport lists violations one rule a paragraph: id, impact, help, and
// the selector of every node with the first line of axe's explanation.
func axeReport(vs []axeViolation) string {
	var s strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&s, "\n  %s (%s): %s\n    %s", v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			// axe's summary opens with "Fix any of the following:"; the
			// reason is the line after it.
			lines := strings.Split(strings.TrimSpace(n.Summary), "\n")
			why := lines[0]
			if len(lines) > 1 {
				why = lines[1]
			}
			fmt.Fprintf(&s, "\n    - %s: %s", strings.Join(n.Target, " "), strings.TrimSpace(why))
		}
	}
	return s.String()
}

// axe runs every axe-core rule of every impact on the page as it is now
// and returns the violations. The bundle goes in through DevTools, which
// the page's CSP does not govern, so the lab's CSP stays as it ships.
func (b *browser) axe() []axeViolation {
	b.t.Helper()
	src, err := axeScript()
	if err != nil {
		b.t.Fatal(err)
	}
	var loaded bool
	b.eval(`typeof window.axe === 'object'`, &loaded)
	if !loaded {
		b.run("inject axe-core", chromedp.Evaluate(src, nil))
	}
	var vs []axeViolation
	// Selectors inside a shadow root come as arrays: joined into one string.
	b.eval(`axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : String(t)), summary: n.failureSummary || ''}))})))`, &vs)
	return vs
}

// screen is a window size and colour preference the page is checked in.
type screen struct {
	name          string
	width, height int64
	mobile        bool   // a phone: the meta viewport applies
	scheme        string // prefers-color-scheme
}

var axeScreens = []screen{
	{"1280px-light", 1280, 900, false, "light"},
	{"1280px-dark", 1280, 900, false, "dark"},
	{"390px-light", 390, 844, true, "light"},
	{"390px-dark", 390, 844, true, "dark"},
}

// emulate shows the page at s's size and colour preference.
func (b *browser) emulate(s screen) {
	b.t.Helper()
	b.run("emulate "+s.name,
		emulation.SetDeviceMetricsOverride(s.width, s.height, 1, s.mobile),
		emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: s.scheme}}),
	)
}

// horizontalOverflow lists the elements wider than the window (empty when
// the page does not scroll sideways).
func (b *browser) horizontalOverflow() []string {
	b.t.Helper()
	var wide []string
	b.eval(`(() => {
		const w = document.documentElement.clientWidth;
		if (document.documentElement.scrollWidth <= w) return [];
		const out = [];
		for (const el of document.body.querySelectorAll('*')) {
			const r = el.getBoundingClientRect();
			if (r.right > w + 0.5 && r.width > 0) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') + ' right=' + Math.round(r.right));
		}
		return ['page ' + document.documentElement.scrollWidth + 'px wide in ' + w + 'px'].concat(out.slice(0, 12));
	})()`, &wide)
	return wide
}

// with makes the browser's steps report to t (a subtest) until the returned
// function restores the test that made it. Subtests run one at a time here.
func (b *browser) with(t *testing.T) func() {
	old := b.t
	b.t = t
	return func() { b.t = old }
}

// axeActions puts each page into the state a learner reaches with it: the
// page's own action, with an answer in the log and the diagnosis. A page
// without an entry (one added later) gets the default: a login on the
// session page, then the page reached through its navigation link.
var axeActions = map[string]func(b *browser){
	ui.RouteSession: func(b *browser) {
		b.login("fred", "fred")
		b.waitText("cookie-header", "Cookie: JSESSIONID=")
	},
	ui.RouteBasic: func(b *browser) {
		before := b.exchanges()
		b.setInput("basic-username", "fred")
		b.setInput("basic-password", "wrong")
		b.click("basic-send")
		b.waitExchange(before + 1)
	},
	ui.RoutePassword: func(b *browser) {
		b.waitText("policy", "at least")
		b.setInput("pw-username", "fred")
		b.setInput("pw-new", "fred2024")
		b.waitText("pw-result", "refuse")
	},
	ui.RouteToken: func(b *browser) {
		before := b.exchanges()
		b.setInput("token-username", "admin")
		b.setInput("token-password", "admin")
		b.click("token-create")
		b.waitExchange(before + 1)
		b.waitJS("the secret shown", `document.getElementById('token-value') !== null && document.getElementById('token-value').textContent.length > 20`)
	},
	ui.RouteConsole: func(b *browser) {
		before := b.exchanges()
		b.consoleSearchAsBrowser()
		b.waitExchange(before + 1)
		b.waitText("diagnosis", "User-Agent")
	},
}

func defaultAxeAction(lab *labProcess, route string) func(b *browser) {
	return func(b *browser) {
		b.open(lab.Page(ui.RouteSession))
		b.login("fred", "fred")
		b.click("nav-" + strings.TrimPrefix(route, "/"))
		b.waitJS("page "+route, fmt.Sprintf(`location.pathname.endsWith(%q) && document.querySelector('[data-wasm="running"]') !== null`, route))
	}
}

// TestAxe runs axe-core on every page (ui.PageRoutes, so a new page is
// covered the day it is routed) and on the not-found page, as it first
// shows and after its action, at desktop and phone width, in the light and
// the dark colour scheme: zero violations of any impact, and no sideways
// scrolling at phone width.
func TestAxe(t *testing.T) {
	lab, b := flowBrowser(t)
	check := func(t *testing.T, phase string) {
		for _, s := range axeScreens {
			t.Run(phase+"/"+s.name, func(t *testing.T) {
				defer b.with(t)()
				b.emulate(s)
				if vs := b.axe(); len(vs) > 0 {
					t.Errorf("axe-core: %d rules violated on %s (%s, %s):%s", len(vs), b.path(), phase, s.name, axeReport(vs))
				}
				if os.Getenv("LAB_SCREENSHOTS") == "1" {
					b.saveShot(strings.ReplaceAll(strings.TrimPrefix(t.Name(), "TestAxe/"), "/", "-"))
				}
				if s.mobile {
					if wide := b.horizontalOverflow(); len(wide) > 0 {
						t.Errorf("scrolls sideways at %d px: %s", s.width, strings.Join(wide, "; "))
					}
				}
			})
		}
	}
	for _, route := range ui.PageRoutes {
		t.Run(strings.TrimPrefix(route, "/"), func(t *testing.T) {
			defer b.with(t)()
			b.emulate(axeScreens[0])
			b.open(lab.Page(route))
			check(t, "first")
			act, ok := axeActions[route]
			if !ok {
				act = defaultAxeAction(lab, route)
			}
			b.emulate(axeScreens[0])
			act(b)
			check(t, "after")
		})
	}
	t.Run("not-found", func(t *testing.T) {
		defer b.with(t)()
		// The browser logs the page's own 404 as an error: that is its point.
		allow := b.allowErrors
		b.allowErrors = func(msg string) bool {
			return allow(msg) || strings.Contains(msg, "status of 404") && strings.Contains(msg, "/no-such-page")
		}
		b.emulate(axeScreens[0])
		b.run("open the not-found page", chromedp.Navigate(lab.Page("no-such-page")))
		check(t, "first")
	})
}

// saveShot writes a screenshot of the whole page to .testout/axe/name.png,
// to look at what axe-core passed.
func (b *browser) saveShot(name string) {
	b.t.Helper()
	var shot []byte
	b.run("screenshot "+name, chromedp.FullScreenshot(&shot, 100))
	dir := filepath.Join(repoRoot, ".testout", "axe")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// path is the page's location path.
func (b *browser) path() string {
	b.t.Helper()
	var p string
	b.eval(`location.pathname`, &p)
	return p
}

// focusStop is where one Tab press put the focus, and how it shows.
type focusStop struct {
	What    string `json:"what"`
	Outline string `json:"outline"` // computed outline-style and -width
	Shadow  string `json:"shadow"`
	Visible bool   `json:"visible"` // an outline or a box-shadow is drawn
	InView  bool   `json:"inView"`  // inside the window once focused
	Body    bool   `json:"body"`    // the focus left the page's controls
	Again   bool   `json:"again"`   // this element had the focus before: Tab went round
}

// tab presses Tab as a keyboard does (so :focus-visible applies) and says
// where the focus went.
func (b *browser) tab() focusStop {
	b.t.Helper()
	b.run("press Tab", chromedp.KeyEvent(kb.Tab))
	var s focusStop
	b.eval(`(() => {
		const el = document.activeElement;
		if (!el || el === document.body || el === document.documentElement) return {body: true};
		const seen = window.__tabSeen || (window.__tabSeen = new WeakSet());
		const again = seen.has(el);
		seen.add(el);
		const cs = getComputedStyle(el), r = el.getBoundingClientRect();
		const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1;
		return {
			what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') + ' "' + (el.textContent || el.value || '').trim().slice(0, 30) + '"',
			outline: cs.outlineStyle + ' ' + cs.outlineWidth, shadow: cs.boxShadow,
			visible: outline || cs.boxShadow !== 'none',
			inView: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
			again,
		};
	})()`, &s)
	return s
}

// TestKeyboardFocusVisible walks every page, the not-found page included,
// with the Tab key alone: the first stop is the skip link, shown on screen
// while it has the focus, which leads into <main>; then once round the
// page, every stop draws a focus ring.
func TestKeyboardFocusVisible(t *testing.T) {
	lab, b := flowBrowser(t)
	routes := append(append([]string{}, ui.PageRoutes...), "/no-such-page")
	allow := b.allowErrors
	b.allowErrors = func(msg string) bool {
		return allow(msg) || strings.Contains(msg, "status of 404") && strings.Contains(msg, "/no-such-page")
	}
	for _, route := range routes {
		for _, s := range []screen{axeScreens[0], axeScreens[3]} {
			t.Run(strings.TrimPrefix(route, "/")+"/"+s.name, func(t *testing.T) {
				defer b.with(t)()
				b.emulate(s)
				if route == "/no-such-page" {
					b.run("open "+route, chromedp.Navigate(lab.Page(route)))
				} else {
					b.open(lab.Page(route))
				}
				if route == ui.RouteSandbox {
					// Its controls wait for the sandbox's state: walk the
					// page it settles into, not the one that is loading.
					b.waitJS("the sandbox's state", `!document.getElementById('sb-reset').disabled`)
				}
				first := b.tab()
				skip := strings.Contains(first.What, "skip-link")
				if !skip || !first.InView || !first.Visible {
					t.Errorf("first Tab stop on %s = %+v; want the skip link (a.skip-link), on screen, with a focus ring", route, first)
				}
				if skip {
					b.run("follow the skip link", chromedp.KeyEvent(kb.Enter))
					st := b.tab()
					var inMain bool
					b.eval(`(() => { const m = document.querySelector('main'); return m !== null && m.contains(document.activeElement) })()`, &inMain)
					if !inMain {
						t.Errorf("on %s, Tab after following the skip link went to %+v; want a control of <main>", route, st)
					}
				}
				// Once round the page from here: every control, the header's too.
				b.eval(`(window.__tabSeen = new WeakSet(), true)`, nil)
				var hidden []string
				stops, bodies := 0, 0
				for i := 0; i < 150; i++ {
					st := b.tab()
					if st.Again {
						break
					}
					if st.Body { // past the last control, before the first
						if bodies++; bodies > 1 {
							break
						}
						continue
					}
					stops++
					if !st.Visible {
						hidden = append(hidden, st.What+" (outline "+st.Outline+", box-shadow "+st.Shadow+")")
					}
				}
				if stops < 2 {
					t.Errorf("Tab reached %d controls on %s; want the page's controls", stops, route)
				}
				t.Logf("%s: %d Tab stops", route, stops)
				if len(hidden) > 0 {
					t.Errorf("on %s, %d Tab stops show no focus:\n  %s", route, len(hidden), strings.Join(hidden, "\n  "))
				}
			})
		}
	}
}

// The header's logo is precached by the service worker: with the lab
// stopped, a page still shows it.
func TestLogoOffline(t *testing.T) {
	lab := startLab(t)
	b := newBrowser(t)
	b.openWithWorker(lab)
	var cached bool
	b.eval(`caches.match(new URL(document.querySelector('.lab-brand img').getAttribute('src'), location.href).href).then(r => r !== undefined)`, &cached)
	if !cached {
		t.Errorf("the service worker's cache does not hold the logo")
	}
	if err := lab.stop(); err != nil {
		t.Fatal(err)
	}
	b.open(lab.Page("basic"))
	b.waitJS("the logo drawn offline", `(() => { const img = document.querySelector('.lab-brand img'); return img !== null && img.complete })()`)
	var width int
	b.eval(`document.querySelector('.lab-brand img').naturalWidth`, &width)
	if width == 0 {
		t.Errorf("offline, the header's logo is broken (naturalWidth 0)")
	}
}

// At phone width no page scrolls sideways, even when the Jira picked in
// the header has a long URL (the #target select once made a 390 px page
// 417 px wide).
func TestPhoneWidthLongUpstream(t *testing.T) {
	const long = "https://jira-data-center-node-7.build-and-release.example.internal:8443/jira/context"
	lab := startLab(t, "-upstream", "far-away-jira="+long)
	b := newBrowser(t)
	b.allowErrors = allowProxyStatuses // the far-away Jira is not there: 502
	b.emulate(axeScreens[2])
	for _, route := range ui.PageRoutes {
		t.Run(strings.TrimPrefix(route, "/"), func(t *testing.T) {
			defer b.with(t)()
			b.open(lab.Page(route))
			b.waitJS("the long upstream in #target", fmt.Sprintf(`(() => { const s = document.getElementById('target'); return s !== null && s.options.length > 0 && s.textContent.includes(%q) })()`, long))
			if wide := b.horizontalOverflow(); len(wide) > 0 {
				t.Errorf("%s scrolls sideways at 390 px: %s", route, strings.Join(wide, "; "))
			}
		})
	}
}
