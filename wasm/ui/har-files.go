package ui

import (
	"jiraauthlab/contract"
	"jiraauthlab/wasm/har"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// harFile is the name the exported log downloads as.
const harFile = "jira-auth-lab.har"

// exportHAR downloads the log as HAR 1.2 (secrets masked unless revealed):
// a Blob behind a link the page clicks itself.
func exportHAR(ctx app.Context) {
	data, err := har.Export(journal.exchanges, har.Options{Reveal: journal.reveal,
		UserAgent: contract.UserAgent(labVersion()), Version: labVersion()})
	if err != nil {
		journal.harErr = "The log could not be written as HAR: " + err.Error()
		publish(ctx, keyLog)
		return
	}
	w := app.Window()
	parts := w.Get("Array").New()
	parts.Call("push", string(data))
	blob := w.Get("Blob").New(parts, map[string]any{"type": "application/json"})
	url := w.Get("URL").Call("createObjectURL", blob)
	a := w.Get("document").Call("createElement", "a")
	a.Set("href", url)
	a.Set("download", harFile)
	a.Call("click")
	w.Get("URL").Call("revokeObjectURL", url)
}

// importHAR reads the HAR file chosen in #har-import into the log, newest
// first; a broken file changes nothing and says why.
func importHAR(ctx app.Context, files app.Value) {
	if !files.Truthy() || files.Get("length").Int() == 0 {
		return
	}
	root := ctx.Dispatcher().Context()
	var done, failed app.Func
	release := func() { done.Release(); failed.Release() }
	land := func(xs []contract.Exchange, err error) {
		root.Dispatch(func(ctx app.Context) {
			defer publish(ctx, keyLog)
			if err != nil {
				journal.harErr = err.Error()
				return
			}
			journal.harErr = ""
			for i := len(xs) - 1; i >= 0; i-- { // oldest first, so the newest ends on top
				journal.add(xs[i])
			}
			saveHistory(ctx)
		})
	}
	done = app.FuncOf(func(_ app.Value, args []app.Value) any {
		release()
		land(har.Import([]byte(args[0].String())))
		return nil
	})
	failed = app.FuncOf(func(app.Value, []app.Value) any {
		release()
		land(nil, har.Sentence("The file could not be read."))
		return nil
	})
	files.Index(0).Call("text").Call("then", done, failed)
}
