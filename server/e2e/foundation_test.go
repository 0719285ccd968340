package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// pageIDs are the contract's element ids per route (CONTRACT.md).
var pageIDs = map[string][]string{
	"session":  {"username", "password", "login", "whoami", "jql", "search", "search-results", "logout", "session-json", "set-cookie", "cookie-header", "cookie-paste"},
	"basic":    {"basic-username", "basic-password", "basic-path", "basic-header", "basic-send"},
	"password": {"policy", "pw-mode", "pw-username", "pw-display-name", "pw-email", "pw-old", "pw-new", "pw-result"},
	"token":    {"token-username", "token-password", "token-name", "token-days", "token-create", "token-value", "token-use", "token-revoke"},
	"console": {"console-method", "console-path", "console-headers", "console-body", "console-auth", "console-browser-ua", "console-send",
		"curl-import", "curl-import-apply"},
	"learn":   {"tours", "schemes"},
	"sandbox": {"sb-accounts", "sb-policy", "sb-basic-auth", "sb-rate-limit", "sb-expire", "sb-reset"},
}

var layoutIDs = []string{"target", "exchanges", "diagnosis", "diagnosis-summary", "session-state", "sequence", "nav-learn", "nav-session", "nav-basic", "nav-password", "nav-token", "nav-console", "nav-sandbox", "version"}

func TestEveryRouteBootsWithItsLayout(t *testing.T) {
	lab := startLab(t)
	b := newBrowser(t)
	routes := []struct{ path, page string }{
		{"", "session"}, // "/" renders the session page itself
		{"session", "session"},
		{"basic", "basic"},
		{"password", "password"},
		{"token", "token"},
		{"console", "console"},
		{"learn", "learn"},
		{"sandbox", "sandbox"},
	}
	for _, rt := range routes {
		b.open(lab.Page(rt.path))
		for _, id := range append(append([]string{}, layoutIDs...), pageIDs[rt.page]...) {
			if b.count("#"+id) != 1 {
				t.Errorf("/%s: want exactly one #%s", rt.path, id)
			}
		}
		var active string
		b.eval(`document.querySelector('.lab-nav a.active').id`, &active)
		if active != "nav-"+rt.page {
			t.Errorf("/%s: active nav link = %q; want nav-%s", rt.path, active, rt.page)
		}
		// Once the wasm runs, every input and button is enabled (the
		// sandbox panel's once the sandbox's state has arrived).
		if rt.page == "sandbox" {
			b.waitJS("the sandbox's state", `!document.getElementById('sb-reset').disabled`)
		}
		var disabled int
		b.eval(`document.querySelectorAll('.lab-main input:disabled, .lab-main button:disabled, .lab-main textarea:disabled, .lab-main select:disabled').length`, &disabled)
		if disabled != 0 {
			t.Errorf("/%s: %d controls still disabled after the wasm started", rt.path, disabled)
		}
	}
}

// The server's prerendered page must not accept typing: the first mount
// replaces it. ?wasm=false makes go-app's loader leave the prerender alone.
func TestPrerenderedControlsAreDisabled(t *testing.T) {
	lab := startLab(t)
	resp := get(t, lab.Page("session"))
	body, _ := io.ReadAll(resp.Body)
	html := string(body)
	for _, id := range []string{"username", "password", "login", "search", "logout"} {
		i := strings.Index(html, `id="`+id+`"`)
		if i < 0 {
			t.Fatalf("prerendered /session has no #%s", id)
		}
		start := strings.LastIndex(html[:i], "<")
		end := i + strings.Index(html[i:], ">")
		if tag := html[start : end+1]; !strings.Contains(tag, "disabled") {
			t.Errorf("prerendered #%s is not disabled: %s", id, tag)
		}
	}

	b := newBrowser(t)
	b.run("open without wasm", chromedp.Navigate(lab.Page("session?wasm=false")),
		chromedp.WaitVisible("#login", chromedp.ByID))
	var disabled bool
	b.eval(`document.getElementById('login').disabled && document.getElementById('username').disabled`, &disabled)
	if !disabled {
		t.Error("before the wasm runs, #login and #username must be disabled")
	}
}

func TestNavigationDoesNotReload(t *testing.T) {
	lab := startLab(t)
	b := newBrowser(t)
	b.open(lab.Page("session"))
	b.eval(`window.__labMarker = 42`, nil)
	for _, page := range []string{"basic", "password", "session"} {
		b.run("click nav-"+page,
			chromedp.Click("#nav-"+page, chromedp.ByID),
			chromedp.Poll(`location.pathname.endsWith('/`+page+`') && document.querySelector('.lab-nav a.active').id === 'nav-`+page+`'`, nil,
				chromedp.WithPollingTimeout(20*time.Second)),
		)
		var marker int
		b.eval(`window.__labMarker || 0`, &marker)
		if marker != 42 {
			t.Fatalf("navigating to /%s reloaded the page", page)
		}
		if b.count("#"+pageIDs[page][0]) != 1 {
			t.Errorf("/%s: page content not rendered after navigation", page)
		}
	}
}

