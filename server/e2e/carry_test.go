package e2e

import (
	"strings"
	"testing"
)

// Tokens (issue 15): create a personal access token with basic auth, see
// its secret once, use it as Bearer, revoke it, and see the 401 after.
func TestTokenCreateUseRevoke(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("token"))
	b.setInput("token-username", "fred")
	b.setInput("token-password", "fred")
	b.setInput("token-name", "e2e")
	b.click("token-create")
	b.waitExchange(2) // the POST, then the list read again
	b.waitJS("created", `Array.from(document.querySelectorAll('#exchanges li.exchange summary')).some(s => s.textContent.startsWith('201POST') && s.textContent.includes('/rest/pat/latest/tokens'))`)
	b.waitJS("the secret shown", `document.getElementById('token-value').textContent.length > 20 && !document.getElementById('token-value').textContent.includes('Create a token')`)
	b.waitJS("the token listed", `document.getElementById('token-list') !== null && document.getElementById('token-list').textContent.includes('e2e')`)
	before := b.exchanges()
	b.click("token-use")
	if x := b.waitExchange(before + 1); !strings.Contains(x, "200") || !strings.Contains(x, `"name": "fred"`) || !strings.Contains(x, "Authorization: Bearer") {
		t.Errorf("use: %q", x)
	}
	b.waitText("diagnosis", "Authorization: Bearer <token>")
	before = b.exchanges()
	b.click("token-revoke")
	b.waitExchange(before + 2) // the DELETE, then the list read again
	b.waitJS("revoked", `Array.from(document.querySelectorAll('#exchanges li.exchange summary')).some(s => s.textContent.startsWith('204DELETE'))`)
	b.waitJS("the list refreshed", `!document.getElementById('token-list') || !document.getElementById('token-list').textContent.includes('e2e')`)
	before = b.exchanges()
	b.click("token-use")
	if x := b.waitExchange(before + 1); !strings.Contains(x, "401") {
		t.Errorf("use after revoke: %q", x)
	}
	b.waitText("diagnosis", "token was refused")
}

// The console: Jira's browser XSRF refusal shown by sending the browser's
// own User-Agent, the same POST passing without it, and a pasted curl
// command filling the form.
func TestConsole(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("console"))
	b.consoleSearchAsBrowser()
	if x := b.waitExchange(1); !strings.Contains(x, "403") || !strings.Contains(x, "XSRF check failed") || !strings.Contains(x, "User-Agent: Mozilla/5.0") {
		t.Fatalf("a POST with the browser's User-Agent: %q", x)
	}
	b.waitText("diagnosis", "browser's User-Agent")
	b.toggle("console-browser-ua")
	b.click("console-send")
	if x := b.waitExchange(2); !strings.Contains(x, "200") || !strings.Contains(x, "User-Agent: JiraAuthLab/") {
		t.Errorf("the same POST with the lab's User-Agent: %q", x)
	}

	b.setInput("curl-import", "wget http://j/")
	b.click("curl-import-apply")
	b.waitText("curl-import-error", "starts with curl")
	b.setInput("curl-import", `curl -D- -u fred:fred -X GET -H "Content-Type: application/json" http://kelpie9:8081/rest/api/2/issue/createmeta`)
	b.click("curl-import-apply")
	b.waitJS("the form filled", `document.getElementById('console-path').value === '/rest/api/2/issue/createmeta' && document.getElementById('console-method').value === 'GET' && document.getElementById('console-auth').value === 'basic'`)
	if b.count("#curl-import-error") != 0 {
		t.Error("the error of the bad paste stays after a good one")
	}
	before := b.exchanges()
	b.click("console-send")
	if x := b.waitExchange(before + 1); !strings.Contains(x, "200") || !strings.Contains(x, "/rest/api/2/issue/createmeta") || !strings.Contains(x, "Authorization: Basic") {
		t.Errorf("the imported request: %q", x)
	}
}

// The history survives a reload, without a password ever, and with
// cookies only when the learner opts in; Clear log clears it.
func TestHistorySurvivesReload(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("session"))
	cookie := b.loginAndAsk("fred", "fred")
	stored := func() string {
		var s string
		b.eval(`localStorage.getItem('lab.history') || ''`, &s)
		return s
	}
	if s := stored(); s == "" || strings.Contains(s, cookie) || strings.Contains(s, `\"password\":\"fred\"`) || !strings.Contains(s, "/rest/auth/1/session") {
		t.Errorf("stored by default: %.300s; want the log without the password or the cookie", s)
	}

	b.toggle("keep-secrets")
	b.waitJS("cookies kept", `(localStorage.getItem('lab.history') || '').includes('`+cookie+`')`)
	if s := stored(); strings.Contains(s, `\"password\":\"fred\"`) {
		t.Error("a password stored after opting in to cookies")
	}
	b.toggle("keep-secrets")
	b.waitJS("cookies dropped again", `!(localStorage.getItem('lab.history') || '').includes('`+cookie+`')`)

	b.open(lab.Page("session")) // a reload
	b.waitJS("the log back", `document.querySelectorAll('#exchanges li.exchange').length === 2 && document.querySelectorAll('#sequence .arrow').length === 8`)
	b.click("clear-log")
	b.waitJS("history cleared", `!localStorage.getItem('lab.history')`)
	b.open(lab.Page("session"))
	b.waitJS("booted", `document.querySelector('[data-wasm="running"]') !== null`)
	if n := b.exchanges(); n != 0 {
		t.Errorf("after Clear log and a reload the log holds %d exchanges", n)
	}
}
