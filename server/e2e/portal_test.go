package e2e

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The lab inside a company's portal, behind its reverse proxy under a
// path (issue 18): -base-path end to end in the browser, then nginx in
// front with the README's location block.

// underBase checks, from the page, that every URL the page loaded — the
// document, its scripts, styles, icons and wasm, the service worker, the
// API and the proxied calls — lies under base (a URL ending in "/").
func (b *browser) underBase(base string) {
	b.t.Helper()
	var urls []string
	b.eval(`performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
		.map(e => e.name).filter(u => !u.startsWith('data:'))`, &urls)
	if len(urls) < 5 {
		b.t.Errorf("the page loaded %d URLs (%q); want its document, assets and calls", len(urls), urls)
	}
	for _, u := range urls {
		if !strings.HasPrefix(u, base) {
			b.t.Errorf("the page loaded %s, outside %s", u, base)
		}
	}
	var sw []string
	b.eval(`navigator.serviceWorker.ready.then(r => [r.scope, r.active ? r.active.scriptURL : ''])`, &sw)
	if len(sw) != 2 || sw[0] != base || !strings.HasPrefix(sw[1], base) {
		b.t.Errorf("service worker scope and script %q; want both under %s", sw, base)
	}
}

// portalFlow logs fred in and asks who he is, from the page at base, and
// reads /healthz and /readyz from the page too (same origin, relative URLs).
func (b *browser) portalFlow(base string) {
	b.t.Helper()
	b.open(base + "session")
	b.loginAndAsk("fred", "fred")
	if got := b.waitExchange(2); !strings.Contains(got, `"name": "fred"`) && !strings.Contains(got, `"name":"fred"`) {
		b.t.Errorf("who am I through %s: %q; want fred's session", base, got)
	}
	var statuses []int
	b.eval(`Promise.all(['healthz', 'readyz'].map(p => fetch(p).then(r => r.status)))`, &statuses)
	if len(statuses) != 2 || statuses[0] != 200 || statuses[1] != 200 {
		b.t.Errorf("/healthz and /readyz under %s from the page: %v; want 200 200", base, statuses)
	}
	b.underBase(base)
}

// TestPortalBasePath: everything under -base-path, in the browser.
func TestPortalBasePath(t *testing.T) {
	lab := startLab(t, "-base-path", "/portal/lab")
	b := newBrowser(t)
	b.allowErrors = allowProxyStatuses
	b.portalFlow(lab.URL)
	root := strings.TrimSuffix(lab.URL, "portal/lab/")
	for _, p := range []string{"healthz", "readyz", "session", "proxy/sandbox/rest/api/2/myself"} {
		if resp := get(t, root+p, "X-Jira-Lab", "1"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET /%s outside the base path = %d; want 404", p, resp.StatusCode)
		}
	}
}

// nginxBin finds nginx (Debian installs it in /usr/sbin, off most PATHs).
func nginxBin() string {
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	return ""
}

// startNginx runs nginx in the foreground on a free loopback port, serving
// the repository's location block (deploy/nginx/jira-auth-lab.conf) with
// its upstream address replaced by labAddr. It returns nginx's origin.
func startNginx(t *testing.T, port int, labAddr string) string {
	t.Helper()
	bin := nginxBin()
	block, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "nginx", "jira-auth-lab.conf"))
	if err != nil {
		t.Fatal(err)
	}
	const documented = "127.0.0.1:8080"
	if !strings.Contains(string(block), "proxy_pass http://"+documented+"/lab/;") {
		t.Fatalf("the location block no longer proxies to http://%s/lab/: update this test with it", documented)
	}
	// nginx's workers run as nobody when the master is root: they buffer
	// the wasm to proxy_temp_path and must be able to write there.
	dir := worldReadableDir(t, "lab-nginx-")
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(tmp, 0o777); err != nil { // past the umask
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "lab.conf"), []byte(strings.ReplaceAll(string(block), documented, labAddr)), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf(`daemon off;
master_process on;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 256; }
http {
    access_log %[1]s/access.log;
    client_body_temp_path %[1]s/tmp/body;
    proxy_temp_path %[1]s/tmp/proxy;
    fastcgi_temp_path %[1]s/tmp/fastcgi;
    uwsgi_temp_path %[1]s/tmp/uwsgi;
    scgi_temp_path %[1]s/tmp/scgi;
    server {
        listen 127.0.0.1:%[2]d;
        include %[1]s/lab.conf;
    }
}
`, dir, port)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log"))
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start nginx: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT) // graceful
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			if log, err := os.ReadFile(filepath.Join(dir, "error.log")); err == nil {
				t.Logf("nginx error.log:\n%s", log)
			}
		}
	})
	origin := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(origin + "/lab/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return origin
			}
		}
		select {
		case err := <-done:
			t.Fatalf("nginx exited: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not proxy /lab/healthz within 10s: %v\n%s", err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestPortalBehindNginx: nginx in front, the lab under /lab/ with the
// README's location block and -public-url naming nginx's origin; a learner
// logs in and asks who he is through it.
func TestPortalBehindNginx(t *testing.T) {
	if nginxBin() == "" {
		t.Skip("nginx is not installed (make nginx, or apt-get install nginx-light): the lab behind nginx is not tested")
	}
	// Both ports first: the lab must know its public origin, nginx the
	// lab's listener.
	nginxPort, labPort := freePort(t), freePort(t)
	origin := "http://127.0.0.1:" + strconv.Itoa(nginxPort)
	labAddr := "127.0.0.1:" + strconv.Itoa(labPort)
	lab := startLab(t, "-addr", labAddr, "-base-path", "/lab", "-public-url", origin)
	if lab.URL != origin+"/lab/" {
		t.Fatalf("the lab says it is at %s; want %s/lab/", lab.URL, origin)
	}
	startNginx(t, nginxPort, labAddr)

	b := newBrowser(t)
	b.allowErrors = allowProxyStatuses
	b.portalFlow(origin + "/lab/")

	// nginx passes the browser's Host on: a name the lab is not served
	// under is refused behind nginx too (DNS rebinding), and the bare
	// prefix is redirected into the lab.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct {
		name, path, host string
		want             int
	}{
		{"the lab's page", "/lab/session", "", http.StatusOK},
		{"a rebinding name", "/lab/session", "evil.example:" + strconv.Itoa(nginxPort), http.StatusForbidden},
		{"the prefix without its slash", "/lab", "", http.StatusMovedPermanently},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, origin+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.host != "" {
				req.Host = tt.host
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("GET %s (Host %q) through nginx = %d; want %d", tt.path, tt.host, resp.StatusCode, tt.want)
			}
		})
	}
}

// freePort is a loopback port free right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
