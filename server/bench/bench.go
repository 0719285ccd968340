// Package bench measures Jira Auth Lab against baselines taken in the same
// run: the wasm against a go-app "hello" (the floor), the first and repeat
// visits and the time to interactive in headless Chromium against the floor,
// the proxy against nginx, the sandbox against a trivial Go handler. Every
// figure is reported as measured and as a ratio; nothing absolute is asserted.
//
// Everything runs on loopback, and every load loop is bounded in time.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"
)

// Parts are the benchmark's sections, in run order; flows is make load.
var Parts = []string{"wasm", "browser", "proxy", "server", "flows"}

// DefaultParts are the sections a run without Parts measures (make bench);
// flows runs on its own (make load: two minutes of load).
var DefaultParts = []string{"wasm", "browser", "proxy", "server"}

// Options configure a run.
type Options struct {
	// Root is the repository root: bin/jira-auth-lab and web/app.wasm must
	// be built there (make build). The bench module is Root/server/bench.
	Root string
	// Smoke uses tiny durations and single samples, to check that the
	// harness works (under a minute), not to measure.
	Smoke bool
	// Parts selects sections (see Parts); empty means DefaultParts.
	Parts []string
	// Chromium is the browser binary; empty: found on PATH.
	Chromium string
	// OutDir receives the JSON report; empty: Root/.bench. "-" writes none.
	OutDir string
	// Log receives progress lines; nil discards them.
	Log io.Writer
}

// knobs are the durations and sample counts of one mode.
type knobs struct {
	browserSamples int           // cold+warm visits per program
	loadDuration   time.Duration // one measured load run
	warmup         time.Duration // unmeasured load before each run
	rounds         int           // interleaved repetitions of each load run
	startSamples   int
	wasmOpt        bool          // run wasm-opt when not cached (slow: ~1 min per wasm)
	flowClients    int           // concurrent learners of make load
	flowDuration   time.Duration // one run of make load
	settle         time.Duration // idle time before the goroutines and RSS are read
	brotliQuality  int           // quality when not cached
}

func modeKnobs(smoke bool) knobs {
	if smoke {
		return knobs{browserSamples: 1, loadDuration: 400 * time.Millisecond, warmup: 100 * time.Millisecond,
			rounds: 1, startSamples: 2, wasmOpt: false, brotliQuality: 5,
			flowClients: 8, flowDuration: time.Second, settle: time.Second}
	}
	return knobs{browserSamples: 5, loadDuration: 2 * time.Second, warmup: 300 * time.Millisecond,
		rounds: 3, startSamples: 5, wasmOpt: true, brotliQuality: 11,
		flowClients: 64, flowDuration: 60 * time.Second, settle: 3 * time.Second}
}

// runner carries one run's state.
type runner struct {
	opt     Options
	k       knobs
	ctx     context.Context
	root    string
	module  string // the bench module's directory
	cache   string // Root/.bench/cache: compression results by content hash
	work    string // Root/.bench/work-*: this run's helpers, floor files, logs
	labBin  string
	report  *Report
	log     io.Writer
	helpers map[string]string // built helper binaries by name
	floor   *wasmFigures      // the floor's files, once built
}

// Run measures the selected parts and returns the report; it also writes it
// as JSON to OutDir (bench-<time>.json and latest.json).
func Run(ctx context.Context, opt Options) (*Report, error) {
	root, err := filepath.Abs(opt.Root)
	if err != nil {
		return nil, err
	}
	r := &runner{
		opt: opt, k: modeKnobs(opt.Smoke), ctx: ctx, root: root,
		module: filepath.Join(root, "server", "bench"),
		cache:  filepath.Join(root, ".bench", "cache"),
		labBin: filepath.Join(root, "bin", "jira-auth-lab"),
		log:    opt.Log, helpers: map[string]string{},
	}
	if r.log == nil {
		r.log = io.Discard
	}
	for _, p := range opt.Parts {
		if !slices.Contains(Parts, p) {
			return nil, fmt.Errorf("unknown part %q (have %v)", p, Parts)
		}
	}
	if _, err := os.Stat(r.labBin); err != nil {
		return nil, fmt.Errorf("%s is missing: run `make build` first", r.labBin)
	}
	if _, err := os.Stat(filepath.Join(root, "web", "app.wasm")); err != nil {
		return nil, fmt.Errorf("web/app.wasm is missing: run `make build` first")
	}
	if err := os.MkdirAll(r.cache, 0o755); err != nil {
		return nil, err
	}
	// One work directory per run (built helpers, the floor's files, server
	// logs), so that a test and a full run cannot trip over each other. It
	// is kept when something failed, for its logs.
	if r.work, err = os.MkdirTemp(filepath.Join(root, ".bench"), "work-"); err != nil {
		return nil, err
	}
	start := time.Now()
	r.report = newReport(opt.Smoke, start)
	r.report.Machine = describeMachine(r.labBin, opt.Chromium)

	steps := []struct {
		part string
		fn   func() error
	}{
		{"wasm", r.wasmPart},
		{"browser", r.browserPart},
		{"proxy", r.proxyPart},
		{"server", r.serverPart},
		{"flows", r.flowsPart},
	}
	if len(opt.Parts) == 0 {
		opt.Parts = DefaultParts
	}
	var errs []error
	for _, s := range steps {
		if len(opt.Parts) > 0 && !slices.Contains(opt.Parts, s.part) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return r.report, err
		}
		t := time.Now()
		r.logf("== %s", s.part)
		if err := s.fn(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.part, err))
			r.report.Notes = append(r.report.Notes, fmt.Sprintf("%s failed: %v", s.part, err))
			r.logf("%s failed: %v", s.part, err)
		}
		r.report.PartSeconds[s.part] = time.Since(t).Seconds()
	}
	r.report.DurationS = time.Since(start).Seconds()
	if len(errs) == 0 {
		os.RemoveAll(r.work)
	} else {
		r.logf("logs kept in %s", r.work)
	}
	if opt.OutDir != "-" {
		dir := opt.OutDir
		if dir == "" {
			dir = filepath.Join(root, ".bench")
		}
		path, err := r.report.WriteJSON(dir)
		if err != nil {
			errs = append(errs, err)
		} else {
			r.logf("report written to %s", path)
		}
	}
	return r.report, errors.Join(errs...)
}

func (r *runner) logf(format string, args ...any) {
	fmt.Fprintf(r.log, "bench: "+format+"\n", args...)
}

// helper builds (once per run) a program of the bench module and returns
// its path: "fixedserver", "floorserver", "goproxy".
func (r *runner) helper(name string) (string, error) {
	if p, ok := r.helpers[name]; ok {
		return p, nil
	}
	pkgs := map[string]string{"fixedserver": "./cmd/fixedserver", "floorserver": "./floor/server", "goproxy": "./cmd/goproxy"}
	out := filepath.Join(r.work, "bin", name)
	if err := goBuild(r.module, out, pkgs[name]); err != nil {
		return "", err
	}
	r.helpers[name] = out
	return out, nil
}

// findChromium returns the configured browser or the first on PATH.
func findChromium(configured string) string {
	if configured != "" {
		return configured
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}
