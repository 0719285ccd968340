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
// are the user's; syncFields writes the stores into them, untrimmed, when the
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

// textFields are the ids of the lab's text fields.
var textFields = []string{
	"username", "password", "jql", "cookie-paste",
	"basic-username", "basic-password", "basic-path",
	"pw-username", "pw-display-name", "pw-email", "pw-old", "pw-new",
	"token-username", "token-password", "token-name", "token-days",
	"console-path", "console-headers", "console-body", "curl-import",
}

// textField returns the stored string behind the text field id, and the
// key of the store that holds it; nil for an unknown id.
func textField(id string) (*string, string) {
	switch id {
	case "username":
		return &session.username, keySession
	case "password":
		return &session.password, keySession
	case "jql":
		return &session.jql, keySession
	case "cookie-paste":
		return &session.cookiePaste, keySession
	case "basic-username":
		return &basic.user, keyBasic
	case "basic-password":
		return &basic.pass, keyBasic
	case "basic-path":
		return &basic.path, keyBasic
	case "pw-username":
		return &password.user, keyPassword
	case "pw-display-name":
		return &password.name, keyPassword
	case "pw-email":
		return &password.email, keyPassword
	case "pw-old":
		return &password.old, keyPassword
	case "pw-new":
		return &password.new, keyPassword
	case "token-username":
		return &tokens.user, keyToken
	case "token-password":
		return &tokens.pass, keyToken
	case "token-name":
		return &tokens.name, keyToken
	case "token-days":
		return &tokens.days, keyToken
	case "console-path":
		return &console.path, keyConsole
	case "console-headers":
		return &console.headers, keyConsole
	case "console-body":
		return &console.body, keyConsole
	case "curl-import":
		return &console.importText, keyConsole
	}
	return nil, ""
}

// onText keeps a text field in its store as the user types (one handler
// for every field: the field's id says where its text goes).
func onText(ctx app.Context, e app.Event) {
	if p, key := textField(ctx.JSSrc().Get("id").String()); p != nil {
		*p = ctx.JSSrc().Get("value").String()
		publish(ctx, key)
	}
}

// syncFields writes the stores into the fields on the page where they
// differ, as typed: after a page mounts, and after the lab changes a value
// itself (Forget secrets, the SSO walk's cookie).
func syncFields() {
	if !live() {
		return
	}
	doc := app.Window().Get("document")
	for _, id := range textFields {
		v, _ := textField(id)
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

// revealable is a labelled password field with a button that shows and
// hides what was typed; aria-pressed says which.
func revealable(id, label string, input app.HTMLInput) app.UI {
	return app.Div().Class("field").Body(
		app.Label().For(id).Text(label),
		app.Div().Class("with-toggle").Body(
			input,
			app.Button().ID(id+"-show").Type("button").Class("secondary show-password").
				Aria("pressed", "false").Aria("controls", id).Aria("label", "Show "+label).
				Text("Show").Disabled(!live()).OnClick(togglePassword),
		),
	)
}

// togglePassword flips the field its button controls between hidden and
// shown. It changes the page directly: go-app re-renders from its own
// tree, where nothing changed, so it leaves the two attributes alone.
func togglePassword(ctx app.Context, e app.Event) {
	btn := ctx.JSSrc()
	field := app.Window().GetElementByID(btn.Call("getAttribute", "aria-controls").String())
	if !field.Truthy() {
		return
	}
	show := field.Get("type").String() == "password"
	kind, text, pressed := "password", "Show", "false"
	if show {
		kind, text, pressed = "text", "Hide", "true"
	}
	field.Set("type", kind)
	btn.Set("textContent", text)
	btn.Call("setAttribute", "aria-pressed", pressed)
}
