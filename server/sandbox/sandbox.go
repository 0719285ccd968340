// Package sandbox is an in-memory Jira Server that answers every authentication flow
// of the lab's seed documents the way real Jira does: basic auth, personal access
// tokens, cookie sessions, CAPTCHA, form-token (XSRF) checks, a simulated SSO login,
// and the password-policy resource, over a small fixed set of issues.
//
// It is a demo and test double, not a Jira: state lives in memory, resets on
// POST /_sandbox/reset, and is bounded (sessions, tokens and request bodies are capped).
package sandbox

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Options configures a Sandbox. The zero value is ready to use.
type Options struct {
	Now          func() time.Time // nil → time.Now
	IdleTimeout  time.Duration    // session idle timeout; 0 → 300 minutes (Jira default)
	MaxSessions  int              // cap of the session table; 0 → 10000; least recently used evicted
	MaxBody      int64            // request body cap; 0 → 1 MiB; over → Jira-shaped 413
	CaptchaLimit int              // consecutive failures before CAPTCHA; 0 → 3
	Logger       *slog.Logger     // nil → discard; never logs passwords, cookies, Authorization
}

// Defaults applied by New to zero (or negative) Options fields.
const (
	defaultIdleTimeout  = 300 * time.Minute // Jira's default session timeout
	defaultMaxSessions  = 10000
	defaultMaxBody      = 1 << 20
	defaultCaptchaLimit = 3 // jira.maximum.authentication.attempts.allowed
)

// Sandbox is the in-memory Jira. It implements http.Handler and is safe for
// concurrent use.
type Sandbox struct {
	now     func() time.Time
	maxBody int64
	log     *slog.Logger
	store   *store
	routes  []route

	reqSeq    atomic.Uint64 // X-AREQUESTID counter
	attachSeq atomic.Uint64 // ids of (unstored) attachments
}

var _ http.Handler = (*Sandbox)(nil)

// New returns a Sandbox in its initial state (see POST /_sandbox/reset).
func New(opts Options) *Sandbox {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = defaultIdleTimeout
	}
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = defaultMaxSessions
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = defaultMaxBody
	}
	if opts.CaptchaLimit <= 0 {
		opts.CaptchaLimit = defaultCaptchaLimit
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Sandbox{
		now:     opts.Now,
		maxBody: opts.MaxBody,
		log:     opts.Logger,
		store:   newStore(opts.Now, opts.IdleTimeout, opts.MaxSessions, opts.CaptchaLimit),
	}
	s.routes = s.routeTable()
	return s
}

// contextPath is the alias under which the seeds address Jira
// (http://localhost:8090/jira/rest/...): the same routes answer there too.
const contextPath = "/jira"

// ServeHTTP serves one request: it finds the route, authenticates the caller
// (cookie, then basic or bearer), applies the form-token rule, and runs the handler.
// A panic ends in a Jira-shaped 500; no code path is meant to need that.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := s.now()
	c := s.newCall(w, r)
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("sandbox: handler panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v))
			if !c.w.wrote {
				c.errorJSON(http.StatusInternalServerError, "Internal server error")
			}
		}
		// The path only: queries (login.jsp?os_password=…), bodies, cookies
		// and Authorization are never logged.
		s.log.Debug("sandbox request", "method", r.Method, "path", r.URL.Path,
			"status", c.w.status, "user", c.username(), "dur", s.now().Sub(start))
	}()
	s.serve(c)
}

// serve routes c. Order follows Jira's filter chain: body cap, then routing (404/405),
// then authentication from headers, then the XSRF check, then the resource.
func (s *Sandbox) serve(c *call) {
	r := c.r
	if r.ContentLength > s.maxBody {
		c.tooLarge()
		return
	}
	// The server's own writer, so that an over-long body also closes the connection.
	r.Body = http.MaxBytesReader(c.w.ResponseWriter, r.Body, s.maxBody)

	rt, params := s.match(c.path)
	if rt == nil {
		c.errorJSON(http.StatusNotFound, "null for uri: "+c.base+c.path)
		return
	}
	c.params = params
	h := rt.methods[r.Method]
	if h == nil && r.Method == http.MethodHead {
		h = rt.methods[http.MethodGet]
	}
	if h == nil {
		c.w.Header().Set("Allow", rt.allow)
		c.errorJSON(http.StatusMethodNotAllowed, "Method "+r.Method+" is not allowed for "+c.path+".")
		return
	}
	switch h.auth {
	case authFull:
		if !c.authenticate() {
			return
		}
	case authCookieOnly:
		c.sessionFromCookie()
	}
	if strings.HasPrefix(c.path, "/rest/") && !c.xsrfOK() {
		c.w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
		c.w.WriteHeader(http.StatusForbidden)
		io.WriteString(c.w, "XSRF check failed")
		return
	}
	h.fn(c)
}

// authMethod says how the caller of a request was authenticated.
type authMethod int

const (
	authNone   authMethod = iota // anonymous
	authCookie                   // JSESSIONID session
	authBasic                    // Authorization: Basic
	authBearer                   // Authorization: Bearer (personal access token)
)

// call is one request in flight: what the handlers read (the caller, the base URL)
// and what the response headers report about it.
type call struct {
	s      *Sandbox
	r      *http.Request
	w      *stampWriter
	path   string   // the request path with the /jira alias removed
	base   string   // http://host[/jira], for self links and login-url
	params []string // wildcard path segments, in pattern order

	user *account    // nil = anonymous
	by   authMethod  // how user was authenticated
	sess *sessionRef // the caller's session, when one exists

	loginReason  string // X-Seraph-LoginReason, when authentication was attempted
	deniedReason string // X-Authentication-Denied-Reason
	requestID    string
}

func (s *Sandbox) newCall(w http.ResponseWriter, r *http.Request) *call {
	c := &call{s: s, r: r, path: r.URL.Path}
	c.w = &stampWriter{ResponseWriter: w, c: c, status: http.StatusOK}
	prefix := ""
	if c.path == contextPath || strings.HasPrefix(c.path, contextPath+"/") {
		prefix = contextPath
		c.path = strings.TrimPrefix(c.path, contextPath)
		if c.path == "" {
			c.path = "/"
		}
	}
	scheme := "http://"
	if r.TLS != nil {
		scheme = "https://"
	}
	c.base = scheme + r.Host + prefix
	now := s.now()
	c.requestID = fmt.Sprintf("%dx%dx1", now.Hour()*60+now.Minute(), s.reqSeq.Add(1))
	return c
}

// username is the X-AUSERNAME value.
func (c *call) username() string {
	if c.user == nil {
		return "anonymous"
	}
	return c.user.Name
}

// param returns the i-th wildcard segment of the matched route.
func (c *call) param(i int) string {
	if i < len(c.params) {
		return c.params[i]
	}
	return ""
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
	h.Set("X-AREQUESTID", w.c.requestID)
	h.Set("X-AUSERNAME", w.c.username())
	if w.c.sess != nil {
		h.Set("X-ASESSIONID", w.c.sess.short)
	}
	if w.c.loginReason != "" {
		h.Set("X-Seraph-LoginReason", w.c.loginReason)
	}
	if w.c.deniedReason != "" {
		h.Set("X-Authentication-Denied-Reason", w.c.deniedReason)
	}
	h.Set("Cache-Control", "no-cache, no-store, no-transform")
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
