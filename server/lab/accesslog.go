package lab

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// statusWriter records the status and size of a response. It unwraps, so
// http.ResponseController (the proxy's flushes) still reaches the real writer.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	// proxied: the proxy took the request and logs it itself.
	proxied bool
}

// handOverLog tells the access log that the proxy logs this request. A
// request refused before it reaches the proxy (a foreign Host, a path
// outside the base path) stays in the access log.
func handOverLog(w http.ResponseWriter) {
	if sw, ok := w.(*statusWriter); ok {
		sw.proxied = true
	}
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLog logs one line per request: method, path, status, duration, size.
// Never the query, headers or bodies: they carry passwords, cookies and
// Authorization. Proxied requests are logged by the proxy itself.
func accessLog(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		path := r.URL.Path // read before the base path is stripped
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.proxied {
			return
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		logger.LogAttrs(context.Background(), slog.LevelInfo, "http",
			slog.String("method", r.Method),
			slog.String("path", path),
			slog.Int("status", sw.status),
			slog.Duration("dur", time.Since(start)),
			slog.Int64("bytes", sw.bytes),
		)
	})
}
