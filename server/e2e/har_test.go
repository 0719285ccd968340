package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	cdpbrowser "github.com/chromedp/cdproto/browser"
)

// The log exports as HAR 1.2 (the file downloads), and a HAR opens in the
// log; a broken one says why and changes nothing.
func TestHARExportImport(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("session"))
	cookie := b.loginAndAsk("fred", "fred")

	dir := t.TempDir()
	b.run("downloads into "+dir, cdpbrowser.SetDownloadBehavior(cdpbrowser.SetDownloadBehaviorBehaviorAllow).WithDownloadPath(dir))
	b.click("har-export")
	path := filepath.Join(dir, "jira-auth-lab.har")
	var data []byte
	for guard := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if d, err := os.ReadFile(path); err == nil && len(d) > 0 && json.Valid(d) {
			data = d
			break
		}
		if time.Now().After(guard) {
			t.Fatal("no jira-auth-lab.har was downloaded")
		}
	}
	var h struct {
		Log struct {
			Version string `json:"version"`
			Creator struct{ Name, Version string }
			Entries []struct {
				StartedDateTime string `json:"startedDateTime"`
				Request         struct {
					Method, URL string
					Headers     []struct{ Name, Value string }
				}
				Response struct{ Status int }
			}
		}
	}
	if err := json.Unmarshal(data, &h); err != nil {
		t.Fatal(err)
	}
	if h.Log.Version != "1.2" || h.Log.Creator.Name == "" || len(h.Log.Entries) != 2 {
		t.Fatalf("HAR: version %q, creator %q, %d entries; want 1.2, a creator, 2", h.Log.Version, h.Log.Creator.Name, len(h.Log.Entries))
	}
	for _, e := range h.Log.Entries {
		if !strings.HasPrefix(e.Request.URL, strings.TrimSuffix(lab.SandboxURL, "/")) || e.Response.Status != 200 || e.StartedDateTime == "" {
			t.Errorf("entry %s %s → %d; want Jira's own URL and 200", e.Request.Method, e.Request.URL, e.Response.Status)
		}
	}
	if strings.Contains(string(data), cookie) || strings.Contains(string(data), `\"password\":\"fred\"`) {
		t.Error("the HAR holds the session cookie or the password before Reveal secrets")
	}

	b.run("open the HAR", chromedp.SetUploadFiles("#har-import", []string{path}, chromedp.ByID))
	b.waitJS("the HAR in the log", `document.querySelectorAll('#exchanges li.exchange').length === 4`)

	broken := filepath.Join(dir, "broken.har")
	if err := os.WriteFile(broken, []byte("not a HAR"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.run("open a broken file", chromedp.SetUploadFiles("#har-import", []string{broken}, chromedp.ByID))
	b.waitJS("the error said", `document.getElementById('har-error') !== null`)
	if n := b.exchanges(); n != 4 {
		t.Errorf("a broken HAR changed the log: %d exchanges; want 4", n)
	}
}
