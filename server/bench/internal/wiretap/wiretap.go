// Package wiretap is a byte-counting TCP forwarder for loopback benchmarks:
// it stands in front of a server, copies every byte unchanged, counts what the
// server sends, and reads the HTTP/1.1 exchanges off the wire so each
// response's size on the wire can be attributed to its request.
package wiretap

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Exchange is one HTTP request and its response as seen on the wire.
type Exchange struct {
	Method   string `json:"method"`
	Path     string `json:"path"`
	Status   int    `json:"status"`
	Encoding string `json:"encoding,omitempty"`
	// Dest is the request's Sec-Fetch-Dest, which tells the page's own
	// requests from a service worker's (a worker's cache.addAll sends "empty").
	Dest string `json:"dest,omitempty"`
	// RespBytes counts the response's status line, headers and body as sent.
	RespBytes int64 `json:"resp_bytes"`
	ReqBytes  int64 `json:"req_bytes"`
}

// Tap is a listening forwarder. The zero value is not usable; use Listen.
type Tap struct {
	ln     net.Listener
	target string

	fromServer atomic.Int64 // bytes the server sent
	fromClient atomic.Int64
	last       atomic.Int64 // unix nanos of the last byte either way

	mu        sync.Mutex
	exchanges []Exchange
	conns     map[net.Conn]struct{}
	wg        sync.WaitGroup
}

// Listen opens a loopback listener that forwards every connection to target
// (host:port).
func Listen(target string) (*Tap, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	t := &Tap{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	t.last.Store(time.Now().UnixNano())
	t.wg.Add(1)
	go t.accept()
	return t, nil
}

// Addr is the tap's host:port.
func (t *Tap) Addr() string { return t.ln.Addr().String() }

// Stats is what the tap counted since the last Reset.
type Stats struct {
	ServerBytes int64      `json:"server_bytes"` // everything the server sent
	ClientBytes int64      `json:"client_bytes"`
	Exchanges   []Exchange `json:"exchanges"`
}

// Reset returns the counts so far and starts new ones.
func (t *Tap) Reset() Stats {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := Stats{
		ServerBytes: t.fromServer.Swap(0),
		ClientBytes: t.fromClient.Swap(0),
		Exchanges:   t.exchanges,
	}
	t.exchanges = nil
	return s
}

// WaitQuiet returns once no byte has passed for quiet, or after max.
func (t *Tap) WaitQuiet(quiet, max time.Duration) {
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		idle := time.Since(time.Unix(0, t.last.Load()))
		if idle >= quiet {
			return
		}
		time.Sleep(min(quiet-idle, time.Until(deadline)) + time.Millisecond)
	}
}

// Close stops listening and closes every forwarded connection.
func (t *Tap) Close() error {
	err := t.ln.Close()
	t.mu.Lock()
	for c := range t.conns {
		c.Close()
	}
	t.mu.Unlock()
	t.wg.Wait()
	return err
}

func (t *Tap) accept() {
	defer t.wg.Done()
	for {
		c, err := t.ln.Accept()
		if err != nil {
			return
		}
		t.wg.Add(1)
		go func() {
			defer t.wg.Done()
			t.forward(c)
		}()
	}
}

func (t *Tap) track(c net.Conn, on bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if on {
		t.conns[c] = struct{}{}
	} else {
		delete(t.conns, c)
	}
}

// forward copies both ways and parses each direction from a tee.
func (t *Tap) forward(client net.Conn) {
	server, err := net.Dial("tcp", t.target)
	if err != nil {
		client.Close()
		return
	}
	t.track(client, true)
	t.track(server, true)
	defer func() {
		t.track(client, false)
		t.track(server, false)
	}()

	reqs := make(chan Exchange, 64) // requests waiting for their response
	reqP, respP := newPipe(), newPipe()
	var wg sync.WaitGroup
	wg.Add(4)
	go func() { defer wg.Done(); t.pump(server, client, reqP, &t.fromClient) }()
	go func() { defer wg.Done(); t.pump(client, server, respP, &t.fromServer) }()
	go func() { defer wg.Done(); parseRequests(reqP, reqs) }()
	go func() { defer wg.Done(); t.parseResponses(respP, reqs) }()
	wg.Wait()
}

