package ui

import (
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// pwDebounce is how long typing must pause before a check is sent.
const pwDebounce = 300 * time.Millisecond

// passwordPage is /password: the password-policy endpoints of seed 004,
// checked live as the user types.
type passwordPage struct {
	app.Compo

	rev int
}

func (p *passwordPage) OnMount(ctx app.Context) {
	observe(ctx, &p.rev)
	if model.policyStatus == neverLoaded {
		loadPolicy(ctx)
	}
	if model.pwStatus == loading && !model.pwInFlight {
		// A debounce that ended while another page was shown was dropped.
		schedulePasswordCheck(ctx)
	}
}

func (p *passwordPage) Render() app.UI {
	m := model
	update := m.pwMode == "update"
	return newShell().Active(RoutePassword).
		Title("Password policy").
		Lead("Check a password against Jira's policy before creating a user or changing a password (seed 004).").
		Content(
			app.H3().Text("Policy"),
			app.Ul().ID("policy").Body(policyItems()...),
			field("pw-mode", "Mode", app.Select().ID("pw-mode").Disabled(!live()).OnChange(p.onMode).Body(
				app.Option().Value("create").Selected(!update).Text("Create user — POST …/password/policy/createUser"),
				app.Option().Value("update").Selected(update).Text("Update password — POST …/password/policy/updateUser"),
			)),
			field("pw-username", "Username", textInput("pw-username", m.pwUser).OnInput(p.onField(&m.pwUser))),
			app.Div().Class(hiddenIf(update)).Body(
				field("pw-display-name", "Display name", textInput("pw-display-name", m.pwName).OnInput(p.onField(&m.pwName))),
				field("pw-email", "Email address", textInput("pw-email", m.pwEmail).Type("email").OnInput(p.onField(&m.pwEmail))),
			),
			app.Div().Class(hiddenIf(!update)).Body(
				field("pw-old", "Old password", passwordInput("pw-old", m.pwOld).OnInput(p.onField(&m.pwOld))),
			),
			field("pw-new", "New password", passwordInput("pw-new", m.pwNew).OnInput(p.onField(&m.pwNew))),
			app.Div().ID("pw-result").Class("pw-result").Aria("live", "polite").Body(pwResult()),
			app.P().Class("note").Text("The password goes only to the policy endpoint of the Jira you chose, through the lab's proxy, and is never stored."),
		).UI()
}

func hiddenIf(b bool) string {
	if b {
		return "hidden"
	}
	return ""
}

func policyItems() []app.UI {
	m := model
	switch {
	case m.policyStatus == loading && m.policyWanted && m.upstreamsStatus == loadingErr:
		return []app.UI{app.Li().Class("badge bad").Text("The lab could not load its list of Jiras: press Retry next to the Jira selector.")}
	case m.policyStatus == loading:
		return []app.UI{app.Li().Class("note").Text("Loading the policy…")}
	case m.policyStatus == loadingErr:
		return []app.UI{app.Li().Class("badge bad").Text(m.policyErr)}
	case m.policyStatus == loaded && len(m.policy) == 0:
		return []app.UI{app.Li().Text("No rules: the password policy is disabled (Jira's default).")}
	}
	items := make([]app.UI, len(m.policy))
	for i, rule := range m.policy {
		items[i] = app.Li().Text(rule)
	}
	return items
}

func pwResult() app.UI {
	m := model
	switch {
	case m.pwNew == "":
		return app.P().Class("note").Text("Type a new password: it is checked as you type.")
	case m.pwStatus == loadingErr:
		return app.P().Class("badge bad").Text(m.pwErr)
	case m.pwStatus == loading && m.upstreamsStatus == loadingErr:
		return app.P().Class("badge bad").Text("Not checked: the lab could not load its list of Jiras (press Retry next to the Jira selector).")
	case m.pwStatus == loaded && len(m.pwMessages) == 0:
		return app.P().Class("badge ok").Text("This password passes the policy.")
	case m.pwStatus == loaded:
		items := make([]app.UI, len(m.pwMessages))
		for i, msg := range m.pwMessages {
			items[i] = app.Li().Text(msg)
		}
		return app.Div().Body(app.P().Class("badge bad").Text("Jira would refuse this password:"), app.Ul().Body(items...))
	}
	return app.P().Class("note").Text("Checking…")
}

// loadPolicy fetches the rule sentences; hasOldPassword follows the mode.
func loadPolicy(ctx app.Context) {
	model.policyStatus = loading
	if _, ok := model.current(); !ok {
		// The upstream list is still loading: the picker loads the policy
		// once it knows the target.
		model.policyWanted = true
		return
	}
	model.policyWanted = false
	model.policySeq++
	seq := model.policySeq
	hasOld := "false"
	if model.pwMode == "update" {
		hasOld = "true"
	}
	send(ctx, call{Method: "GET", Path: "/rest/api/2/password/policy?hasOldPassword=" + hasOld,
		Header: []Header{{Name: "Accept", Value: "application/json"}}, Auth: model.authFor()},
		func(ctx app.Context, x Exchange) {
			if seq != model.policySeq {
				return // the target or the mode changed meanwhile: a newer request counts
			}
			var rules []string
			if x.Status != 200 || jsonUnmarshal(x.ResponseBody, &rules) != nil {
				model.policyStatus = loadingErr
				model.policyErr = "Could not read the policy (HTTP " + itoa(x.Status) + "): see the diagnosis."
				return
			}
			model.policy, model.policyStatus = rules, loaded
		})
}

func (p *passwordPage) onMode(ctx app.Context, e app.Event) {
	model.pwMode = ctx.JSSrc().Get("value").String()
	loadPolicy(ctx)
	schedulePasswordCheck(ctx)
}

// onField keeps a field in the model and schedules a check.
func (p *passwordPage) onField(dst *string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		*dst = ctx.JSSrc().Get("value").String()
		schedulePasswordCheck(ctx)
	}
}

