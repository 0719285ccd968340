package ui

import (
	"time"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/diagnosis"
	"jiraauthlab/wasm/jira"
	"jiraauthlab/wasm/typing"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// pwDebounce is how long typing must pause before a check is sent.
const pwDebounce = 300 * time.Millisecond

// passwordState is the password page's: the fields, the policy's rules and
// the verdict on the password typed.
type passwordState struct {
	mode, user, name, email, old, new string
	policy                            []string
	policyStatus                      loadStatus
	policyErr                         string
	policyWanted                      bool // asked for before the target was known
	policySeq                         int  // bumped per policy request: only the last one's answer counts
	status                            loadStatus
	messages                          []string
	err                               string
	gate                              *typing.Gate // when the verdict is asked for
}

// password is the store of the password page.
var password = passwordState{mode: "create", gate: &typing.Gate{}}

// updating reports whether the page checks a password change (updateUser)
// rather than a new user (createUser).
func (p passwordState) updating() bool { return p.mode == "update" }

// forget drops the passwords and the verdict on them, and the check in
// flight (its answer will be dropped). The policy is no secret: a request
// for it that was in flight is dropped too, so the caller asks again.
func (p *passwordState) forget() (reloadPolicy bool) {
	p.old, p.new = "", ""
	p.messages, p.status, p.err = nil, neverLoaded, ""
	p.gate.Abandon()
	return p.policyStatus == loading
}

// loadPolicy fetches the rule sentences; hasOldPassword follows the mode.
func loadPolicy(ctx app.Context) {
	p := &password
	defer publish(ctx, keyPassword)
	p.policyStatus = loading
	if _, ok := targets.current(); !ok {
		// The list of Jiras is still loading: its arrival posts
		// actionTargetChanged, which loads the policy.
		p.policyWanted = true
		return
	}
	p.policyWanted = false
	p.policySeq++
	seq := p.policySeq
	hasOld := "false"
	if p.updating() {
		hasOld = "true"
	}
	send(ctx, call{Method: "GET", Path: "/rest/api/2/password/policy?hasOldPassword=" + hasOld,
		Header: []contract.Header{acceptJSON}, Auth: session.authFor(targets.target)},
		func(ctx app.Context, x contract.Exchange, _ diagnosis.Diagnosis) {
			p := &password
			if seq != p.policySeq {
				return // the target or the mode changed meanwhile: a newer request counts
			}
			defer publish(ctx, keyPassword)
			var rules []string
			if x.Status != 200 || jsonUnmarshal(x.ResponseBody, &rules) != nil {
				p.policyStatus = loadingErr
				p.policyErr = "Could not read the policy (HTTP " + itoa(x.Status) + "): see the diagnosis."
				return
			}
			p.policy, p.policyStatus = rules, loaded
		})
}

// passwordTargetChanged: the rules and the verdict belong to the Jira
// chosen, so both are asked again of the new one.
func passwordTargetChanged(ctx app.Context) {
	if password.policyStatus != neverLoaded || password.policyWanted {
		loadPolicy(ctx)
	}
	if password.new != "" {
		schedulePasswordCheck(ctx)
	}
}

// schedulePasswordCheck debounces typing: only the last keystroke of a pause
// sends a check.
func schedulePasswordCheck(ctx app.Context) {
	p := &password
	ticket := p.gate.Input()
	if p.new == "" {
		p.status, p.messages, p.err = neverLoaded, nil, ""
	} else {
		p.status = loading
	}
	publish(ctx, keyPassword)
	ctx.Dispatcher().Context().After(pwDebounce, func(ctx app.Context) {
		if password.gate.Paused(ticket) {
			checkPassword(ctx)
		}
	})
}

// checkPassword asks the policy endpoint about the current fields (see
// typing.Gate for when).
func checkPassword(ctx app.Context) {
	p := password
	if p.new == "" {
		return
	}
	if _, ok := targets.current(); !ok {
		return // the list's arrival posts actionTargetChanged, which checks again
	}
	ticket, ok := p.gate.Begin()
	if !ok {
		return
	}
	var path, body string
	if p.updating() {
		path = "/rest/api/2/password/policy/updateUser"
		body = jsonString(map[string]string{"username": p.user, "oldPassword": p.old, "newPassword": p.new})
	} else {
		path = "/rest/api/2/password/policy/createUser"
		body = jsonString(map[string]string{"username": p.user, "displayName": p.name, "emailAddress": p.email, "password": p.new})
	}
	send(ctx, call{Method: "POST", Path: path, Header: []contract.Header{jsonHeader, acceptJSON},
		Body: body, Auth: session.authFor(targets.target), Username: p.user},
		func(ctx app.Context, x contract.Exchange, _ diagnosis.Diagnosis) {
			p := &password
			fresh, again := p.gate.Done(ticket)
			if !fresh {
				if again {
					checkPassword(ctx)
				}
				return
			}
			defer publish(ctx, keyPassword)
			var msgs []string
			if x.Status == 200 && jsonUnmarshal(x.ResponseBody, &msgs) == nil {
				p.status, p.messages = loaded, msgs
				return
			}
			p.status = loadingErr
			p.err = "HTTP " + itoa(x.Status)
			if errs := jira.Messages(x.ResponseBody); len(errs) > 0 {
				p.err += ": " + errs[0]
			} else if x.Err != "" {
				p.err += ": " + x.Err
			}
		})
}
