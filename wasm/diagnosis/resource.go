// What a resource answered, once no authentication story applies.

package diagnosis

import (
	"encoding/json"
	"strconv"
	"strings"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/cookies"
	"jiraauthlab/wasm/jira"
)

// onPasswordPolicy: the exchange is with the password-policy resource.
func (r *reading) onPasswordPolicy() bool {
	return strings.Contains(r.path, "/rest/api/") && strings.Contains(r.path, "/password/policy")
}

// badJQL: a search Jira could not run.
func (r *reading) badJQL() {
	r.set(LevelWarn, "Jira could not run the JQL query (400).")
	r.jiraSays()
	r.add("Jira's messages name the field, value or word it did not understand. A value the caller may not see counts as unknown: an anonymous search for a project anonymous cannot browse is an error, not an empty result.")
}

// passwordPolicy: the password-policy resource of seed 004.
func (r *reading) passwordPolicy() {
	x := r.x
	var list []string
	isList := json.Unmarshal([]byte(x.ResponseBody), &list) == nil && strings.HasPrefix(strings.TrimSpace(x.ResponseBody), "[")
	check := x.Method == "POST"
	switch {
	case x.Status == 200 && isList && !check && len(list) == 0:
		r.set(LevelOK, "The password policy is disabled: Jira accepts any password.",
			"GET /rest/api/2/password/policy answered [] — no rules (Disabled is Jira's default policy).")
	case x.Status == 200 && isList && !check:
		r.set(LevelInfo, "Jira's password policy has "+plural(len(list), "rule")+".")
		r.add(list...)
	case x.Status == 200 && isList && len(list) == 0:
		r.set(LevelOK, "The password passes Jira's policy.",
			"POST "+r.path+" answered [] — an empty list of reasons: Jira would accept this password (Atlassian's REST reference for the password policy).")
	case x.Status == 200 && isList:
		r.set(LevelWarn, "Jira would refuse this password: "+plural(len(list), "reason")+".")
		r.add(list...)
	case x.Status == 400:
		r.set(LevelWarn, "The policy check needs more fields (400).",
			"createUser needs username and password; updateUser needs username and newPassword (Atlassian's REST reference for the password policy).")
		r.jiraSays()
	case x.Status == 404 && check:
		r.set(LevelWarn, "No such user (404): updateUser checks a password change of an existing user.")
		r.jiraSays()
	default:
		r.byStatus()
	}
}

// control: the sandbox's own /_sandbox/ endpoints.
func (r *reading) control() {
	if r.x.Status >= 200 && r.x.Status < 300 {
		r.set(LevelOK, "The sandbox did it ("+strconv.Itoa(r.x.Status)+").",
			"/_sandbox/ endpoints are the sandbox's demo controls, not Jira's API: on a real Jira an administrator does this in the web UI.")
		return
	}
	r.set(LevelWarn, "The sandbox's control endpoint refused ("+strconv.Itoa(r.x.Status)+").")
	r.jiraSays()
}

// byStatus is the reading of any other answer.
func (r *reading) byStatus() {
	x := r.x
	st := strconv.Itoa(x.Status)
	user := x.Header(jira.HeaderUser)
	switch {
	case x.Status >= 200 && x.Status < 300:
		title := "Jira answered " + st + "."
		if user != "" {
			title = "Jira answered " + st + " as " + user + "."
		}
		r.set(LevelOK, title)
		if x.Auth == contract.AuthNone && strings.EqualFold(user, jira.Anonymous) {
			r.add("The request carried no credentials, so Jira answered as anonymous (X-AUSERNAME: anonymous): you see only what anonymous users may browse.")
		}
		if n, ok := jira.SearchTotal(x.ResponseBody); ok && strings.HasSuffix(r.path, "/search") {
			r.add("The search found " + plural(n, "issue") + ".")
		}
		if cookies := cookies.SetCookieLines(x.ResponseHeader); len(cookies) > 0 && x.Auth != contract.AuthLogin {
			r.add("Jira set cookies (X-Jira-Set-Cookie): " + strings.Join(cookies, " | ") + ".")
		}
	case x.Status >= 300 && x.Status < 400:
		loc := x.Header(contract.HeaderLocation)
		r.set(LevelInfo, "Jira answered "+st+": a redirect to "+orNone(loc)+".",
			"The proxy renamed Location to X-Jira-Location, so the browser shows the redirect instead of following it.")
		if strings.Contains(strings.ToLower(loc), "login") {
			r.add("A redirect to a login page means this is a web page that wants a browser login, not a REST resource.")
		}
	case x.Status == 403:
		r.set(LevelBad, "Jira refused: "+orUser(user)+" may not do this (403).",
			"A 403 means Jira knows who is asking ("+orNone(user)+") and the permissions do not allow it; logging in as someone else with the permission is the fix, not a new password.")
		r.jiraSays()
	case x.Status == 404:
		r.set(LevelWarn, "Jira has no such resource, or you may not see it (404).")
		r.jiraSays()
		if containsAny(jira.Messages(x.ResponseBody), "null for uri") {
			r.add("\"null for uri\" is Jira's way of saying it does not know this path: check the path, and whether this Jira lives under a context path (such as /jira) that belongs in the upstream's URL.")
		}
	case x.Status == 405:
		r.set(LevelWarn, "Jira does not allow "+orNone(x.Method)+" on this resource (405).",
			"Allowed methods: "+orNone(x.Header("Allow"))+".")
		r.jiraSays()
	case x.Status == 413:
		r.set(LevelWarn, "Jira refused the request body: too large (413).")
		r.jiraSays()
	case x.Status == 415:
		r.set(LevelWarn, "Jira does not accept this Content-Type (415).",
			"The request had Content-Type: "+orNone(x.SentHeader("Content-Type"))+"; JSON resources want application/json.",
			unsupportedMediaType)
		r.jiraSays()
	case x.Status >= 400 && x.Status < 500:
		r.set(LevelWarn, "Jira refused the request ("+st+").")
		r.jiraSays()
	case x.Status >= 500 && x.Status < 600:
		r.set(LevelBad, "Jira failed ("+st+"): a server error, not an authentication problem.")
		r.jiraSays()
		if x.Status == 503 {
			r.add("503 usually means Jira is starting, under maintenance, or overloaded: try again later.")
		}
	default:
		r.set(LevelInfo, "Jira answered "+st+".")
		r.jiraSays()
	}
}
