// Command server serves the floor program the way the lab serves itself: a
// go-app v9 Handler for the page, app.js and the service worker, with the wasm
// precompressed (brotli, gzip), one ETag per coding, and a versioned URL
// cached for good, so both are measured with the same delivery and only the
// programs differ.
//
//	server -addr 127.0.0.1:0 -web DIR   (DIR holds app.wasm, app.wasm.br, app.wasm.gz)
//
// It prints "  app: <url>" once it listens, like the lab.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"jiraauthlab/bench/floor"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// wasmLengthHeader tells go-app's loader the decoded size, as the lab does.
const wasmLengthHeader = "X-Wasm-Content-Length"

// icon.svg is the only icon: go-app falls back to icons on a public host when
// none is set, and the benchmark must not leave loopback.
const iconSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" fill="#1d4ed8"/></svg>`

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	web := flag.String("web", "", "directory holding app.wasm, app.wasm.br and app.wasm.gz")
	flag.Parse()
	if err := run(*addr, *web); err != nil {
		fmt.Fprintln(os.Stderr, "floor server:", err)
		os.Exit(1)
	}
}

func run(addr, web string) error {
	codings := map[string]string{"": "app.wasm", "br": "app.wasm.br", "gzip": "app.wasm.gz"}
	files := map[string][]byte{}
	for coding, name := range codings {
		b, err := os.ReadFile(filepath.Join(web, name))
		if err != nil {
			return fmt.Errorf("read wasm: %w", err)
		}
		files[coding] = b
	}
	sum := sha256.Sum256(files[""])
	version := hex.EncodeToString(sum[:10])

	floor.Routes()
	pages := &app.Handler{
		Name:  "Floor",
		Title: "Floor",
		Icon: app.Icon{
			Default:    "/web/icon.svg",
			Large:      "/web/icon.svg",
			SVG:        "/web/icon.svg",
			AppleTouch: "/web/icon.svg",
		},
		Resources:               resources{version: version},
		Version:                 version,
		WasmContentLengthHeader: wasmLengthHeader,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/web/app.wasm", func(w http.ResponseWriter, r *http.Request) {
		coding := negotiate(r.Header.Get("Accept-Encoding"))
		h := w.Header()
		h.Set("Vary", "Accept-Encoding")
		if r.URL.Query().Get("v") == version {
			h.Set("Cache-Control", "public, max-age=31536000, immutable") // as the lab
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		h.Set("Content-Type", "application/wasm")
		h.Set(wasmLengthHeader, strconv.Itoa(len(files[""])))
		etag := `"` + version + "-" + coding + `"`
		h.Set("ETag", etag)
		if coding != "" {
			h.Set("Content-Encoding", coding)
		}
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", strconv.Itoa(len(files[coding])))
		_, _ = w.Write(files[coding])
	})
	mux.HandleFunc("/web/icon.svg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write([]byte(iconSVG))
	})
	for _, p := range []string{"/robots.txt", "/sitemap.xml", "/ads.txt"} {
		mux.Handle(p, http.NotFoundHandler()) // never fetched by go-app from the Host
	}
	mux.Handle("/", pages)

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("  app: http://%s/\n", ln.Addr())
	return http.Serve(ln, mux)
}

// resources places go-app's files at the root; not an http.Handler, so go-app
// never serves /web/ from the working directory. As the lab does, the wasm's
// URL carries the version, and its answer is cached for good.
type resources struct{ version string }

func (resources) Package() string   { return "" }
func (resources) Static() string    { return "" }
func (r resources) AppWASM() string { return "/web/app.wasm?v=" + r.version }

// negotiate picks brotli, then gzip, then identity (q-values are ignored:
// browsers send none for these).
func negotiate(accept string) string {
	var br, gz bool
	for _, part := range strings.Split(accept, ",") {
		name, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "br":
			br = true
		case "gzip":
			gz = true
		}
	}
	switch {
	case br:
		return "br"
	case gz:
		return "gzip"
	}
	return ""
}
