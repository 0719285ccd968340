package lab

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
)

// asset is one file served from memory with its validator.
type asset struct {
	data        []byte
	etag        string
	contentType string
}

// assets are the web files the binary embeds, indexed once at start.
type assets struct {
	files   map[string]*asset // by name, e.g. "lab.css"
	wasm    map[string]*asset // by content coding: "br", "gzip", "" (identity)
	rawSize int
	// version is derived from the content of every file, the wasm included:
	// a new build gets a new service-worker cache, a restart does not.
	version string
}

// servedTypes lists the extensions served under /web/; the Go source of the
// embedding package and the wasm twins are never served as plain files.
var servedTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".png": "image/png",
	".svg": "image/svg+xml",
	".txt": "text/plain; charset=utf-8",
	".xml": "application/xml; charset=utf-8",
	".ico": "image/x-icon",
}

// errNoWasm says what to do when the binary was built without the app.
var errNoWasm = errors.New("web/app.wasm is missing from the build: run `make build` (it builds the wasm before the server)")

func loadAssets(fsys fs.FS) (*assets, error) {
	a := &assets{files: map[string]*asset{}, wasm: map[string]*asset{}}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read web assets: %w", err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	version := sha256.New()
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read web asset %q: %w", name, err)
		}
		sum := sha256.Sum256(data)
		tag := hex.EncodeToString(sum[:8])
		switch name {
		case "app.wasm":
			a.wasm[""] = &asset{data: data, etag: `"` + tag + `"`, contentType: "application/wasm"}
			a.rawSize = len(data)
		case "app.wasm.br":
			a.wasm["br"] = &asset{data: data, etag: `"` + tag + `-br"`, contentType: "application/wasm"}
			continue // the raw file already versions the content
		case "app.wasm.gz":
			a.wasm["gzip"] = &asset{data: data, etag: `"` + tag + `-gz"`, contentType: "application/wasm"}
			continue
		default:
			ct, ok := servedTypes[path.Ext(name)]
			if !ok {
				continue
			}
			a.files[name] = &asset{data: data, etag: `"` + tag + `"`, contentType: ct}
		}
		version.Write([]byte(name))
		version.Write(sum[:])
	}
	if a.wasm[""] == nil {
		return nil, errNoWasm
	}
	a.version = hex.EncodeToString(version.Sum(nil)[:10])
	return a, nil
}

// serveFile serves /web/<name>.
func (a *assets) serveFile(w http.ResponseWriter, r *http.Request, name string) {
	f, ok := a.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	f.serve(w, r)
}

// serveWasm serves app.wasm precompressed, by Accept-Encoding. Each coding has
// its own ETag: go-app's Handler answers 304 to If-None-Match: <version> for
// anything it serves, which would make the service worker download the wasm a
// second time on a first visit.
func (a *assets) serveWasm(w http.ResponseWriter, r *http.Request) {
	coding := negotiate(r.Header.Get("Accept-Encoding"), a.wasm)
	h := w.Header()
	h.Set("Vary", "Accept-Encoding")
	if r.URL.Query().Get("v") == a.version {
		// This URL names this content: it never changes.
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	// go-app's loader shows progress against the decoded length; the
	// Content-Length of a compressed response would overshoot.
	h.Set(wasmLengthHeader, strconv.Itoa(a.rawSize))
	if coding != "" {
		h.Set("Content-Encoding", coding)
	}
	a.wasm[coding].serve(w, r)
}

// serve writes the asset, or 304 when the client holds it already. (Not
// http.ServeContent: it drops Content-Length once Content-Encoding is set.)
func (f *asset) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("ETag", f.etag)
	if etagMatch(r.Header.Get("If-None-Match"), f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(f.data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(f.data)
	}
}

// etagMatch implements If-None-Match's weak comparison against one ETag.
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

const wasmLengthHeader = "X-Wasm-Content-Length"

// negotiate picks the best coding the client accepts and the build has:
// brotli, then gzip, then identity.
func negotiate(accept string, have map[string]*asset) string {
	q := map[string]float64{}
	for _, part := range strings.Split(accept, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		weight := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				weight = f
			}
		}
		if name != "" {
			q[name] = weight
		}
	}
	for _, coding := range []string{"br", "gzip"} {
		w, ok := q[coding]
		if !ok {
			w, ok = q["*"]
		}
		if ok && w > 0 && have[coding] != nil {
			return coding
		}
	}
	return ""
}
