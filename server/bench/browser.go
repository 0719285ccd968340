package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"jiraauthlab/bench/internal/wiretap"
)

// The "usable" conditions of part 3, as JavaScript expressions.
const (
	// labReady: the login button is enabled and the wasm has rendered.
	labReady = `!!document.querySelector('#login') && !document.querySelector('#login').disabled && !!document.querySelector('[data-wasm="running"]')`
	// floorReady: go-app's loader is gone (it is in the served page, and
	// go-app removes it once the Go program runs).
	floorReady = `document.readyState !== 'loading' && !document.getElementById('app-wasm-loader')`
)

// probe returns a script, installed before any page script runs, that
// records in window.__benchMarks, as performance.now() values (milliseconds
// since the navigation started):
//   - ready: when the ready expression first holds (the time to interactive);
//   - started: when go-app's loader left the page, i.e. when the Go program
//     began to run (for the floor, ready and started are the same event).
//
// A MutationObserver re-checks on every DOM change, so the times are those
// of the changes themselves, not of a poll from the harness.
func probe(ready string) string {
	return `(() => {
  if (location.protocol !== 'http:' || window.top !== window) return;
  const ready = () => { try { return (` + ready + `); } catch (e) { return false; } };
  const marks = window.__benchMarks = {};
  let obs, iv;
  const mark = () => {
    const now = performance.now();
    if (marks.started === undefined && document.readyState !== 'loading' && !document.getElementById('app-wasm-loader')) marks.started = now;
    if (marks.ready === undefined && ready()) marks.ready = now;
    if (marks.ready !== undefined && marks.started !== undefined) {
      if (obs) obs.disconnect();
      clearInterval(iv);
    }
  };
  obs = new MutationObserver(mark);
  obs.observe(document, {childList: true, subtree: true, attributes: true});
  iv = setInterval(mark, 50);
  document.addEventListener('DOMContentLoaded', mark);
})();`
}

// readMarks is evaluated once ready holds: the probe's marks and when the
// page had the wasm in hand (Resource Timing's responseEnd of the .wasm).
const readMarks = `(() => {
  const m = window.__benchMarks || {};
  if (m.ready === undefined) return null;
  const w = performance.getEntriesByType('resource').find(e => new URL(e.name).pathname.endsWith('.wasm'));
  const n = performance.getEntriesByType('navigation')[0] || {};
  return {ready: m.ready, started: m.started ?? m.ready,
    wasm_start: w ? w.startTime : -1, wasm_response_start: w ? w.responseStart : -1, wasm_end: w ? w.responseEnd : -1,
    page_response_end: n.responseEnd ?? -1, dom_content_loaded: n.domContentLoadedEventEnd ?? -1};
})()`

// pageMarks are the probe's figures for one visit, in milliseconds since
// the navigation started.
type pageMarks struct {
	Ready   float64 `json:"ready"`    // usable: the time to interactive
	Started float64 `json:"started"`  // go-app's loader gone: the Go program runs
	WasmEnd float64 `json:"wasm_end"` // the wasm's last byte in the page (-1: unknown)
	// The wasm request's start and first byte, the page's last byte and
	// DOMContentLoaded's end: where the time went.
	WasmStart         float64 `json:"wasm_start"`
	WasmResponseStart float64 `json:"wasm_response_start"`
	PageResponseEnd   float64 `json:"page_response_end"`
	DOMContentLoaded  float64 `json:"dom_content_loaded"`
}

// visit is one page load as the server and the page saw it.
type visit struct {
	TTIms        float64             `json:"tti_ms"`
	Marks        pageMarks           `json:"marks"`
	ServerBytes  int64               `json:"server_bytes"` // everything the server sent, headers included
	WasmBytes    int64               `json:"wasm_bytes"`   // of it, the app.wasm responses
	WasmRequests int                 `json:"wasm_requests"`
	WasmBodies   int                 `json:"wasm_bodies"` // of them, 200s (the others: 304s)
	Requests     int                 `json:"requests"`
	ByPath       []wiretap.PathTotal `json:"by_path,omitempty"`
}

