package lab

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"jiraauthlab/wasm/ui"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metric names: the README's Operations section lists them; dashboards
// and alerts depend on them.
const (
	metricRequests = "jira_auth_lab_http_requests_total"
	metricUpstream = "jira_auth_lab_upstream_response_seconds"
	metricVisitors = "jira_auth_lab_sandbox_visitors"
	metricSessions = "jira_auth_lab_sandbox_sessions"
	metricBuild    = "jira_auth_lab_build_info"
	metricReady    = "jira_auth_lab_ready"
)

// Routes, the values of the route label: a fixed set, never a raw path, so
// that a scan of random URLs cannot grow the series without bound.
const (
	routePage    = "page"    // a page of the PWA
	routeAsset   = "asset"   // wasm, /web/, go-app's scripts and manifest, robots.txt
	routeProxy   = "proxy"   // /proxy/{upstream}/…
	routeAPI     = "api"     // /api/…
	routeHealthz = "healthz" // /healthz
	routeReadyz  = "readyz"  // /readyz
	routeOther   = "other"   // anything else: not found, outside the base path
)

// statusAborted is the status label of a request whose handler panicked
// (the proxy's way of cutting off a body the upstream broke off).
const statusAborted = "aborted"

// metrics is the lab's Prometheus registry, served on -metrics-addr only:
// a registry of its own, not the global one, so that nothing a library
// registers globally leaks onto it and tests can start several servers.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	upstream *prometheus.HistogramVec
}

// sandboxCounts are what the sandbox can tell the metrics. Each is looked
// for on its own, so either gauge appears as soon as the sandbox has the
// method: the per-visitor sandbox (issue 18) brings Visitors.
type (
	visitorCounter interface{ Visitors() int }
	sessionCounter interface{ Sessions() int }
)

// newMetrics builds the registry. ready reports whether the app takes new
// visitors (what /readyz says).
func newMetrics(version string, ready func() bool) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricRequests,
			Help: "Requests the app listener answered, by route (page, asset, proxy, api, healthz, readyz, other) and HTTP status.",
		}, []string{"route", "status"}),
		upstream: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: metricUpstream,
			Help: "Time from sending a proxied request to the upstream Jira's response headers, by upstream name.",
			// From a sandbox on loopback (well under a millisecond) to the
			// 30 s of -upstream-timeout's default.
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"upstream"}),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        metricBuild,
		Help:        "Always 1; the version label is the build version /healthz reports.",
		ConstLabels: prometheus.Labels{"version": version},
	})
	build.Set(1)
	m.reg.MustRegister(
		m.requests, m.upstream, build,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: metricReady,
			Help: "1 while /readyz answers 200, 0 while the server drains.",
		}, func() float64 {
			if ready == nil || ready() {
				return 1
			}
			return 0
		}),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// watchSandbox registers the sandbox's gauges, those it can count.
func (m *metrics) watchSandbox(sb any) {
	if c, ok := sb.(visitorCounter); ok {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: metricVisitors,
			Help: "Per-visitor sandbox states held (each browser that used the built-in sandbox through the lab).",
		}, func() float64 { return float64(c.Visitors()) }))
	}
	if c, ok := sb.(sessionCounter); ok {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: metricSessions,
			Help: "Live sessions in the built-in sandbox, every visitor's state included.",
		}, func() float64 { return float64(c.Sessions()) }))
	}
}

// observeUpstream is the proxy's ObserveUpstream.
func (m *metrics) observeUpstream(upstream string, d time.Duration) {
	m.upstream.WithLabelValues(upstream).Observe(d.Seconds())
}

// handler serves the registry: GET /metrics, and 404 for anything else, so
// that the metrics listener never looks like the app.
func (m *metrics) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	return mux
}

// instrument counts every request of next by route and status. It must be
// the outermost wrapper of the app: the handler strips the base path from
// r.URL in place, and the access log's handOverLog looks for its own writer.
func (m *metrics) instrument(basePath string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route := routeOf(basePath, r.URL.Path)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			status := statusAborted
			v := recover()
			if v == nil {
				code := sw.status
				if code == 0 {
					code = http.StatusOK
				}
				status = strconv.Itoa(code)
			}
			m.requests.WithLabelValues(route, status).Inc()
			if v != nil {
				panic(v)
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// assetPaths are the files under the base path that are not pages: those
// go-app's Handler serves itself (v9.8.0 http.go, initProxyResources and
// ServeHTTP) and those the lab serves in its place (handler.go).
var assetPaths = map[string]bool{
	"/wasm_exec.js": true, "/goapp.js": true, "/app.js": true, "/app-worker.js": true,
	"/manifest.json": true, "/manifest.webmanifest": true, "/app.css": true,
	"/app.wasm": true, "/goapp.wasm": true,
	"/robots.txt": true, "/sitemap.xml": true, "/ads.txt": true,
}

// routeOf names the route of a request path as it arrived (base path
// included).
func routeOf(basePath, path string) string {
	p, ok := strings.CutPrefix(path, basePath)
	if !ok {
		return routeOther
	}
	switch {
	case p == "" && basePath != "": // the base itself: redirected to base + "/"
		return routePage
	case p == "/healthz":
		return routeHealthz
	case p == "/readyz":
		return routeReadyz
	case strings.HasPrefix(p, "/proxy/"):
		return routeProxy
	case strings.HasPrefix(p, "/api/"):
		return routeAPI
	case strings.HasPrefix(p, "/web/") || assetPaths[p]:
		return routeAsset
	case p == "/" || isPage(p):
		return routePage
	}
	return routeOther
}

func isPage(p string) bool {
	for _, r := range ui.PageRoutes {
		if p == r {
			return true
		}
	}
	return false
}