// schedulePasswordCheck debounces typing: only the last keystroke of a pause
// sends a check.
func schedulePasswordCheck(ctx app.Context) {
	model.pwSeq++
	seq := model.pwSeq
	if model.pwNew == "" {
		model.pwStatus, model.pwMessages, model.pwErr = neverLoaded, nil, ""
	} else {
		model.pwStatus = loading
	}
	changed(ctx)
	ctx.After(pwDebounce, func(ctx app.Context) {
		if seq == model.pwSeq {
			checkPassword(ctx)
		}
	})
}

// checkPassword asks the policy endpoint about the current fields. At most one
// check is in flight; an answer for older input is discarded and the newest
// input checked instead.
func checkPassword(ctx app.Context) {
	if model.pwNew == "" {
		return
	}
	if model.pwInFlight {
		model.pwPending = true
		return
	}
	if _, ok := model.current(); !ok {
		return // the picker checks again once it knows the target
	}
	model.pwInFlight = true
	seq := model.pwSeq
	var path, body string
	if model.pwMode == "update" {
		path = "/rest/api/2/password/policy/updateUser"
		body = jsonString(map[string]string{"username": model.pwUser, "oldPassword": model.pwOld, "newPassword": model.pwNew})
	} else {
		path = "/rest/api/2/password/policy/createUser"
		body = jsonString(map[string]string{"username": model.pwUser, "displayName": model.pwName,
			"emailAddress": model.pwEmail, "password": model.pwNew})
	}
	send(ctx, call{Method: "POST", Path: path, Header: []Header{jsonHeader, {Name: "Accept", Value: "application/json"}},
		Body: body, Auth: model.authFor(), Username: model.pwUser},
		func(ctx app.Context, x Exchange) {
			model.pwInFlight = false
			if seq != model.pwSeq {
				// Stale: the user typed on. If the newest input's pause has
				// already ended, check it now; else its debounce will.
				if model.pwPending {
					model.pwPending = false
					checkPassword(ctx)
				}
				return
			}
			model.pwPending = false
			var msgs []string
			switch {
			case x.Status == 200 && jsonUnmarshal(x.ResponseBody, &msgs) == nil:
				model.pwStatus, model.pwMessages = loaded, msgs
			default:
				model.pwStatus = loadingErr
				model.pwErr = "HTTP " + itoa(x.Status)
				if errs := jiraErrors(x.ResponseBody); len(errs) > 0 {
					model.pwErr += ": " + errs[0]
				} else if x.Err != "" {
					model.pwErr += ": " + x.Err
				}
			}
		})
}
