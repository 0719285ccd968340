package lab

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"time"

	"jiraauthlab/contract"
	"jiraauthlab/server/proxy"
	"jiraauthlab/wasm/ui"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// handlerConfig is what the app handler needs once the listeners exist.
type handlerConfig struct {
	BasePath       string
	FrameAncestors string
	PublicURL      *url.URL // nil: the page's own origin is 'self'
	Version        string
	Hosts          *hostSet
	Proxy          *proxy.Proxy
	Web            fs.FS
	Started        time.Time
	Ready          func() bool // whether the app takes new visitors (/readyz); nil: always
}

// handler is the app server: pages, assets, /healthz, /api and /proxy, all
// under the base path.
type handler struct {
	cfg     handlerConfig
	assets  *assets
	gzPages http.Handler // servePages, wrapped by gzipped
	pages   *app.Handler
	csp     string
	xfo     string // X-Frame-Options, "" when it would contradict the CSP
}

// resources tells go-app where its files live under the base path. It is not
// an http.Handler on purpose: then go-app never serves /web/ itself and never
// fetches robots.txt and friends from whatever Host a request names.
//
// The wasm's URL carries the asset version, so its answer can be cached
// for good: the service worker's precache, which runs while the page itself
// downloads the wasm, then finds it in the HTTP cache without revalidating.
type resources struct{ base, version string }

func (r resources) Package() string { return r.base }
func (r resources) Static() string  { return r.base }
func (r resources) AppWASM() string { return r.base + "/web/app.wasm?v=" + r.version }

func newHandler(cfg handlerConfig) (*handler, error) {
	a, err := loadAssets(cfg.Web)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(cfg.FrameAncestors) == "" {
		cfg.FrameAncestors = "'self'" // the flag's default (ParseFlags refuses an empty one)
	}
	ancestors, err := parseFrameAncestors(cfg.FrameAncestors)
	if err != nil {
		return nil, fmt.Errorf("-frame-ancestors: %w", err)
	}
	// The origins an embedded page posts its events to (wasm/ui embed.go):
	// the server resolves the CSP list once, so the wasm carries no CSP
	// parser.
	env := app.Environment{"LAB_VERSION": cfg.Version, ui.EnvPostOrigins: strings.Join(messageOrigins(ancestors, cfg.PublicURL), " ")}
	ui.Routes()
	h := &handler{
		cfg:    cfg,
		assets: a,
		xfo:    frameOptions(ancestors),
		csp: "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
			"img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; " +
			"worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; " +
			"frame-ancestors " + strings.Join(strings.Fields(cfg.FrameAncestors), " "),
		pages: &app.Handler{
			Name:        "Jira Auth Lab",
			ShortName:   "Auth Lab",
			Title:       "Jira Auth Lab",
			Description: "Try Jira's REST authentication by hand: session cookies, basic auth, CAPTCHA, form tokens and password policy.",
			Author:      "Jira Auth Lab",
			Lang:        "en",
			Icon: app.Icon{
				Default:    "/web/icon-192.png",
				Large:      "/web/icon-512.png",
				SVG:        "/web/icon.svg",
				AppleTouch: "/web/icon-180.png",
			},
			Styles:                  []string{"/web/lab.css"},
			BackgroundColor:         "#f6f7f9",
			ThemeColor:              "#1d4ed8",
			LoadingLabel:            "Loading Jira Auth Lab… {progress}%",
			Resources:               resources{base: cfg.BasePath, version: a.version},
			Version:                 pagesVersion(a.version, env),
			WasmContentLengthHeader: wasmLengthHeader,
			// go-app's service worker precaches "/" only: the other routes
			// went to the network on every visit, and failed offline. Of the
			// icons it precaches Default, Large and AppleTouch but not SVG
			// (v9.8.0 http.go, makeAppWorkerJS), the header's logo: offline,
			// it showed broken.
			CacheableResources: append(pagePaths(cfg.BasePath), "/web/icon.svg"),
			Env:                env,
			// go-app's loader only asks for the wasm once its deferred scripts
			// have run (after DOMContentLoaded); the preload starts the download
			// while the page is still being parsed. crossorigin matches the
			// loader's fetch(), so the browser hands it the preloaded answer.
			RawHeaders: []string{`<link rel="preload" href="` + resources{base: cfg.BasePath, version: a.version}.AppWASM() +
				`" as="fetch" type="application/wasm" crossorigin>`},
		},
	}
	h.gzPages = gzipped(http.HandlerFunc(h.servePages))
	return h, nil
}

