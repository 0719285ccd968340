package lab

import (
	"compress/gzip"
	"net/http"
	"strings"
	"sync"
)

// The pages, go-app's scripts, the manifest and the stylesheet leave
// gzipped when the browser takes gzip: on a first visit they are a tenth
// of the bytes (the service worker precaches every page), which kept the
// first visit under the goal of 1.25 × the go-app floor as pages were
// added. The wasm has its own precompressed files; proxied answers pass
// as Jira sent them and never come here.

// gzipSuffix marks the ETag of a gzipped answer: one entity tag per
// coding, as the wasm's are (a cache must not take one for the other).
const gzipSuffix = "-gzip"

// gzipped serves next's answer gzipped when the request accepts gzip and
// the answer's type compresses well.
func gzipped(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !acceptsGzip(r.Header.Get("Accept-Encoding")) {
			next.ServeHTTP(w, r)
			return
		}
		// go-app answers 304 to its own ETag: hand it back without the
		// suffix this wrapper adds.
		if v := r.Header.Get("If-None-Match"); strings.HasSuffix(v, gzipSuffix+`"`) || strings.HasSuffix(v, gzipSuffix) {
			r.Header.Set("If-None-Match", strings.Replace(v, gzipSuffix, "", 1))
		}
		gw := &gzipWriter{ResponseWriter: w}
		defer gw.close()
		next.ServeHTTP(gw, r)
	})
}

// acceptsGzip reports whether an Accept-Encoding takes gzip (q>0).
func acceptsGzip(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// compressible are the content types worth gzipping.
func compressible(contentType string) bool {
	ct := strings.ToLower(contentType)
	for _, t := range []string{"text/", "application/javascript", "application/json", "application/manifest+json", "image/svg+xml", "application/xml"} {
		if strings.HasPrefix(ct, t) {
			return true
		}
	}
	return false
}

var gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.BestCompression); return w }}

// gzipWriter decides at WriteHeader whether the answer is gzipped.
type gzipWriter struct {
	http.ResponseWriter
	gz      *gzip.Writer
	decided bool
}

func (w *gzipWriter) WriteHeader(code int) {
	if !w.decided {
		w.decided = true
		h := w.Header()
		if code == http.StatusOK && h.Get("Content-Encoding") == "" && compressible(h.Get("Content-Type")) {
			h.Del("Content-Length")
			h.Set("Content-Encoding", "gzip")
			h.Add("Vary", "Accept-Encoding")
			if etag := h.Get("ETag"); etag != "" {
				if strings.HasSuffix(etag, `"`) {
					h.Set("ETag", strings.TrimSuffix(etag, `"`)+gzipSuffix+`"`)
				} else {
					h.Set("ETag", etag+gzipSuffix)
				}
			}
			w.gz = gzipPool.Get().(*gzip.Writer)
			w.gz.Reset(w.ResponseWriter)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *gzipWriter) Write(b []byte) (int, error) {
	if !w.decided {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", http.DetectContentType(b))
		}
		w.WriteHeader(http.StatusOK)
	}
	if w.gz != nil {
		return w.gz.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// close finishes the gzip stream.
func (w *gzipWriter) close() {
	if w.gz != nil {
		w.gz.Close()
		gzipPool.Put(w.gz)
		w.gz = nil
	}
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
