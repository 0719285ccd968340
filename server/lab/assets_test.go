package lab

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"testing/fstest"
)

func testWeb() fstest.MapFS {
	return fstest.MapFS{
		"app.wasm":     {Data: []byte("\x00asm raw wasm bytes, long enough")},
		"app.wasm.br":  {Data: []byte("brotli")},
		"app.wasm.gz":  {Data: []byte("gzip!")},
		"lab.css":      {Data: []byte("body{}")},
		"icon.svg":     {Data: []byte("<svg/>")},
		"icon-192.png": {Data: []byte("png")},
		"robots.txt":   {Data: []byte("User-agent: *\n")},
		"embed.go":     {Data: []byte("package web")},
	}
}

func TestNegotiate(t *testing.T) {
	all := map[string]*asset{"": {}, "br": {}, "gzip": {}}
	noBr := map[string]*asset{"": {}, "gzip": {}}
	tests := []struct {
		accept string
		have   map[string]*asset
		want   string
	}{
		{"gzip, deflate, br, zstd", all, "br"},
		{"gzip", all, "gzip"},
		{"br;q=0, gzip", all, "gzip"},
		{"BR", all, "br"},
		{"*", all, "br"},
		{"identity", all, ""},
		{"", all, ""},
		{"gzip;q=0", all, ""},
		{"br", noBr, ""},
		{"br, gzip", noBr, "gzip"},
	}
	for _, tt := range tests {
		if got := negotiate(tt.accept, tt.have); got != tt.want {
			t.Errorf("negotiate(%q) = %q; want %q", tt.accept, got, tt.want)
		}
	}
}

func TestServeWasm(t *testing.T) {
	a, err := loadAssets(testWeb())
	if err != nil {
		t.Fatal(err)
	}
	etags := map[string]bool{}
	for _, tt := range []struct{ accept, coding, body string }{
		{"gzip, br", "br", "brotli"},
		{"gzip", "gzip", "gzip!"},
		{"", "", "\x00asm raw wasm bytes, long enough"},
	} {
		r := httptest.NewRequest("GET", "/web/app.wasm", nil)
		r.Header.Set("Accept-Encoding", tt.accept)
		w := httptest.NewRecorder()
		a.serveWasm(w, r)
		h := w.Result().Header
		if w.Code != 200 || w.Body.String() != tt.body || h.Get("Content-Encoding") != tt.coding ||
			h.Get("Content-Type") != "application/wasm" || h.Get("Vary") != "Accept-Encoding" ||
			h.Get("Content-Length") != strconv.Itoa(len(tt.body)) ||
			h.Get(wasmLengthHeader) != strconv.Itoa(len(testWeb()["app.wasm"].Data)) {
			t.Errorf("Accept-Encoding %q: %d %v %q", tt.accept, w.Code, h, w.Body.String())
		}
		etag := h.Get("ETag")
		if etag == "" || etags[etag] {
			t.Errorf("Accept-Encoding %q: ETag %q must exist and differ per coding", tt.accept, etag)
		}
		etags[etag] = true

		r.Header.Set("If-None-Match", etag)
		w = httptest.NewRecorder()
		a.serveWasm(w, r)
		if w.Code != http.StatusNotModified {
			t.Errorf("If-None-Match %s: status %d; want 304", etag, w.Code)
		}
		// The service worker revalidates with go-app's version: that is not
		// our ETag and must get the full body.
		r.Header.Set("If-None-Match", `"`+a.version+`"`)
		w = httptest.NewRecorder()
		a.serveWasm(w, r)
		if w.Code != http.StatusOK {
			t.Errorf("If-None-Match <version>: status %d; want 200", w.Code)
		}
	}
}

func TestServeWasmCaching(t *testing.T) {
	a, err := loadAssets(testWeb())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ target, want string }{
		{"/web/app.wasm?v=" + a.version, "public, max-age=31536000, immutable"},
		{"/web/app.wasm?v=old", "no-cache"},
		{"/web/app.wasm", "no-cache"},
	} {
		w := httptest.NewRecorder()
		a.serveWasm(w, httptest.NewRequest("GET", tt.target, nil))
		if got := w.Header().Get("Cache-Control"); got != tt.want {
			t.Errorf("GET %s: Cache-Control %q; want %q", tt.target, got, tt.want)
		}
	}
}

func TestLoadAssets(t *testing.T) {
	web := testWeb()
	a, err := loadAssets(web)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := a.files["embed.go"]; ok {
		t.Error("Go source must not be served")
	}
	if _, ok := a.files["lab.css"]; !ok {
		t.Error("lab.css missing")
	}
	// The version follows the content, wasm included.
	web["app.wasm"] = &fstest.MapFile{Data: []byte("\x00asm another build")}
	b, _ := loadAssets(web)
	if a.version == b.version {
		t.Error("a new wasm must change the version")
	}
	c, _ := loadAssets(web)
	if b.version != c.version {
		t.Error("the same content must keep the version (a restart must not force a download)")
	}
	delete(web, "app.wasm")
	if _, err := loadAssets(web); err != errNoWasm {
		t.Errorf("without app.wasm: err = %v; want errNoWasm", err)
	}
}
