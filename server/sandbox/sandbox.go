// Package sandbox is an in-memory Jira Server that answers every authentication flow
// of the lab's seed documents the way real Jira does: basic auth, personal access
// tokens, cookie sessions, CAPTCHA, form-token (XSRF) checks, a simulated SSO login,
// and the password-policy resource, over a small fixed set of issues — and two
// switches of a Data Center administrator: basic authentication disabled with an
// allow-list (switches.go), and rate limiting (ratelimit.go).
//
// It is a demo and test double, not a Jira: state lives in memory, resets on
// POST /_sandbox/reset, and is bounded (sessions, tokens and request bodies are capped).
// Each visitor of the lab (X-Sandbox-Visitor, which the lab's proxy sets)
// has a state of its own; callers without one share the default state
// (visitors.go).
package sandbox

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Options configures a Sandbox. The zero value is ready to use.
type Options struct {
	Now         func() time.Time // nil → time.Now
	IdleTimeout time.Duration    // session idle timeout; 0 → 300 minutes (Jira default)
	MaxSessions int              // cap of the session table; 0 → 10000; when full, the account holding the most gives one up
	// MaxSessionsPerUser caps one account's sessions; 0 → 1000 (at most
	// MaxSessions). A login beyond it evicts that account's own least
	// recently used session, never another account's (store.newSession).
	MaxSessionsPerUser int
	MaxBody            int64        // request body cap; 0 → 1 MiB; over → Jira-shaped 413
	CaptchaLimit       int          // consecutive failures before CAPTCHA; 0 → 3
	Logger             *slog.Logger // nil → discard; never logs passwords, cookies, Authorization

	// Addr is the address of the listener the sandbox is served on (its
	// net.Listener's Addr()). The sandbox answers only to a Host header
	// naming that listener: its host:port, localhost on its port, and, when
	// it listens on every address (0.0.0.0, [::]), any IP literal on its
	// port; any other Host gets 403 (the defence against DNS rebinding).
	// nil: the listener is unknown, and the sandbox answers to IP literals
	// and localhost on any port, the names no DNS answer can rebind.
	Addr net.Addr
	// AllowHost, when set, reports further Host values (as sent: host or
	// host:port) that name the sandbox, such as a name a reverse proxy in
	// front of it forwards. nil: no others.
	AllowHost func(host string) bool

	// MaxVisitors bounds the per-visitor states (visitors.go): requests
	// carrying X-Sandbox-Visitor each get their own; 0 → 1000. When full,
	// the least recently used state is dropped.
	MaxVisitors int
	// VisitorIdle is how long a visitor's state outlives its last request;
	// 0 → 2 h.
	VisitorIdle time.Duration
}

// Defaults applied by New to zero (or negative) Options fields.
const (
	defaultIdleTimeout  = 300 * time.Minute // Jira's default session timeout
	defaultMaxSessions  = 10000
	defaultMaxPerUser   = 1000 // the sandbox's own bound; Jira has none
	defaultMaxBody      = 1 << 20
	defaultCaptchaLimit = 3 // jira.maximum.authentication.attempts.allowed
)

