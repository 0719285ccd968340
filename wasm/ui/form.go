package ui

import "github.com/maxence-charriere/go-app/v9/pkg/app"

// field renders a labelled input; every input of the lab has a label.
func field(id, label string, input app.UI) app.UI {
	return app.Div().Class("field").Body(
		app.Label().For(id).Text(label),
		input,
	)
}

// textInput is a text input that stays disabled until the wasm runs.
func textInput(id, value string) app.HTMLInput {
	return app.Input().ID(id).Type("text").Value(value).
		AutoComplete(false).Attr("autocapitalize", "off").Attr("spellcheck", "false").
		Disabled(!live())
}

// passwordInput is a password input that stays disabled until the wasm runs.
func passwordInput(id, value string) app.HTMLInput {
	return app.Input().ID(id).Type("password").Value(value).
		Attr("autocomplete", "off").Disabled(!live())
}

// button is a button that stays disabled until the wasm runs, and while busy.
func button(id, text string, busy bool) app.HTMLButton {
	return app.Button().ID(id).Type("button").Text(text).Disabled(!live() || busy)
}
