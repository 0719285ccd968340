// Command jira-auth-lab serves Jira Auth Lab: the go-app PWA, the proxy to
// Jira, and the built-in sandbox Jira. See the README for the flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"jiraauthlab/server/lab"
	"jiraauthlab/server/proxy"
	"jiraauthlab/web"
)

// version is set at build time: -ldflags "-X main.version=...".
var version = "dev"

func main() {
	cfg, err := lab.ParseFlags(os.Args[1:], os.Getenv, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return
	case errors.Is(err, lab.ErrShowVersion):
		fmt.Println(version)
		return
	case err != nil:
		fmt.Fprintln(os.Stderr, "jira-auth-lab:", err)
		os.Exit(2)
	}
	if cfg.HealthCheck != "" {
		// A container's HEALTHCHECK: one line on failure, exit status 1.
		if err := lab.CheckHealth(context.Background(), cfg.HealthCheck, 5*time.Second); err != nil {
			fmt.Fprintln(os.Stderr, "jira-auth-lab:", err)
			os.Exit(1)
		}
		return
	}
	cfg.Version = version
	// Logs leave through a buffer flushed in the background: no request
	// waits for a write to stderr.
	logw := lab.NewLogWriter(os.Stderr, 100*time.Millisecond)
	defer logw.Close()
	logger := slog.New(slog.NewTextHandler(logw, nil))
	// Go's http.Transport prints what a misbehaving upstream sent through
	// the log package, outside slog: it could carry a Set-Cookie.
	proxy.RedirectStdLog(logger.With("component", "stdlog"))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := lab.Run(ctx, cfg, web.Assets, os.Stdout, logger); err != nil {
		logw.Close()
		fmt.Fprintln(os.Stderr, "jira-auth-lab:", err)
		os.Exit(1)
	}
}
