package bench_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jiraauthlab/bench"
)

// TestSmoke runs every part of the benchmark with tiny durations against the
// built lab (make build) and checks that each figure the table promises is
// there and plausible. It measures nothing: it fails when the harness breaks.
func TestSmoke(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "bin", "jira-auth-lab")); err != nil {
		t.Fatalf("bin/jira-auth-lab is missing: run `make build` first (%v)", err)
	}
	parts := bench.Parts
	if p := os.Getenv("BENCH_SMOKE_PARTS"); p != "" {
		parts = strings.Split(p, ",")
	}
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	rep, err := bench.Run(ctx, bench.Options{Root: root, Smoke: true, Parts: parts, OutDir: out, Log: testWriter{t}})
	if err != nil {
		t.Fatalf("smoke run: %v", err)
	}

	want := map[string][]string{ // part → metrics (prefixes) its rows must have
		"wasm":    {"app.wasm raw", "gzip -9", "brotli"},
		"browser": {"bytes sent, cold /session", "app.wasm bytes over the network", "cold (fresh profile)", "warm (second visit)"},
		"proxy":   {"lab proxy req/s", "lab proxy p50"},
		"server":  {"POST session (login fred) req/s", "GET session (cookie) req/s", "start: exec", "RSS idle", "RSS under load"},
		"flows":   {"requests/s", "p50", "p99", "goroutines after run 1", "goroutines after run 2", "RSS after run 2"},
	}
	// The proxy's goal is set against nginx: when nginx is on the machine
	// (make installs it), its rows must be there, with a verdict.
	nginx := bench.NginxPath() != ""
	for _, part := range parts {
		if part == "proxy" && nginx {
			for _, metric := range []string{"lab proxy req/s", "lab proxy p50"} {
				if row := findBase(rep.Rows, metric, "nginx"); row == nil || row.Met == nil {
					t.Errorf("proxy: nginx is installed but %q against nginx is missing or has no verdict: %+v", metric, row)
				}
			}
		}
		for _, metric := range want[part] {
			row := find(rep.Rows, metric)
			if row == nil {
				t.Errorf("%s: no row %q", part, metric)
				continue
			}
			if row.Value < 0 || (row.Value == 0 && metric != "app.wasm bytes over the network") {
				t.Errorf("%s: %q = %v; want a positive figure", part, metric, row.Value)
			}
			if row.Baseline != "" && row.Ratio == nil {
				t.Errorf("%s: %q has a baseline (%s) but no ratio", part, metric, row.Baseline)
			}
			if row.Goal != "" && row.Met == nil {
				t.Errorf("%s: %q has a goal (%s) but no verdict", part, metric, row.Goal)
			}
		}
	}

	b, err := os.ReadFile(filepath.Join(out, "latest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var back bench.Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("latest.json: %v", err)
	}
	if back.Mode != "smoke" || len(back.Rows) != len(rep.Rows) || back.Machine.CPUs == 0 {
		t.Errorf("latest.json: mode %q, %d rows (want smoke, %d), %d CPUs", back.Mode, len(back.Rows), len(rep.Rows), back.Machine.CPUs)
	}
	var table strings.Builder
	rep.WriteTable(&table)
	if !strings.HasPrefix(table.String(), "| part | metric |") {
		t.Errorf("table starts %q", table.String()[:min(40, table.Len())])
	}
	t.Logf("\n%s", table.String())
}

func find(rows []bench.Row, metric string) *bench.Row {
	return findBase(rows, metric, "")
}

// findBase is the first row whose metric starts with metric and, unless base
// is empty, whose baseline is base.
func findBase(rows []bench.Row, metric, base string) *bench.Row {
	for i := range rows {
		if strings.HasPrefix(rows[i].Metric, metric) && (base == "" || rows[i].Baseline == base) {
			return &rows[i]
		}
	}
	return nil
}

// testWriter sends the harness's progress lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
