// Package e2e holds the browser end-to-end tests: they build the real binary,
// start it on free loopback ports and drive the real app in headless Chromium
// through chromedp. They never skip: a run without a browser fails.
package e2e
