// Command bench runs Jira Auth Lab's benchmark (make bench): it prints a
// Markdown table of every figure and its same-run baseline, and writes the
// full report as JSON under .bench/ at the repository root.
//
//	go run ./cmd/bench [-smoke] [-parts wasm,browser,proxy,server] [-out DIR] [-root DIR] [-chromium PATH]
//
// -smoke (or BENCH_SMOKE=1) uses tiny durations: it checks that the harness
// works, in under a minute, and measures nothing worth quoting.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"jiraauthlab/bench"
)

func main() {
	root := flag.String("root", "", "repository root (default: the directory of the go.mod of module jiraauthlab above the working directory)")
	smoke := flag.Bool("smoke", os.Getenv("BENCH_SMOKE") != "", "tiny durations, single samples (also BENCH_SMOKE=1)")
	parts := flag.String("parts", "", "comma-separated parts to run, of "+strings.Join(bench.Parts, ","))
	chromium := flag.String("chromium", os.Getenv("CHROMIUM"), "Chromium binary (default: chromium on PATH)")
	out := flag.String("out", "", "directory of the JSON report (default: <root>/.bench; - for none)")
	flag.Parse()

	if *root == "" {
		r, err := findRoot()
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(2)
		}
		*root = r
	}
	var sel []string
	if *parts != "" {
		sel = strings.Split(*parts, ",")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := bench.Run(ctx, bench.Options{
		Root: *root, Smoke: *smoke, Parts: sel, Chromium: *chromium, OutDir: *out, Log: os.Stderr,
	})
	if rep != nil {
		rep.WriteTable(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// findRoot walks up from the working directory to the go.mod of module
// jiraauthlab (the product, not this bench module).
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if f, err := os.Open(filepath.Join(dir, "go.mod")); err == nil {
			sc := bufio.NewScanner(f)
			isRoot := sc.Scan() && strings.TrimSpace(sc.Text()) == "module jiraauthlab"
			f.Close()
			if isRoot {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of module jiraauthlab above the working directory: pass -root")
		}
		dir = parent
	}
}
