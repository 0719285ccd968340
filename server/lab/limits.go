package lab

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Limits bound what one client can hold on either listener, app and
// sandbox (the contract's "Limits of both listeners"). A zero field takes
// the default below; tests set short ones.
type Limits struct {
	// MaxHeaderBytes bounds the request line and headers together; a
	// request over it is answered 431 and its connection closed.
	MaxHeaderBytes int
	// ReadHeaderTimeout is the time a client has to send the request line
	// and headers, from its connection's first byte.
	ReadHeaderTimeout time.Duration
	// BodyIdle: a request body that sends nothing for this long is cut off.
	// The deadline moves with every byte that arrives, so a large upload
	// that keeps moving is never cut.
	BodyIdle time.Duration
	// WriteIdle: a client that reads nothing of its answer for this long
	// is cut off. Like BodyIdle it moves with every write that succeeds.
	WriteIdle time.Duration
	// IdleTimeout is how long a keep-alive connection may wait for its
	// next request.
	IdleTimeout time.Duration
	// MaxConns bounds the open connections of each listener.
	MaxConns int
	// Drain is how long Run lets in-flight requests finish at shutdown
	// before it closes their connections. Zero: UpstreamTimeout + 5s, long
	// enough for a proxied request to get its upstream's answer.
	Drain time.Duration
}

// Defaults of Limits.
const (
	DefaultMaxHeaderBytes    = 64 << 10
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultBodyIdle          = 30 * time.Second
	DefaultWriteIdle         = 30 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
	DefaultMaxConns          = 2048
)

// withDefaults fills the zero fields of l.
func (l Limits) withDefaults(upstreamTimeout time.Duration) Limits {
	set := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if l.MaxConns <= 0 {
		l.MaxConns = DefaultMaxConns
	}
	set(&l.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	set(&l.BodyIdle, DefaultBodyIdle)
	set(&l.WriteIdle, DefaultWriteIdle)
	set(&l.IdleTimeout, DefaultIdleTimeout)
	set(&l.Drain, upstreamTimeout+5*time.Second)
	return l
}

// newHTTPServer is the http.Server of either listener, with l's bounds.
func newHTTPServer(h http.Handler, l Limits, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           idleDeadlines(h, l.BodyIdle, l.WriteIdle),
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		IdleTimeout:       l.IdleTimeout,
		// net/http lets the request line and headers take MaxHeaderBytes
		// plus 4096 bytes of slack: take the slack off, so that the bound
		// is the contract's (64 KiB); over it Go answers 431 and closes.
		MaxHeaderBytes: max(l.MaxHeaderBytes-4096, 1),
		ErrorLog:       slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// idleDeadlines cuts off a request body that stops moving for bodyIdle, and
// a client that reads nothing of its answer for writeIdle. Each deadline is
// set just before a read or write and lifted just after it succeeds: a
// body or a download that keeps moving is never cut, however large, and no
// deadline is left behind for the server's own reads (its background read
// of a finished body would take a lapsed deadline for a client gone, and
// cancel the request) or for the next request on the connection. After a
// failure it stays: the server's own last flush to a client that reads
// nothing must fail too, not wait for ever.
func idleDeadlines(next http.Handler, bodyIdle, writeIdle time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = &idleBody{ReadCloser: r.Body, rc: rc, idle: bodyIdle}
		}
		next.ServeHTTP(&idleWriter{ResponseWriter: w, rc: rc, idle: writeIdle}, r)
	})
}

// idleBody is a request body whose every Read must make progress within idle.
type idleBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	idle time.Duration
}

func (b *idleBody) Read(p []byte) (int, error) {
	_ = b.rc.SetReadDeadline(time.Now().Add(b.idle))
	n, err := b.ReadCloser.Read(p)
	if err == nil {
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

// idleWriter is a response whose every Write must get through within idle.
type idleWriter struct {
	http.ResponseWriter
	rc   *http.ResponseController
	idle time.Duration
}

func (w *idleWriter) Write(p []byte) (int, error) {
	_ = w.rc.SetWriteDeadline(time.Now().Add(w.idle))
	n, err := w.ResponseWriter.Write(p)
	if err == nil {
		_ = w.rc.SetWriteDeadline(time.Time{})
	}
	return n, err
}

// Unwrap lets http.ResponseController (the proxy's flushes) reach the
// real writer.
func (w *idleWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// limitListener accepts at most n connections at a time: the next Accept
// waits until one of them closes (the kernel's backlog holds the rest).
type limitListener struct {
	net.Listener
	slots chan struct{}
}

func newLimitListener(ln net.Listener, n int) net.Listener {
	return &limitListener{Listener: ln, slots: make(chan struct{}, n)}
}

func (l *limitListener) Accept() (net.Conn, error) {
	l.slots <- struct{}{}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
}

// limitConn gives its slot back once, when it is closed.
type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// inFlight tracks the requests being served, so that a drain that runs out
// of time can say which ones it cut off.
type inFlight struct {
	mu   sync.Mutex
	next uint64
	reqs map[uint64]flight
}

type flight struct {
	method, path string
	start        time.Time
}

// track wraps next: every request is known to f while it runs.
func (f *inFlight) track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		if f.reqs == nil {
			f.reqs = map[uint64]flight{}
		}
		f.next++
		id := f.next
		f.reqs[id] = flight{method: r.Method, path: r.URL.Path, start: time.Now()}
		f.mu.Unlock()
		defer func() {
			f.mu.Lock()
			delete(f.reqs, id)
			f.mu.Unlock()
		}()
		next.ServeHTTP(w, r)
	})
}

// logCutOff writes one line per request still running (path only, never
// the query: it may carry secrets).
func (f *inFlight) logCutOff(logger *slog.Logger, listener string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.reqs {
		logger.LogAttrs(context.Background(), slog.LevelWarn, "request cut off at shutdown",
			slog.String("listener", listener),
			slog.String("method", r.method),
			slog.String("path", r.path),
			slog.Duration("running", time.Since(r.start)))
	}
}