func visitFrom(m pageMarks, st wiretap.Stats, keepPaths bool) visit {
	v := visit{TTIms: m.Ready, Marks: m, ServerBytes: st.ServerBytes, Requests: len(st.Exchanges)}
	for _, e := range st.Exchanges {
		if strings.HasSuffix(strings.SplitN(e.Path, "?", 2)[0], ".wasm") {
			v.WasmBytes += e.RespBytes
			v.WasmRequests++
			if e.Status == 200 {
				v.WasmBodies++
			}
		}
	}
	if keepPaths {
		v.ByPath = st.ByPath()
	}
	return v
}

// visitPair is one fresh browser profile: the cold first visit (including the
// service worker's precache, which the first visit triggers), then a second
// visit to the same URL in the same profile.
type visitPair struct {
	Cold visit `json:"cold"`
	Warm visit `json:"warm"`
}

// browserPart is parts 1 (first-visit bytes), 2 (repeat visit) and 3 (time
// to interactive) for the lab's /session and the floor, each served behind
// a byte-counting forwarder on loopback. Samples alternate lab and floor.
func (r *runner) browserPart() error {
	chromium := findChromium(r.opt.Chromium)
	if chromium == "" {
		return errors.New("no Chromium found: apt-get install chromium, or pass -chromium")
	}
	floorDir, floorFig, err := r.floorFiles()
	if err != nil {
		return err
	}
	logs := filepath.Join(r.work, "logs")

	// The lab answers only to the Host it is served under: the forwarder's
	// address is given as -public-url, so the lab needs a known port.
	labPort, err := freePort()
	if err != nil {
		return err
	}
	labAddr := fmt.Sprintf("127.0.0.1:%d", labPort)
	labTap, err := wiretap.Listen(labAddr)
	if err != nil {
		return err
	}
	defer labTap.Close()
	lab, err := startProc("lab-browser", r.labBin, []string{"-addr", labAddr, "-sandbox-addr", "127.0.0.1:0",
		"-public-url", "http://" + labTap.Addr()}, logs, "app", "sandbox")
	if err != nil {
		return err
	}
	defer lab.stop()
	if err := waitHTTP(r.ctx, "http://"+labAddr+"/healthz", 10*time.Millisecond, 10*time.Second); err != nil {
		return err
	}

	floorBin, err := r.helper("floorserver")
	if err != nil {
		return err
	}
	fl, err := startProc("floor", floorBin, []string{"-addr", "127.0.0.1:0", "-web", floorDir}, logs, "app")
	if err != nil {
		return err
	}
	defer fl.stop()
	floorTap, err := wiretap.Listen(strings.TrimPrefix(fl.URL("app"), "http://"))
	if err != nil {
		return err
	}
	defer floorTap.Close()

	labURL := "http://" + labTap.Addr() + "/session"
	floorURL := "http://" + floorTap.Addr() + "/"
	var labPairs, floorPairs []visitPair
	for i := 0; i < r.k.browserSamples; i++ {
		var lp, fp visitPair
		visitLab := func() (err error) {
			if lp, err = r.visitTwice(chromium, labTap, labURL, labReady, i == 0); err != nil {
				return fmt.Errorf("lab %s: %w\n%s", labURL, err, tail(lab.logPath))
			}
			return nil
		}
		visitFloor := func() (err error) {
			if fp, err = r.visitTwice(chromium, floorTap, floorURL, floorReady, i == 0); err != nil {
				return fmt.Errorf("floor %s: %w", floorURL, err)
			}
			return nil
		}
		order := []func() error{visitLab, visitFloor}
		if i%2 == 1 { // alternate who goes first, against drift in the machine's load
			order[0], order[1] = order[1], order[0]
		}
		for _, f := range order {
			if err := f(); err != nil {
				return err
			}
		}
		r.logf("visit %d: lab cold %.0f ms / %d B, warm %.0f ms / %d B; floor cold %.0f ms / %d B, warm %.0f ms / %d B",
			i+1, lp.Cold.TTIms, lp.Cold.ServerBytes, lp.Warm.TTIms, lp.Warm.ServerBytes,
			fp.Cold.TTIms, fp.Cold.ServerBytes, fp.Warm.TTIms, fp.Warm.ServerBytes)
		labPairs = append(labPairs, lp)
		floorPairs = append(floorPairs, fp)
	}
	r.report.Details["browser"] = map[string]any{"lab": labPairs, "floor": floorPairs, "lab_url_path": "/session", "floor_url_path": "/"}

	figs := func(ps []visitPair, f func(visitPair) float64) []float64 {
		xs := make([]float64, len(ps))
		for i, p := range ps {
			xs[i] = f(p)
		}
		return xs
	}
	med := func(ps []visitPair, f func(visitPair) float64) float64 { return median(figs(ps, f)) }
	// compare is a row of lab against floor; the ratio is the median of the
	// per-sample ratios (lab and floor samples alternate).
	compare := func(part, metric, unit string, f func(visitPair) float64) *Row {
		return r.report.add(Row{Part: part, Metric: metric, Unit: unit, Value: med(labPairs, f),
			Baseline: "floor", BaseVal: med(floorPairs, f), Ratio: pairedRatio(figs(labPairs, f), figs(floorPairs, f))})
	}

	rep := r.report
	floorBr := float64(floorFig.Brotli)
	brName := fmt.Sprintf("floor wasm brotli -q %d", floorFig.BrotliQuality)
	coldBytes := func(p visitPair) float64 { return float64(p.Cold.ServerBytes) }
	rep.add(Row{Part: "first visit", Metric: "bytes sent, cold /session incl. SW precache", Unit: "B",
		Value: med(labPairs, coldBytes), Baseline: brName, BaseVal: floorBr, Note: wasmNote(labPairs[0].Cold)}).ratioGoal("≤", 1.25)
	rep.add(Row{Part: "first visit", Metric: "floor: bytes sent, cold / incl. SW precache", Unit: "B",
		Value: med(floorPairs, coldBytes), Baseline: brName, BaseVal: floorBr, Note: wasmNote(floorPairs[0].Cold)})
	rep.add(Row{Part: "repeat visit", Metric: "app.wasm bytes over the network", Unit: "B",
		Value: med(labPairs, func(p visitPair) float64 { return float64(p.Warm.WasmBytes) }),
		Note:  fmt.Sprintf("%d app.wasm requests reached the server", labPairs[0].Warm.WasmRequests)}).valueGoal("=", 0)
	compare("repeat visit", "all bytes sent", "B", func(p visitPair) float64 { return float64(p.Warm.ServerBytes) })

	n := fmt.Sprintf("median of %d", len(labPairs))
	for _, phase := range []struct {
		name, long string
		get        func(visitPair) visit
	}{
		{"cold", "cold (fresh profile)", func(p visitPair) visit { return p.Cold }},
		{"warm", "warm (second visit)", func(p visitPair) visit { return p.Warm }},
	} {
		get := phase.get
		row := compare("TTI", phase.long, "ms", func(p visitPair) float64 { return get(p).TTIms })
		row.Note = n
		row.ratioGoal("≤", 1.2)
		// Where the time goes, from the page's own timings.
		compare("TTI", phase.name+": DOMContentLoaded, app.js starts the wasm fetch", "ms",
			func(p visitPair) float64 { return get(p).Marks.DOMContentLoaded })
		compare("TTI", phase.name+": wasm received (its responseEnd)", "ms",
			func(p visitPair) float64 { return get(p).Marks.WasmEnd })
		compare("TTI", phase.name+": from wasm received to usable", "ms",
			func(p visitPair) float64 { return get(p).TTIms - get(p).Marks.WasmEnd })
	}
	rep.add(Row{Part: "TTI", Metric: "lab warm vs lab cold", Unit: "ms", Value: med(labPairs, func(p visitPair) float64 { return p.Warm.TTIms }),
		Baseline: "lab cold", BaseVal: med(labPairs, func(p visitPair) float64 { return p.Cold.TTIms })})
	return nil
}

