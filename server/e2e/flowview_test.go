package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestSeeTheFlow: whose session the lab holds, the sequence diagram of the
// flow with its arrows opening their exchanges, the one-sentence diagnosis,
// Enter in every form, and a seed's full URL in the basic page's path.
func TestSeeTheFlow(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("session"))
	b.waitJS("no session yet", `document.getElementById('session-state').dataset.state === 'none'`)

	b.login("admin", "admin")
	b.waitJS("admin's session alive", `document.getElementById('session-state').dataset.state === 'alive'`)
	b.waitText("session-state", "admin's session")
	if s := b.text("diagnosis-summary"); strings.TrimSpace(s) == "" {
		t.Errorf("#diagnosis-summary is empty after a login")
	}
	// A failed login of another user changes the username field, not the
	// session the lab holds (issue 16, item 7).
	b.login("unverified", "unverified")
	b.waitText("session-state", "admin's session — alive")

	// The sequence: four messages for each exchange that reached Jira,
	// each naming its exchange; the login's answer shows the cookie issued.
	b.waitJS("8 arrows", `document.querySelectorAll('#sequence .arrow').length === 8`)
	var ids []string
	b.eval(`Array.from(document.querySelectorAll('#exchanges li.exchange')).map(li => li.dataset.exchange)`, &ids)
	var arrows []string
	b.eval(`Array.from(document.querySelectorAll('#sequence .arrow')).map(a => a.dataset.exchange + ' ' + a.textContent)`, &arrows)
	if len(ids) != 2 || !strings.HasPrefix(arrows[0], ids[1]+" ") || !strings.HasPrefix(arrows[7], ids[0]+" ") {
		t.Fatalf("arrows %q do not name the exchanges %q, oldest first", arrows, ids)
	}
	if !strings.Contains(arrows[2], "Set-Cookie: JSESSIONID=") || !strings.Contains(arrows[1], `"username":"admin"`) {
		t.Errorf("the login's arrows lack the credentials sent or the cookie issued: %q", arrows[:4])
	}
	// Clicking the first arrow opens that (older, closed) exchange.
	b.run("click the first arrow", chromedp.Click(`#sequence .arrow[data-exchange="`+ids[1]+`"]`, chromedp.ByQuery))
	b.waitJS("exchange opened", fmt.Sprintf(`document.querySelector('#exchanges li[data-exchange="%s"] details').open`, ids[1]))

	// Who am I with the cookie, log out, and the session has ended.
	before := b.exchanges()
	b.click("whoami")
	b.waitExchange(before + 1)
	b.click("logout")
	b.waitExchange(before + 2)
	b.waitJS("session ended", `document.getElementById('session-state').dataset.state === 'ended'`)
	b.waitText("session-state", "logged out")

	// Enter in the JQL field searches.
	before = b.exchanges()
	b.run("Enter in #jql", chromedp.SendKeys("#jql", kb.Enter, chromedp.ByID))
	if x := b.waitExchange(before + 1); !strings.Contains(x, "/rest/api/2/search") {
		t.Errorf("Enter in #jql sent %q; want the search", x)
	}

	// Basic page: a URL as the seeds write it, sent with Enter from the
	// password field; the path goes to the chosen Jira and the page says so.
	b.click("nav-basic")
	b.waitJS("basic page", `document.getElementById('basic-path') !== null && !document.getElementById('basic-path').disabled`)
	b.setInput("basic-username", "fred")
	b.setInput("basic-password", "fred")
	b.setInput("basic-path", "http://kelpie9:8081/rest/api/2/issue/QA-31")
	b.waitText("basic-path-note", "/rest/api/2/issue/QA-31")
	before = b.exchanges()
	b.run("Enter in #basic-password", chromedp.SendKeys("#basic-password", kb.Enter, chromedp.ByID))
	x := b.waitExchange(before + 1)
	for _, want := range []string{"GET /rest/api/2/issue/QA-31 HTTP/1.1", "HTTP/1.1 200 OK"} {
		if !strings.Contains(x, want) {
			t.Errorf("the full URL's exchange lacks %q:\n%s", want, x)
		}
	}
	// Dot segments: the log shows the path the browser sent, and what was typed.
	b.setInput("basic-path", "/rest/api/2/issue/../../2/myself")
	b.click("basic-send")
	x = b.waitExchange(before + 2)
	if !strings.Contains(x, "GET /rest/api/2/myself HTTP/1.1") || !strings.Contains(x, "You typed /rest/api/2/issue/../../2/myself") {
		t.Errorf("dot segments: the log does not show the path as sent and as typed:\n%s", x)
	}

	// The password can be shown and hidden again.
	b.click("basic-password-show")
	b.waitJS("password shown", `document.getElementById('basic-password').type === 'text' && document.getElementById('basic-password-show').getAttribute('aria-pressed') === 'true'`)
	b.click("basic-password-show")
	b.waitJS("password hidden", `document.getElementById('basic-password').type === 'password'`)
}

// TestDiagnosisInView: at phone width the answer to a button is seen
// without scrolling: the diagnosis sticks to the bottom of the screen.
func TestDiagnosisInView(t *testing.T) {
	lab, b := flowBrowser(t)
	b.run("phone", chromedp.EmulateViewport(390, 844))
	b.open(lab.Page("session"))
	b.waitJS("Jiras listed", `!document.getElementById('target').disabled && document.getElementById('target').value !== ''`)
	b.click("whoami")
	b.waitExchange(1)
	b.waitJS("summary on screen", `(() => { const r = document.getElementById('diagnosis-summary').getBoundingClientRect();
		return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight })()`)
	var wide bool
	b.eval(`document.documentElement.scrollWidth > innerWidth`, &wide)
	if wide {
		t.Errorf("the session page scrolls sideways at 390 px")
	}
	// The skip link is the first Tab stop and leads to the page's heading.
	b.open(lab.Page("basic"))
	b.run("Tab", chromedp.KeyEvent(kb.Tab))
	b.waitJS("skip link focused", `document.activeElement.classList.contains('skip-link')`)
	b.run("Enter", chromedp.KeyEvent(kb.Enter))
	b.waitJS("heading focused", `document.activeElement.id === 'page-title'`)
}
