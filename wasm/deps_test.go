package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The wasm must never link the server: app.Handler, our proxy and sandbox, or
// net/http/httputil would double the download. (go-app itself links part of
// net/http; that floor is measured by `make bench`.)
func TestWasmDoesNotLinkServerCode(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "jiraauthlab/server") || pkg == "jiraauthlab/web" ||
			pkg == "net/http/httputil" || pkg == "log/slog" || pkg == "embed" {
			t.Errorf("the wasm links %s", pkg)
		}
	}
}
