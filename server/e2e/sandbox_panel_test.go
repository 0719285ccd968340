package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"jiraauthlab/contract"

	"github.com/chromedp/chromedp"
)

// The /sandbox panel (issue 16) and what it changes on the other pages,
// against the real binary and its built-in sandbox.

// panelState reads GET /_sandbox/state straight from the sandbox, as the
// browser b's visitor.
func panelState(t *testing.T, lab *labProcess, b *browser) contract.SandboxState {
	t.Helper()
	var header []string
	if id := b.visitor(); id != "" {
		header = []string{"X-Sandbox-Visitor", id}
	}
	resp := get(t, lab.SandboxURL+"_sandbox/state", header...)
	var st contract.SandboxState
	if resp.StatusCode != 200 {
		t.Fatalf("GET /_sandbox/state = %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatalf("GET /_sandbox/state: %v", err)
	}
	return st
}

// panelAccount is the sandbox's account named name.
func panelAccount(t *testing.T, st contract.SandboxState, name string) contract.SandboxAccount {
	t.Helper()
	for _, a := range st.Users {
		if a.Name == name {
			return a
		}
	}
	t.Fatalf("no account %q in /_sandbox/state: %+v", name, st.Users)
	return contract.SandboxAccount{}
}

// panelPut sends a control call to the sandbox itself, as curl would, for
// the browser b's visitor.
func panelPut(t *testing.T, lab *labProcess, b *browser, path, body string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, lab.SandboxURL+strings.TrimPrefix(path, "/"), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if id := b.visitor(); id != "" {
		req.Header.Set("X-Sandbox-Visitor", id)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("PUT %s: %v", path, err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("PUT %s %s = %d", path, body, resp.StatusCode)
	}
}

// panelRow is the text of the panel's row of user, "" when absent.
func panelRow(user string) string {
	return fmt.Sprintf(`(() => { const r = Array.from(document.querySelectorAll('#sb-accounts tbody tr')).find(tr => tr.cells.length > 1 && tr.cells[0].textContent === %q); return r ? r.textContent : '' })()`, user)
}

// openPanel opens /sandbox and waits for the accounts.
func (b *browser) openPanel(lab *labProcess) {
	b.t.Helper()
	b.open(lab.Page("sandbox"))
	b.waitJS("accounts", `document.querySelectorAll('#sb-accounts tbody tr').length >= 4`)
}

func TestSandboxPanelAccounts(t *testing.T) {
	lab, b := flowBrowser(t)
	b.openPanel(lab)
	var rows [][]string
	b.eval(`Array.from(document.querySelectorAll('#sb-accounts tbody tr')).map(tr => Array.from(tr.cells).map(td => td.textContent))`, &rows)
	// CONTRACT.md, "Built-in accounts": each password is the user's name.
	want := map[string]string{"fred": "user", "admin": "admin", "unverified": "unverified", "sso-user": "sso"}
	for _, r := range rows {
		if len(r) < 6 {
			t.Fatalf("row %q: want 6 cells", r)
		}
		kind, ok := want[r[0]]
		if !ok {
			continue
		}
		delete(want, r[0])
		if r[1] != r[0] || r[2] != kind || r[3] == "" {
			t.Errorf("row %q: want password %q, kind %q and what it demonstrates", r, r[0], kind)
		}
	}
	if len(want) > 0 {
		t.Errorf("accounts missing from #sb-accounts: %v (rows %q)", want, rows)
	}
	if s := b.text("sb-accounts"); !strings.Contains(s, "REST logins always fail (Atlassian's ID-6351)") {
		t.Errorf("#sb-accounts does not say what sso-user demonstrates: %q", s)
	}

	b.click("nav-session")
	b.waitJS("session page", `document.getElementById('login') !== null`)
	for range 3 {
		b.login("fred", "wrong")
	}
	b.click("nav-sandbox")
	b.waitJS("fred at 3 of 3 with CAPTCHA on", panelRow("fred")+`.includes('3 of 3') && `+panelRow("fred")+`.includes('on')`)
	b.click("sb-captcha-reset-fred")
	b.waitJS("fred cleared", panelRow("fred")+`.includes('0 of 3') && `+panelRow("fred")+`.includes('off')`)
	if fred := panelAccount(t, panelState(t, lab, b), "fred"); fred.CaptchaRequired {
		t.Errorf("after the panel's reset the sandbox still requires CAPTCHA: %+v", fred)
	}
	// The reset is the learner's request: it is in the log.
	if x := b.waitExchange(1); !strings.Contains(x, "/_sandbox/captcha/reset") {
		t.Errorf("newest exchange %q; want the CAPTCHA reset", x)
	}
}

// The rules on /password follow the policy wherever it was switched, and
// are marked met or not from Jira's verdict.
func TestPasswordPolicyFollowsSwitches(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("password"))
	b.waitText("policy", "at least 10 characters")

	t.Run("rules marked from the verdict", func(t *testing.T) {
		defer b.with(t)()
		b.setInput("pw-username", "fred")
		b.setInput("pw-new", "short1")
		b.waitJS("10 characters unmet", `Array.from(document.querySelectorAll('#policy li.unmet')).some(li => li.textContent.includes('at least 10 characters'))`)
		b.waitJS("similarity met", `Array.from(document.querySelectorAll('#policy li.met')).some(li => li.textContent.includes('similar'))`)
		b.setInput("pw-new", "Zq9!vLm#2024x")
		b.waitText("pw-result", "passes")
		b.waitJS("every rule met", `document.querySelectorAll('#policy li.unmet').length === 0 && document.querySelectorAll('#policy li.met').length === document.querySelectorAll('#policy li').length`)
	})

	t.Run("the panel's switch", func(t *testing.T) {
		defer b.with(t)()
		b.click("nav-sandbox")
		b.waitJS("policy select", `document.getElementById('sb-policy') !== null && !document.getElementById('sb-policy').disabled && document.getElementById('sb-policy').value === 'secure'`)
		b.setInput("sb-policy", "basic")
		b.waitJS("the switch sent", `Array.from(document.querySelectorAll('#exchanges li.exchange')).some(li => li.textContent.includes('/_sandbox/password-policy'))`)
		b.click("nav-password")
		b.waitText("policy", "at least 8 characters")
		if s := b.text("policy"); strings.Contains(s, "at least 10 characters") {
			t.Errorf("#policy still shows the Secure rule: %q", s)
		}
	})

	t.Run("switched by curl, seen on focus", func(t *testing.T) {
		defer b.with(t)()
		panelPut(t, lab, b, "_sandbox/password-policy", `{"preset":"secure"}`)
		b.eval(`window.dispatchEvent(new Event('focus')), true`, nil)
		b.waitText("policy", "at least 10 characters")
	})

	t.Run("switched by curl, seen on coming back", func(t *testing.T) {
		defer b.with(t)()
		panelPut(t, lab, b, "_sandbox/password-policy", `{"preset":"disabled"}`)
		b.click("nav-session")
		b.waitJS("session page", `document.getElementById('login') !== null`)
		b.click("nav-password")
		b.waitText("policy", "No rules")
	})

	t.Run("a verdict naming a rule not shown", func(t *testing.T) {
		defer b.with(t)()
		panelPut(t, lab, b, "_sandbox/password-policy", `{"preset":"basic"}`)
		b.setInput("pw-new", "ab")
		b.waitText("policy", "at least 8 characters")
		b.waitJS("the verdict's rule unmet", `Array.from(document.querySelectorAll('#policy li.unmet')).some(li => li.textContent.includes('at least 8 characters'))`)
	})

	t.Run("show password", func(t *testing.T) {
		defer b.with(t)()
		b.click("pw-new-show")
		b.waitJS("shown", `document.getElementById('pw-new').type === 'text' && document.getElementById('pw-new-show').getAttribute('aria-pressed') === 'true'`)
		if v := b.value("pw-new"); v != "ab" {
			t.Errorf("#pw-new = %q after showing it; want what was typed", v)
		}
		b.click("pw-new-show")
		b.waitJS("hidden", `document.getElementById('pw-new').type === 'password' && document.getElementById('pw-new-show').getAttribute('aria-pressed') === 'false'`)
		b.setInput("pw-mode", "update")
		b.click("pw-old-show")
		b.waitJS("old shown", `document.getElementById('pw-old').type === 'text'`)
	})
}

func TestSandboxPanelExpireAndReset(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("session"))
	b.login("fred", "wrong")
	b.login("fred", "fred")
	b.waitText("cookie-header", "Cookie: JSESSIONID=")

	b.click("nav-sandbox")
	b.waitJS("one session, one failure", `document.querySelectorAll('#sb-accounts tbody tr').length >= 4`)
	b.waitText("sb-sessions", "1 session")
	before := b.exchanges()
	b.click("sb-expire")
	if x := b.waitExchange(before + 1); !strings.Contains(x, "/_sandbox/expire-sessions") {
		t.Fatalf("newest exchange %q; want the expiry", x)
	}
	b.waitText("sb-sessions", "0 session")
	b.click("nav-session")
	b.waitJS("session page", `document.getElementById('whoami') !== null`)
	before = b.exchanges()
	b.click("whoami")
	if x := b.waitExchange(before + 1); !strings.Contains(x, "401") {
		t.Errorf("who am I after #sb-expire: %q; want 401", x)
	}

	b.login("fred", "wrong")
	panelPut(t, lab, b, "_sandbox/password-policy", `{"preset":"basic"}`)
	b.click("nav-sandbox")
	b.waitJS("a failure and the basic policy", panelRow("fred")+`.includes('1 of') && document.getElementById('sb-policy').value === 'basic'`)
	b.click("sb-reset")
	b.waitJS("reset shown", panelRow("fred")+`.includes('0 of') && document.getElementById('sb-policy').value === 'secure'`)
	st := panelState(t, lab, b)
	if fred := panelAccount(t, st, "fred"); st.PasswordPolicy != "secure" || fred.ConsecutiveFailedLogins != 0 {
		t.Errorf("after #sb-reset: policy %q, fred's failures %d; want secure, 0", st.PasswordPolicy, fred.ConsecutiveFailedLogins)
	}
}

