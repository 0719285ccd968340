package proxy_test

import (
	"crypto/x509"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jiraauthlab/server/proxy"
)

// hijackClose is an upstream handler that takes the connection and closes
// it without an answer; with rst it sends a TCP reset.
func hijackClose(rst bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		if rst {
			c.(*net.TCPConn).SetLinger(0)
		}
		c.Close()
	}
}

// silentListener accepts TCP connections and never writes: a TLS
// handshake with it never completes.
func silentListener(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// TestUpstreamErrors checks the 502 and 504 answers, one upstream failure
// each, and that the detail says what happened.
func TestUpstreamErrors(t *testing.T) {
	stall := make(chan struct{})
	t.Cleanup(func() { close(stall) })
	slow := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stall:
		case <-r.Context().Done():
		}
	})
	tlsUp := newTLSUpstream(t, false, nil)
	plain := newUpstream(t, nil)
	tests := []struct {
		name       string
		base       string
		timeout    time.Duration
		wantStatus int
		wantCode   string
		wantDetail string
	}{
		{"refused (closed port)", "http://" + closedPort(t), 0, 502, "upstream_refused", "refused the connection"},
		{"reset (RST)", newUpstream(t, hijackClose(true)).URL, 0, 502, "upstream_reset", "closed the connection"},
		{"reset (closed without answer)", newUpstream(t, hijackClose(false)).URL, 0, 502, "upstream_reset", "closed the connection"},
		{"bad TLS (unknown CA)", tlsUp.URL, 0, 502, "upstream_tls", "-upstream-ca"},
		{"bad TLS (wrong host name)", strings.Replace(tlsUp.URL, "127.0.0.1", "localhost", 1), 0, 502, "upstream_tls", "certificate"},
		{"not TLS at all", strings.Replace(plain.URL, "http:", "https:", 1), 0, 502, "upstream_tls", "did not answer with TLS"},
		{"response header timeout", slow.URL, 200 * time.Millisecond, 504, "upstream_timeout", "response headers within 200ms"},
		{"TLS handshake timeout", "https://" + silentListener(t), 200 * time.Millisecond, 504, "upstream_timeout", "TLS handshake within 200ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLab(t, proxy.Config{
				Upstreams:       []proxy.Upstream{upstreamAt(t, "u", tt.base)},
				UpstreamTimeout: tt.timeout,
			})
			start := time.Now()
			res, body := l.do(t, "GET", "/proxy/u/rest/api/2/myself", nil, nil)
			wantError(t, tt.name, res, body, tt.wantStatus, tt.wantCode)
			t.Logf("%d %s", res.StatusCode, body)
			if d := detail(body); !strings.Contains(d, tt.wantDetail) {
				t.Errorf("detail %q; want it to mention %q", d, tt.wantDetail)
			}
			if tt.timeout > 0 && time.Since(start) > 5*time.Second {
				t.Errorf("took %s with a %s timeout", time.Since(start), tt.timeout)
			}
		})
	}
	if n := len(plain.requests()); n != 0 {
		t.Errorf("plain upstream saw %d requests over a TLS handshake", n)
	}
}

// TestTLS checks the ways to trust an upstream: RootCAs, LoadCA, the
// insecure opt-out, and that HTTP/2 is used where the upstream offers it.
func TestTLS(t *testing.T) {
	up := newTLSUpstream(t, true, nil)
	pool := x509.NewCertPool()
	pool.AddCert(up.Certificate())

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: up.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, err := proxy.LoadCA(caFile)
	if err != nil {
		t.Fatalf("LoadCA: %v", err)
	}

	tests := []struct {
		name string
		cfg  proxy.Config
	}{
		{"RootCAs", proxy.Config{RootCAs: pool}},
		{"LoadCA", proxy.Config{RootCAs: loaded}},
		{"InsecureSkipVerify", proxy.Config{InsecureSkipVerify: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Upstreams = []proxy.Upstream{upstreamAt(t, "u", up.URL+"/jira")}
			l := newLab(t, tt.cfg)
			res, body := l.do(t, "GET", "/proxy/u/rest/api/2/myself?x=1", nil, nil)
			if res.StatusCode != 200 {
				t.Fatalf("status %d %s", res.StatusCode, body)
			}
			got := up.last(t)
			if got.RequestURI != "/jira/rest/api/2/myself?x=1" {
				t.Errorf("upstream got %q", got.RequestURI)
			}
			if got.ProtoMajor != 2 {
				t.Errorf("upstream spoke HTTP/%d; want HTTP/2", got.ProtoMajor)
			}
		})
	}

	t.Run("LoadCA errors", func(t *testing.T) {
		if _, err := proxy.LoadCA(filepath.Join(t.TempDir(), "missing.pem")); err == nil {
			t.Error("LoadCA(missing file) succeeded")
		}
		junk := filepath.Join(t.TempDir(), "junk.pem")
		os.WriteFile(junk, []byte("not a certificate"), 0o600)
		if _, err := proxy.LoadCA(junk); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
			t.Errorf("LoadCA(junk) = %v; want a no-PEM error", err)
		}
	})
}

// TestTLSConfigIsOurs makes sure a TLS upstream is verified by default:
// the system roots do not include httptest's certificate.
func TestTLSConfigIsOurs(t *testing.T) {
	up := newTLSUpstream(t, false, nil)
	l := newLab(t, proxy.Config{Upstreams: []proxy.Upstream{upstreamAt(t, "u", up.URL)}})
	res, body := l.do(t, "GET", "/proxy/u/", nil, nil)
	wantError(t, "default verification", res, body, 502, "upstream_tls")
	if n := len(up.requests()); n != 0 {
		t.Errorf("upstream handled %d requests over an unverified connection", n)
	}
}

// TestStalledBody: an upstream that sends its headers and part of a body,
// then nothing, must not hold the browser forever. After UpstreamTimeout of
// silence the proxy gives up: the browser's connection closes (the status
// has left already) and the log says why.
func TestStalledBody(t *testing.T) {
	release := make(chan struct{})
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		io.WriteString(w, "part")
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	l := newLab(t, proxy.Config{Upstreams: []proxy.Upstream{upstreamAt(t, "u", up.URL)}, UpstreamTimeout: 300 * time.Millisecond})
	req, _ := http.NewRequest("GET", l.URL+"/proxy/u/slow", nil)
	req.Header.Set("X-Jira-Lab", "1")
	start := time.Now()
	res, err := client.Do(req)
	if err == nil {
		_, err = io.ReadAll(res.Body)
		res.Body.Close()
	}
	if err == nil {
		t.Fatal("a body cut short read without error")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("gave up after %v; want about the upstream timeout (300ms)", d)
	}
	deadline := time.Now().Add(2 * time.Second)
	for !strings.Contains(l.log.String(), `"error":"upstream_body_aborted"`) {
		if time.Now().After(deadline) {
			t.Fatalf("log does not say the body broke off:\n%s", l.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
