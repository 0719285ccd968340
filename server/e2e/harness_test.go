package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"jiraauthlab/internal/testkit"
	"jiraauthlab/server/lab"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

var (
	repoRoot string
	binPath  string
	chromium string
)

// TestMain builds the binary with the Makefile (a no-op when it is current)
// and finds Chromium. Both are required: missing either fails the run.
func TestMain(m *testing.M) {
	root, err := filepath.Abs("../..")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	repoRoot = root
	binPath = filepath.Join(root, "bin", "jira-auth-lab")
	if os.Getenv("E2E_SKIP_BUILD") == "" {
		cmd := exec.Command("make", "-s", "build")
		cmd.Dir = root
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: make build failed:", err)
			os.Exit(1)
		}
	}
	chromium = os.Getenv("CHROMIUM")
	if chromium == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				chromium = p
				break
			}
		}
	}
	if chromium == "" {
		fmt.Fprintln(os.Stderr, "e2e: Chromium not found: run `make chromium` (apt-get install chromium) or set CHROMIUM=/path")
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// labProcess is the real binary, started on free loopback ports.
type labProcess struct {
	URL        string // app URL with base path and trailing slash
	SandboxURL string // sandbox root with trailing slash, "" when off
	cmd        *exec.Cmd
	logs       testkit.SyncBuffer // stdout and stderr, as printed
	stopOnce   sync.Once
	stopErr    error
}

// stop ends the process with SIGTERM, as a user would, once; it reports
// an unclean or late exit.
func (p *labProcess) stop() error {
	p.stopOnce.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- p.cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				p.stopErr = fmt.Errorf("lab did not exit cleanly on SIGTERM: %w", err)
			}
		case <-time.After(20 * time.Second):
			_ = p.cmd.Process.Kill()
			p.stopErr = errors.New("lab did not stop within 20s of SIGTERM")
		}
	})
	return p.stopErr
}

var urlLine = regexp.MustCompile(`^\s+(app|sandbox):\s+(\S+)`)

// startLab runs the binary with args added to free-port defaults and waits
// until it prints its URLs. Cleanup sends SIGTERM and expects exit status 0.
func startLab(t *testing.T, args ...string) *labProcess {
	t.Helper()
	full := append([]string{"-addr", "127.0.0.1:0", "-sandbox-addr", "127.0.0.1:0"}, args...)
	cmd := exec.Command(binPath, full...)
	cmd.Env = lab.WithoutEnv(os.Environ())
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &labProcess{cmd: cmd}
	cmd.Stderr = &p.logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", binPath, err)
	}
	found := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		sawApp := false
		for sc.Scan() {
			line := sc.Text()
			p.logs.Write([]byte(line + "\n"))
			m := urlLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			switch m[1] {
			case "app":
				p.URL, sawApp = m[2], true
			case "sandbox":
				if m[2] != "off" {
					p.SandboxURL = m[2]
				}
				if sawApp {
					close(found)
				}
			}
		}
	}()
	t.Cleanup(func() {
		if err := p.stop(); err != nil {
			t.Errorf("%v\n%s", err, p.Logs())
		}
	})
	select {
	case <-found:
	case <-time.After(30 * time.Second):
		t.Fatalf("lab did not print its URLs within 30s\n%s", p.Logs())
	}
	return p
}

// Logs is everything the process printed so far.
func (p *labProcess) Logs() string { return p.logs.String() }

// Page is the URL of a route ("session", "basic/x") under the base path.
func (p *labProcess) Page(route string) string {
	return p.URL + strings.TrimPrefix(route, "/")
}

// browser is one headless Chromium with a fresh profile, recording every
// console error and uncaught exception of its pages.
type browser struct {
	t      *testing.T
	ctx    context.Context
	mu     sync.Mutex
	errors []string
	logs   []string
	// allowErrors reports console errors a test expects (e.g. a 401 that a
	// flow provokes on purpose); others fail the test.
	allowErrors func(string) bool
}