func TestSandboxPanelSwitches(t *testing.T) {
	lab, b := flowBrowser(t)
	b.openPanel(lab)
	tests := []struct {
		id   string
		read func(contract.SandboxState) bool
		want bool
	}{
		{"sb-basic-auth", func(s contract.SandboxState) bool { return s.BasicAuth.Enabled }, false},
		{"sb-rate-limit", func(s contract.SandboxState) bool { return s.RateLimit.Enabled }, true},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			defer b.with(t)()
			if got := tc.read(panelState(t, lab, b)); got == tc.want {
				t.Fatalf("%s is already %v before the click", tc.id, got)
			}
			b.toggle(tc.id)
			b.waitJS(tc.id+" shown", fmt.Sprintf(`document.getElementById(%q).checked === %v && !document.getElementById(%q).disabled`, tc.id, tc.want, tc.id))
			if got := tc.read(panelState(t, lab, b)); got != tc.want {
				t.Errorf("after toggling #%s the sandbox says %v; want %v", tc.id, got, tc.want)
			}
		})
	}
	// Basic auth switched off keeps the allow-list: admin still gets in.
	if st := panelState(t, lab, b); len(st.BasicAuth.AllowedUsers) == 0 {
		t.Errorf("basic auth switched off with an empty allow-list: %+v", st.BasicAuth)
	}
}

