// Package lab assembles the Jira Auth Lab server: the go-app pages and
// assets, /healthz, /api/upstreams and the proxy on the app listener, and the
// built-in sandbox Jira on its own listener.
package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"jiraauthlab/contract"
	"jiraauthlab/server/proxy"
	"jiraauthlab/server/sandbox"
)

// Server is a started lab: listeners bound, serving.
type Server struct {
	// AppURL is where the app answers, e.g. http://127.0.0.1:8080/ (with the
	// base path); SandboxURL the sandbox's root, "" when off; MetricsURL
	// the metrics' (GET it), "" when off.
	AppURL     string
	SandboxURL string
	MetricsURL string

	logger  *slog.Logger
	app     *http.Server
	sandbox *http.Server
	metrics *http.Server // nil when -metrics-addr is off
	errc    chan error
	limits  Limits
	// appFlight and sbFlight know the requests running on each listener,
	// so that a drain that runs out of time can log what it cut off.
	appFlight, sbFlight inFlight
	draining            atomic.Bool // /readyz answers 503 once set
}

// Start binds the listeners and serves until Shutdown. web holds the embedded
// assets (package web).
func Start(cfg Config, web fs.FS, logger *slog.Logger) (*Server, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{logger: logger, errc: make(chan error, 3)}
	upstreamTimeout := cfg.UpstreamTimeout
	if upstreamTimeout <= 0 {
		upstreamTimeout = proxy.DefaultUpstreamTimeout
	}
	s.limits = cfg.Limits.withDefaults(upstreamTimeout)
	upstreams := cfg.Upstreams

	// The metrics listener is bound first: an address in use stops the
	// start with one line naming the flag, before anything else is bound.
	var (
		mx   *metrics
		mxLn net.Listener
	)
	if cfg.MetricsAddr != "" {
		var err error
		if mxLn, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			return nil, fmt.Errorf("-metrics-addr %s: %w", cfg.MetricsAddr, listenErr(err))
		}
		mx = newMetrics(cfg.Version, func() bool { return !s.draining.Load() })
		s.MetricsURL = "http://" + dialable(mxLn.Addr()) + "/metrics"
	}

	var sbLn net.Listener
	if cfg.SandboxAddr != "" {
		var err error
		if sbLn, err = net.Listen("tcp", cfg.SandboxAddr); err != nil {
			closeIf(mxLn)
			return nil, fmt.Errorf("-sandbox-addr %s: %w", cfg.SandboxAddr, listenErr(err))
		}
		sbLn = newLimitListener(sbLn, s.limits.MaxConns)
		s.SandboxURL = "http://" + dialable(sbLn.Addr()) + "/"
		u, _ := url.Parse("http://" + dialable(sbLn.Addr()))
		sb := proxy.Upstream{Name: "sandbox", URL: u, Sandbox: true}
		if !hasName(upstreams, "sandbox") { // a -upstream sandbox=… replaces it
			upstreams = append(append([]proxy.Upstream(nil), upstreams...), sb)
		}
		// The same listener's Cloud face (CONTRACT.md, "Two faces of Jira"):
		// listing it is also what lets the proxy reach /cloud.
		if !hasName(upstreams, "sandbox-cloud") {
			cu := *u
			cu.Path = "/cloud"
			upstreams = append(append([]proxy.Upstream(nil), upstreams...), proxy.Upstream{Name: "sandbox-cloud", URL: &cu, Sandbox: true})
		}
		jira := sandbox.New(sandbox.Options{
			// It answers only to a Host naming this listener: DNS rebinding.
			Addr:        sbLn.Addr(),
			IdleTimeout: cfg.SandboxIdleTimeout,
			MaxVisitors: cfg.SandboxVisitors,
			Logger:      logger.With("component", "sandbox"),
		})
		if mx != nil {
			mx.watchSandbox(jira)
		}
		s.sandbox = newHTTPServer(s.sbFlight.track(jira), s.limits, logger)
	}
	if len(upstreams) == 0 {
		closeIf(sbLn, mxLn)
		return nil, errors.New("no upstream: give -upstream NAME=URL or leave the sandbox on")
	}

	pcfg := proxy.Config{
		Upstreams:          upstreams,
		MaxBody:            cfg.MaxBody,
		UpstreamTimeout:    cfg.UpstreamTimeout,
		InsecureSkipVerify: cfg.UpstreamInsecure,
		UserAgent:          contract.UserAgent(cfg.Version),
		Logger:             logger.With("component", "proxy"),
	}
	if mx != nil {
		pcfg.ObserveUpstream = mx.observeUpstream
	}
	if cfg.UpstreamCA != "" {
		pool, err := proxy.LoadCA(cfg.UpstreamCA)
		if err != nil {
			closeIf(sbLn, mxLn)
			return nil, err
		}
		pcfg.RootCAs = pool
	}
	if cfg.UpstreamInsecure {
		logger.Warn("upstream TLS verification is OFF (-upstream-insecure): use only with self-signed test servers")
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		closeIf(sbLn, mxLn)
		return nil, fmt.Errorf("-addr %s: %w", cfg.Addr, listenErr(err))
	}
	ln = newLimitListener(ln, s.limits.MaxConns)
	hosts := newHostSet(ln.Addr(), cfg.PublicURL)
	pcfg.Hosts = hosts
	px, err := proxy.New(pcfg)
	if err != nil {
		closeIf(sbLn, ln, mxLn)
		return nil, err
	}
	h, err := newHandler(handlerConfig{
		BasePath:       cfg.BasePath,
		FrameAncestors: cfg.FrameAncestors,
		PublicURL:      cfg.PublicURL,
		Version:        cfg.Version,
		Hosts:          hosts,
		Proxy:          px,
		Web:            web,
		Started:        time.Now(),
		Ready:          func() bool { return !s.draining.Load() },
	})
	if err != nil {
		closeIf(sbLn, ln, mxLn)
		return nil, err
	}
	var app http.Handler = accessLog(logger, h)
	if mx != nil {
		app = mx.instrument(cfg.BasePath, app)
	}
	s.app = newHTTPServer(s.appFlight.track(app), s.limits, logger)
	s.AppURL = "http://" + dialable(ln.Addr()) + cfg.BasePath + "/"
	if cfg.PublicURL != nil {
		s.AppURL = cfg.PublicURL.Scheme + "://" + cfg.PublicURL.Host + cfg.BasePath + "/"
	}

	go func() { s.errc <- serve(s.app, ln) }()
	if s.sandbox != nil {
		go func() { s.errc <- serve(s.sandbox, sbLn) }()
	}
	if mx != nil {
		s.metrics = newHTTPServer(mx.handler(), s.limits, logger)
		go func() { s.errc <- serve(s.metrics, mxLn) }()
	}
	return s, nil
}

