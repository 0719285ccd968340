package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var wasmLog = regexp.MustCompile(`path=\S*/web/app\.wasm status=(\d+) .*bytes=(\d+)`)

// wasmTransfers counts the wasm requests the server answered (200 or 304)
// and the bytes it sent for them.
// The server flushes its log every 100ms: wait for it first.
func wasmTransfers(p *labProcess) (requests int, bytes int64) {
	time.Sleep(300 * time.Millisecond)
	for _, m := range wasmLog.FindAllStringSubmatch(p.Logs(), -1) {
		n, _ := strconv.ParseInt(m[2], 10, 64)
		bytes += n
		requests++
	}
	return requests, bytes
}

// The first visit asks for the wasm once — the service worker's precache
// finds it in the HTTP cache, not even revalidating — and repeat visits ask
// for none of it.
func TestWasmDownloadedOnceThenCached(t *testing.T) {
	lab := startLab(t)
	b := newBrowser(t)
	b.open(lab.Page("session"))
	var state string
	b.eval(`navigator.serviceWorker.ready.then(r => r.active.state)`, &state)
	b.eval(`navigator.serviceWorker.ready.then(r => new Promise(res => {
		const w = r.active; if (w.state === 'activated') return res(w.state);
		w.addEventListener('statechange', () => { if (w.state === 'activated') res(w.state) }) }))`, &state)
	full, bytes := wasmTransfers(lab)
	if full != 1 {
		t.Errorf("first visit: the wasm was requested %d times (%d bytes); want once", full, bytes)
	}
	pages := func() int { return len(pageLog.FindAllString(lab.Logs(), -1)) }
	precached := pages()
	if precached != 1 {
		t.Errorf("the service worker's precache asked for /basic %d times; want once", precached)
	}
	b.open(lab.Page("basic"))
	b.open(lab.Page("session"))
	if again, more := wasmTransfers(lab); again != full || more != bytes {
		t.Errorf("repeat visits: wasm answers went from %d (%d bytes) to %d (%d bytes); want no more wasm bytes", full, bytes, again, more)
	}
	// Every route comes from the precache: it opens offline too.
	if n := pages(); n != precached {
		t.Errorf("visiting /basic reached the server (%d requests; the precache made %d)", n, precached)
	}
}

var pageLog = regexp.MustCompile(`path=/basic status=`)

// Once the service worker holds the app, every page opens with the server
// gone: prerendered HTML, scripts and wasm all come from its cache, and the
// upstream picker says plainly that the list of Jiras could not be loaded.
func TestRoutesOpenOffline(t *testing.T) {
	lab := startLab(t)
	b := newBrowser(t)
	b.openWithWorker(lab)
	if err := lab.stop(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ route, title string }{
		{"basic", "Basic auth"},
		{"password", "Password policy"},
		{"session", "Session login"},
	} {
		b.open(lab.Page(tt.route))
		var title, problem string
		b.run("read "+tt.route,
			chromedp.Text("#page-title", &title, chromedp.ByQuery),
			chromedp.Text("#target-error", &problem, chromedp.ByQuery),
		)
		if !strings.Contains(title, tt.title) {
			t.Errorf("offline /%s shows title %q; want %q", tt.route, title, tt.title)
		}
		if strings.TrimSpace(problem) == "" {
			t.Errorf("offline /%s: the upstream picker does not say the list failed to load", tt.route)
		}
	}
}
