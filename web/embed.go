// Package web holds the lab's static assets — icons, the stylesheet, the
// well-known text files and the built app.wasm with its compressed twins — so
// that the server binary can embed them and ship as one file.
package web

import "embed"

// Assets is every file of this directory. The wasm files exist only after
// `make wasm`; a fresh clone still compiles because the pattern also matches
// the committed files.
//
//go:embed *
var Assets embed.FS