// On a Jira that is not a built-in sandbox the page says so and offers it.
func TestSandboxPanelOtherTarget(t *testing.T) {
	other := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(other.Close)
	lab := startLab(t, "-upstream", "other="+other.URL)
	b := newBrowser(t)
	b.allowErrors = allowProxyStatuses
	b.open(lab.Page("sandbox"))
	b.waitText("sb-not-sandbox", "other")
	if n := b.count("#sb-accounts"); n != 0 {
		t.Errorf("the sandbox's accounts shown for another Jira (%d tables)", n)
	}
	b.click("sb-switch")
	b.waitJS("sandbox chosen", `document.getElementById('target').value === 'sandbox'`)
	b.waitJS("accounts", `document.querySelectorAll('#sb-accounts tbody tr').length >= 4`)
}

// At a phone's width (390 px) neither page scrolls sideways.
func TestPanelPagesFitAPhone(t *testing.T) {
	lab, b := flowBrowser(t)
	b.run("phone viewport", chromedp.EmulateViewport(390, 844))
	for _, page := range []string{"password", "sandbox"} {
		t.Run(page, func(t *testing.T) {
			defer b.with(t)()
			b.open(lab.Page(page))
			if page == "sandbox" {
				b.waitJS("accounts", `document.querySelectorAll('#sb-accounts tbody tr').length >= 4`)
			} else {
				b.waitText("policy", "at least 10 characters")
				// A select keeps its width and cuts its text: each mode's
				// label must fit inside, beside the arrow.
				var fits bool
				b.eval(`(() => { const s = document.getElementById('pw-mode'), cs = getComputedStyle(s);
					const c = document.createElement('canvas').getContext('2d'); c.font = cs.font;
					const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20;
					return Array.from(s.options).every(o => c.measureText(o.text).width <= room) })()`, &fits)
				if !fits {
					t.Errorf("#pw-mode cuts its options' text at 390 px")
				}
			}
			// No sideways scroll, and every element of the page's own
			// panel inside the screen (the visually hidden column heads of
			// the accounts table excepted: clipped to nothing).
			var wide []string
			b.eval(`Array.from(document.querySelectorAll('#page-title ~ * *')).filter(el => !el.closest('thead') && el.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(el => el.tagName + '#' + el.id + '.' + el.className).slice(0, 8)`, &wide)
			var scroll, client int
			b.eval(`document.documentElement.scrollWidth`, &scroll)
			b.eval(`document.documentElement.clientWidth`, &client)
			if scroll > client || len(wide) > 0 {
				t.Errorf("/%s at 390 px: scrollWidth %d (clientWidth %d); past the edge: %q", page, scroll, client, wide)
			}
		})
	}
}

// On the Cloud face the panel shows its accounts by e-mail, and none of
// the Server face's controls (its control endpoints answer 404 there).
func TestSandboxPanelCloudFace(t *testing.T) {
	lab, b := flowBrowser(t)
	b.openPanel(lab)
	b.setInput("target", "sandbox-cloud")
	b.waitJS("Cloud accounts", panelRow("fred@example.com")+`.includes('API token')`)
	for _, id := range []string{"sb-policy", "sb-basic-auth", "sb-rate-limit", "sb-expire"} {
		if n := b.count("#" + id); n != 0 {
			t.Errorf("#%s shown on the Cloud face", id)
		}
	}
	b.click("sb-reset")
	if x := b.waitExchange(1); !strings.Contains(x, "200") || !strings.Contains(x, "/_sandbox/reset") {
		t.Errorf("the Cloud face's reset: %q", x)
	}
}
