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
	return withValue(app.Input().ID(id).Type("text"), value).
		AutoComplete(false).Attr("autocapitalize", "off").Attr("spellcheck", "false").
		Disabled(!live())
}

// passwordInput is a password input that stays disabled until the wasm runs.
func passwordInput(id, value string) app.HTMLInput {
	return withValue(app.Input().ID(id).Type("password"), value).
		Attr("autocomplete", "off").Disabled(!live())
}

// withValue sets the value in the prerendered page only. go-app trims every
// attribute, value included, and rewrites it whenever the trimmed text
// changes: a space typed or pasted at either end would vanish mid-typing
// ("project = QA " + "AND" → "project = QAAND"). In the browser the fields
// are the user's; syncFields writes the model into them, untrimmed, when the
// page mounts or the lab itself changes a value.
func withValue(in app.HTMLInput, value string) app.HTMLInput {
	if live() {
		return in
	}
	return in.Value(value)
}

// textArea is a textarea whose text, like an input's value, belongs to the
// user once the wasm runs (see withValue).
func textArea(id, text string) app.HTMLTextarea {
	ta := app.Textarea().ID(id)
	if live() {
		return ta
	}
	return ta.Text(text)
}

// fieldValues are the model strings behind the lab's text fields, by id.
func fieldValues() map[string]*string {
	m := model
	return map[string]*string{
		"username": &m.username, "password": &m.password, "jql": &m.jql,
		"cookie-paste":   &m.cookiePaste,
		"basic-username": &m.basicUser, "basic-password": &m.basicPass, "basic-path": &m.basicPath,
		"pw-username": &m.pwUser, "pw-display-name": &m.pwName, "pw-email": &m.pwEmail,
		"pw-old": &m.pwOld, "pw-new": &m.pwNew,
	}
}

// syncFields writes the model into the fields on the page where they
// differ, as typed: after a page mounts, and after the lab changes a value
// itself (Forget secrets, the SSO walk's cookie).
func syncFields() {
	if !live() {
		return
	}
	doc := app.Window().Get("document")
	for id, v := range fieldValues() {
		el := doc.Call("getElementById", id)
		if el.Truthy() && el.Get("value").String() != *v {
			el.Set("value", *v)
		}
	}
}

// button is a button that stays disabled until the wasm runs, and while busy.
func button(id, text string, busy bool) app.HTMLButton {
	return app.Button().ID(id).Type("button").Text(text).Disabled(!live() || busy)
}
