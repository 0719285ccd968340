package sandbox

import (
	"net/http"
	"strings"
)

// Jira's own spelling of its headers. net/http canonicalises keys set with
// Header.Set (X-AUSERNAME would go out as X-Ausername); the wire is
// case-insensitive, but learners compare what they see with Jira's answers,
// so these are written into the header map as Jira spells them.
const (
	hdrRequestID     = "X-AREQUESTID"
	hdrSessionID     = "X-ASESSIONID"
	hdrUsername      = "X-AUSERNAME"
	hdrLoginReason   = "X-Seraph-LoginReason"
	hdrDeniedReason  = "X-Authentication-Denied-Reason"
	hdrAuthenticate  = "WWW-Authenticate"
	hdrXSSProtection = "X-XSS-Protection"
	hdrCSP           = "Content-Security-Policy"
)

// setRaw sets key exactly as spelled, dropping a canonical twin so that the
// header is never sent twice.
func setRaw(h http.Header, key, value string) {
	if canon := http.CanonicalHeaderKey(key); canon != key {
		delete(h, canon)
	}
	h[key] = []string{value}
}

// getRaw reads a header set with setRaw (or with Set).
func getRaw(h http.Header, key string) string {
	if v, ok := h[key]; ok && len(v) > 0 {
		return v[0]
	}
	return h.Get(key)
}

// securityHeaders are the headers a Jira 8.20 answers with, copied from a
// recorded "curl -D-" of a Jira 8.20.8 Server (27 June 2022, in the public
// README of an ExpressJS CORS helper for Jira's REST API: a 200 of
// /rest/api/2/project and a 403 CAPTCHA refusal): Referrer-Policy,
// X-XSS-Protection, X-Content-Type-Options and X-Frame-Options on every
// answer. That capture carries Strict-Transport-Security because the
// instance was served over https; the sandbox sends it only on TLS.
func securityHeaders(h http.Header, tls bool) {
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	setRaw(h, hdrXSSProtection, "1; mode=block")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	if tls {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	if getRaw(h, hdrCSP) == "" {
		setRaw(h, hdrCSP, contentSecurityPolicy(h.Get("Content-Type")))
	}
}

// contentSecurityPolicy follows the same 8.20.8 capture: the JSON answer of
// a REST resource carried "sandbox", the HTML error page (Forbidden (403))
// "frame-ancestors 'self'". Pages are HTML; every other body is treated like
// the REST answer.
func contentSecurityPolicy(contentType string) string {
	if strings.HasPrefix(strings.ToLower(contentType), "text/html") {
		return "frame-ancestors 'self'"
	}
	return "sandbox"
}

// stampWriter adds Jira's per-response headers at the moment the status is
// written, so that every path (errors, redirects, pages) carries them and they
// reflect the caller as the handler left it (e.g. after a login or logout).
type stampWriter struct {
	http.ResponseWriter
	c      *call
	wrote  bool
	status int
}

func (w *stampWriter) WriteHeader(status int) {
	if w.wrote {
		return
	}
	w.wrote = true
	w.status = status
	h := w.Header()
	c := w.c
	if c.cloud {
		c.stampCloud(h)
		w.ResponseWriter.WriteHeader(status)
		return
	}
	setRaw(h, hdrRequestID, c.requestID)
	setRaw(h, hdrUsername, c.username())
	if c.sess != nil {
		setRaw(h, hdrSessionID, c.sess.short)
	}
	if c.loginReason != "" {
		setRaw(h, hdrLoginReason, c.loginReason)
	}
	if c.deniedReason != "" {
		setRaw(h, hdrDeniedReason, c.deniedReason)
	}
	h.Set("Cache-Control", "no-cache, no-store, no-transform")
	securityHeaders(h, c.r.TLS != nil)
	w.ResponseWriter.WriteHeader(status)
}

func (w *stampWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *stampWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
