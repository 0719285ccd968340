package lab

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Pages and go-app's scripts leave gzipped to a browser that takes gzip,
// with their own ETag, and a repeat visit still gets 304; the wasm keeps
// its precompressed coding and a proxied answer passes as sent.
func TestGzip(t *testing.T) {
	s := startTestServer(t, Config{SandboxAddr: "127.0.0.1:0"})
	get := func(path, accept, ifNoneMatch string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", s.AppURL+path, nil)
		req.Header.Set("Accept-Encoding", accept) // set by hand: Go's client then leaves the body as sent
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		if strings.HasPrefix(path, "proxy/") {
			req.Header.Set("X-Jira-Lab", "1")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	tests := []struct {
		path, accept, wantEncoding string
	}{
		{"session", "gzip, deflate, br", "gzip"},
		{"app.js", "gzip", "gzip"},
		{"web/lab.css", "br;q=1, gzip;q=0.5", "gzip"},
		{"session", "", ""},
		{"session", "gzip;q=0", ""},
		{"web/app.wasm", "gzip, br", "br"},
		{"proxy/sandbox/rest/api/2/serverInfo", "gzip", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.accept, func(t *testing.T) {
			resp := get(tt.path, tt.accept, "")
			if got := resp.Header.Get("Content-Encoding"); got != tt.wantEncoding {
				t.Fatalf("Content-Encoding %q; want %q", got, tt.wantEncoding)
			}
			if tt.wantEncoding != "gzip" {
				return
			}
			zr, err := gzip.NewReader(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if b, err := io.ReadAll(zr); err != nil || len(b) == 0 {
				t.Fatalf("gunzip: %d bytes, %v", len(b), err)
			}
			etag := resp.Header.Get("ETag")
			if etag == "" || !strings.Contains(etag, gzipSuffix) {
				return // not every asset has an ETag
			}
			if again := get(tt.path, tt.accept, etag); again.StatusCode != http.StatusNotModified {
				t.Errorf("If-None-Match: %s → %d; want 304", etag, again.StatusCode)
			}
		})
	}
}
