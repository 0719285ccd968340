package proxy_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"jiraauthlab/contract"
	"jiraauthlab/server/proxy"
)

func TestParseUpstream(t *testing.T) {
	tests := []struct {
		in       string
		wantName string
		wantURL  string
		wantErr  string // substring; "" for success
	}{
		{"prod=https://jira.example.com/jira", "prod", "https://jira.example.com/jira", ""},
		{"prod=https://jira.example.com/jira/", "prod", "https://jira.example.com/jira", ""},
		{" sandbox = http://127.0.0.1:8090 ", "sandbox", "http://127.0.0.1:8090", ""},
		{"a.b_c-D9=http://127.0.0.1:8090/", "a.b_c-D9", "http://127.0.0.1:8090", ""},
		{"v6=http://[::1]:8090/jira", "v6", "http://[::1]:8090/jira", ""},
		{"sp=https://jira.example.com/my%20jira", "sp", "https://jira.example.com/my%20jira", ""},
		{"HTTPS=HTTPS://Jira.Example.com", "HTTPS", "https://Jira.Example.com", ""},
		{"https://jira.example.com", "", "", "want NAME=URL"},
		{"=https://jira.example.com", "", "", "empty name"},
		{"pro d=https://jira.example.com", "", "", "only letters"},
		{"prod/x=https://jira.example.com", "", "", "only letters"},
		{"..=https://jira.example.com", "", "", "path segment"},
		{"prod=", "", "", "empty URL"},
		{"prod=ftp://jira.example.com", "", "", "scheme must be http or https"},
		{"prod=jira.example.com", "", "", "scheme must be http or https"},
		{"prod=https://fred:fred@jira.example.com", "", "", "credentials"},
		{"prod=https://jira.example.com/?os_authType=basic", "", "", "query"},
		{"prod=https://jira.example.com/?", "", "", "query"},
		{"prod=https://jira.example.com/#top", "", "", "fragment"},
		{"prod=https:///jira", "", "", "missing host"},
		{"prod=https://:8443/jira", "", "", "missing host"},
		{"prod=https://jira.example.com/a/../b", "", "", "dot segments"},
		{"prod=https://jira.example.com/a%2fb", "", "", "dot segments"},
		{"prod=https://jira.example.com//jira", "", "", "dot segments"},
		{"prod=https://jira example.com", "", "", "invalid character"},
		{"prod=https://fred:fred@jira example.com", "", "", "invalid character"},
		{"https://fred:fred@jira.example.com", "", "", "want NAME=URL"},
	}
	for _, tt := range tests {
		up, err := proxy.ParseUpstream(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseUpstream(%q) = %v, %v; want error containing %q", tt.in, up, err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "fred:fred") {
				t.Errorf("ParseUpstream(%q) error repeats the password: %v", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseUpstream(%q): %v", tt.in, err)
			continue
		}
		if up.Name != tt.wantName || up.URL.String() != tt.wantURL || up.Sandbox {
			t.Errorf("ParseUpstream(%q) = %q %q sandbox=%v; want %q %q", tt.in, up.Name, up.URL, up.Sandbox, tt.wantName, tt.wantURL)
		}
	}
}

func TestNew(t *testing.T) {
	good := func(name string) proxy.Upstream { return upstreamAt(t, name, "http://127.0.0.1:1") }
	tests := []struct {
		name    string
		cfg     proxy.Config
		wantErr string
	}{
		{"duplicate names", proxy.Config{Upstreams: []proxy.Upstream{good("a"), good("b"), good("a")}}, "twice"},
		{"bad name", proxy.Config{Upstreams: []proxy.Upstream{{Name: "a/b", URL: mustURL(t, "http://127.0.0.1:1")}}}, "only letters"},
		{"nil URL", proxy.Config{Upstreams: []proxy.Upstream{{Name: "a"}}}, "no URL"},
		{"bad URL", proxy.Config{Upstreams: []proxy.Upstream{{Name: "a", URL: mustURL(t, "http://127.0.0.1:1/x?y")}}}, "query"},
		{"negative MaxBody", proxy.Config{MaxBody: -1}, "MaxBody"},
		{"negative timeout", proxy.Config{UpstreamTimeout: -1}, "UpstreamTimeout"},
		{"no upstreams is fine", proxy.Config{}, ""},
	}
	for _, tt := range tests {
		_, err := proxy.New(tt.cfg)
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: New = %v; want error containing %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestUpstreams(t *testing.T) {
	in := []proxy.Upstream{
		upstreamAt(t, "prod", "https://jira.example.com/jira/"),
		{Name: "sandbox", URL: mustURL(t, "http://127.0.0.1:8090"), Sandbox: true},
	}
	p, err := proxy.New(proxy.Config{Upstreams: in})
	if err != nil {
		t.Fatal(err)
	}
	in[1].URL.Host = "changed.example" // the proxy keeps its own copy
	got := p.Upstreams()
	if len(got) != 2 || got[0].Name != "prod" || got[0].URL.String() != "https://jira.example.com/jira" || got[0].Sandbox ||
		got[1].Name != "sandbox" || got[1].URL.String() != "http://127.0.0.1:8090" || !got[1].Sandbox {
		t.Fatalf("Upstreams() = %+v", got)
	}
	got[0].URL.Path = "/mutated"
	if p.Upstreams()[0].URL.Path != "/jira" {
		t.Error("Upstreams() returned the proxy's own URL")
	}
}

func TestWriteError(t *testing.T) {
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Length", "99")
	proxy.WriteError(rec, contract.CodeForeignHost, `Host "x" <is> not ours.`)
	if rec.Code != 403 || rec.Header().Get("Content-Type") != "application/json" || rec.Header().Get("Content-Length") != "" {
		t.Errorf("WriteError: %d %v", rec.Code, rec.Header())
	}
	var e map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
		t.Fatal(err)
	}
	if len(e) != 2 || e["error"] != "foreign_host" || e["detail"] != `Host "x" <is> not ours.` {
		t.Errorf("WriteError body %s", rec.Body.Bytes())
	}
}

// TestLog checks the one log line per request, and that it never carries
// the query, cookies, credentials or bodies.
func TestLog(t *testing.T) {
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Set-Cookie", "JSESSIONID=secret-session-id; Path=/")
		w.Write([]byte(`{"session":{"value":"secret-session-id"}}`))
	})
	l := newLab(t, proxy.Config{Upstreams: []proxy.Upstream{upstreamAt(t, "jira", up.URL)}})
	l.do(t, "POST", "/proxy/jira/rest/auth/1/session?os_username=fred&os_password=secret-query-pw",
		strings.NewReader(`{"username":"fred","password":"secret-body-pw"}`),
		http.Header{
			"Authorization": {"Basic c2VjcmV0LWF1dGg="},
			"X-Jira-Cookie": {"JSESSIONID=secret-cookie"},
			"Cookie":        {"lab=secret-lab-cookie"},
		})
	l.do(t, "GET", "/proxy/nope/x?os_password=secret-query-pw", nil, nil)

	out := l.log.String()
	for _, secret := range []string{"secret", "c2VjcmV0", "os_password", "fred"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d log lines; want 2:\n%s", len(lines), out)
	}
	var first, second map[string]any
	json.Unmarshal([]byte(lines[0]), &first)
	json.Unmarshal([]byte(lines[1]), &second)
	want := map[string]any{"msg": "proxy", "upstream": "jira", "method": "POST", "path": "/proxy/jira/rest/auth/1/session", "status": float64(200)}
	for k, v := range want {
		if first[k] != v {
			t.Errorf("log %s = %v; want %v (%s)", k, first[k], v, lines[0])
		}
	}
	if _, ok := first["duration"]; !ok {
		t.Errorf("log has no duration: %s", lines[0])
	}
	if second["status"] != float64(404) || second["error"] != "unknown_upstream" || second["path"] != "/proxy/nope/x" {
		t.Errorf("error log line %s", lines[1])
	}
}