// newBrowser starts Chromium. On failure, cleanup saves a screenshot and the
// console log under .testout/<test>/ and prints the path.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	// Not t.TempDir: Chromium may still be writing to its profile while the
	// test's cleanup runs, and a failed removal must not fail the test.
	profile, err := os.MkdirTemp("", "lab-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox, // root in CI
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(profile),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	b := &browser{t: t, ctx: ctx}
	chromedp.ListenTarget(ctx, b.onEvent)
	if err := chromedp.Run(ctx, cdplog.Enable()); err != nil {
		t.Fatalf("start chromium (%s): %v", chromium, err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			b.saveEvidence()
		}
		_ = chromedp.Cancel(ctx) // closes the browser and waits for it
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	})
	t.Cleanup(b.checkErrors) // runs first (LIFO)
	return b
}

func (b *browser) onEvent(ev any) {
	var msg string
	isErr := false
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range ev.Args {
			if a.Value != nil {
				parts = append(parts, strings.Trim(string(a.Value), `"`))
			} else {
				parts = append(parts, a.Description)
			}
		}
		msg = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " "))
		isErr = ev.Type == runtime.APITypeError || ev.Type == runtime.APITypeAssert
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg = "uncaught: " + d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		isErr = true
	case *cdplog.EventEntryAdded:
		msg = fmt.Sprintf("log.%s: %s %s", ev.Entry.Level, ev.Entry.Text, ev.Entry.URL)
		isErr = ev.Entry.Level == cdplog.LevelError
	default:
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.logs = append(b.logs, msg)
	if isErr && (b.allowErrors == nil || !b.allowErrors(msg)) {
		b.errors = append(b.errors, msg)
	}
}

func (b *browser) checkErrors() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.errors) > 0 {
		b.t.Errorf("browser console errors:\n  %s", strings.Join(b.errors, "\n  "))
	}
}

func (b *browser) saveEvidence() {
	dir := filepath.Join(repoRoot, ".testout", strings.ReplaceAll(b.t.Name(), "/", "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Logf("save evidence: %v", err)
		return
	}
	var shot []byte
	sctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Run(sctx, chromedp.FullScreenshot(&shot, 100)); err == nil {
		_ = os.WriteFile(filepath.Join(dir, "screenshot.png"), shot, 0o644)
	}
	b.mu.Lock()
	logs := strings.Join(b.logs, "\n")
	b.mu.Unlock()
	_ = os.WriteFile(filepath.Join(dir, "console.log"), []byte(logs+"\n"), 0o644)
	b.t.Logf("screenshot and console log saved in %s", dir)
}

// run runs actions, failing the test with what was being done.
func (b *browser) run(what string, actions ...chromedp.Action) {
	b.t.Helper()
	if err := chromedp.Run(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open navigates to url and waits until the wasm is running: the prerendered
// page already shows every element, so waiting for one is not enough.
func (b *browser) open(url string) {
	b.t.Helper()
	b.run("open "+url,
		chromedp.Navigate(url),
		waitBooted(),
	)
}

// waitBooted waits for go-app's loader to go and for the first client render.
func waitBooted() chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		return chromedp.Run(ctx,
			chromedp.Poll(`document.querySelector('[data-wasm="running"]') !== null && document.getElementById('app-wasm-loader') === null`,
				nil, chromedp.WithPollingTimeout(90*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)),
		)
	})
}

// eval evaluates a JavaScript expression (promises awaited) into res.
func (b *browser) eval(expr string, res any) {
	b.t.Helper()
	b.run("evaluate "+expr, chromedp.Evaluate(expr, res, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
		return p.WithAwaitPromise(true)
	}))
}

// count returns how many nodes match sel (no waiting).
func (b *browser) count(sel string) int {
	b.t.Helper()
	var n int
	b.eval(fmt.Sprintf(`document.querySelectorAll(%q).length`, sel), &n)
	return n
}