func TestUpstreamPickerListsConfiguredUpstreams(t *testing.T) {
	lab := startLab(t, "-upstream", "corp=http://127.0.0.1:9/jira", "-upstream", "staging=https://jira.staging.example")
	b := newBrowser(t)
	b.open(lab.Page("basic"))
	var values []string
	b.run("wait for upstreams", chromedp.Poll(`document.querySelectorAll('#target option').length === 4 && !document.getElementById('target').disabled`, nil,
		chromedp.WithPollingTimeout(20*time.Second)))
	b.eval(`Array.from(document.querySelectorAll('#target option')).map(o => o.value)`, &values)
	if want := []string{"corp", "staging", "sandbox", "sandbox-cloud"}; strings.Join(values, ",") != strings.Join(want, ",") {
		t.Errorf("#target options = %v; want %v (default first, the sandbox's two faces last)", values, want)
	}
	var selected string
	b.eval(`document.getElementById('target').value`, &selected)
	if selected != "corp" {
		t.Errorf("#target starts on %q; want the first -upstream, corp", selected)
	}
	// The choice is shared by every page.
	b.run("choose sandbox", chromedp.SetValue("#target", "sandbox", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById('target').dispatchEvent(new Event('change', {bubbles: true}))`, nil),
		chromedp.Click("#nav-password", chromedp.ByID),
		chromedp.Poll(`location.pathname.endsWith('/password') && document.getElementById('target').value === 'sandbox'`, nil,
			chromedp.WithPollingTimeout(20*time.Second)))
}

func TestServiceWorkerRegisters(t *testing.T) {
	lab := startLab(t)
	b := newBrowser(t)
	b.open(lab.Page(""))
	var scope string
	b.eval(`navigator.serviceWorker.ready.then(r => r.active ? r.scope : '')`, &scope)
	if scope != lab.URL {
		t.Errorf("service worker scope = %q; want %q", scope, lab.URL)
	}
}

func TestBasePath(t *testing.T) {
	lab := startLab(t, "-base-path", "/portal/auth-lab/")
	if !strings.HasSuffix(lab.URL, "/portal/auth-lab/") {
		t.Fatalf("app URL %q does not end with the base path", lab.URL)
	}
	b := newBrowser(t)
	b.open(lab.Page("basic"))
	var hrefs []string
	b.eval(`Array.from(document.querySelectorAll('.lab-nav a')).map(a => new URL(a.href).pathname)`, &hrefs)
	for _, h := range hrefs {
		if !strings.HasPrefix(h, "/portal/auth-lab/") {
			t.Errorf("nav link %q escapes the base path", h)
		}
	}
	b.run("upstreams load under the base path", chromedp.Poll(`document.querySelectorAll('#target option[value="sandbox"]').length === 1`, nil,
		chromedp.WithPollingTimeout(20*time.Second)))
	b.run("navigate", chromedp.Click("#nav-password", chromedp.ByID),
		chromedp.Poll(`location.pathname === '/portal/auth-lab/password' && document.getElementById('pw-new') !== null`, nil,
			chromedp.WithPollingTimeout(20*time.Second)))
	var scope string
	b.eval(`navigator.serviceWorker.ready.then(r => r.scope)`, &scope)
	if scope != lab.URL {
		t.Errorf("service worker scope = %q; want %q", scope, lab.URL)
	}
	if resp := get(t, strings.TrimSuffix(lab.URL, "/portal/auth-lab/")+"/session"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("outside the base path: status %d; want 404", resp.StatusCode)
	}
}

func TestHealthzAndUpstreamsAPI(t *testing.T) {
	lab := startLab(t)
	resp := get(t, lab.Page("healthz"))
	var health struct{ Status, Version string }
	if err := json.NewDecoder(resp.Body).Decode(&health); err != nil || resp.StatusCode != 200 || health.Status != "ok" || health.Version == "" {
		t.Errorf("/healthz = %d %+v (%v); want 200 status ok with a version", resp.StatusCode, health, err)
	}
	resp = get(t, lab.Page("api/upstreams"))
	var ups []struct {
		Name    string
		URL     string
		Sandbox bool
	}
	if err := json.NewDecoder(resp.Body).Decode(&ups); err != nil || len(ups) != 2 || ups[0].Name != "sandbox" || !ups[0].Sandbox ||
		ups[0].URL+"/" != lab.SandboxURL || ups[1].Name != "sandbox-cloud" || !ups[1].Sandbox || ups[1].URL != lab.SandboxURL+"cloud" {
		t.Errorf("/api/upstreams = %+v (%v); want the sandbox at %s and its Cloud face under /cloud", ups, err, lab.SandboxURL)
	}
}
