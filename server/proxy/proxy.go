// Package proxy forwards the lab's /proxy/{name}/{path...} requests to the
// configured Jira upstreams, and translates the headers a browser would
// otherwise hide, refuse or act on (Cookie, Set-Cookie, WWW-Authenticate,
// Location, HSTS, CORS, ...) into X-Jira-* headers the lab can show.
//
// It exists because a page cannot talk to a Jira directly: CORS blocks the
// call, fetch never exposes Set-Cookie, and a page cannot send its own
// Cookie header. The proxy is same-origin with the lab, so none of that
// applies, and it is careful never to be more than that: it only reaches
// the configured upstreams, below their base path, and only for the lab's
// own pages.
package proxy

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"jiraauthlab/contract"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"slices"
	"strings"
	"time"
)

// HostChecker decides which names the app is served under (implemented by
// the integrator).
type HostChecker interface {
	// AllowHost reports whether a Host header value, such as
	// "127.0.0.1:8080", names the app.
	AllowHost(host string) bool
	// AllowOrigin reports whether an Origin header value, such as
	// "http://127.0.0.1:8080", is the app's own, for a request whose Host
	// (already allowed) is host.
	AllowOrigin(origin, host string) bool
}

// Config configures New.
type Config struct {
	// Upstreams are the Jiras the proxy may reach. The first is the
	// default; names must be unique. None at all is allowed: every
	// request then gets 404.
	Upstreams []Upstream

	// Hosts decides which Host and Origin values are the app's own.
	// If nil, every request is refused with 403 (fail closed).
	Hosts HostChecker

	// MaxBody caps request bodies, in bytes. If zero, 10 MiB.
	MaxBody int64

	// UpstreamTimeout is the time an upstream has to send its response
	// headers. If zero, 30s. Dialing and the TLS handshake each get
	// min(10s, UpstreamTimeout).
	UpstreamTimeout time.Duration

	// RootCAs are the roots that upstream certificates are verified
	// against (see LoadCA). If nil, the system roots.
	RootCAs *x509.CertPool

	// InsecureSkipVerify turns off upstream certificate verification,
	// for self-signed test servers only. The caller should warn.
	InsecureSkipVerify bool

	// UserAgent is the User-Agent the upstream sees when the page names
	// none in X-Jira-User-Agent. If empty, contract.UserAgent("dev").
	UserAgent string

	// Logger receives one line per request, and transport warnings.
	// If nil, nothing is logged.
	Logger *slog.Logger

	// ObserveUpstream, when set, gets the upstream's name and the time from
	// sending a request to its response headers (what Server-Timing
	// reports) for every answer an upstream gave; refusals and transport
	// errors are not answers. It runs on the request's goroutine: keep it
	// fast. The lab's metrics use it (-metrics-addr).
	ObserveUpstream func(upstream string, d time.Duration)
}

// MaxHeaderBytes and MaxHeaderCount bound the request headers the proxy
// forwards, counted as they arrive, each line as name, ": ", value and
// CRLF (the Host line and the request line aside); more is refused with
// 431. MaxHeaderBytes is the app listener's cap too (CONTRACT.md), so
// behind it the count is what bites; MaxHeaderCount is Tomcat's default
// maxHeaderCount, beyond which Jira refuses a request itself.
const (
	MaxHeaderBytes = 64 << 10
	MaxHeaderCount = 100
)

// Defaults for the zero values of Config.
const (
	DefaultMaxBody         = 10 << 20
	DefaultUpstreamTimeout = 30 * time.Second
	maxConnectTimeout      = 10 * time.Second
)

// Proxy serves /proxy/{name}/{path...}. It is safe for concurrent use.
type Proxy struct {
	upstreams []Upstream
	routes    map[string]*route
	hosts     HostChecker
	maxBody   int64
	log       *slog.Logger
	transport *timedTransport
}

// route is everything the hot path needs about one upstream, computed once.
type route struct {
	up     Upstream
	prefix int // len("/proxy/" + name)
	rp     *httputil.ReverseProxy
	// userAgent is Config.UserAgent.
	userAgent string
}

