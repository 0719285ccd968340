package lab

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func TestRouteOf(t *testing.T) {
	tests := []struct {
		base, path, want string
	}{
		{"", "/", routePage},
		{"", "/session", routePage},
		{"", "/console", routePage},
		{"", "/nope", routeOther},
		{"", "/healthz", routeHealthz},
		{"", "/readyz", routeReadyz},
		{"", "/proxy/sandbox/rest/api/2/myself", routeProxy},
		{"", "/api/upstreams", routeAPI},
		{"", "/web/app.wasm", routeAsset},
		{"", "/web/lab.css", routeAsset},
		{"", "/app-worker.js", routeAsset},
		{"", "/manifest.webmanifest", routeAsset},
		{"", "/robots.txt", routeAsset},
		{"", "/metrics", routeOther},
		{"/lab", "/lab", routePage},
		{"/lab", "/lab/", routePage},
		{"/lab", "/lab/basic", routePage},
		{"/lab", "/lab/proxy/sandbox/rest", routeProxy},
		{"/lab", "/lab/healthz", routeHealthz},
		{"/lab", "/lab/readyz", routeReadyz},
		{"/lab", "/lab/web/icon.svg", routeAsset},
		{"/lab", "/session", routeOther},
		{"/lab", "/healthz", routeOther},
		{"/lab", "/labx/session", routeOther},
		{"/lab", "/lab/lab/session", routeOther},
	}
	for _, tt := range tests {
		t.Run(tt.base+tt.path, func(t *testing.T) {
			if got := routeOf(tt.base, tt.path); got != tt.want {
				t.Errorf("routeOf(%q, %q) = %q; want %q", tt.base, tt.path, got, tt.want)
			}
		})
	}
}

// scrape GETs the metrics and returns the text exposition.
func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v\n%s", url, resp.StatusCode, err, b)
	}
	return string(b)
}

// sample returns the value of the series name{labels} in a text
// exposition (labels as Prometheus writes them: sorted by name), and
// whether it is there.
func sample(text, series string) (float64, bool) {
	for _, line := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(line, series+" ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
		return v, err == nil
	}
	return 0, false
}

