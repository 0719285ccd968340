// What the stories need to know of the exchanges before this one: the
// failed logins that lead to CAPTCHA, and a logout.

package diagnosis

import (
	"strings"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/jira"
)

// captchaLimit is Jira's default jira.maximum.authentication.attempts.allowed:
// Jira's own upgrade task UpgradeTask_Build520 sets it to "3" ("Enabling
// brute force protection of login attempts"), Atlassian's KB "How to reset
// failed user login count in Jira Data Center" compares the user's count
// with it, and the sandbox uses the same default (server/sandbox/sandbox.go).
// An administrator may change it, so on a real Jira the lab calls it the
// default.
const captchaLimit = 3

// The built-in sandbox's accounts (CONTRACT.md, "Sandbox Jira"): on the
// sandbox the lab knows who exists and who has no password; on a real Jira
// a wrong password, an unknown user and an SSO account all look alike
// (seed 003).
const ssoAccount = "sso-user"

var sandboxAccounts = []string{"fred", "admin", "unverified", ssoAccount}

// sandboxAccount reports whether the sandbox has an account of that name
// (Jira's user names ignore case, as the sandbox's do).
func sandboxAccount(name string) bool {
	for _, a := range sandboxAccounts {
		if strings.EqualFold(a, name) {
			return true
		}
	}
	return false
}

// onCloud reports whether the exchange is with a Jira Cloud: a site on
// atlassian.net, or the sandbox's Cloud face (CONTRACT.md, "Two faces of
// Jira": base URL <sandbox>/cloud). Cloud has no Seraph CAPTCHA counter
// and no account passwords for REST.
func onCloud(x contract.Exchange) bool { return jira.IsCloud(x.TargetURL, x.Sandbox) }

// isLoginFailure: a password login of some user that Jira checked and
// refused — a session login or basic auth answered 401
// AUTHENTICATED_FAILED (JIRA-FACTS.md: both count towards CAPTCHA).
func isLoginFailure(x contract.Exchange) bool {
	return x.Status == 401 && (x.Auth == contract.AuthLogin || x.Auth == contract.AuthBasic) &&
		jira.LoginReason(x.Header(jira.HeaderLoginReason)) == jira.ReasonFailed
}

// resetsFailures reports whether y ends a run of failed logins of user:
// a successful login of that user (a session login, or basic auth that
// Jira accepted), or on the sandbox the administrator's reset — of that
// user's CAPTCHA, or of everything. Jira resets the count on a successful
// login (JIRA-FACTS.md, "Session resource").
func resetsFailures(y contract.Exchange, user string) bool {
	ok := y.Status >= 200 && y.Status < 300
	switch {
	case !ok:
		return false
	case y.Auth == contract.AuthLogin || y.Auth == contract.AuthBasic:
		// An answer as anonymous did not take the credentials.
		return strings.EqualFold(y.Username, user) && !anonymous(y)
	}
	p := jira.PathOnly(y.Path)
	return strings.HasSuffix(p, "/_sandbox/reset") ||
		strings.HasSuffix(p, "/_sandbox/captcha/reset") && strings.Contains(strings.ToLower(y.RequestBody), `"`+strings.ToLower(user)+`"`)
}

// failedInARow counts the failed logins of x's user on x's Jira, x
// included, since the last thing that reset the count.
func (r *reading) failedInARow() int {
	x := r.x
	n := 0
	if isLoginFailure(x) {
		n = 1
	}
	for _, y := range r.earlier {
		if y.Target != x.Target {
			continue
		}
		if resetsFailures(y, x.Username) {
			break
		}
		if isLoginFailure(y) && strings.EqualFold(y.Username, x.Username) {
			n++
		}
	}
	return n
}

// loggedOut reports whether the learner logged out of x's Jira and has not
// logged in since: the newest of a logout (DELETE of the session with the
// lab's cookie, answered 204) and a sign of a live session (a login, or a
// cookie Jira answered as a user) is the logout.
func (r *reading) loggedOut() bool {
	for _, y := range r.earlier {
		if y.Target != r.x.Target {
			continue
		}
		cookie := y.Auth == contract.AuthSession || y.Auth == contract.AuthPasted
		switch {
		case jira.IsSessionPath(jira.PathOnly(y.Path)) && y.Method == "DELETE" && y.Status == 204 && cookie:
			return true
		case y.Auth == contract.AuthLogin && y.Status == 200:
			return false
		case cookie && y.Status >= 200 && y.Status < 300 && y.Header(jira.HeaderUser) != "" && !anonymous(y):
			return false
		}
	}
	return false
}

// anonymous reports whether Jira answered y as anonymous (X-AUSERNAME:
// anonymous, the tell of JIRA-FACTS.md "More real answers").
func anonymous(y contract.Exchange) bool {
	return strings.EqualFold(strings.TrimSpace(y.Header(jira.HeaderUser)), jira.Anonymous)
}