// New checks cfg and builds a Proxy.
func New(cfg Config) (*Proxy, error) {
	if cfg.MaxBody < 0 {
		return nil, fmt.Errorf("proxy: negative MaxBody %d", cfg.MaxBody)
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.UpstreamTimeout < 0 {
		return nil, fmt.Errorf("proxy: negative UpstreamTimeout %s", cfg.UpstreamTimeout)
	}
	if cfg.UpstreamTimeout == 0 {
		cfg.UpstreamTimeout = DefaultUpstreamTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = contract.UserAgent("")
	}
	connect := min(maxConnectTimeout, cfg.UpstreamTimeout)
	p := &Proxy{
		routes:    make(map[string]*route, len(cfg.Upstreams)),
		hosts:     cfg.Hosts,
		maxBody:   cfg.MaxBody,
		log:       cfg.Logger,
		transport: &timedTransport{rt: newTransport(cfg, connect), idle: cfg.UpstreamTimeout},
	}
	// ReverseProxy prints body copy errors, which may quote the upstream's
	// bytes (a malformed trailer line).
	errorLog := log.New(lineLogger{log: cfg.Logger, level: slog.LevelWarn}, "", 0)
	for _, up := range cfg.Upstreams {
		if err := checkName(up.Name); err != nil {
			return nil, fmt.Errorf("proxy: upstream: %w", err)
		}
		if err := normalize(&up); err != nil {
			return nil, fmt.Errorf("proxy: upstream %q: %w", up.Name, err)
		}
		if _, dup := p.routes[up.Name]; dup {
			return nil, fmt.Errorf("proxy: upstream %q is configured twice", up.Name)
		}
		rt := &route{up: up, prefix: len("/proxy/") + len(up.Name), userAgent: cfg.UserAgent}
		var transport http.RoundTripper = p.transport
		if cfg.ObserveUpstream != nil {
			transport = observedTransport{next: p.transport, name: up.Name, observe: cfg.ObserveUpstream}
		}
		rt.rp = &httputil.ReverseProxy{
			Rewrite:   rt.rewrite,
			Transport: transport,
			// 0, not -1: a body of known length leaves in one write when the
			// handler ends instead of a flush (a system call) per chunk, which
			// cost ~14% of the proxy's CPU under load. ReverseProxy still flushes
			// at once for bodies of unknown length and event streams.
			FlushInterval:  0,
			BufferPool:     bufferPool{},
			ModifyResponse: modifyResponse,
			ErrorLog:       errorLog,
			ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
				code, detail := upstreamError(err, rt, cfg.UpstreamTimeout, connect)
				if rec, ok := w.(*recorder); ok {
					rec.code, rec.err = code, err
				}
				WriteError(w, code, detail)
			},
		}
		p.routes[up.Name] = rt
		p.upstreams = append(p.upstreams, up)
	}
	return p, nil
}

// Upstreams returns the configured upstreams in order, default first.
// The result is a copy.
func (p *Proxy) Upstreams() []Upstream {
	out := make([]Upstream, len(p.upstreams))
	for i, up := range p.upstreams {
		u := *up.URL
		up.URL = &u
		out[i] = up
	}
	return out
}

// ServeHTTP handles /proxy/{name}/{path...}. r.URL.Path starts with
// "/proxy/"; any base path has been stripped by the caller.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if r.ProtoMajor == 1 && len(r.TransferEncoding) > 0 {
		// The server closes the connection after this answer. A request
		// with both Content-Length and Transfer-Encoding must not leave it
		// open (RFC 9112, 6.3: whoever sits in front may have framed it by
		// its Content-Length), but net/http's server drops the
		// Content-Length, keeps the connection and leaves no trace of it:
		// so every chunked request closes it. Browsers never send one.
		w.Header()["Connection"] = connectionClose
	}
	rec := recorder{ResponseWriter: w, base: w.Header().Clone()}
	rt := p.admit(&rec, w, r)
	defer func() {
		// ReverseProxy panics with http.ErrAbortHandler when the body breaks
		// off after the headers left (a stalled or reset upstream): the
		// browser sees the connection close; the log says why.
		v := recover()
		if v != nil && rec.code == "" {
			rec.code = contract.CodeBodyAborted
		}
		p.logRequest(&rec, r, rt, start)
		if v != nil {
			panic(v)
		}
	}()
	if rt != nil {
		rt.rp.ServeHTTP(&rec, r)
	}
}