// wasmNote says how often the wasm went over the wire in a visit.
func wasmNote(v visit) string {
	return fmt.Sprintf("%d requests; app.wasm: %d× 200, %d× 304", v.Requests, v.WasmBodies, v.WasmRequests-v.WasmBodies)
}

// visitTwice starts Chromium with a fresh profile, loads url cold, waits for
// the service worker to be active and the network to go quiet, then loads
// url again in the same profile. Bytes are counted by tap.
func (r *runner) visitTwice(chromium string, tap *wiretap.Tap, url, ready string, keepPaths bool) (visitPair, error) {
	profile, err := os.MkdirTemp("", "bench-chromium-")
	if err != nil {
		return visitPair{}, err
	}
	defer os.RemoveAll(profile)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox, // root
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-proxy-server", true),
		// Nothing but loopback: every host name fails to resolve.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(profile),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(r.ctx, opts...)
	defer cancelAlloc()
	bctx, cancelCtx := chromedp.NewContext(actx)
	defer cancelCtx()
	ctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()
	defer func() { _ = chromedp.Cancel(bctx) }() // closes the browser and waits for it

	if err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(probe(ready)).Do(ctx)
		return err
	})); err != nil {
		return visitPair{}, fmt.Errorf("start chromium: %w", err)
	}

	var pair visitPair
	tap.WaitQuiet(200*time.Millisecond, 2*time.Second)
	tap.Reset()
	marks, err := loadUntilReady(ctx, url)
	if err != nil {
		return pair, fmt.Errorf("cold visit: %w", err)
	}
	// The worker's precache belongs to the first visit: wait for it to be
	// active (its install step is the precache), then for the wire to rest.
	var active bool
	swctx, swcancel := context.WithTimeout(ctx, 30*time.Second)
	defer swcancel()
	if err := chromedp.Run(swctx, chromedp.Evaluate(`navigator.serviceWorker.ready.then(r => !!r.active)`, &active,
		func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) })); err != nil {
		return pair, fmt.Errorf("service worker: %w", err)
	}
	tap.WaitQuiet(750*time.Millisecond, 20*time.Second)
	pair.Cold = visitFrom(marks, tap.Reset(), keepPaths)

	if err := chromedp.Run(ctx, chromedp.Navigate("about:blank")); err != nil {
		return pair, err
	}
	tap.WaitQuiet(200*time.Millisecond, 2*time.Second)
	tap.Reset()
	if marks, err = loadUntilReady(ctx, url); err != nil {
		return pair, fmt.Errorf("warm visit: %w", err)
	}
	tap.WaitQuiet(750*time.Millisecond, 10*time.Second)
	pair.Warm = visitFrom(marks, tap.Reset(), keepPaths)
	return pair, nil
}

