package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// What the user typed, chose and forgot stays that way: nothing the lab
// does behind their back (a re-render, a late answer) changes it.

// slowJira answers after delay, as a Jira far away would: a login with a
// session cookie, anything else with a 500.
func slowJira(t *testing.T, delay time.Duration) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		if r.Method == "POST" && r.URL.Path == "/rest/auth/1/session" {
			http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: "5L0WC00K1E5L0WC00K1E5L0WC00K1E00", Path: "/"})
			io.WriteString(w, `{"session":{"name":"JSESSIONID","value":"5L0WC00K1E5L0WC00K1E5L0WC00K1E00"},"loginInfo":{"loginCount":1}}`)
			return
		}
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"errorMessages":["slow Jira"],"errors":{}}`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// go-app trims attribute values: a space at either end of a field must
// survive the re-render that follows each keystroke, and a page change.
func TestFieldsKeepTheirSpaces(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("session"))
	b.setInput("jql", "project = QA ")
	b.pause(300 * time.Millisecond)
	if v := b.value("jql"); v != "project = QA " {
		t.Errorf("#jql after a re-render = %q; want the trailing space kept", v)
	}
	b.click("nav-password")
	b.waitJS("password page", `document.getElementById('pw-new') !== null`)
	b.setInput("pw-new", " pass phrase ")
	b.click("nav-session")
	b.waitJS("session page", `document.getElementById('jql') !== null`)
	if v := b.value("jql"); v != "project = QA " {
		t.Errorf("#jql after a page change = %q; want %q", v, "project = QA ")
	}
	b.click("nav-password")
	b.waitJS("password page", `document.getElementById('pw-new') !== null`)
	b.pause(100 * time.Millisecond)
	if v := b.value("pw-new"); v != " pass phrase " {
		t.Errorf("#pw-new after a page change = %q; want %q", v, " pass phrase ")
	}
}

// openOnSlowJira opens page on a lab with an upstream that answers after
// 1.5 s, once the page has picked it as its target.
func openOnSlowJira(t *testing.T, page string) *browser {
	lab := startLab(t, "-upstream", "slow="+slowJira(t, 1500*time.Millisecond))
	b := newBrowser(t)
	b.allowErrors = allowProxyStatuses
	b.open(lab.Page(page))
	b.waitJS("target slow", `document.getElementById('target').value === 'slow'`)
	return b
}

// Forget secrets wins over a login still in flight: its answer must not
// bring the cookie back.
func TestForgetDropsAnswersInFlight(t *testing.T) {
	b := openOnSlowJira(t, "session")
	b.setInput("username", "fred")
	b.setInput("password", "fred")
	b.click("login")
	b.click("forget-secrets")
	b.pause(2500 * time.Millisecond)
	if s := b.text("cookie-header"); s != "" {
		t.Errorf("after Forget secrets, a late answer set %q", s)
	}
	if n := b.exchanges(); n != 0 {
		t.Errorf("after Forget secrets, the log holds %d exchanges", n)
	}
	b.click("login") // usable again, not stuck busy
	b.waitText("cookie-header", "Cookie: JSESSIONID=5L0WC00K1E")
}

// A policy answer from the Jira chosen before must not replace the rules of
// the one chosen now.
func TestLatePolicyAnswerIgnored(t *testing.T) {
	b := openOnSlowJira(t, "password")
	b.setInput("target", "sandbox")
	b.waitText("policy", "at least 10 characters")
	b.pause(2500 * time.Millisecond)
	if s := b.text("policy"); !strings.Contains(s, "at least 10 characters") {
		t.Errorf("the slow Jira's late answer replaced the sandbox's rules: %q", s)
	}
}

// Clearing the paste field withdraws the pasted cookie.
func TestClearedPasteWithdrawsCookie(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("session"))
	b.setInput("cookie-paste", "JSESSIONID=ABCDEF0123456789ABCDEF0123456789")
	b.waitText("cookie-header", "JSESSIONID=ABCDEF")
	b.setInput("cookie-paste", "")
	b.waitJS("cookie withdrawn", `!document.getElementById('cookie-header').textContent.includes('ABCDEF')`)
}

// Each log entry keeps the open or closed state the user gave it when newer
// entries push it down.
func TestLogEntriesKeepTheirState(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("session"))
	b.login("fred", "fred")
	b.click("search")
	b.waitExchange(2)
	// Newest first: [search (open), login (closed)]. Open the login, close
	// the search; then a third exchange pushes both down.
	b.run("toggle entries",
		chromedp.Click(`#exchanges li.exchange:nth-child(2) summary`, chromedp.ByQuery),
		chromedp.Click(`#exchanges li.exchange:nth-child(1) summary`, chromedp.ByQuery))
	b.click("whoami")
	b.waitExchange(3)
	b.pause(200 * time.Millisecond)
	var got [][]string
	b.eval(`Array.from(document.querySelectorAll('#exchanges li.exchange')).map(li => [
		li.querySelector('summary strong').textContent, li.querySelector('summary .url').textContent,
		li.querySelector('details').open ? 'open' : 'closed'])`, &got)
	want := [][]string{{"GET", "/rest/auth/1/session", "open"}, {"POST", "/rest/api/2/search", "closed"}, {"POST", "/rest/auth/1/session", "open"}}
	if len(got) != len(want) {
		t.Fatalf("log entries %q", got)
	}
	for i, w := range want {
		if got[i][0] != w[0] || !strings.Contains(got[i][1], w[1]) || got[i][2] != w[2] {
			t.Errorf("entry %d = %q; want %s %s, %s", i, got[i], w[0], w[1], w[2])
		}
	}
}