// admit applies the contract's checks in order (Host, Origin, lab header,
// method, header size, path, upstream name, body size). It answers refused
// requests itself and returns nil for them.
func (p *Proxy) admit(rec *recorder, w http.ResponseWriter, r *http.Request) *route {
	fail := func(code contract.ErrorCode, detail string) *route {
		rec.code = code
		WriteError(rec, code, detail)
		return nil
	}
	if p.hosts == nil || !p.hosts.AllowHost(r.Host) {
		return fail(contract.CodeForeignHost,
			"The request's Host is not a name this lab is served under.")
	}
	for _, o := range r.Header["Origin"] {
		if !p.hosts.AllowOrigin(o, r.Host) {
			return fail(contract.CodeForeignOrigin,
				"The request comes from a page outside this lab (Origin "+fmt.Sprintf("%q", o)+").")
		}
	}
	if v := r.Header[contract.HeaderLab]; len(v) == 0 || v[0] != contract.LabHeaderValue {
		return fail(contract.CodeMissingLabHeader,
			"Proxied requests must carry the header "+contract.HeaderLab+": "+contract.LabHeaderValue+".")
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete,
		http.MethodPatch, http.MethodOptions:
	default:
		rec.Header()["Allow"] = allowHeader
		return fail(contract.CodeBadMethod,
			fmt.Sprintf("The proxy forwards only the methods Jira's REST API uses (%s), not %q.", allowHeader[0], r.Method))
	}
	if !headersWithin(r.Header) {
		return fail(contract.CodeHeadersTooLarge,
			fmt.Sprintf("The request carries more than %d header lines or %d bytes of headers, the proxy's limits.", MaxHeaderCount, MaxHeaderBytes))
	}
	raw, ok := targetPath(r)
	rest, isProxy := strings.CutPrefix(raw, "/proxy/")
	if !ok || !isProxy || r.URL.Opaque != "" || !validPath(rest) {
		return fail(contract.CodeBadPath,
			"The path would leave the upstream's base (dot segments, empty segments, encoded separators, backslashes, ';' or control characters).")
	}
	name := rest
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		name = rest[:i]
	}
	rt := p.routes[name]
	if rt == nil {
		return fail(contract.CodeUnknownUpstream,
			fmt.Sprintf("No upstream is named %q.", name))
	}
	switch {
	case r.ContentLength > p.maxBody:
		return fail(contract.CodeBodyTooLarge,
			fmt.Sprintf("The request body is larger than the proxy's limit of %d bytes (-max-body).", p.maxBody))
	case r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody:
		// Unknown length (chunked): count as it streams. The original
		// writer lets the server close the connection on overflow.
		r.Body = chunkedBody{http.MaxBytesReader(w, r.Body, p.maxBody)}
	}
	return rt
}

// Answers of admit, shared (never appended to: capacity is length).
var (
	allowHeader     = []string{"GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS"}
	connectionClose = []string{"close"}
)

// headersWithin reports whether h stays within MaxHeaderCount lines and
// MaxHeaderBytes.
func headersWithin(h http.Header) bool {
	lines, size := 0, 0
	for k, vv := range h {
		lines += len(vv)
		for _, v := range vv {
			size += len(k) + len(": ") + len(v) + len("\r\n")
		}
		if lines > MaxHeaderCount || size > MaxHeaderBytes {
			return false
		}
	}
	return true
}

// chunkedBody is a request body of unknown length. net/http's server parses
// its chunked framing as it streams to the upstream, so a malformed one
// fails the round trip; Read marks that error as the client's
// (badBodyError), for a 400 rather than a 502 blamed on the upstream.
type chunkedBody struct{ io.ReadCloser }

func (b chunkedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && malformedBody(err) {
		err = badBodyError{err}
	}
	return n, err
}

// malformedBody reports whether err, of reading a request body, is about
// its bytes rather than its size (413), a client gone (EOF before the end,
// a reset or a timeout) or the request's end.
func malformedBody(err error) bool {
	var (
		mbe *http.MaxBytesError
		ne  net.Error
	)
	return !errors.As(err, &mbe) && !errors.As(err, &ne) && !errors.Is(err, io.ErrUnexpectedEOF) &&
		!errors.Is(err, http.ErrBodyReadAfterClose) && !errors.Is(err, context.Canceled) &&
		!errors.Is(err, context.DeadlineExceeded)
}

// badBodyError is a request body's framing error.
type badBodyError struct{ err error }

func (e badBodyError) Error() string { return "malformed request body: " + e.err.Error() }
func (e badBodyError) Unwrap() error { return e.err }

// targetPath returns the path of r's request target as the client sent it
// (escapes untouched, less any prefix the caller stripped, such as the base
// path), and false when r.URL no longer matches r.RequestURI — something
// before the proxy decoded, cleaned or rewrote the path — or r has no
// RequestURI (not a server request).
//
// URL.EscapedPath is not that: when the raw path holds a byte it does not
// count as valid in an escaped path ('|', '^', '"', raw UTF-8, ...), it
// re-escapes the decoded Path, and "rest%2fapi|" comes back as
// "rest/api%7C" — an encoded separator that would pass the checks as a
// real one. URL.RawPath is the raw path whenever it differs from Path's
// own escaping, which EscapedPath returns otherwise.
func targetPath(r *http.Request) (string, bool) {
	p := r.URL.RawPath
	if p == "" {
		p = r.URL.EscapedPath()
	}
	target := r.RequestURI
	if i := strings.IndexByte(target, '?'); i >= 0 {
		target = target[:i]
	}
	return p, p != "" && strings.HasSuffix(target, p)
}

