package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"jiraauthlab/contract"
	"jiraauthlab/internal/testkit"
	"jiraauthlab/server/proxy"
)

func startTestServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	return startTestServerLogging(t, cfg, nil)
}

// startTestServerLogging is startTestServer logging to logger (nil: discard).
func startTestServerLogging(t *testing.T, cfg Config, logger *slog.Logger) *Server {
	t.Helper()
	return startTestServerWeb(t, cfg, testWeb(), logger)
}

// startTestServerWeb is startTestServerLogging serving the web files web.
func startTestServerWeb(t *testing.T, cfg Config, web fs.FS, logger *slog.Logger) *Server {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.FrameAncestors == "" {
		cfg.FrameAncestors = "'self'"
	}
	cfg.MaxBody, cfg.UpstreamTimeout, cfg.SandboxIdleTimeout = 10<<20, 10*time.Second, time.Hour
	s, err := Start(cfg, web, logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return s
}

// labCall sends one request through the lab's proxy as the page does.
func labCall(t *testing.T, method, url, body string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Jira-Lab", "1")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestSeed001FlowThroughProxy walks seed 001 through the proxy against the
// built-in sandbox: log in, read the cookie from X-Jira-Set-Cookie, send it as
// X-Jira-Cookie, search, log out, and see the session gone.
func TestSeed001FlowThroughProxy(t *testing.T) {
	s := startTestServer(t, Config{SandboxAddr: "127.0.0.1:0"})
	api := s.AppURL + "proxy/sandbox"

	resp, body := labCall(t, "POST", api+"/rest/auth/1/session", `{"username":"fred","password":"fred"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("login = %d %s", resp.StatusCode, body)
	}
	if len(resp.Header.Values("Set-Cookie")) != 0 {
		t.Errorf("the proxy's answer carries Set-Cookie: %v", resp.Header.Values("Set-Cookie"))
	}
	var login struct {
		Session struct{ Name, Value string }
	}
	if err := json.Unmarshal([]byte(body), &login); err != nil || login.Session.Name != "JSESSIONID" || login.Session.Value == "" {
		t.Fatalf("session JSON %s (%v)", body, err)
	}
	cookies := resp.Header.Values("X-Jira-Set-Cookie")
	var fromHeader string
	for _, c := range cookies {
		if strings.HasPrefix(c, "JSESSIONID=") {
			fromHeader = strings.SplitN(strings.TrimPrefix(c, "JSESSIONID="), ";", 2)[0]
		}
	}
	if len(cookies) < 2 || fromHeader != login.Session.Value {
		t.Fatalf("X-Jira-Set-Cookie = %q; want JSESSIONID=%s and the XSRF token", cookies, login.Session.Value)
	}
	jar := login.Session.Name + "=" + login.Session.Value

	// The browser's own cookie must never reach Jira: a bogus one would
	// otherwise shadow the session.
	resp, body = labCall(t, "POST", api+"/rest/api/2/search", `{"jql":"type=Bug AND status=Closed"}`,
		"X-Jira-Cookie", jar, "Cookie", "JSESSIONID=browser-own")
	var search struct {
		Total  int
		Issues []struct{ Key string }
	}
	if err := json.Unmarshal([]byte(body), &search); resp.StatusCode != 200 || err != nil || search.Total == 0 || resp.Header.Get("X-AUSERNAME") != "fred" {
		t.Fatalf("search = %d %s (user %q)", resp.StatusCode, body, resp.Header.Get("X-AUSERNAME"))
	}
	if resp.Header.Get("Server-Timing") == "" {
		t.Error("no Server-Timing on a proxied answer")
	}

	if resp, body = labCall(t, "DELETE", api+"/rest/auth/1/session", "", "X-Jira-Cookie", jar); resp.StatusCode != 204 {
		t.Fatalf("logout = %d %s", resp.StatusCode, body)
	}
	if resp, body = labCall(t, "GET", api+"/rest/auth/1/session", "", "X-Jira-Cookie", jar); resp.StatusCode != 401 {
		t.Fatalf("after logout: session GET = %d %s; want 401", resp.StatusCode, body)
	}
	if resp.Header.Get("WWW-Authenticate") != "" {
		t.Error("WWW-Authenticate reached the browser (it would pop up a login dialog)")
	}
}

func TestStartWithoutUpstreams(t *testing.T) {
	_, err := Start(Config{Addr: "127.0.0.1:0", FrameAncestors: "'self'"}, testWeb(), nil)
	if err == nil || !strings.Contains(err.Error(), "no upstream") {
		t.Errorf("Start with sandbox off and no -upstream: err = %v", err)
	}
}

func TestSandboxReplacedByUpstreamFlag(t *testing.T) {
	cfg := Config{SandboxAddr: "127.0.0.1:0"}
	var err error
	cfg.Upstreams, err = parseUpstreams("corp=http://127.0.0.1:9/jira", "sandbox=http://127.0.0.1:9/other")
	if err != nil {
		t.Fatal(err)
	}
	s := startTestServer(t, cfg)
	resp, err := http.Get(s.AppURL + "api/upstreams")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list []contract.Upstream
	_ = json.NewDecoder(resp.Body).Decode(&list)
	if len(list) != 3 || list[0].Name != "corp" || list[1].URL != "http://127.0.0.1:9/other" || list[1].Sandbox || list[2].Name != "sandbox-cloud" {
		t.Errorf("/api/upstreams = %+v; want corp first, the given sandbox= replacing the built-in one, then the built-in Cloud face", list)
	}
}

// Run drains and returns nil when its context ends (SIGINT/SIGTERM in main).
func TestRunStopsCleanly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{Addr: "127.0.0.1:0", SandboxAddr: "127.0.0.1:0", FrameAncestors: "'self'",
			MaxBody: 1 << 20, UpstreamTimeout: time.Second, SandboxIdleTimeout: time.Hour, Version: "t"}, testWeb(), &out, nil)
	}()
	time.Sleep(200 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	if !strings.Contains(out.String(), "app:     http://127.0.0.1:") || !strings.Contains(out.String(), "sandbox: http://127.0.0.1:") {
		t.Errorf("start-up output %q lacks the app and sandbox URLs", out.String())
	}
}

func parseUpstreams(specs ...string) ([]proxy.Upstream, error) {
	return upstreamList(specs).parse()
}

// Every request leaves one log line: a proxied one the proxy's, a /proxy/
// request refused before the proxy (a DNS-rebinding Host) the access log's.
func TestProxyPathsLoggedOnce(t *testing.T) {
	var out testkit.SyncBuffer
	s := startTestServerLogging(t, Config{SandboxAddr: "127.0.0.1:0"}, slog.New(slog.NewTextHandler(&out, nil)))
	if resp, _ := labCall(t, "GET", s.AppURL+"proxy/sandbox/rest/api/2/serverInfo", ""); resp.StatusCode != 200 {
		t.Fatalf("proxied serverInfo: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", s.AppURL+"proxy/sandbox/rest/api/2/myself", nil)
	req.Host = "rebind.evil.example"
	req.Header.Set("X-Jira-Lab", "1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("foreign Host: %d; want 403", resp.StatusCode)
	}
	logs := out.String()
	count := func(path string) int { return strings.Count(logs, "path="+path+" ") }
	if n := count("/proxy/sandbox/rest/api/2/serverInfo"); n != 1 {
		t.Errorf("the proxied request is logged %d times; want once:\n%s", n, logs)
	}
	if n := count("/proxy/sandbox/rest/api/2/myself"); n != 1 || !strings.Contains(logs, "status=403") {
		t.Errorf("the refused request is logged %d times (want once, status=403):\n%s", n, logs)
	}
}

// The lab tells the sandbox its listener: a DNS-rebinding Host is refused
// there too, while its own address and localhost on its port are served.
func TestSandboxAnswersOnlyToItsOwnHost(t *testing.T) {
	s := startTestServer(t, Config{SandboxAddr: "127.0.0.1:0"})
	u, _ := url.Parse(s.SandboxURL)
	tests := []struct {
		host string
		want int
	}{
		{u.Host, 200},
		{"localhost:" + u.Port(), 200},
		{"rebind.evil.example:" + u.Port(), 403},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			req, _ := http.NewRequest("GET", s.SandboxURL+"rest/api/2/serverInfo", nil)
			req.Host = tt.host
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("Host %s → %d; want %d", tt.host, resp.StatusCode, tt.want)
			}
		})
	}
}