func serve(srv *http.Server, ln net.Listener) error {
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Err delivers the first serving error (a listener that failed).
func (s *Server) Err() <-chan error { return s.errc }

// Shutdown stops accepting and drains in-flight requests until ctx ends;
// /readyz answers 503 from its start.
func (s *Server) Shutdown(ctx context.Context) error {
	s.draining.Store(true)
	// The app first: its in-flight proxied requests may still need the sandbox.
	errs := []error{s.app.Shutdown(ctx)}
	if s.sandbox != nil {
		errs = append(errs, s.sandbox.Shutdown(ctx))
	}
	// The metrics last: a scrape during the drain still sees it.
	if s.metrics != nil {
		errs = append(errs, s.metrics.Shutdown(ctx))
	}
	return errors.Join(errs...)
}

// Run starts the lab, prints where it answers, and serves until ctx ends;
// then it drains in-flight requests (up to Limits.Drain), logs each request
// it had to cut off, and returns nil.
func Run(ctx context.Context, cfg Config, web fs.FS, stdout io.Writer, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s, err := Start(cfg, web, logger)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Jira Auth Lab %s\n  app:     %s\n", cfg.Version, s.AppURL)
	if s.SandboxURL != "" {
		fmt.Fprintf(stdout, "  sandbox: %s\n", s.SandboxURL)
	} else {
		fmt.Fprintf(stdout, "  sandbox: off\n")
	}
	if s.MetricsURL != "" {
		fmt.Fprintf(stdout, "  metrics: %s\n", s.MetricsURL)
	}
	select {
	case <-ctx.Done():
	case err := <-s.errc:
		if err != nil {
			_ = s.Shutdown(context.Background())
			return err
		}
	}
	logger.Info("shutting down: draining in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), s.limits.Drain)
	defer cancel()
	if err := s.Shutdown(sctx); err != nil {
		logger.Warn("drain did not finish; closing the connections left", "err", err)
		s.appFlight.logCutOff(logger, "app")
		s.sbFlight.logCutOff(logger, "sandbox")
		s.app.Close()
		if s.sandbox != nil {
			s.sandbox.Close()
		}
		if s.metrics != nil {
			s.metrics.Close()
		}
	}
	return nil
}

// dialable is the listener's address as a client reaches it: an unspecified
// host (0.0.0.0, ::) becomes loopback.
func dialable(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	ip := tcp.IP
	if ip.IsUnspecified() {
		if ip.To4() != nil {
			ip = net.IPv4(127, 0, 0, 1)
		} else {
			ip = net.IPv6loopback
		}
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(tcp.Port))
}

func hasName(ups []proxy.Upstream, name string) bool {
	for _, u := range ups {
		if u.Name == name {
			return true
		}
	}
	return false
}

func closeIf(lns ...net.Listener) {
	for _, ln := range lns {
		if ln != nil {
			ln.Close()
		}
	}
}

// listenErr is net.Listen's error without the "listen tcp <addr>:" its
// net.OpError repeats: the caller names the flag and the address once.
func listenErr(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}
