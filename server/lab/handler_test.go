package lab

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"jiraauthlab/server/proxy"
)

// newTestHandler builds the app handler as Start does, for the listener
// address 127.0.0.1:8080.
func newTestHandler(t *testing.T, base string) *handler {
	t.Helper()
	hosts := newHostSet(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, nil)
	u, _ := url.Parse("http://127.0.0.1:8090")
	px, err := proxy.New(proxy.Config{Upstreams: []proxy.Upstream{{Name: "sandbox", URL: u, Sandbox: true}}, Hosts: hosts})
	if err != nil {
		t.Fatal(err)
	}
	h, err := newHandler(handlerConfig{BasePath: base, FrameAncestors: "'self' https://portal.example.com",
		Version: "v-test", Hosts: hosts, Proxy: px, Web: testWeb(), Started: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func request(h http.Handler, method, target, host string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	r.Host = host
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestHandlerRoutes(t *testing.T) {
	h := newTestHandler(t, "")
	const good = "127.0.0.1:8080"
	tests := []struct {
		name, method, path, host string
		wantStatus               int
		wantBody                 string // substring
		wantType                 string // prefix
	}{
		{"healthz any host", "GET", "/healthz", "evil.example", 200, `"status":"ok"`, "application/json"},
		{"upstreams", "GET", "/api/upstreams", good, 200, `"name":"sandbox"`, "application/json"},
		{"upstreams wrong method", "POST", "/api/upstreams", good, 405, `"error"`, "application/json"},
		{"foreign host", "GET", "/session", "evil.example:8080", 403, `"foreign_host"`, "application/json"},
		{"foreign host robots", "GET", "/robots.txt", "evil.example", 403, `"foreign_host"`, "application/json"},
		{"robots served locally", "GET", "/robots.txt", good, 200, "User-agent", "text/plain"},
		{"css", "GET", "/web/lab.css", good, 200, "body{}", "text/css"},
		{"go source not served", "GET", "/web/embed.go", good, 404, "", ""},
		{"wasm", "GET", "/web/app.wasm", good, 200, "asm", "application/wasm"},
		{"session page", "GET", "/session", good, 200, `id="login"`, "text/html"},
		{"root renders session page", "GET", "/", good, 200, `id="login"`, "text/html"},
		{"basic page", "GET", "/basic", good, 200, `id="basic-header"`, "text/html"},
		{"password page", "GET", "/password", good, 200, `id="pw-new"`, "text/html"},
		{"unknown page", "GET", "/nope", good, 404, "", ""},
		{"page wrong method", "POST", "/session", good, 405, "", ""},
		{"proxy needs lab header", "GET", "/proxy/sandbox/rest/api/2/myself", good, 403, `"error"`, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := request(h, tt.method, tt.path, tt.host)
			body := w.Body.String()
			if w.Code != tt.wantStatus || !strings.Contains(body, tt.wantBody) ||
				!strings.HasPrefix(w.Header().Get("Content-Type"), tt.wantType) {
				t.Errorf("%s %s (Host %s) = %d %q %.200q; want %d %q containing %q",
					tt.method, tt.path, tt.host, w.Code, w.Header().Get("Content-Type"), body, tt.wantStatus, tt.wantType, tt.wantBody)
			}
			// Security headers on every answer.
			if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "'wasm-unsafe-eval'") ||
				!strings.Contains(csp, "frame-ancestors 'self' https://portal.example.com") {
				t.Errorf("CSP = %q", csp)
			}
			if w.Header().Get("X-Content-Type-Options") != "nosniff" || w.Header().Get("Referrer-Policy") != "no-referrer" {
				t.Errorf("missing nosniff / no-referrer: %v", w.Header())
			}
		})
	}
}

func TestHandlerBasePath(t *testing.T) {
	h := newTestHandler(t, "/lab")
	const good = "127.0.0.1:8080"
	tests := []struct {
		path       string
		wantStatus int
	}{
		{"/lab/session", 200},
		{"/lab/", 200},
		{"/lab", 301},
		{"/session", 404},
		{"/labx/session", 404},
		{"/lab/healthz", 200},
		{"/lab/web/lab.css", 200},
		{"/lab/api/upstreams", 200},
	}
	if w := request(h, "GET", "/elsewhere", "evil.example:8080"); w.Code != 403 {
		t.Errorf("foreign Host outside the base path = %d; want 403", w.Code)
	}
	for _, tt := range tests {
		if w := request(h, "GET", tt.path, good); w.Code != tt.wantStatus {
			t.Errorf("GET %s = %d; want %d", tt.path, w.Code, tt.wantStatus)
		}
	}
	page := request(h, "GET", "/lab/session", good).Body.String()
	for _, want := range []string{`href="/lab/basic"`, `src="/lab/app.js"`, `href="/lab/web/lab.css"`, `href="/lab/manifest.webmanifest"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page under /lab lacks %s", want)
		}
	}
	// Every route is precached, under the base path, so each one opens
	// offline and a repeat visit does not wait for the network.
	worker := request(h, "GET", "/lab/app-worker.js", good).Body.String()
	for _, route := range []string{`"/lab/session"`, `"/lab/basic"`, `"/lab/password"`} {
		if !strings.Contains(worker, route) {
			t.Errorf("app-worker.js does not precache %s", route)
		}
	}
	// The loader and the service worker fetch the wasm by its versioned URL.
	for _, p := range []string{"/lab/app.js", "/lab/app-worker.js"} {
		if body := request(h, "GET", p, good).Body.String(); !strings.Contains(body, "/lab/web/app.wasm?v="+h.assets.version) {
			t.Errorf("%s does not load /lab/web/app.wasm?v=<version>", p)
		}
	}
}

func TestPageHasNoExternalURLs(t *testing.T) {
	// 'self' alone: a portal named in -frame-ancestors is handed to the
	// page (app.js) as an origin to post to, which it never loads from.
	h := newEmbedHandler(t, "'self'", nil)
	for _, path := range []string{"/session", "/manifest.webmanifest", "/app.js", "/app-worker.js"} {
		w := request(h, "GET", path, "127.0.0.1:8080")
		body, _ := io.ReadAll(w.Body)
		for _, bad := range []string{"githubusercontent", "https://", "googleapis"} {
			if strings.Contains(string(body), bad) {
				t.Errorf("%s mentions %q: everything must be local", path, bad)
			}
		}
	}
	var manifest struct {
		Icons []struct{ Src string }
	}
	if err := json.Unmarshal(request(h, "GET", "/manifest.webmanifest", "127.0.0.1:8080").Body.Bytes(), &manifest); err != nil || len(manifest.Icons) != 3 {
		t.Fatalf("manifest: %v %+v", err, manifest)
	}
}