// pagePaths are the pages' paths under base.
func pagePaths(base string) []string {
	out := make([]string, len(ui.PageRoutes))
	for i, r := range ui.PageRoutes {
		out[i] = base + r
	}
	return out
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", h.csp)
	if h.xfo != "" {
		hdr.Set("X-Frame-Options", h.xfo)
	}
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")

	switch r.URL.Path {
	case h.cfg.BasePath + "/healthz":
		h.serveHealth(w, r)
		return
	case h.cfg.BasePath + "/readyz":
		h.serveReady(w, r)
		return
	}
	// Before anything else, the base path's redirect and 404 included: a
	// foreign Host learns nothing but 403.
	if !h.cfg.Hosts.AllowHost(r.Host) {
		proxy.WriteError(w, contract.CodeForeignHost,
			"This server does not answer to the host name "+quoteHost(r.Host)+"; use the address it printed at start-up (or set -public-url).")
		return
	}
	p, ok := h.stripBase(w, r)
	if !ok {
		return
	}
	switch {
	case strings.HasPrefix(p, "/proxy/"):
		handOverLog(w)
		h.cfg.Proxy.ServeHTTP(w, r)
		return
	case p == "/api/upstreams":
		h.serveUpstreams(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch {
	case p == "/robots.txt" || p == "/sitemap.xml" || p == "/ads.txt":
		h.assets.serveFile(w, r, p[1:])
	case p == "/web/app.wasm" || p == "/app.wasm" || p == "/goapp.wasm":
		h.assets.serveWasm(w, r)
	case strings.HasPrefix(p, "/web/"):
		gzipped(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.assets.serveFile(w, r, p[len("/web/"):])
		})).ServeHTTP(w, r)
	default:
		h.gzPages.ServeHTTP(w, r)
	}
}

// stripBase removes the base path from r in place and returns the rest; it
// answers the not-found page (or the trailing-slash redirect of the base
// itself) otherwise.
func (h *handler) stripBase(w http.ResponseWriter, r *http.Request) (string, bool) {
	base := h.cfg.BasePath
	if base == "" {
		return r.URL.Path, true
	}
	if r.URL.Path == base {
		http.Redirect(w, r, base+"/", http.StatusMovedPermanently)
		return "", false
	}
	rest, ok := strings.CutPrefix(r.URL.Path, base+"/")
	if !ok {
		h.serveNotFound(w, r.URL.Path)
		return "", false
	}
	r.URL.Path = "/" + rest
	if r.URL.RawPath != "" {
		raw, ok := strings.CutPrefix(r.URL.RawPath, base+"/")
		if !ok { // the prefix was percent-encoded: not ours
			h.serveNotFound(w, r.URL.Path)
			return "", false
		}
		r.URL.RawPath = "/" + raw
	}
	return r.URL.Path, true
}

func (h *handler) serveHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"status":    "ok",
		"version":   h.cfg.Version,
		"assets":    h.assets.version,
		"uptime_s":  int(time.Since(h.cfg.Started).Seconds()),
		"upstreams": len(h.cfg.Proxy.Upstreams()),
		// For make load: goroutines that stay after a load are a leak.
		"goroutines": runtime.NumGoroutine(),
	})
}

// serveReady is GET /readyz: 200 while the app serves, 503 from the start
// of its drain, so that a load balancer sends new visitors elsewhere.
func (h *handler) serveReady(w http.ResponseWriter, r *http.Request) {
	if h.cfg.Ready != nil && !h.cfg.Ready() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (h *handler) serveUpstreams(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		proxy.WriteError(w, contract.CodeMethodNotAllowed, "Only GET lists the upstreams.")
		return
	}
	ups := h.cfg.Proxy.Upstreams()
	// One wire format: the page decodes the same type.
	list := make([]contract.Upstream, len(ups))
	for i, u := range ups {
		list[i] = contract.Upstream{Name: u.Name, URL: u.URL.String(), Sandbox: u.Sandbox}
	}
	writeJSON(w, http.StatusOK, list)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// quoteHost quotes a client-supplied host for an error message, cut short.
func quoteHost(h string) string {
	if len(h) > 80 {
		h = h[:80] + "…"
	}
	return `"` + strings.ToValidUTF8(h, "?") + `"`
}

// pagesVersion is go-app's Version: the pages' ETag and the name of the
// service worker's cache. go-app writes Env into app.js, which that cache
// keeps, so the version names the environment too: a restart with another
// -frame-ancestors must not leave visitors posting to the old origins.
func pagesVersion(assets string, env app.Environment) string {
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	sum := sha256.New()
	sum.Write([]byte(assets))
	for _, k := range keys {
		sum.Write([]byte("\x00" + k + "=" + env[k]))
	}
	return hex.EncodeToString(sum.Sum(nil)[:10])
}
