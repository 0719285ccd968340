package proxy_test

import (
	"bufio"
	"encoding/json"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"jiraauthlab/internal/testkit"
	"jiraauthlab/server/proxy"
)

// hostSet is a HostChecker allowing a fixed set of host:port names.
type hostSet map[string]bool

func (h hostSet) AllowHost(host string) bool { return h[host] }

func (h hostSet) AllowOrigin(origin, _ string) bool {
	rest, ok := strings.CutPrefix(origin, "http://")
	if !ok {
		rest, ok = strings.CutPrefix(origin, "https://")
	}
	return ok && h[rest]
}

// seen is one request as an upstream received it.
type seen struct {
	Method     string
	RequestURI string
	Host       string
	Header     http.Header
	Trailer    http.Header
	Body       []byte
	BodyErr    error
	ProtoMajor int
	Chunked    bool
	Length     int64
}

// recordingUpstream is an httptest server that records every request and
// then runs its handler (200 {"ok":true} when nil).
type recordingUpstream struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

func (u *recordingUpstream) record(w http.ResponseWriter, r *http.Request, h http.HandlerFunc) {
	body, err := io.ReadAll(r.Body)
	u.mu.Lock()
	u.reqs = append(u.reqs, seen{
		Method: r.Method, RequestURI: r.RequestURI, Host: r.Host, Header: r.Header.Clone(), Trailer: r.Trailer.Clone(),
		Body: body, BodyErr: err, ProtoMajor: r.ProtoMajor, Length: r.ContentLength,
		Chunked: len(r.TransferEncoding) > 0 && r.TransferEncoding[0] == "chunked",
	})
	u.mu.Unlock()
	if h != nil {
		h(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"ok":true}`)
}

func newUpstream(t testing.TB, h http.HandlerFunc) *recordingUpstream {
	t.Helper()
	u := &recordingUpstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { u.record(w, r, h) }))
	t.Cleanup(u.Close)
	return u
}

func newTLSUpstream(t testing.TB, http2 bool, h http.HandlerFunc) *recordingUpstream {
	t.Helper()
	u := &recordingUpstream{}
	u.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { u.record(w, r, h) }))
	u.EnableHTTP2 = http2
	u.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are the point of some tests
	u.StartTLS()
	t.Cleanup(u.Close)
	return u
}

func (u *recordingUpstream) requests() []seen {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]seen(nil), u.reqs...)
}

// last returns the only request the upstream received since the last call.
func (u *recordingUpstream) last(t testing.TB) seen {
	t.Helper()
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.reqs) != 1 {
		t.Fatalf("upstream received %d requests; want 1", len(u.reqs))
	}
	r := u.reqs[0]
	u.reqs = nil
	return r
}

func (u *recordingUpstream) hostPort() string {
	return strings.TrimPrefix(strings.TrimPrefix(u.URL, "http://"), "https://")
}

// upstreamAt is the Upstream name=base.
func upstreamAt(t testing.TB, name, base string) proxy.Upstream {
	t.Helper()
	up, err := proxy.ParseUpstream(name + "=" + base)
	if err != nil {
		t.Fatal(err)
	}
	return up
}

// lab is the proxy inside a frontend httptest server, as the app serves it.
type lab struct {
	*httptest.Server
	addr  string
	proxy *proxy.Proxy
	log   *testkit.SyncBuffer
}

// newLab starts a frontend serving p at its root. Unless cfg.Hosts is set,
// the frontend's own host:port is the only allowed host.
func newLab(t testing.TB, cfg proxy.Config) *lab {
	t.Helper()
	return newLabWith(t, cfg, nil)
}

// newLabWith is newLab with headers the front sets before the proxy runs,
// as the lab's handler sets its CSP and friends.
func newLabWith(t testing.TB, cfg proxy.Config, own http.Header) *lab {
	t.Helper()
	front := httptest.NewUnstartedServer(nil)
	addr := front.Listener.Addr().String()
	if cfg.Hosts == nil {
		cfg.Hosts = hostSet{addr: true}
	}
	l := &lab{Server: front, addr: addr, log: &testkit.SyncBuffer{}}
	if cfg.Logger == nil {
		cfg.Logger = newJSONLogger(l.log)
	}
	p, err := proxy.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	l.proxy = p
	front.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range own {
			w.Header()[k] = v
		}
		p.ServeHTTP(w, r)
	})
	front.Start()
	t.Cleanup(front.Close)
	return l
}

// client never follows redirects (the proxy renames Location anyway).
var client = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       20 * time.Second,
}

// do sends a request through the lab with X-Jira-Lab: 1 (unless hdr says
// otherwise) and returns the response with its body read.
func (l *lab) do(t testing.TB, method, target string, body io.Reader, hdr http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, l.URL+target, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Jira-Lab", "1")
	for k, vv := range hdr {
		req.Header.Del(k)
		for _, v := range vv {
			if k == "Host" {
				req.Host = v
				continue
			}
			req.Header.Add(k, v)
		}
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, target, err)
	}
	return res, b
}

// raw sends target exactly as given on the request line (no client-side
// cleaning or escaping) and returns the response with its body.
func (l *lab) raw(t testing.TB, method, target string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	c, err := net.Dial("tcp", l.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	var b strings.Builder
	b.WriteString(method + " " + target + " HTTP/1.1\r\nHost: " + l.addr + "\r\nConnection: close\r\n")
	hasLab := false
	for _, h := range headers {
		if strings.HasPrefix(strings.ToLower(h), "x-jira-lab:") {
			hasLab = true
		}
		b.WriteString(h + "\r\n")
	}
	if !hasLab {
		b.WriteString("X-Jira-Lab: 1\r\n")
	}
	b.WriteString("\r\n")
	if _, err := io.WriteString(c, b.String()); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%s %q: %v", method, target, err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, body
}

// wantError checks a proxy error answer.
func wantError(t testing.TB, what string, res *http.Response, body []byte, status int, code string) {
	t.Helper()
	if res.StatusCode != status {
		t.Errorf("%s: status %d; want %d (body %s)", what, res.StatusCode, status, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s: Content-Type %q; want application/json", what, ct)
	}
	var e map[string]any
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("%s: body %q is not JSON: %v", what, body, err)
	}
	if len(e) != 2 {
		t.Errorf("%s: body %s; want exactly error and detail", what, body)
	}
	if e["error"] != code {
		t.Errorf("%s: error %v; want %q (detail %v)", what, e["error"], code, e["detail"])
	}
	if d, _ := e["detail"].(string); d == "" {
		t.Errorf("%s: empty detail", what)
	}
	if res.Header["Set-Cookie"] != nil {
		t.Errorf("%s: response carries Set-Cookie", what)
	}
}

// detail returns the detail of an error answer.
func detail(body []byte) string {
	var e struct{ Detail string }
	json.Unmarshal(body, &e)
	return e.Detail
}

// closedPort returns a loopback address where nothing listens.
func closedPort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func newJSONLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewJSONHandler(w, nil)) }

// newPlainServer starts an httptest server for h, closed with the test.
func newPlainServer(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

// rawUpstream is a TCP upstream that answers each request with the bytes
// answer returns for it, as they are: answers net/http's server would
// never send. closed receives once for every connection the proxy closes.
type rawUpstream struct {
	URL    string
	closed chan struct{}
}

func newRawUpstream(t testing.TB, answer func(r *http.Request) string) *rawUpstream {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &rawUpstream{URL: "http://" + ln.Addr().String(), closed: make(chan struct{}, 64)}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		conns  []net.Conn
		closed bool
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			if closed {
				c.Close()
			}
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				br := bufio.NewReader(c)
				for {
					r, err := http.ReadRequest(br)
					if err != nil {
						break
					}
					io.Copy(io.Discard, r.Body)
					if _, err := io.WriteString(c, answer(r)); err != nil {
						break
					}
				}
				c.Close()
				select {
				case u.closed <- struct{}{}:
				default:
				}
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		closed = true
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return u
}

// waitClosed waits until the proxy has closed a connection to u.
func (u *rawUpstream) waitClosed(t testing.TB) {
	t.Helper()
	select {
	case <-u.closed:
	case <-time.After(20 * time.Second): // a hang, not a timing assertion
		t.Fatal("the proxy never closed its connection to the upstream")
	}
}

// conn is one raw TCP connection to the lab, for requests net/http's
// client would not send (bodies with broken framing, trailers, several
// requests on one connection).
type conn struct {
	net.Conn
	br *bufio.Reader
}

func (l *lab) conn(t testing.TB) *conn {
	t.Helper()
	c, err := net.Dial("tcp", l.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second)) // a hang fails, nothing is timed
	return &conn{Conn: c, br: bufio.NewReader(c)}
}

// exchange writes head (the request line and headers without the blank
// line, lines joined by CRLF) then body, and reads the answer; err is
// the error of reading it.
func (c *conn) exchange(head []string, body string) (*http.Response, []byte, error) {
	if _, err := io.WriteString(c, strings.Join(head, "\r\n")+"\r\n\r\n"+body); err != nil {
		return nil, nil, err
	}
	res, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return nil, nil, err
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	return res, b, err
}
