package lab

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"jiraauthlab/internal/testkit"
	"jiraauthlab/server/proxy"
)

// shortLimits are the listener limits of these tests: the contract's
// values, with its 30 s idle bounds made short.
var shortLimits = Limits{BodyIdle: 300 * time.Millisecond, WriteIdle: 300 * time.Millisecond, ReadHeaderTimeout: 300 * time.Millisecond}

// rawConn dials addr (a URL's host) and arms a deadline that only guards
// against a hang: the assertions are on what arrives, never on time.
func rawConn(t *testing.T, rawURL string) net.Conn {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second))
	return c
}

// The contract: request headers at most 64 KiB on both listeners, else 431.
func TestHeaderLimit(t *testing.T) {
	s := startTestServer(t, Config{SandboxAddr: "127.0.0.1:0"})
	tests := []struct {
		name, url string
		size      int
		want      int
	}{
		{"app, under", s.AppURL + "healthz", 60 << 10, 200},
		{"app, over", s.AppURL + "healthz", 65 << 10, 431},
		{"app, 900 KiB", s.AppURL + "healthz", 900 << 10, 431},
		{"sandbox, under", s.SandboxURL + "rest/api/2/serverInfo", 60 << 10, 200},
		{"sandbox, over", s.SandboxURL + "rest/api/2/serverInfo", 65 << 10, 431},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := rawConn(t, tt.url)
			u, _ := url.Parse(tt.url)
			go io.WriteString(c, "GET "+u.Path+" HTTP/1.1\r\nHost: "+u.Host+"\r\nX-Big: "+strings.Repeat("a", tt.size)+"\r\nConnection: close\r\n\r\n")
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatalf("reading the answer: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("%d bytes of headers → %d; want %d", tt.size, resp.StatusCode, tt.want)
			}
		})
	}
}

// A client that never finishes its headers is cut off.
func TestSlowHeadersCutOff(t *testing.T) {
	s := startTestServer(t, Config{SandboxAddr: "127.0.0.1:0", Limits: shortLimits})
	c := rawConn(t, s.AppURL)
	io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n")
	if _, err := io.ReadAll(c); err != nil {
		t.Fatalf("the connection was not closed by the server: %v", err)
	}
}

// A body that stops moving is cut off; one that keeps moving, however
// slowly in all, goes through.
func TestBodyIdle(t *testing.T) {
	s := startTestServer(t, Config{SandboxAddr: "127.0.0.1:0", Limits: shortLimits})
	body := `{"username":"fred","password":"fred"}`
	send := func(t *testing.T, pieces []string, stall bool) (int, error) {
		c := rawConn(t, s.AppURL)
		u, _ := url.Parse(s.AppURL)
		io.WriteString(c, "POST /proxy/sandbox/rest/auth/1/session HTTP/1.1\r\nHost: "+u.Host+
			"\r\nX-Jira-Lab: 1\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n")
		for _, p := range pieces {
			time.Sleep(100 * time.Millisecond) // each piece well within BodyIdle
			if _, err := io.WriteString(c, p); err != nil {
				return 0, err
			}
		}
		_ = stall // the rest never comes
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	t.Run("moving, 10 pieces over 1 s", func(t *testing.T) {
		var pieces []string
		for i := 0; i < len(body); i += 4 {
			pieces = append(pieces, body[i:min(i+4, len(body))])
		}
		if code, err := send(t, pieces, false); err != nil || code != 200 {
			t.Errorf("a moving body: %d, %v; want the login's 200", code, err)
		}
	})
	t.Run("stalled", func(t *testing.T) {
		code, err := send(t, []string{body[:5]}, true)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatal("a stalled body was never cut off (the test's own guard ended the wait)")
		}
		if err == nil && code < 400 {
			t.Errorf("a stalled body: %d; want it cut off (an error answer or a closed connection)", code)
		}
	})
}

