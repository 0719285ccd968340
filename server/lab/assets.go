package lab

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
)

// asset is one file with its validator, served from memory (small files) or
// streamed from the embedded FS (the wasm and its twins: 12 MB that need not
// be copied onto the heap at every start).
type asset struct {
	data        []byte
	fsys        fs.FS // with name and size, when data is nil
	name        string
	size        int64
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
	var wasmTag string
	for _, name := range names {
		switch name {
		case "app.wasm.br", "app.wasm.gz":
			// Compressed from app.wasm by the same build: its hash versions
			// them too (names sort after it). Not hashed again: start-up time.
			continue
		}
		var sum [sha256.Size]byte
		if name == "app.wasm" {
			var size int64
			var err error
			if sum, size, err = hashFile(fsys, name); err != nil {
				return nil, err
			}
			wasmTag = hex.EncodeToString(sum[:8])
			a.wasm[""] = &asset{fsys: fsys, name: name, size: size, etag: `"` + wasmTag + `"`, contentType: "application/wasm"}
			a.rawSize = int(size)
		} else {
			ct, ok := servedTypes[path.Ext(name)]
			if !ok {
				continue
			}
			data, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, fmt.Errorf("read web asset %q: %w", name, err)
			}
			sum = sha256.Sum256(data)
			a.files[name] = &asset{data: data, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, contentType: ct}
		}
		version.Write([]byte(name))
		version.Write(sum[:])
	}
	if a.wasm[""] == nil {
		return nil, errNoWasm
	}
	for coding, suffix := range map[string]string{"br": ".br", "gzip": ".gz"} {
		if info, err := fs.Stat(fsys, "app.wasm"+suffix); err == nil {
			a.wasm[coding] = &asset{fsys: fsys, name: "app.wasm" + suffix, size: info.Size(),
				etag: `"` + wasmTag + "-" + strings.TrimPrefix(suffix, ".") + `"`, contentType: "application/wasm"}
		}
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
	if f.data != nil {
		h.Set("Content-Length", strconv.Itoa(len(f.data)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = w.Write(f.data)
		}
		return
	}
	file, err := f.fsys.Open(f.name)
	if err != nil {
		http.Error(w, "asset unavailable", http.StatusInternalServerError)
		return
	}
	defer file.Close()
	h.Set("Content-Length", strconv.FormatInt(f.size, 10))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = io.Copy(w, file)
	}
}

// hashFile streams a file through SHA-256.
func hashFile(fsys fs.FS, name string) (sum [sha256.Size]byte, size int64, err error) {
	f, err := fsys.Open(name)
	if err != nil {
		return sum, 0, fmt.Errorf("read web asset %q: %w", name, err)
	}
	defer f.Close()
	h := sha256.New()
	if size, err = io.Copy(h, f); err != nil {
		return sum, 0, fmt.Errorf("read web asset %q: %w", name, err)
	}
	copy(sum[:], h.Sum(nil))
	return sum, size, nil
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