// rewrite is the ReverseProxy.Rewrite of route rt: base URL + {path} +
// the raw query, byte for byte, and the request header rules.
func (rt *route) rewrite(pr *httputil.ProxyRequest) {
	in, out := pr.In.URL, pr.Out.URL
	// admit checked this raw path and took the name from it. Its
	// "/proxy/{name}" prefix has no escapes, so it is also the prefix of
	// Path, and the rest of both is {path}.
	esc, _ := targetPath(pr.In)
	out.Path, out.RawPath = "", ""
	if len(esc) >= rt.prefix && len(in.Path) >= rt.prefix {
		out.Path = in.Path[rt.prefix:]
		if e := esc[rt.prefix:]; e != out.Path {
			out.RawPath = e
		}
	}
	out.RawQuery = "" // ReverseProxy re-encoded it; restored below
	pr.SetURL(rt.up.URL)
	out.RawQuery = in.RawQuery
	out.ForceQuery = in.ForceQuery
	out.Fragment, out.RawFragment, out.User = "", "", nil
	// A chunked body's trailers are headers too, sent after the body where
	// no rule above looks (a Cookie, an X-Forwarded-For): none is forwarded.
	pr.Out.Trailer = nil
	rewriteRequestHeaders(pr.Out.Header, rt.userAgent, rt.up.Sandbox)
}

// logRequest writes the one log line of a request: never the query,
// cookies, credentials or bodies.
func (p *Proxy) logRequest(rec *recorder, r *http.Request, rt *route, start time.Time) {
	ctx := r.Context()
	if !p.log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	name := ""
	if rt != nil {
		name = rt.up.Name
	}
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	if rec.code == "" {
		p.log.LogAttrs(ctx, slog.LevelInfo, "proxy",
			slog.String("upstream", name),
			slog.String("method", r.Method),
			slog.String("path", r.URL.EscapedPath()),
			slog.Int("status", status),
			slog.Duration("duration", time.Since(start)))
		return
	}
	attrs := []slog.Attr{
		slog.String("upstream", name),
		slog.String("method", r.Method),
		slog.String("path", r.URL.EscapedPath()),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)),
		slog.String("error", string(rec.code)),
	}
	if rec.err != nil {
		// Transport errors quote what a broken upstream sent.
		attrs = append(attrs, slog.String("cause", withholdQuoted(rec.err.Error())))
	}
	p.log.LogAttrs(ctx, slog.LevelInfo, "proxy", attrs...)
}

// recorder remembers the status and error code for the log line, keeps
// informational (1xx) responses of the upstream from the browser (fetch
// never shows them, and they could carry a Set-Cookie), and sets what
// every answer of the proxy carries: Cache-Control: no-store, and no
// Content-Type the upstream did not send.
type recorder struct {
	http.ResponseWriter
	status int
	code   contract.ErrorCode
	err    error
	// base holds the headers set before the proxy ran (the lab's CSP and
	// friends): ReverseProxy clears the whole header map after each 1xx.
	base   http.Header
	saw1xx bool
}

func (w *recorder) WriteHeader(code int) {
	if code >= 100 && code < 200 {
		w.saw1xx = true
		return
	}
	h := w.Header()
	if w.saw1xx {
		for k, v := range w.base {
			h[k] = append(slices.Clip(v), h[k]...)
		}
		w.saw1xx = false
	}
	if w.status == 0 {
		w.status = code
		// The upstream's own Cache-Control arrives renamed (headers.go).
		h["Cache-Control"] = noStore
		if _, ok := h["Content-Type"]; !ok {
			// A nil value keeps net/http's server from sniffing one: the
			// answer is the upstream's, not a guess at it.
			h["Content-Type"] = nil
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

// noStore is the Cache-Control of every answer (never appended to: its
// capacity is its length).
var noStore = []string{"no-store"}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// FlushError flushes the underlying writer, as http.ResponseController
// would, so that streamed bodies reach the browser as they arrive.
func (w *recorder) FlushError() error {
	var rw http.ResponseWriter = w.ResponseWriter
	for {
		switch t := rw.(type) {
		case interface{ FlushError() error }:
			return t.FlushError()
		case http.Flusher:
			t.Flush()
			return nil
		case interface{ Unwrap() http.ResponseWriter }:
			rw = t.Unwrap()
		default:
			return errors.ErrUnsupported
		}
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
