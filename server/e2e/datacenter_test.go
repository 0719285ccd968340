package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// putSandbox switches one of the sandbox's administrator switches directly,
// as a demo script would, in the sandbox state of browser b.
func putSandbox(t *testing.T, lab *labProcess, b *browser, path, body string) {
	t.Helper()
	sandboxAs(t, lab, b.visitor(), http.MethodPut, path, body)
}

// TestDataCenterSwitchesDiagnosed: basic auth switched off by an
// administrator, and rate limiting with its countdown, each read in plain
// words where the learner meets them.
func TestDataCenterSwitchesDiagnosed(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("basic"))
	putSandbox(t, lab, b, "_sandbox/basic-auth", `{"enabled":false,"allowedUsers":["admin"]}`)
	b.setInput("basic-username", "fred")
	b.setInput("basic-password", "fred")
	b.click("basic-send")
	if x := b.waitExchange(1); !strings.Contains(x, "403") {
		t.Fatalf("basic auth switched off: %s", x)
	}
	b.waitText("diagnosis-summary", "Basic auth is disabled on this Jira")

	putSandbox(t, lab, b, "_sandbox/basic-auth", `{"enabled":true}`)
	putSandbox(t, lab, b, "_sandbox/rate-limit", `{"enabled":true,"capacity":1,"fillRate":1,"intervalSeconds":30}`)
	b.click("basic-send")
	b.waitExchange(2)
	b.waitText("diagnosis", "0 of 1 requests left")
	b.click("basic-send")
	if x := b.waitExchange(3); !strings.Contains(x, "429") {
		t.Fatalf("over the limit: %s", x)
	}
	b.waitText("diagnosis-summary", "Rate limited")
	b.waitText("retry-countdown", "Retry in ")
	var first, later string
	first = b.text("retry-countdown")
	b.waitJS("the countdown moves", `!document.getElementById('retry-countdown').textContent.includes(`+jsString(first)+`)`)
	later = b.text("retry-countdown")
	if first == later {
		t.Errorf("the countdown did not move: %q", first)
	}

	// /learn's table of schemes shows what the learner's own basic auth got.
	b.click("nav-learn")
	b.waitText("schemes", "you: 429")
	if s := b.text("schemes"); !strings.Contains(s, "Authorization: Bearer <token>") {
		t.Errorf("#schemes lacks the Bearer row: %s", s)
	}
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
