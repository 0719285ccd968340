package e2e

import (
	"strings"
	"testing"
)

// TestCloudFace: the sandbox's Cloud face in #target — the Server face's
// session never sent to it, an account password refused, an API token
// created and used with the e-mail, Bearer refused — each diagnosed, and
// the Server face's session back when the learner switches back.
func TestCloudFace(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("session"))
	b.waitJS("both faces listed", `Array.from(document.querySelectorAll('#target option')).map(o => o.value).join() === 'sandbox,sandbox-cloud'`)
	b.login("fred", "fred")
	b.sessionCookie()

	b.setInput("target", "sandbox-cloud")
	b.waitText("session-state", "the lab's cookie belongs to sandbox")
	before := b.exchanges()
	b.click("whoami")
	if x := b.waitExchange(before + 1); strings.Contains(x, "Cookie: JSESSIONID") || !strings.Contains(x, "/cloud/rest/auth/1/session") {
		t.Errorf("the Server face's cookie went to the Cloud face, or the call went elsewhere:\n%s", x)
	}
	b.waitText("diagnosis-summary", "Jira Cloud has no session login for scripts")

	// Basic auth with the account password: refused as Cloud refuses it.
	b.click("nav-basic")
	b.waitJS("basic page", `document.getElementById('basic-path') !== null && !document.getElementById('basic-path').disabled`)
	b.setInput("basic-username", "fred@example.com")
	b.setInput("basic-password", "fred")
	b.setInput("basic-path", "/rest/api/3/myself")
	b.click("basic-send")
	if x := b.waitExchange(before + 2); !strings.Contains(x, "401") {
		t.Errorf("a password on Cloud: %s", x)
	}
	b.waitText("diagnosis-summary", "This is Jira Cloud: it takes no account password")

	// An API token, created as id.atlassian.com would, used with the e-mail.
	b.click("nav-token")
	b.waitText("page-title", "API tokens (Jira Cloud)")
	b.setInput("token-username", "fred@example.com")
	b.setInput("token-name", "lab")
	b.click("token-create")
	b.waitText("token-value", "ATATT")
	n := b.exchanges()
	b.click("token-use")
	b.waitJS("use answered", `Array.from(document.querySelectorAll('#exchanges li.exchange')).some(li => li.textContent.includes('GET /cloud/rest/api/3/myself HTTP/1.1') && li.textContent.includes('HTTP/1.1 200'))`)
	b.waitText("diagnosis-summary", "You are Fred")
	if b.exchanges() <= n {
		t.Errorf("Use logged nothing")
	}

	// A personal access token's Bearer: refused, and said why.
	b.click("nav-console")
	b.waitJS("console", `document.getElementById('console-path') !== null && !document.getElementById('console-path').disabled`)
	b.setInput("console-method", "GET")
	b.setInput("console-path", "/rest/api/2/myself")
	b.setInput("console-headers", "Authorization: Bearer NjQ0MjM2OTEzNzk2Ok8pK4Fv")
	b.click("console-send")
	b.waitText("diagnosis-summary", "Personal access tokens are for Jira Server and Data Center")

	// Back on the Server face, its session is sent again.
	b.setInput("target", "sandbox")
	b.click("nav-session")
	before = b.exchanges()
	b.click("whoami")
	if x := b.waitExchange(before + 1); !strings.Contains(x, "Cookie: JSESSIONID") {
		t.Errorf("the Server face's cookie was not sent back to it:\n%s", x)
	}
	b.waitJS("alive", `document.getElementById('session-state').dataset.state === 'alive'`)
}