// A client that reads nothing is cut off: the server gives up its answer
// (the request leaves the in-flight set) although the client never read it.
func TestWriteIdle(t *testing.T) {
	web := testWeb()
	web["app.wasm"] = &fstest.MapFile{Data: make([]byte, 32<<20)}
	s := startTestServerWeb(t, Config{SandboxAddr: "127.0.0.1:0", Limits: shortLimits}, web, nil)
	c := rawConn(t, s.AppURL)
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetReadBuffer(4096) // the server's writes block at once
	}
	u, _ := url.Parse(s.AppURL)
	io.WriteString(c, "GET /web/app.wasm HTTP/1.1\r\nHost: "+u.Host+"\r\nConnection: close\r\n\r\n")
	running := func() int {
		s.appFlight.mu.Lock()
		defer s.appFlight.mu.Unlock()
		return len(s.appFlight.reqs)
	}
	for guard := time.Now().Add(15 * time.Second); running() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(guard) {
			t.Fatal("the request never started")
		}
	}
	for guard := time.Now().Add(15 * time.Second); running() > 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(guard) {
			t.Fatal("the server still writes to a client that has read nothing: never cut off")
		}
	}
}

// The open connections of a listener are bounded: the next waits.
func TestConnectionCap(t *testing.T) {
	lim := shortLimits
	lim.MaxConns, lim.ReadHeaderTimeout = 2, 10*time.Second
	s := startTestServer(t, Config{SandboxAddr: "127.0.0.1:0", Limits: lim})
	a, b := rawConn(t, s.AppURL), rawConn(t, s.AppURL) // hold both slots, silent
	_ = b
	u, _ := url.Parse(s.AppURL)
	c := rawConn(t, s.AppURL)
	io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: "+u.Host+"\r\nConnection: close\r\n\r\n")
	c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("a third connection was served while two held the cap of 2")
	}
	a.Close() // a slot frees: the third is served
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after a slot freed: %v %v", resp, err)
	}
	resp.Body.Close()
}

// /readyz is 200 while the app serves and 503 once it drains.
func TestReadyz(t *testing.T) {
	s := startTestServer(t, Config{SandboxAddr: "127.0.0.1:0"})
	for _, tt := range []struct {
		draining bool
		want     int
	}{{false, 200}, {true, 503}} {
		s.draining.Store(tt.draining)
		resp, err := http.Get(s.AppURL + "readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("draining %v: /readyz = %d; want %d", tt.draining, resp.StatusCode, tt.want)
		}
	}
	s.draining.Store(false)
}

// A request still running when the drain runs out of time leaves a line.
func TestDrainLogsWhatItCutOff(t *testing.T) {
	stuck := stuckServer(t)
	up, err := proxy.ParseURL("http://" + stuck.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	var logs testkit.SyncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out bytes.Buffer
	cfg := Config{Addr: "127.0.0.1:0", FrameAncestors: "'self'", MaxBody: 1 << 20, UpstreamTimeout: 10 * time.Second,
		Upstreams: []proxy.Upstream{{Name: "stuck", URL: up}}, Version: "t",
		Limits: Limits{Drain: 200 * time.Millisecond}}
	addr := make(chan string, 1)
	go func() {
		done <- Run(ctx, cfg, testWeb(), writerFunc(func(p []byte) (int, error) {
			out.Write(p)
			if i := bytes.Index(out.Bytes(), []byte("app:     ")); i >= 0 {
				if line, _, ok := bytes.Cut(out.Bytes()[i+9:], []byte("\n")); ok {
					select {
					case addr <- string(line):
					default:
					}
				}
			}
			return len(p), nil
		}), slog.New(slog.NewTextHandler(&logs, nil)))
	}()
	app := <-addr
	go func() {
		req, _ := http.NewRequest("GET", app+"proxy/stuck/rest/slow?secret=x", nil)
		req.Header.Set("X-Jira-Lab", "1")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	time.Sleep(300 * time.Millisecond) // the request is in flight
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
	got := logs.String()
	if !strings.Contains(got, "request cut off at shutdown") || !strings.Contains(got, "/proxy/stuck/rest/slow") {
		t.Errorf("the drain left no line for the request it cut off:\n%s", got)
	}
	if strings.Contains(got, "secret=x") {
		t.Errorf("the line shows the query:\n%s", got)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// stuckServer answers nothing until its client gives up or the test ends.
func stuckServer(t *testing.T) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	stuck := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(stuck.Close)
	t.Cleanup(func() { close(release) }) // runs first: the handlers return, then Close
	return stuck
}