// pump copies src to dst, tees into tee and counts; at EOF it closes both.
// The tee never blocks, so a slow or failed parser cannot stall the traffic.
func (t *Tap) pump(dst, src net.Conn, tee *pipe, n *atomic.Int64) {
	buf := make([]byte, 64<<10)
	for {
		k, err := src.Read(buf)
		if k > 0 {
			n.Add(int64(k))
			t.last.Store(time.Now().UnixNano())
			tee.write(buf[:k])
			if _, werr := dst.Write(buf[:k]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	tee.close()
	dst.Close()
	src.Close()
}

// pipe is an unbounded in-memory pipe: writes never block; reads block until
// data arrives or the pipe is closed. After abandon, writes are dropped.
type pipe struct {
	mu        sync.Mutex
	cond      *sync.Cond
	buf       []byte
	closed    bool
	abandoned bool
}

func newPipe() *pipe {
	p := &pipe{}
	p.cond = sync.NewCond(&p.mu)
	return p
}

func (p *pipe) write(b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.abandoned {
		p.buf = append(p.buf, b...)
		p.cond.Signal()
	}
}

func (p *pipe) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	p.cond.Signal()
}

// abandon is the reader giving up: buffered and future bytes are dropped.
func (p *pipe) abandon() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.abandoned = true
	p.buf = nil
}

func (p *pipe) Read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.buf) == 0 && !p.closed {
		p.cond.Wait()
	}
	if len(p.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(b, p.buf)
	p.buf = p.buf[n:]
	if len(p.buf) == 0 {
		p.buf = nil // let the backing array go
	}
	return n, nil
}

// counter counts the bytes read through it.
type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n += int64(k)
	return k, err
}

func parseRequests(r *pipe, out chan<- Exchange) {
	defer close(out)
	c := &counter{r: r}
	br := bufio.NewReaderSize(c, 64<<10)
	for {
		start := c.n - int64(br.Buffered())
		req, err := http.ReadRequest(br)
		if err != nil {
			r.abandon()
			return
		}
		_, err = io.Copy(io.Discard, req.Body)
		req.Body.Close()
		if err != nil {
			r.abandon()
			return
		}
		out <- Exchange{
			Method:   req.Method,
			Path:     req.URL.RequestURI(),
			Dest:     req.Header.Get("Sec-Fetch-Dest"),
			ReqBytes: c.n - int64(br.Buffered()) - start,
		}
	}
}

func (t *Tap) parseResponses(r *pipe, reqs <-chan Exchange) {
	c := &counter{r: r}
	br := bufio.NewReaderSize(c, 64<<10)
	for {
		ex, ok := <-reqs
		if !ok {
			r.abandon() // the request side ended: nothing left to pair
			return
		}
		start := c.n - int64(br.Buffered())
		var resp *http.Response
		var err error
		for {
			resp, err = http.ReadResponse(br, &http.Request{Method: ex.Method})
			if err != nil || resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
				break
			}
			resp.Body.Close() // 1xx: the final answer follows
		}
		if err != nil {
			r.abandon()
			return
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		ex.Status = resp.StatusCode
		ex.Encoding = resp.Header.Get("Content-Encoding")
		ex.RespBytes = c.n - int64(br.Buffered()) - start
		t.mu.Lock()
		t.exchanges = append(t.exchanges, ex)
		t.mu.Unlock()
		if err != nil {
			r.abandon()
			return
		}
	}
}

// ByPath sums response bytes and counts per path, largest first.
func (s Stats) ByPath() []PathTotal {
	m := map[string]*PathTotal{}
	for _, e := range s.Exchanges {
		p := m[e.Path]
		if p == nil {
			p = &PathTotal{Path: e.Path}
			m[e.Path] = p
		}
		p.Count++
		p.Bytes += e.RespBytes
		if p.Statuses == nil {
			p.Statuses = map[int]int{}
		}
		p.Statuses[e.Status]++
	}
	out := make([]PathTotal, 0, len(m))
	for _, p := range m {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Bytes != out[j].Bytes {
			return out[i].Bytes > out[j].Bytes
		}
		return out[i].Path < out[j].Path
	})
	return out
}

// PathTotal is the response bytes and request count of one path.
type PathTotal struct {
	Path     string      `json:"path"`
	Count    int         `json:"count"`
	Bytes    int64       `json:"bytes"`
	Statuses map[int]int `json:"statuses"` // responses by status code
}
