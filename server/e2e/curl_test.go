package e2e

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
)

// Copy as curl (issue 15): every exchange carries the curl command that
// repeats it against the Jira itself; masked until Reveal secrets, then
// real — and then real curl, run as shown, gets the status the lab got.
func TestCopyAsCurlRunsAsShown(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("curl is missing: apt-get install curl")
	}
	lab, b := flowBrowser(t)
	b.open(lab.Page("session"))
	b.login("fred", "fred")
	b.waitText("cookie-header", "Cookie: JSESSIONID=")
	before := b.exchanges()
	b.click("whoami")
	b.waitExchange(before + 1)

	var masked []string
	b.eval(`Array.from(document.querySelectorAll('#exchanges li.exchange .curl')).map(e => e.textContent)`, &masked)
	if len(masked) != 2 || !strings.Contains(masked[0], "Cookie: JSESSIONID=••••••") || !strings.Contains(masked[1], `"password":"••••••"`) {
		t.Fatalf("before Reveal secrets the commands are %q; want them masked", masked)
	}
	for _, c := range masked {
		if strings.Contains(c, "/proxy/") || !strings.Contains(c, strings.TrimSuffix(lab.SandboxURL, "/")) {
			t.Errorf("%s: want Jira's own URL, never the lab's proxy", c)
		}
	}

	b.click("reveal-secrets")
	b.waitJS("secrets revealed", `!document.querySelector('#exchanges li.exchange .curl').textContent.includes('••')`)
	var cmds []string
	b.eval(`Array.from(document.querySelectorAll('#exchanges li.exchange .curl')).map(e => e.textContent)`, &cmds)
	var statuses []string
	b.eval(`Array.from(document.querySelectorAll('#exchanges li.exchange summary .badge')).map(e => e.textContent)`, &statuses)
	dir := t.TempDir()
	status := regexp.MustCompile(`(?m)^HTTP/1\.1 (\d{3})`)
	for i := len(cmds) - 1; i >= 0; i-- { // oldest first: the login writes cookies.txt
		cmd := exec.Command("bash", "-c", cmds[i])
		cmd.Dir = dir
		out, err := cmd.Output() // the answer's head (-D-) and body; curl's meter goes to stderr
		m := status.FindSubmatch(out)
		if err != nil || m == nil || string(m[1]) != statuses[i] {
			t.Errorf("%s\n→ %v\n%s\nwant status %s, as in the lab", cmds[i], err, out, statuses[i])
		}
	}

	// The button copies the command: with the clipboard allowed, what the
	// clipboard then holds is the command shown.
	b.run("allow the clipboard", cdpbrowser.GrantPermissions([]cdpbrowser.PermissionType{
		cdpbrowser.PermissionTypeClipboardReadWrite, cdpbrowser.PermissionTypeClipboardSanitizedWrite}).WithOrigin(strings.TrimSuffix(lab.URL, "/")))
	var id string
	b.eval(`document.querySelector('#exchanges li.exchange .copy-curl').id`, &id)
	b.click(id)
	b.waitText(id, "Copied")
	var clip string
	b.eval(`navigator.clipboard.readText()`, &clip)
	if clip != cmds[0] {
		t.Errorf("the clipboard holds %q; want the command shown, %q", clip, cmds[0])
	}
}
