package ui

import (
	"strings"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// Href turns a path relative to the base path (e.g. "/basic",
// "/api/upstreams") into the URL path the browser must use. Every link and
// every fetch goes through it: go-app prefixes neither when the lab is served
// under -base-path.
func Href(p string) string {
	return joinBase(app.Getenv("GOAPP_ROOT_PREFIX"), p)
}

func joinBase(base, p string) string {
	base = strings.TrimRight(base, "/")
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return base + p
}

// live reports whether the wasm is running. The server prerenders every page
// with inputs and buttons disabled: the first client mount replaces that DOM,
// so anything typed into it would be lost.
func live() bool { return app.IsClient }

// labVersion is the build version the server hands the page ("dev" when
// unset): the footer shows it, and the proxy names it in the User-Agent.
func labVersion() string {
	if v := app.Getenv("LAB_VERSION"); v != "" {
		return v
	}
	return "dev"
}
