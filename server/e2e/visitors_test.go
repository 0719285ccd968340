package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"jiraauthlab/contract"
)

var hexVisitor = regexp.MustCompile(`^[0-9a-f]{32}$`)

// TestVisitorsHaveTheirOwnSandbox: two learners share one lab, each in a
// browser of their own (two Chromium profiles). Fred's three wrong
// passwords in browser A put fred into CAPTCHA in A only; a policy switch
// in A leaves B's /password as it was; A's log repeats its requests with
// curl against A's own sandbox state (CONTRACT.md, "Per-visitor sandbox").
func TestVisitorsHaveTheirOwnSandbox(t *testing.T) {
	lab := startLab(t)
	a, b := newBrowser(t), newBrowser(t)
	a.allowErrors, b.allowErrors = allowProxyStatuses, allowProxyStatuses
	a.open(lab.Page("session"))
	b.open(lab.Page("session"))

	for i := range 3 {
		if x := a.login("fred", "wrong"); !strings.Contains(x, "401") {
			t.Fatalf("A: wrong password %d: %q; want 401", i+1, x)
		}
	}
	if x := a.login("fred", "fred"); !strings.Contains(x, "403") {
		t.Fatalf("A: the right password after 3 failures: %q; want 403 (CAPTCHA)", x)
	}
	a.waitText("diagnosis", "CAPTCHA")
	if x := b.login("fred", "fred"); !strings.Contains(x, "200") {
		t.Errorf("B: fred's login: %q; want 200, A's CAPTCHA is A's", x)
	}

	// Each browser made and kept its own id.
	va, vb := a.visitor(), b.visitor()
	if !hexVisitor.MatchString(va) || !hexVisitor.MatchString(vb) || va == vb {
		t.Fatalf("visitor ids A %q, B %q; want two different 128-bit hex ids", va, vb)
	}
	a.open(lab.Page("session")) // a reload keeps it
	if again := a.visitor(); again != va {
		t.Errorf("A's visitor id after a reload = %q; want %q", again, va)
	}
	for _, tc := range []struct {
		who, visitor string
		captcha      bool
	}{{"A", va, true}, {"B", vb, false}, {"curl (default state)", "", false}} {
		if got := captchaOf(t, lab, tc.visitor, "fred"); got != tc.captcha {
			t.Errorf("%s: fred's CAPTCHA in /_sandbox/state = %v; want %v", tc.who, got, tc.captcha)
		}
	}

	// A's log: every curl command names A's sandbox state, and runs there.
	var cmds []string
	a.eval(`Array.from(document.querySelectorAll('#exchanges li.exchange .curl')).map(e => e.textContent)`, &cmds)
	if len(cmds) < 4 {
		t.Fatalf("A's log holds %d curl commands; want the 4 logins", len(cmds))
	}
	for _, c := range cmds {
		if !strings.Contains(c, "-H 'X-Sandbox-Visitor: "+va+"'") {
			t.Errorf("A's curl command %q; want -H 'X-Sandbox-Visitor: %s'", c, va)
		}
	}

	// A switches the policy off from the console; B's /password keeps the
	// Secure policy's rules.
	a.open(lab.Page("console"))
	before := a.exchanges()
	a.setInput("console-method", "PUT")
	a.setInput("console-path", "/_sandbox/password-policy")
	a.setInput("console-headers", "Content-Type: application/json")
	a.setInput("console-body", `{"preset":"disabled"}`)
	a.click("console-send")
	if x := a.waitExchange(before + 1); !strings.Contains(x, "200") {
		t.Fatalf("A: PUT /_sandbox/password-policy: %q", x)
	}
	a.open(lab.Page("password"))
	a.waitText("policy", "No rules")
	a.setInput("pw-username", "fred")
	a.setInput("pw-new", "short1")
	a.waitText("pw-result", "passes")
	b.open(lab.Page("password"))
	b.waitText("policy", "at least 10 characters")
	if s := b.text("policy"); strings.Contains(s, "No rules") {
		t.Errorf("B's #policy = %q; want the Secure rules, A's switch is A's", s)
	}
	b.setInput("pw-username", "fred")
	b.setInput("pw-new", "short1")
	b.waitText("pw-result", "at least 10 characters")
}

// captchaOf reads whether user's login asks for CAPTCHA in a visitor's
// sandbox state ("" for the default one), from GET /_sandbox/state.
func captchaOf(t *testing.T, lab *labProcess, visitor, user string) bool {
	t.Helper()
	resp := get(t, lab.SandboxURL+"_sandbox/state", visitorHeader(visitor)...)
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /_sandbox/state as %q: %d %v", visitor, resp.StatusCode, err)
	}
	var st contract.SandboxState
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatalf("decode state %s: %v", body, err)
	}
	for _, u := range st.Users {
		if u.Name == user {
			return u.CaptchaRequired
		}
	}
	t.Fatalf("no account %q in %s", user, body)
	return false
}

// visitorHeader is get's header list naming visitor, none for "".
func visitorHeader(visitor string) []string {
	if visitor == "" {
		return nil
	}
	return []string{contract.HeaderSandboxVisitor, visitor}
}
