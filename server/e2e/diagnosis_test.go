package e2e

import (
	"strings"
	"testing"
)

// The diagnosis reads each answer with the exchanges before it: the
// failed logins that lead to CAPTCHA, a logout (issue 16, items 2 and 8).

func TestDiagnosisCountsFailedLoginsToCaptcha(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("session"))
	for i, want := range []string{"1 of 3 failed logins", "2 of 3 failed logins", "3 of 3 failed logins: Jira now asks for CAPTCHA"} {
		if x := b.login("fred", "wrong"); !strings.Contains(x, "401") {
			t.Fatalf("wrong password %d: %q; want 401", i+1, x)
		}
		b.waitText("diagnosis", want)
		if d := b.text("diagnosis"); strings.Contains(d, "SSO") {
			t.Errorf("diagnosis of fred's wrong password = %q; want no SSO paragraph", d)
		}
	}
	if x := b.login("fred", "fred"); !strings.Contains(x, "403") {
		t.Fatalf("the right password after 3 failures: %q; want 403 (CAPTCHA)", x)
	}
	b.waitText("diagnosis", "CAPTCHA required")

	// sso-user has no password: the diagnosis never says one was checked.
	if x := b.login("sso-user", "sso-user"); !strings.Contains(x, "401") {
		t.Fatalf("sso-user password login: %q; want 401", x)
	}
	b.waitText("diagnosis", "sso-user has no Jira password")
	if d := b.text("diagnosis"); strings.Contains(d, "did not match") || strings.Contains(d, "of 3 failed logins") {
		t.Errorf("diagnosis of sso-user = %q; want no password check and no CAPTCHA count", d)
	}
}

func TestDiagnosisAfterLogoutSaysNotLoggedIn(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("session"))
	b.login("fred", "fred")
	b.sessionCookie()
	before := b.exchanges()
	b.click("logout")
	if x := b.waitExchange(before + 1); !strings.Contains(x, "204") {
		t.Fatalf("logout: %q; want 204", x)
	}

	// The session page still sends the ended session's cookie: Jira refuses it.
	b.setInput("jql", "project = QA")
	before = b.exchanges()
	b.click("search")
	if x := b.waitExchange(before + 1); !strings.Contains(x, "401") {
		t.Fatalf("search with the ended session's cookie: %q; want 401", x)
	}
	b.waitText("diagnosis", "You are not logged in: you logged out")

	// Without credentials the search runs as anonymous, and the JQL error
	// is its consequence, not its cause.
	b.click("nav-console")
	b.waitJS("console page", `document.getElementById('console-send') !== null`)
	b.setInput("console-auth", "none")
	b.setInput("console-method", "POST")
	b.setInput("console-path", "/rest/api/2/search")
	b.setInput("console-headers", "Content-Type: application/json")
	b.setInput("console-body", `{"jql":"project = QA"}`)
	before = b.exchanges()
	b.click("console-send")
	if x := b.waitExchange(before + 1); !strings.Contains(x, "400") {
		t.Fatalf("anonymous search for project QA: %q; want 400", x)
	}
	b.waitText("diagnosis", "You are not logged in: Jira ran this request as anonymous.")
	b.waitText("diagnosis", "That is why the JQL fails")
	b.waitText("diagnosis", "You logged out earlier")
}
