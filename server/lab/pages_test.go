package lab

import (
	"compress/gzip"
	"io"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"jiraauthlab/wasm/ui"
)

// body reads a recorded answer, gunzipping it when it says gzip.
func body(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	var r io.Reader = w.Body
	if w.Header().Get("Content-Encoding") == "gzip" {
		gz, err := gzip.NewReader(w.Body)
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = gz
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every page lets a phone's user zoom: go-app's viewport forbids it.
func TestPagesViewportAllowsZoom(t *testing.T) {
	h := newTestHandler(t, "")
	paths := append([]string{"/"}, ui.PageRoutes...)
	for _, path := range paths {
		for _, accept := range []string{"", "gzip"} {
			t.Run(path+" "+accept, func(t *testing.T) {
				r := httptest.NewRequest("GET", path, nil)
				r.Host = "127.0.0.1:8080"
				if accept != "" {
					r.Header.Set("Accept-Encoding", accept)
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != 200 {
					t.Fatalf("GET %s = %d; want 200", path, w.Code)
				}
				if got := w.Header().Get("Content-Encoding"); got != accept {
					t.Errorf("GET %s with Accept-Encoding %q: Content-Encoding %q", path, accept, got)
				}
				if accept == "" {
					if cl := w.Header().Get("Content-Length"); cl != strconv.Itoa(w.Body.Len()) {
						t.Errorf("GET %s: Content-Length %s for a body of %d bytes", path, cl, w.Body.Len())
					}
				}
				page := body(t, w)
				if n := strings.Count(page, `name="viewport"`); n != 1 {
					t.Errorf("GET %s has %d viewport metas; want 1", path, n)
				}
				if !strings.Contains(page, labViewport) {
					t.Errorf("GET %s lacks %s", path, labViewport)
				}
				for _, bad := range []string{"user-scalable", "maximum-scale"} {
					if strings.Contains(page, bad) {
						t.Errorf("GET %s still says %s", path, bad)
					}
				}
			})
		}
	}
}

// An unknown path gets a page of the lab's own, with links to every page.
func TestNotFoundPage(t *testing.T) {
	const good = "127.0.0.1:8080"
	tests := []struct {
		name, base, path string
		wantShown        string // the path as the page names it
	}{
		{"unknown page", "", "/nope", "/nope"},
		{"below a page", "", "/session/x", "/session/x"},
		{"html escaped", "", "/%3Cscript%3E", "/&lt;script&gt;"},
		{"under the base path", "/lab", "/lab/nope", "/lab/nope"},
		{"outside the base path", "/lab", "/session", "/session"},
		{"long path cut", "", "/" + strings.Repeat("a", 300), "/" + strings.Repeat("a", 119) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestHandler(t, tt.base)
			for _, method := range []string{"GET", "HEAD"} {
				w := request(h, method, tt.path, good)
				if w.Code != 404 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
					t.Fatalf("%s %s = %d %q; want 404 text/html", method, tt.path, w.Code, w.Header().Get("Content-Type"))
				}
				if etag := w.Header().Get("ETag"); etag != "" {
					t.Errorf("%s %s: ETag %s on a not-found page", method, tt.path, etag)
				}
				if w.Header().Get("Content-Security-Policy") == "" {
					t.Errorf("%s %s: no CSP", method, tt.path)
				}
				if method == "HEAD" {
					continue
				}
				page := w.Body.String()
				if cl := w.Header().Get("Content-Length"); cl != strconv.Itoa(len(page)) {
					t.Errorf("GET %s: Content-Length %s for %d bytes", tt.path, cl, len(page))
				}
				want := []string{
					`<html lang="en">`, labViewport, "<title>Page not found",
					`<h1 id="page-title"`, "<code>" + tt.wantShown + "</code>",
					`href="` + tt.base + `/web/lab.css"`, `src="` + tt.base + `/web/icon.svg"`,
				}
				for _, route := range ui.PageRoutes {
					want = append(want, `href="`+tt.base+route+`">`+pageLabel(route)+`</a>`)
				}
				for _, s := range want {
					if !strings.Contains(page, s) {
						t.Errorf("GET %s: the not-found page lacks %s", tt.path, s)
					}
				}
				// No script: go-app's loader would swap in its own page.
				if strings.Contains(page, "<script") {
					t.Errorf("GET %s: the not-found page has a script", tt.path)
				}
			}
		})
	}
}

func TestPageLabel(t *testing.T) {
	tests := []struct{ route, want string }{
		{ui.RouteBasic, "Basic auth"},
		{"/learn", "Learn"},
		{"/", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.route, func(t *testing.T) {
			if got := pageLabel(tt.route); got != tt.want {
				t.Errorf("pageLabel(%q) = %q; want %q", tt.route, got, tt.want)
			}
		})
	}
}

// The service worker precaches the header's logo, so the page offline
// shows it.
func TestWorkerPrecachesLogo(t *testing.T) {
	for _, base := range []string{"", "/lab"} {
		t.Run("base "+base, func(t *testing.T) {
			h := newTestHandler(t, base)
			worker := request(h, "GET", base+"/app-worker.js", "127.0.0.1:8080").Body.String()
			if !strings.Contains(worker, `"`+base+`/web/icon.svg"`) {
				t.Errorf("%s/app-worker.js does not precache %s/web/icon.svg:\n%s", base, base, worker)
			}
		})
	}
}
