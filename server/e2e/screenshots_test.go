package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestScreenshots walks each page into a telling state and captures it for
// the README's tour. It always runs (a page that cannot get there fails it);
// it writes the files only when LAB_SCREENSHOTS=1, into
// server/e2e/screenshots/.
func TestScreenshots(t *testing.T) {
	lab, b := flowBrowser(t)
	shoot := func(name string) {
		t.Helper()
		var shot []byte
		b.run("screenshot "+name, chromedp.FullScreenshot(&shot, 100))
		if len(shot) < 1000 {
			t.Fatalf("%s: screenshot of %d bytes", name, len(shot))
		}
		if os.Getenv("LAB_SCREENSHOTS") == "1" {
			if err := os.WriteFile(filepath.Join("screenshots", name+".png"), shot, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	b.open(lab.Page("session"))
	b.login("fred", "fred")
	b.waitText("cookie-header", "Cookie: JSESSIONID=")
	shoot("session")

	b.login("fred", "wrong")
	b.login("fred", "wrong")
	b.login("fred", "wrong")
	b.login("fred", "fred")
	b.waitJS("captcha reset offer", `document.getElementById('captcha-reset') !== null`)
	shoot("captcha")

	b.click("nav-basic")
	b.waitJS("basic page", `document.getElementById('basic-username') !== null`)
	b.setInput("basic-username", "admin")
	b.setInput("basic-password", "admin")
	b.click("basic-send")
	b.waitJS("answer", `document.querySelector('#exchanges li.exchange').textContent.includes('myself')`)
	shoot("basic")

	b.click("nav-password")
	b.waitText("policy", "at least 10 characters")
	b.setInput("pw-username", "fred")
	b.setInput("pw-new", "fred2024")
	b.waitText("pw-result", "refuse")
	shoot("password")

	b.click("nav-token")
	b.waitJS("token page", `document.getElementById('token-create') !== null`)
	b.setInput("token-username", "admin") // fred is in CAPTCHA by now
	b.setInput("token-password", "admin")
	b.click("token-create")
	b.waitJS("the secret shown", `document.getElementById('token-value').textContent.length > 20 && !document.getElementById('token-value').textContent.includes('Create a token')`)
	b.waitJS("the token listed", `document.getElementById('token-list') !== null`) // the list's answer lands before Use's
	b.click("token-use")
	b.waitText("diagnosis", "Authorization: Bearer <token>")
	shoot("token")

	b.click("nav-console")
	b.waitJS("console page", `document.getElementById('console-send') !== null`)
	b.consoleSearchAsBrowser()
	b.waitText("diagnosis", "browser's User-Agent")
	shoot("console")

	b.click("nav-sandbox")
	b.waitText("sb-accounts", "3 of 3")
	shoot("sandbox")

	b.click("nav-learn")
	b.waitJS("steps ticked", `document.querySelectorAll('#tours .step.done').length >= 4`)
	shoot("learn")
}
