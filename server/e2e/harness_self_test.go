package e2e

import (
	"strings"
	"testing"
)

// The console-error check is what makes every other browser test able to fail
// on a broken page: prove it records errors and uncaught exceptions.
func TestHarnessRecordsConsoleErrors(t *testing.T) {
	lab := startLab(t)
	b := newBrowser(t)
	b.open(lab.Page("session"))
	b.eval(`console.error("harness-probe-1"); setTimeout(() => { throw new Error("harness-probe-2") }, 0); 1`, nil)
	b.eval(`new Promise(r => setTimeout(() => r(1), 300))`, nil)
	b.mu.Lock()
	got := strings.Join(b.errors, "\n")
	b.errors = nil // expected here: do not fail the test for them
	b.mu.Unlock()
	for _, probe := range []string{"harness-probe-1", "harness-probe-2"} {
		if !strings.Contains(got, probe) {
			t.Errorf("console errors %q lack %s", got, probe)
		}
	}
}