// TestMetricsListener drives the app through each route and reads the
// counts back from the metrics listener.
func TestMetricsListener(t *testing.T) {
	s := startTestServer(t, Config{SandboxAddr: "127.0.0.1:0", MetricsAddr: "127.0.0.1:0", BasePath: "/lab", Version: "v-test"})
	if s.MetricsURL == "" {
		t.Fatal("MetricsURL is empty with -metrics-addr set")
	}
	get := func(url string, header ...string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	root := strings.TrimSuffix(s.AppURL, "lab/")
	calls := []struct {
		url    string
		header []string
		status int
	}{
		{s.AppURL, nil, 200},
		{s.AppURL + "session", nil, 200},
		{s.AppURL + "web/lab.css", nil, 200},
		{s.AppURL + "healthz", nil, 200},
		{s.AppURL + "readyz", nil, 200},
		{s.AppURL + "readyz", nil, 200},
		{s.AppURL + "api/upstreams", nil, 200},
		{s.AppURL + "proxy/sandbox/rest/api/2/myself", []string{"X-Jira-Lab", "1"}, 401},
		{s.AppURL + "proxy/sandbox/rest/api/2/myself", nil, 403}, // no lab header: refused, never reaches Jira
		{root + "session", nil, 404},
		{s.AppURL + "metrics", nil, 404}, // not on the app listener
	}
	for _, c := range calls {
		if got := get(c.url, c.header...); got != c.status {
			t.Fatalf("GET %s = %d; want %d", c.url, got, c.status)
		}
	}
	text := scrape(t, s.MetricsURL)
	wants := []struct {
		series string
		want   float64
	}{
		{metricRequests + `{route="page",status="200"}`, 2},
		{metricRequests + `{route="asset",status="200"}`, 1},
		{metricRequests + `{route="healthz",status="200"}`, 1},
		{metricRequests + `{route="readyz",status="200"}`, 2},
		{metricRequests + `{route="api",status="200"}`, 1},
		{metricRequests + `{route="proxy",status="401"}`, 1},
		{metricRequests + `{route="proxy",status="403"}`, 1},
		{metricRequests + `{route="other",status="404"}`, 2}, // outside the base path, and /lab/metrics
		{metricUpstream + `_count{upstream="sandbox"}`, 1},
		{metricBuild + `{version="v-test"}`, 1},
		{metricReady, 1},
	}
	for _, w := range wants {
		t.Run(w.series, func(t *testing.T) {
			got, ok := sample(text, w.series)
			if !ok || got != w.want {
				t.Errorf("%s = %v (present %v); want %v\n%s", w.series, got, ok, w.want, grepLines(text, "jira_auth_lab_"))
			}
		})
	}
	for _, absent := range []string{`upstream="sandbox-cloud"`, `route="/`} {
		if strings.Contains(text, absent) {
			t.Errorf("metrics hold %s; want none", absent)
		}
	}
	if _, ok := sample(text, "go_goroutines"); !ok {
		t.Errorf("go_goroutines missing: the Go collector is not registered")
	}

	s.draining.Store(true)
	if got, _ := sample(scrape(t, s.MetricsURL), metricReady); got != 0 {
		t.Errorf("%s while draining = %v; want 0", metricReady, got)
	}
	s.draining.Store(false)

	// The metrics listener is not the app: only GET /metrics.
	mroot := strings.TrimSuffix(s.MetricsURL, "metrics")
	for _, p := range []string{"", "lab/", "healthz", "proxy/sandbox/rest"} {
		if got := get(mroot + p); got != http.StatusNotFound {
			t.Errorf("metrics listener GET /%s = %d; want 404", p, got)
		}
	}
}

// grepLines keeps the lines of text containing s, for failure messages.
func grepLines(text, s string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestMetricsOffByDefault(t *testing.T) {
	cfg, err := ParseFlags(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MetricsAddr != "" {
		t.Fatalf("default MetricsAddr = %q; want off", cfg.MetricsAddr)
	}
	s := startTestServer(t, Config{SandboxAddr: "127.0.0.1:0"})
	if s.MetricsURL != "" {
		t.Errorf("MetricsURL = %q with metrics off; want empty", s.MetricsURL)
	}
}

// A metrics address already in use stops the start with the flag's name,
// and leaves no other listener bound.
func TestMetricsAddrInUse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	app, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	appAddr := app.Addr().String()
	app.Close()
	_, err = Start(Config{Addr: appAddr, SandboxAddr: "127.0.0.1:0", MetricsAddr: busy.Addr().String(),
		FrameAncestors: "'self'"}, testWeb(), nil)
	if err == nil || !strings.HasPrefix(err.Error(), "-metrics-addr "+busy.Addr().String()) || !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("Start = %v; want an error naming -metrics-addr and the address in use", err)
	}
	ln, err := net.Listen("tcp", appAddr)
	if err != nil {
		t.Fatalf("the app's address stayed bound after the failed start: %v", err)
	}
	ln.Close()
}

// fakeSandbox counts what a per-visitor sandbox would.
type fakeSandbox struct{ visitors, sessions int }

func (f fakeSandbox) Visitors() int { return f.visitors }
func (f fakeSandbox) Sessions() int { return f.sessions }

type sessionsOnly struct{ n int }

func (f sessionsOnly) Sessions() int { return f.n }

func TestWatchSandbox(t *testing.T) {
	tests := []struct {
		name                 string
		sb                   any
		wantVisitors         float64
		wantSessions         float64
		hasVisitors, hasSess bool
	}{
		{"both counts", fakeSandbox{visitors: 3, sessions: 7}, 3, 7, true, true},
		{"sessions only", sessionsOnly{n: 2}, 0, 2, false, true},
		{"neither", struct{}{}, 0, 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMetrics("v", nil)
			m.watchSandbox(tt.sb)
			srv := &http.Server{Handler: m.handler()}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			go srv.Serve(ln)
			defer srv.Close()
			text := scrape(t, "http://"+ln.Addr().String()+"/metrics")
			v, ok := sample(text, metricVisitors)
			if ok != tt.hasVisitors || v != tt.wantVisitors {
				t.Errorf("%s = %v (present %v); want %v (present %v)", metricVisitors, v, ok, tt.wantVisitors, tt.hasVisitors)
			}
			n, ok := sample(text, metricSessions)
			if ok != tt.hasSess || n != tt.wantSessions {
				t.Errorf("%s = %v (present %v); want %v (present %v)", metricSessions, n, ok, tt.wantSessions, tt.hasSess)
			}
		})
	}
}
