package lab

import (
	"context"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"jiraauthlab/server/proxy"
)

func TestParseFrameAncestors(t *testing.T) {
	tests := []struct {
		name, value string
		want        []ancestorSource // nil: refused
	}{
		{"self", "'self'", []ancestorSource{{keyword: "'self'"}}},
		{"keywords ignore case", "'SELF'", []ancestorSource{{keyword: "'self'"}}},
		{"none alone", "'none'", []ancestorSource{{keyword: "'none'"}}},
		{"scheme source", "https:", []ancestorSource{{scheme: "https"}}},
		{"host with scheme and port", "HTTPS://Portal.Example.com:8443", []ancestorSource{{scheme: "https", host: "portal.example.com", port: "8443"}}},
		{"host without scheme", "portal.example.com", []ancestorSource{{host: "portal.example.com"}}},
		{"host and port without scheme", "127.0.0.1:9000", []ancestorSource{{host: "127.0.0.1", port: "9000"}}},
		{"wildcard subdomain and port", "https://*.corp.example:*", []ancestorSource{{scheme: "https", host: "*.corp.example", port: "*"}}},
		{"star", "*", []ancestorSource{{host: "*"}}},
		{"path", "https://portal.example.com/dev/tools", []ancestorSource{{scheme: "https", host: "portal.example.com", path: "/dev/tools"}}},
		{"trailing dot", "portal.example.com.", []ancestorSource{{host: "portal.example.com."}}},
		{"list with runs of spaces", "'self'  https://a.example\thttps://b.example",
			[]ancestorSource{{keyword: "'self'"}, {scheme: "https", host: "a.example"}, {scheme: "https", host: "b.example"}}},

		{"empty", "  ", nil},
		{"none beside others", "'none' https://a.example", nil},
		{"script keyword", "'unsafe-inline'", nil},
		{"nonce", "'nonce-abc'", nil},
		{"unterminated keyword", "'self", nil},
		{"directive injection", "'self'; script-src *", nil},
		{"policy injection", "https://a.example,script-src", nil},
		{"empty host", "https://", nil},
		{"port not digits", "https://a.example:80a", nil},
		{"port too big", "https://a.example:70000", nil},
		{"empty port", "https://a.example:", nil},
		{"ipv6 literal", "http://[::1]:8080", nil},
		{"star inside a label", "https://a*.example", nil},
		{"empty label", "https://a..example", nil},
		{"underscore in host", "https://a_b.example", nil},
		{"path with double slash", "https://a.example//x", nil},
		{"path with semicolon", "https://a.example/x;y", nil},
		{"bad percent escape", "https://a.example/%zz", nil},
		{"query", "https://a.example/?x=1", nil},
		{"user info", "https://fred@a.example", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseFrameAncestors(tt.value)
			if tt.want == nil {
				if err == nil {
					t.Fatalf("parseFrameAncestors(%q) = %+v; want an error", tt.value, got)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("parseFrameAncestors(%q) error spans lines: %q", tt.value, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseFrameAncestors(%q) error: %v", tt.value, err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("parseFrameAncestors(%q) = %+v; want %+v", tt.value, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("parseFrameAncestors(%q)[%d] = %+v; want %+v", tt.value, i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestMessageOrigins(t *testing.T) {
	mustURL := func(s string) *url.URL {
		u, err := url.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	tests := []struct {
		name, value string
		public      *url.URL
		want        string
	}{
		{"self without public url: the page's own origin", "'self'", nil, "self"},
		{"self is the public url's origin", "'self'", mustURL("https://Lab.Example.com/tools"), "https://lab.example.com"},
		{"none", "'none'", nil, ""},
		{"https host", "https://portal.example.com", nil, "https://portal.example.com"},
		{"http host is also reached over https", "http://portal.example.com:8080", nil, "http://portal.example.com:8080 https://portal.example.com:8080"},
		{"no scheme behind https: https only", "portal.example.com", mustURL("https://lab.example.com"), "https://portal.example.com"},
		{"no scheme, scheme unknown: both", "portal.example.com", nil, "http://portal.example.com https://portal.example.com"},
		{"default port dropped", "https://portal.example.com:443", nil, "https://portal.example.com"},
		{"path plays no part", "https://portal.example.com/a/b", nil, "https://portal.example.com"},
		{"trailing dot dropped", "https://portal.example.com.", nil, "https://portal.example.com"},
		{"wildcards get nothing", "* https: *.example.com https://a.example:*", nil, ""},
		{"other schemes get nothing", "ftp://files.example.com", nil, ""},
		{"duplicates once", "'self' https://a.example https://a.example:443", mustURL("https://a.example"), "https://a.example"},
		{"order kept", "'self' https://b.example http://127.0.0.1:9000", nil, "self https://b.example http://127.0.0.1:9000 https://127.0.0.1:9000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := parseFrameAncestors(tt.value)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(messageOrigins(src, tt.public), " "); got != tt.want {
				t.Errorf("messageOrigins(%q, %v) = %q; want %q", tt.value, tt.public, got, tt.want)
			}
		})
	}
}

// newEmbedHandler is the app handler with the given -frame-ancestors.
func newEmbedHandler(t *testing.T, frameAncestors string, public *url.URL) *handler {
	t.Helper()
	hosts := newHostSet(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, public)
	u, _ := url.Parse("http://127.0.0.1:8090")
	px, err := proxy.New(proxy.Config{Upstreams: []proxy.Upstream{{Name: "sandbox", URL: u, Sandbox: true}}, Hosts: hosts})
	if err != nil {
		t.Fatal(err)
	}
	h, err := newHandler(handlerConfig{FrameAncestors: frameAncestors, PublicURL: public,
		Version: "v-test", Hosts: hosts, Proxy: px, Web: testWeb(), Started: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// The frame-ancestors directive is the flag's list; X-Frame-Options says
// the same or nothing (a browser without CSP would otherwise refuse the
// portal the list lets in); the page is handed the origins to post to.
func TestFrameHeaders(t *testing.T) {
	tests := []struct {
		name, value string
		wantCSP     string
		wantXFO     string
		wantPost    string
	}{
		{"default", "'self'", "frame-ancestors 'self'", "SAMEORIGIN", `"LAB_POST_ORIGINS":"self"`},
		{"zero value is the default", "", "frame-ancestors 'self'", "SAMEORIGIN", `"LAB_POST_ORIGINS":"self"`},
		{"none", "'none'", "frame-ancestors 'none'", "DENY", `"LAB_POST_ORIGINS":""`},
		{"portal", "'self'   https://portal.example.com", "frame-ancestors 'self' https://portal.example.com", "",
			`"LAB_POST_ORIGINS":"self https://portal.example.com"`},
		{"wildcard only", "https://*.example.com", "frame-ancestors https://*.example.com", "", `"LAB_POST_ORIGINS":""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newEmbedHandler(t, tt.value, nil)
			for _, p := range []string{"/session", "/api/upstreams", "/web/lab.css", "/nope"} {
				w := request(h, "GET", p, "127.0.0.1:8080")
				csp := w.Header().Get("Content-Security-Policy")
				if !strings.HasSuffix(csp, "; "+tt.wantCSP) {
					t.Errorf("GET %s: Content-Security-Policy = %q; want it to end with %q", p, csp, tt.wantCSP)
				}
				if got := w.Header().Get("X-Frame-Options"); got != tt.wantXFO {
					t.Errorf("GET %s: X-Frame-Options = %q; want %q", p, got, tt.wantXFO)
				}
			}
			if body := request(h, "GET", "/app.js", "127.0.0.1:8080").Body.String(); !strings.Contains(body, tt.wantPost) {
				t.Errorf("app.js does not hand the page %s", tt.wantPost)
			}
		})
	}
}

// A restart with another list must reach visitors whose service worker
// keeps the old app.js: go-app's version (the pages' ETag and the worker's
// cache) changes with it.
func TestPagesVersionFollowsFrameAncestors(t *testing.T) {
	etag := func(fa string) string {
		return request(newEmbedHandler(t, fa, nil), "GET", "/session", "127.0.0.1:8080").Header().Get("ETag")
	}
	a, b, a2 := etag("'self'"), etag("'self' https://portal.example.com"), etag("'self'")
	if a == "" || a == b {
		t.Errorf("ETag with 'self' = %q, with a portal = %q; want two different ones", a, b)
	}
	if a != a2 {
		t.Errorf("ETag with 'self' = %q, then %q; want the same", a, a2)
	}
}

// ?embed=1 marks the prerendered page so that the stylesheet hides the
// lab's header before the wasm runs; without it the page is unmarked.
func TestEmbedPrerenderMark(t *testing.T) {
	h := newEmbedHandler(t, "'self'", nil)
	tests := []struct {
		path string
		want bool
	}{
		{"/session?embed=1", true},
		{"/basic?x=2&embed=1", true},
		{"/session", false},
		{"/session?embed=0", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			body := request(h, "GET", tt.path, "127.0.0.1:8080").Body.String()
			if got := strings.Contains(body, `<body class="lab-embed">`); got != tt.want {
				t.Errorf("GET %s marked = %v; want %v", tt.path, got, tt.want)
			}
		})
	}
}

// Every bad value stops startup with one line that names the flag, and
// nothing else is printed (main prints that line).
func TestParseFlagsOneLine(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		env      func(string) string
		wantFlag string
	}{
		{"unparseable upstream URL", []string{"-upstream", "prod=http://jira example.com"}, env(), "-upstream"},
		{"upstream URL with a port that is not a number", []string{"-upstream", "prod=http://jira.example.com:port"}, env(), "-upstream"},
		{"upstream without a name", []string{"-upstream", "http://jira.example.com"}, env(), "-upstream"},
		{"upstream from the environment", nil, env("JIRA_AUTH_LAB_UPSTREAM", "prod=://x"), "-upstream"},
		{"base path without a leading slash", []string{"-base-path", "lab"}, env(), "-base-path"},
		{"base path from the environment", nil, env("JIRA_AUTH_LAB_BASE_PATH", "lab/tools"), "-base-path"},
		{"frame-ancestors directive injection", []string{"-frame-ancestors", "'self'; script-src *"}, env(), "-frame-ancestors"},
		{"frame-ancestors none beside others", []string{"-frame-ancestors", "'none' 'self'"}, env(), "-frame-ancestors"},
		{"frame-ancestors script keyword", []string{"-frame-ancestors", "'unsafe-inline'"}, env(), "-frame-ancestors"},
		{"frame-ancestors bad port", []string{"-frame-ancestors", "https://portal.example.com:80x"}, env(), "-frame-ancestors"},
		{"frame-ancestors from the environment", nil, env("JIRA_AUTH_LAB_FRAME_ANCESTORS", "https://"), "-frame-ancestors"},
		{"size the flag package refuses", []string{"-max-body", "lots"}, env(), "-max-body"},
		{"size from the environment", nil, env("JIRA_AUTH_LAB_MAX_BODY", "-1"), "-max-body"},
		{"duration", []string{"-upstream-timeout", "soon"}, env(), "-upstream-timeout"},
		{"unknown flag", []string{"-frame-ancestor", "'self'"}, env(), "-frame-ancestor"},
		{"public url", []string{"-public-url", "lab.example.com"}, env(), "-public-url"},
		{"listen address", []string{"-addr", "8080"}, env(), "-addr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			_, err := ParseFlags(tt.args, tt.env, &out)
			if err == nil {
				t.Fatalf("ParseFlags(%q) accepted it", tt.args)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantFlag) || strings.Contains(msg, "\n") {
				t.Errorf("ParseFlags(%q) error = %q; want one line naming %s", tt.args, msg, tt.wantFlag)
			}
			if out.Len() > 0 {
				t.Errorf("ParseFlags(%q) also printed %q", tt.args, out.String())
			}
		})
	}
}

// -h still prints the usage, which names the flags.
func TestParseFlagsHelp(t *testing.T) {
	var out strings.Builder
	if _, err := ParseFlags([]string{"-h"}, env(), &out); err == nil {
		t.Fatal("ParseFlags(-h) = nil error; want flag.ErrHelp")
	}
	if !strings.Contains(out.String(), "-frame-ancestors") {
		t.Errorf("usage = %q; want the flags listed", out.String())
	}
}

// A listen address already in use stops startup with one line naming its
// flag.
func TestStartAddressInUse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tests := []struct {
		name     string
		cfg      Config
		wantFlag string
	}{
		{"app", Config{Addr: busy.Addr().String(), SandboxAddr: "127.0.0.1:0"}, "-addr"},
		{"sandbox", Config{Addr: "127.0.0.1:0", SandboxAddr: busy.Addr().String()}, "-sandbox-addr"},
		{"metrics", Config{Addr: "127.0.0.1:0", SandboxAddr: "127.0.0.1:0", MetricsAddr: busy.Addr().String()}, "-metrics-addr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.FrameAncestors, cfg.MaxBody, cfg.UpstreamTimeout, cfg.SandboxIdleTimeout = "'self'", 1<<20, time.Second, time.Hour
			s, err := Start(cfg, testWeb(), slog.New(slog.DiscardHandler))
			if err == nil {
				_ = s.Shutdown(context.Background())
				t.Fatalf("Start on a busy %s = nil error", tt.wantFlag)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, tt.wantFlag+" ") || !strings.Contains(msg, "in use") || strings.Contains(msg, "\n") {
				t.Errorf("Start error = %q; want one line starting %q saying the address is in use", msg, tt.wantFlag)
			}
		})
	}
}