// loadUntilReady navigates and returns the probe's marks once the page is
// usable. It polls with plain Runtime.evaluate calls, which run in whatever
// document is current: a page may replace its execution context as it loads.
func loadUntilReady(ctx context.Context, url string) (pageMarks, error) {
	if err := chromedp.Run(ctx, chromedp.Navigate(url)); err != nil {
		return pageMarks{}, err
	}
	deadline := time.Now().Add(60 * time.Second)
	var last error
	var early *pageMarks // ready, but the wasm's timing entry not there yet
	for time.Now().Before(deadline) {
		var m *pageMarks
		err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
			v, exc, err := runtime.Evaluate(readMarks).WithReturnByValue(true).Do(ctx)
			if err != nil {
				return err
			}
			if exc != nil {
				return fmt.Errorf("probe: %s", exc.Text)
			}
			return json.Unmarshal(v.Value, &m)
		}))
		switch {
		case err == nil && m != nil && m.WasmEnd < 0 && early == nil:
			// Chromium adds Resource Timing entries asynchronously, and a busy
			// main thread delays them: allow it a moment.
			early = m
			deadline = time.Now().Add(2 * time.Second)
		case err == nil && m != nil && m.WasmEnd >= 0:
			return *m, nil
		case ctx.Err() != nil:
			return pageMarks{}, ctx.Err()
		}
		last = err
		time.Sleep(20 * time.Millisecond)
	}
	if early != nil {
		return *early, nil
	}
	return pageMarks{}, fmt.Errorf("not usable within 60s (last error: %v)", last)
}
