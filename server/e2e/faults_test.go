package e2e

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Faults (issue 14), each against the real binary with real upstreams on
// loopback, each with its expected outcome. Times below only bound a wait
// (a hang fails the test); nothing asserts how fast anything was.

// faultUpstream is an upstream that does fault with each request.
func faultUpstream(t *testing.T, fault func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				// Read the request head, then misbehave.
				br := bufio.NewReader(c)
				if _, err := http.ReadRequest(br); err != nil {
					return
				}
				fault(c)
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// proxyGet sends one request through the lab's proxy to upstream name.
func proxyGet(ctx context.Context, lab *labProcess, name, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", lab.URL+"proxy/"+name+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Jira-Lab", "1")
	return http.DefaultClient.Do(req)
}

func TestFaults(t *testing.T) {
	killed := faultUpstream(t, func(c net.Conn) { // headers and half the body, then gone
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"half\":")
	})
	silent := faultUpstream(t, func(c net.Conn) { time.Sleep(10 * time.Second) }) // accepts, never answers
	trickle := faultUpstream(t, func(c net.Conn) {                                // a body that keeps moving, slowly
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\n")
		for i := 0; i < 10; i++ {
			time.Sleep(150 * time.Millisecond)
			io.WriteString(c, "x")
		}
	})
	slow := faultUpstream(t, func(c net.Conn) { // answers after a while (within -upstream-timeout)
		time.Sleep(700 * time.Millisecond)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nslow")
	})
	lab := startLab(t, "-upstream-timeout", "1s", "-sandbox-addr", "off",
		"-upstream", "killed="+killed, "-upstream", "silent="+silent, "-upstream", "trickle="+trickle, "-upstream", "slow="+slow)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	t.Run("upstream killed mid-answer: the browser's connection closes, the log says why", func(t *testing.T) {
		// The answer's head had left the upstream, so no error answer can
		// replace it: the browser sees the connection close (before or in
		// the body), never a complete answer.
		resp, err := proxyGet(ctx, lab, "killed", "/x")
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		if err == nil {
			t.Errorf("a complete answer (%d) from an upstream killed mid-answer", resp.StatusCode)
		}
		waitLog(t, lab, "upstream_body_aborted")
	})
	t.Run("upstream accepts and never answers: 504 after -upstream-timeout", func(t *testing.T) {
		resp, err := proxyGet(ctx, lab, "silent", "/x")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 504 || !strings.Contains(string(b), "upstream_timeout") {
			t.Errorf("%d %s; want 504 upstream_timeout", resp.StatusCode, b)
		}
	})
	t.Run("upstream trickles: the whole body arrives", func(t *testing.T) {
		resp, err := proxyGet(ctx, lab, "trickle", "/x")
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != "xxxxxxxxxx" || err != nil {
			t.Errorf("%d %q %v; want 200 and all ten bytes", resp.StatusCode, b, err)
		}
	})
	t.Run("client gone mid-request: logged as canceled, the lab serves on", func(t *testing.T) {
		cctx, ccancel := context.WithCancel(ctx)
		go func() { time.Sleep(300 * time.Millisecond); ccancel() }()
		if _, err := proxyGet(cctx, lab, "slow", "/x"); !errors.Is(err, context.Canceled) {
			t.Fatalf("the client's request: %v; want it canceled", err)
		}
		waitLog(t, lab, "error=canceled")
		resp, err := proxyGet(ctx, lab, "slow", "/x")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("next request: %v %v", resp, err)
		}
		resp.Body.Close()
	})
	t.Run("slow-header client: others are served meanwhile", func(t *testing.T) {
		u, _ := url.Parse(lab.URL)
		c, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: "+u.Host+"\r\n") // and nothing more
		resp, err := http.Get(lab.URL + "healthz")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("healthz beside a slow-header client: %v %v", resp, err)
		}
		resp.Body.Close()
	})
}

// SIGTERM with a request in flight: it finishes, new connections are
// refused, the process exits 0.
func TestSIGTERMDrains(t *testing.T) {
	arrived := make(chan struct{}, 1)
	slow := faultUpstream(t, func(c net.Conn) {
		arrived <- struct{}{}
		time.Sleep(1500 * time.Millisecond)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\n\r\nfinished")
	})
	lab := startLab(t, "-sandbox-addr", "off", "-upstream", "slow="+slow)
	type answer struct {
		body string
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		resp, err := proxyGet(context.Background(), lab, "slow", "/x")
		if err != nil {
			got <- answer{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- answer{string(b), err}
	}()
	select { // the request is at the upstream: in flight
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the request never reached the upstream")
	}
	stopped := make(chan error, 1)
	go func() { stopped <- lab.stop() }()
	// New connections are refused once the drain has begun.
	u, _ := url.Parse(lab.URL)
	refused := false
	for guard := time.Now().Add(10 * time.Second); time.Now().Before(guard); time.Sleep(20 * time.Millisecond) {
		c, err := net.Dial("tcp", u.Host)
		if err != nil {
			refused = true
			break
		}
		c.Close()
	}
	if !refused {
		t.Error("new connections were still accepted during the drain")
	}
	if a := <-got; a.err != nil || a.body != "finished" {
		t.Errorf("the request in flight: %q, %v; want it finished", a.body, a.err)
	}
	if err := <-stopped; err != nil {
		t.Errorf("%v\n%s", err, lab.Logs())
	}
}

// waitLog waits until the lab's output holds s.
func waitLog(t *testing.T, lab *labProcess, s string) {
	t.Helper()
	for guard := time.Now().Add(10 * time.Second); !strings.Contains(lab.Logs(), s); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(guard) {
			t.Fatalf("the log never said %q:\n%s", s, lab.Logs())
		}
	}
}
