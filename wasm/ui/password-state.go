package ui

import (
	"slices"
	"strings"
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
	judged                            bool // messages are a verdict on a password (the last one, while status is loading)
	err                               string
	gate                              *typing.Gate // when the verdict is asked for
	showOld, showNew                  bool         // the learner asked to see the password typed
	seen                              int          // the newest exchange whose control call the policy followed
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
	p.messages, p.status, p.err, p.judged = nil, neverLoaded, "", false
	p.showOld, p.showNew = false, false
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
	send(ctx, call{Method: "GET", Path: p.policyPath(),
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

// policyPath is the policy's resource; hasOldPassword follows the mode.
func (p passwordState) policyPath() string {
	if p.updating() {
		return "/rest/api/2/password/policy?hasOldPassword=true"
	}
	return "/rest/api/2/password/policy?hasOldPassword=false"
}

// rereadPolicy reads the rules again, quietly: the policy may have been
// switched elsewhere (the /sandbox panel, curl, another tab), and rules
// shown beside a verdict of another policy contradict it. It goes straight
// to the proxy, not through send, so that a window regaining focus does not
// fill the log or replace the diagnosis; a failure is asked again through
// send, whose diagnosis then says why. A policy never shown is left alone:
// showing it loads it.
func rereadPolicy(ctx app.Context) {
	p := &password
	if p.policyStatus == neverLoaded || p.policyWanted {
		return
	}
	up, ok := targets.current()
	if !ok {
		return
	}
	p.policySeq++
	seq := p.policySeq
	var header []contract.Header
	if cookie := session.cookieFor(up.Name, session.authFor(up.Name)); cookie != "" {
		header = []contract.Header{{Name: contract.HeaderCookie, Value: cookie}}
	}
	quietGet(ctx, up.Name, p.policyPath(), header, func(ctx app.Context, status int, body string) {
		p := &password
		if seq != p.policySeq {
			return // a newer request counts
		}
		var rules []string
		if status != 200 || jsonUnmarshal(body, &rules) != nil {
			loadPolicy(ctx)
			return
		}
		changed := p.policyStatus != loaded || !slices.Equal(p.policy, rules)
		p.policy, p.policyStatus = rules, loaded
		publish(ctx, keyPassword)
		if changed && p.new != "" {
			// The verdict on screen was the old policy's.
			schedulePasswordCheck(ctx)
		}
	})
}

// passwordControlCalls re-reads the policy after a sandbox control call
// lands (a policy switch or a reset, from the panel, the console or the
// diagnosis): called as the log changes while the password page is shown.
func passwordControlCalls(ctx app.Context) {
	p := &password
	control := false
	for _, x := range journal.exchanges { // newest first
		if x.ID <= p.seen {
			break
		}
		if x.Target == targets.target && strings.HasPrefix(x.Path, sbControlPrefix) {
			control = true
		}
	}
	if len(journal.exchanges) > 0 {
		p.seen = max(p.seen, journal.exchanges[0].ID)
	}
	if control {
		rereadPolicy(ctx)
	}
}

// unknownRule reports whether a verdict names a rule the policy shown does
// not list: then the policy shown is not the one that judged.
func (p passwordState) unknownRule() bool {
	for _, m := range p.messages {
		if !slices.Contains(p.policy, m) {
			return true
		}
	}
	return false
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
		p.status, p.messages, p.err, p.judged = neverLoaded, nil, "", false
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
				p.status, p.messages, p.judged = loaded, msgs, true
				if p.policyStatus == loaded && p.unknownRule() {
					rereadPolicy(ctx)
				}
				return
			}
			p.status, p.judged = loadingErr, false
			p.err = "HTTP " + itoa(x.Status)
			if errs := jira.Messages(x.ResponseBody); len(errs) > 0 {
				p.err += ": " + errs[0]
			} else if x.Err != "" {
				p.err += ": " + x.Err
			}
		})
}
