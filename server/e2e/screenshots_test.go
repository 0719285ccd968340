package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestScreenshots renders each page for the README. It always runs (a page
// that cannot render fails it); it writes the files only when
// LAB_SCREENSHOTS=1, into server/e2e/screenshots/.
func TestScreenshots(t *testing.T) {
	lab := startLab(t)
	b := newBrowser(t)
	for _, page := range []string{"session", "basic", "password"} {
		b.open(lab.Page(page))
		var shot []byte
		b.run("screenshot "+page, chromedp.FullScreenshot(&shot, 100))
		if len(shot) < 1000 {
			t.Fatalf("%s: screenshot of %d bytes", page, len(shot))
		}
		if os.Getenv("LAB_SCREENSHOTS") == "1" {
			if err := os.WriteFile(filepath.Join("screenshots", page+".png"), shot, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