// get fetches url with net/http (for non-browser checks).
func get(t *testing.T, url string, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// Steps of a flow, as a user takes them.

// toggle flips a checkbox as a click would (the change event included),
// from the page itself: a mouse click at the box's coordinates can miss
// a 13-pixel box while the page re-renders around it.
func (b *browser) toggle(id string) {
	b.t.Helper()
	b.waitJS("#"+id+" enabled", fmt.Sprintf(`(() => { const el = document.getElementById(%q); return el !== null && !el.disabled })()`, id))
	b.eval(fmt.Sprintf(`(() => { document.getElementById(%q).click(); return true })()`, id), nil)
}

// consoleSearchAsBrowser sends, from the console, a JSON search with the
// browser's own User-Agent: the POST Jira's XSRF filter refuses.
func (b *browser) consoleSearchAsBrowser() {
	b.t.Helper()
	b.setInput("console-method", "POST")
	b.setInput("console-path", "/rest/api/2/search")
	b.setInput("console-headers", "Content-Type: application/json")
	b.setInput("console-body", `{"jql":"project = TEST"}`)
	b.toggle("console-browser-ua")
	b.click("console-send")
}

// sessionCookie waits for the cookie the lab sends next and returns its
// JSESSIONID value.
func (b *browser) sessionCookie() string {
	b.t.Helper()
	b.waitText("cookie-header", "Cookie: JSESSIONID=")
	return strings.TrimPrefix(strings.TrimSpace(b.text("cookie-header")), "Cookie: JSESSIONID=")
}

// loginAndAsk logs in on the session page, asks who am I with the session
// and returns its cookie value: two exchanges in the log.
func (b *browser) loginAndAsk(user, password string) string {
	b.t.Helper()
	b.login(user, password)
	cookie := b.sessionCookie()
	before := b.exchanges()
	b.click("whoami")
	b.waitExchange(before + 1)
	return cookie
}

// expireSessions ends every session in a visitor's sandbox state (the
// browser's: b.visitor()), as Jira's idle timeout or an administrator would.
func expireSessions(t *testing.T, lab *labProcess, visitor string) {
	t.Helper()
	sandboxAs(t, lab, visitor, http.MethodPost, "_sandbox/expire-sessions", "")
}

// allowProxyStatuses accepts the console's network errors for Jira answers a
// flow provokes on purpose (401, 403, 409 through the proxy): the page shows
// them, they are not faults of the page.
func allowProxyStatuses(msg string) bool {
	return strings.Contains(msg, "Failed to load resource") && strings.Contains(msg, "/proxy/")
}

func flowBrowser(t *testing.T) (*labProcess, *browser) {
	t.Helper()
	lab := startLab(t)
	b := newBrowser(t)
	b.allowErrors = allowProxyStatuses
	return lab, b
}

// setInput sets a field's value as typing would, firing the input event the
// app listens to.
func (b *browser) setInput(id, value string) {
	b.t.Helper()
	b.eval(fmt.Sprintf(`(() => { const el = document.getElementById(%q); el.value = %q;
		el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); return true })()`, id, value), nil)
}

// click clicks a button once it is enabled.
func (b *browser) click(id string) {
	b.t.Helper()
	b.waitJS("#"+id+" enabled", fmt.Sprintf(`(() => { const el = document.getElementById(%q); return el !== null && !el.disabled })()`, id))
	// Let the page finish the layout of what just rendered (the sequence
	// diagram grows as the log fills): a click lands at coordinates taken
	// before it, and a shift in between misses the button.
	b.eval(`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`, nil)
	b.run("click #"+id, chromedp.Click("#"+id, chromedp.ByID))
}

// waitJS polls a JavaScript predicate.
func (b *browser) waitJS(what, expr string) {
	b.t.Helper()
	b.run("wait for "+what, chromedp.Poll(expr, nil, chromedp.WithPollingTimeout(30*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)))
}

// waitText waits until the element's text contains want.
func (b *browser) waitText(id, want string) {
	b.t.Helper()
	b.waitJS(fmt.Sprintf("#%s to contain %q", id, want),
		fmt.Sprintf(`(() => { const el = document.getElementById(%q); return el !== null && el.textContent.includes(%q) })()`, id, want))
}

func (b *browser) text(id string) string {
	b.t.Helper()
	var s string
	b.eval(fmt.Sprintf(`(document.getElementById(%q) || {textContent: ""}).textContent`, id), &s)
	return s
}

// exchanges is how many entries #exchanges holds.
func (b *browser) exchanges() int { return b.count("#exchanges li.exchange") }

// waitExchange waits for the n-th exchange and returns the newest one's text.
func (b *browser) waitExchange(n int) string {
	b.t.Helper()
	b.waitJS(fmt.Sprintf("%d exchanges", n), fmt.Sprintf(`document.querySelectorAll('#exchanges li.exchange').length >= %d`, n))
	var s string
	b.eval(`document.querySelector('#exchanges li.exchange').textContent`, &s)
	return s
}

func (b *browser) login(user, password string) string {
	b.t.Helper()
	before := b.exchanges()
	b.setInput("username", user)
	b.setInput("password", password)
	b.click("login")
	return b.waitExchange(before + 1)
}

// pause lets the page render and any answer in flight arrive.
func (b *browser) pause(d time.Duration) {
	b.t.Helper()
	b.eval(fmt.Sprintf(`new Promise(r => setTimeout(() => r(true), %d))`, d.Milliseconds()), nil)
}

func (b *browser) value(id string) string {
	b.t.Helper()
	var s string
	b.eval(fmt.Sprintf(`document.getElementById(%q).value`, id), &s)
	return s
}

// visitor returns the browser's visitor id (local storage "lab.visitor",
// which picks its own sandbox state), first setting one when the page has
// sent nothing yet; an open page of the lab is needed.
func (b *browser) visitor() string {
	b.t.Helper()
	var id string
	b.eval(`(() => { let v = localStorage.getItem('lab.visitor');
		if (!v) { v = Array.from(crypto.getRandomValues(new Uint8Array(16)), x => x.toString(16).padStart(2, '0')).join('');
			localStorage.setItem('lab.visitor', v) }
		return v })()`, &id)
	return id
}

// sandboxAs sends a request to the sandbox's own port as visitor (its
// X-Sandbox-Visitor; "" for the default state curl shares), as a demo
// script would, and fails the test unless it answers 2xx.
func sandboxAs(t *testing.T, lab *labProcess, visitor, method, path, body string) {
	t.Helper()
	req, err := http.NewRequest(method, lab.SandboxURL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if visitor != "" {
		req.Header.Set("X-Sandbox-Visitor", visitor)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s as visitor %q: %s", method, path, visitor, resp.Status)
	}
}

// openWithWorker opens the session page and waits for its service worker
// to be active, so the lab can be stopped and the page still served from
// the cache; the page's fetch of /api/upstreams then fails, as it should.
func (b *browser) openWithWorker(lab *labProcess) {
	b.t.Helper()
	b.allowErrors = func(msg string) bool {
		return strings.Contains(msg, "/api/upstreams") || strings.Contains(msg, "Failed to load resource")
	}
	b.open(lab.Page("session"))
	var state string
	b.eval(`navigator.serviceWorker.ready.then(r => new Promise(res => {
		const w = r.active; if (w.state === 'activated') return res(w.state);
		w.addEventListener('statechange', () => { if (w.state === 'activated') res(w.state) }) }))`, &state)
}

// worldReadableDir is a temporary directory that other users may enter:
// the lab run as nobody, or nginx's workers, read from it.
func worldReadableDir(t *testing.T, prefix string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
