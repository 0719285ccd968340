package proxy_test

import (
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"jiraauthlab/server/proxy"
)

// fullBacklog returns a loopback address whose listen queue is full: Linux
// drops further SYNs, so a dial there hangs until its timeout.
func fullBacklog(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Skipf("socket: %v", err)
	}
	f := os.NewFile(uintptr(fd), "backlog")
	t.Cleanup(func() { f.Close() })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Skipf("bind: %v", err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Skipf("listen: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Skipf("getsockname: %v", err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	// Fill the accept queue (never accepted) until a dial hangs.
	for i := 0; i < 16; i++ {
		c, err := net.DialTimeout("tcp", addr, 300*time.Millisecond)
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				return addr
			}
			t.Skipf("dial: %v", err)
		}
		t.Cleanup(func() { c.Close() })
	}
	t.Skip("could not fill the listen backlog; dial timeout not simulated")
	return ""
}

// TestDialTimeout checks the 504 for an upstream that never accepts the
// connection.
func TestDialTimeout(t *testing.T) {
	addr := fullBacklog(t)
	l := newLab(t, proxy.Config{
		Upstreams:       []proxy.Upstream{upstreamAt(t, "u", "http://"+addr)},
		UpstreamTimeout: 300 * time.Millisecond,
	})
	start := time.Now()
	res, body := l.do(t, "GET", "/proxy/u/rest", nil, nil)
	wantError(t, "dial timeout", res, body, 504, "upstream_timeout")
	if d := detail(body); !strings.Contains(d, "did not accept a connection within 300ms") {
		t.Errorf("detail %q; want the dial named", d)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %s", el)
	}
}