// Sandbox is the in-memory Jira. It implements http.Handler and is safe for
// concurrent use.
type Sandbox struct {
	now     func() time.Time
	maxBody int64
	log     *slog.Logger
	store   *store // the default state: requests without X-Sandbox-Visitor
	routes  []route
	hosts   *hostPolicy
	// cloud is the state of the Cloud face under /cloud (cloud.go), and
	// cloudRoutes its paths: another Jira on the same listener.
	cloud       *cloudStore
	cloudRoutes []route
	formKey     []byte // signs logged-out form tokens (formtoken.go)
	// visitors are the per-visitor states (visitors.go), each a store and
	// a cloudStore like the default ones above.
	visitors *visitorTable

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
	if opts.MaxSessionsPerUser <= 0 {
		opts.MaxSessionsPerUser = defaultMaxPerUser
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
	if opts.MaxVisitors <= 0 {
		opts.MaxVisitors = defaultMaxVisitors
	}
	if opts.VisitorIdle <= 0 {
		opts.VisitorIdle = defaultVisitorIdle
	}
	s := &Sandbox{
		now:     opts.Now,
		maxBody: opts.MaxBody,
		log:     opts.Logger,
		store:   newStore(opts.Now, opts.IdleTimeout, opts.MaxSessions, opts.MaxSessionsPerUser, opts.CaptchaLimit),
		hosts:   newHostPolicy(opts.Addr, opts.AllowHost),
		formKey: newFormKey(),
	}
	s.routes = s.routeTable()
	s.cloud = newCloudStore(opts.Now)
	s.cloudRoutes = cloudRouteTable()
	s.visitors = newVisitorTable(opts.Now, opts.VisitorIdle, opts.MaxVisitors, func() (*store, *cloudStore) {
		return newStore(opts.Now, opts.IdleTimeout, min(opts.MaxSessions, visitorMaxSessions),
				min(opts.MaxSessionsPerUser, visitorMaxPerUser), opts.CaptchaLimit),
			newCloudStore(opts.Now)
	})
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

// serve runs c through the stages of Jira's request handling, in Jira's
// order, after the sandbox's own Host check (hostPolicy) and the choice of
// the caller's state (X-Sandbox-Visitor, visitors.go): the body cap;
// the administrator's basic-auth switch (switches.go); Seraph's filters,
// which authenticate before anything is routed (so a valid login to an
// unknown path is a 404 for that user, and bad credentials are refused
// before the path is even looked at); the rate limiter, which needs the
// user (ratelimit.go); then
// Jersey's routing (404, 405) and media-type matching (415); then the
// resource's XSRF filter; then the resource.
func (s *Sandbox) serve(c *call) {
	r := c.r
	if !c.hostOK {
		c.errorJSON(http.StatusForbidden, "This server does not answer to the host name the request names; use the address the sandbox printed at start-up.")
		return
	}
	if !c.useVisitorState() {
		return
	}
	if r.ContentLength > s.maxBody {
		c.tooLarge()
		return
	}
	// The server's own writer, so that an over-long body also closes the connection.
	r.Body = http.MaxBytesReader(c.w.ResponseWriter, r.Body, s.maxBody)
	if c.cloud {
		s.serveCloud(c)
		return
	}

	rt, params := s.match(c.path)
	c.params = params
	ep := rt.endpoint(r.Method)
	if !c.authenticateFor(ep) || !c.rateLimitPasses() {
		return
	}
	switch {
	case rt == nil:
		c.errorJSON(http.StatusNotFound, "null for uri: "+c.base+c.path)
	case ep == nil:
		c.w.Header().Set("Allow", rt.allow)
		c.errorJSON(http.StatusMethodNotAllowed, "Method "+r.Method+" is not allowed for "+c.path+".")
	case !c.acceptsMediaType(ep):
		c.unsupportedMediaType(ep.consumes)
	case c.isREST() && !c.xsrfPasses():
		c.refuseXSRF()
	default:
		ep.fn(c)
	}
}

// authenticateFor authenticates c as ep asks; a path or method the sandbox
// does not serve is authenticated like any Jira path (the control endpoints
// under /_sandbox/ never are).
func (c *call) authenticateFor(ep *endpoint) bool {
	mode := authFull
	switch {
	case ep != nil:
		mode = ep.auth
	case c.isControl():
		mode = authSkip
	}
	if mode != authSkip && !c.basicAuthPasses() {
		return false
	}
	switch mode {
	case authFull:
		return c.authenticate()
	case authCookieOnly:
		c.sessionFromCookie()
	}
	return true
}

// isREST reports whether c is for a REST resource (under /rest/).
func (c *call) isREST() bool { return strings.HasPrefix(c.path, "/rest/") }

// isControl reports whether c is for a control endpoint (never a Jira path).
func (c *call) isControl() bool {
	return c.path == "/_sandbox" || strings.HasPrefix(c.path, "/_sandbox/")
}

// acceptsMediaType imitates Jersey's @Consumes matching: a request body of
// another declared media type does not reach the resource (415). A request
// that declares none matches, and is left to the XSRF filter and the
// resource.
func (c *call) acceptsMediaType(ep *endpoint) bool {
	ct := c.r.Header.Get("Content-Type")
	if ep.consumes == "" || strings.TrimSpace(ct) == "" {
		return true
	}
	if ep.consumes == mediaJSON {
		return isJSONType(ct)
	}
	return mediaType(ct) == ep.consumes
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
	prefix string   // "/jira" or "/cloud" when the request came under one, else ""
	cloud  bool     // for the Cloud face (under /cloud): cloud.go answers it
	hostOK bool     // the Host header names the sandbox (hostPolicy)
	base   string   // http://host[/jira], for self links and login-url; "" when !hostOK
	params []string // wildcard path segments, in pattern order

	user *account    // nil = anonymous
	by   authMethod  // how user was authenticated
	sess *sessionRef // the caller's session, when one exists

	// st and cst are the caller's state (visitors.go): the default one, or
	// that of the visitor X-Sandbox-Visitor names.
	st  *store
	cst *cloudStore

	cuser   *cloudAccount // the Cloud face's caller (then user is its Server twin); nil = anonymous
	gateway bool          // answered by Cloud's gateway, not by Jira: its headers only (cloud.go)

	loginReason  string // X-Seraph-LoginReason, when authentication was attempted
	deniedReason string // X-Authentication-Denied-Reason
	requestID    string
}

func (s *Sandbox) newCall(w http.ResponseWriter, r *http.Request) *call {
	c := &call{s: s, r: r, path: r.URL.Path}
	c.w = &stampWriter{ResponseWriter: w, c: c, status: http.StatusOK}
	prefix := ""
	for _, p := range []string{contextPath, cloudPath} {
		if c.path == p || strings.HasPrefix(c.path, p+"/") {
			prefix = p
			c.path = strings.TrimPrefix(c.path, p)
			if c.path == "" {
				c.path = "/"
			}
			break
		}
	}
	c.cloud = prefix == cloudPath
	scheme := "http://"
	if r.TLS != nil {
		scheme = "https://"
	}
	c.prefix = prefix
	// The Host is only ever echoed (self links, Location, login-url=) once
	// the policy has allowed it; serve refuses the request otherwise.
	if c.hostOK = s.hosts.allow(r.Host); c.hostOK {
		c.base = scheme + r.Host + prefix
	}
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
