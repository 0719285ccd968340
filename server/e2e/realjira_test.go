package e2e

import (
	"strings"
	"testing"
)

// Jira as it really is (issue 13), as a learner meets it in the lab: the
// lab's own POSTs pass Jira's XSRF filter because the proxy sends its own
// User-Agent (and the log says which); basic auth opens a session; an
// expired cookie is refused on a search instead of answering as anonymous.
func TestJiraAsItReallyIs(t *testing.T) {
	lab, b := flowBrowser(t)

	b.open(lab.Page("basic"))
	b.setInput("basic-username", "fred")
	b.setInput("basic-password", "fred")
	b.click("basic-send")
	x := b.waitExchange(1)
	for _, want := range []string{"HTTP/1.1 200 OK", "GET /rest/api/2/myself HTTP/1.1", "User-Agent: JiraAuthLab/", "\nSet-Cookie: JSESSIONID=", "Set-Cookie as X-Jira-Set-Cookie", "X-AUSERNAME: fred"} {
		if !strings.Contains(x, want) {
			t.Errorf("basic GET: the log lacks %q:\n%s", want, x)
		}
	}
	if strings.Contains(x, "HeadlessChrome") {
		t.Errorf("the log claims the browser's User-Agent was sent:\n%s", x)
	}
	b.waitText("diagnosis", "Jira also opened a session for this request")

	b.click("nav-session")
	b.waitJS("session page", `document.getElementById('login') !== null`)
	if x := b.login("fred", "fred"); !strings.Contains(x, "200") {
		t.Fatalf("a POST login through the proxy must pass Jira's XSRF filter: %q", x)
	}
	b.waitText("cookie-header", "Cookie: JSESSIONID=")
	expireSessions(t, lab, b.visitor())
	before := b.exchanges()
	b.click("search")
	if x := b.waitExchange(before + 1); !strings.Contains(x, "401") || !strings.Contains(x, "/rest/api/2/search") {
		t.Fatalf("a search with an expired cookie: %q", x)
	}
	b.waitText("diagnosis", "This search would otherwise have run as anonymous")
	b.waitJS("re-login offer", `document.getElementById('relogin') !== null`)
	if r := b.text("search-results"); !strings.Contains(r, "401") {
		t.Errorf("#search-results = %q; want it to say the search got 401", r)
	}
}
