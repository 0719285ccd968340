package diagnosis

import (
	"testing"

	"jiraauthlab/contract"
)

// Recorded from the sandbox through the proxy, as the other tests' are.
var (
	failedLogin = func(user string) contract.Exchange {
		return rec("POST", "/rest/auth/1/session", contract.AuthLogin, user, 401, `{"errorMessages":["Login failed"],"errors":{}}`,
			"content-type", jsonCT, "x-arequestid", "1", "x-ausername", "anonymous", "x-jira-www-authenticate", "JIRA REST POST", "x-seraph-loginreason", "AUTHENTICATED_FAILED")
	}
	failedBasic = func(user string) contract.Exchange {
		return rec("GET", "/rest/api/2/myself", contract.AuthBasic, user, 401, "Basic Authentication Failure - Reason : AUTHENTICATED_FAILED",
			"content-type", "text/html;charset=UTF-8", "x-arequestid", "1", "x-ausername", "anonymous", "x-seraph-loginreason", "AUTHENTICATED_FAILED")
	}
	goodLogin = func(user string) contract.Exchange {
		return rec("POST", "/rest/auth/1/session", contract.AuthLogin, user, 200, `{"session":{"name":"JSESSIONID","value":"A1"}}`,
			"content-type", jsonCT, "x-arequestid", "1", "x-ausername", user, "x-seraph-loginreason", "OK", "x-jira-set-cookie", "JSESSIONID=A1; Path=/; HttpOnly")
	}
	cookieWhoami = rec("GET", "/rest/auth/1/session", contract.AuthSession, "", 200, `{"name":"fred"}`, "x-arequestid", "1", "x-ausername", "fred")
	captchaReset = func(user string) contract.Exchange {
		x := rec("POST", "/_sandbox/captcha/reset", contract.AuthNone, "", 200, `{"username":"`+user+`","captchaRequired":false}`, "x-arequestid", "1")
		x.RequestBody = `{"username":"` + user + `"}`
		return x
	}
	sandboxReset = rec("POST", "/_sandbox/reset", contract.AuthNone, "", 200, `{}`, "x-arequestid", "1")
	logoutX      = rec("DELETE", "/rest/auth/1/session", contract.AuthSession, "", 204, "", "x-arequestid", "1", "x-ausername", "anonymous", "x-seraph-loginreason", "OUT")
)

// real moves exchanges to a Jira that is not the sandbox.
func real(xs ...contract.Exchange) []contract.Exchange {
	out := make([]contract.Exchange, len(xs))
	for i, x := range xs {
		out[i] = onUpstream(x, "prod", "https://jira.example.com")
	}
	return out
}

// TestDiagnoseFailedLoginCount: the failed logins of one user on one Jira,
// in a row, counted towards CAPTCHA (Jira's default limit is 3). The
// history is newest first.
func TestDiagnoseFailedLoginCount(t *testing.T) {
	fred := failedLogin("fred")
	cloud := onUpstream(failedBasic("fred@example.com"), "sandbox-cloud", sandboxURL+"/cloud")
	cloud.Sandbox = true
	runDiagnose(t, []diagCase{
		{name: "first", x: fred, level: LevelBad, title: "wrong", want: []string{"1 of 3 failed logins before Jira asks for CAPTCHA"}},
		{name: "second", x: fred, earlier: []contract.Exchange{fred}, level: LevelBad, title: "wrong", want: []string{"2 of 3 failed logins before Jira asks for CAPTCHA"}},
		{name: "third: CAPTCHA is on now", x: fred, earlier: []contract.Exchange{fred, fred}, level: LevelBad, title: "wrong",
			want: []string{"3 of 3 failed logins: Jira now asks for CAPTCHA", "right password of fred (403)"}},
		{name: "basic auth and logins count together", x: failedBasic("fred"), earlier: []contract.Exchange{fred}, level: LevelBad, title: "Basic auth refused",
			want: []string{"2 of 3"}},
		{name: "user names ignore case", x: failedLogin("FRED"), earlier: []contract.Exchange{fred}, level: LevelBad, title: "FRED", want: []string{"2 of 3"}},
		{name: "other users do not count", x: fred, earlier: []contract.Exchange{failedLogin("admin"), failedLogin("admin")}, level: LevelBad, title: "wrong",
			want: []string{"1 of 3"}},
		{name: "other Jiras do not count", x: fred, earlier: real(fred, fred), level: LevelBad, title: "wrong", want: []string{"1 of 3"}},
		{name: "a successful login resets", x: fred, earlier: []contract.Exchange{goodLogin("fred"), fred}, level: LevelBad, title: "wrong", want: []string{"1 of 3"}},
		{name: "basic auth answered as anonymous does not reset", x: fred, earlier: []contract.Exchange{
			rec("GET", "/rest/api/2/search", contract.AuthBasic, "fred", 200, `{"total":0}`, "x-arequestid", "1", "x-ausername", "anonymous"), fred},
			level: LevelBad, title: "wrong", want: []string{"2 of 3"}},
		{name: "basic auth accepted resets", x: fred, earlier: []contract.Exchange{
			rec("GET", "/rest/api/2/myself", contract.AuthBasic, "fred", 200, `{"name":"fred"}`, "x-arequestid", "1", "x-ausername", "fred"), fred},
			level: LevelBad, title: "wrong", want: []string{"1 of 3"}},
		{name: "another user's login does not reset", x: fred, earlier: []contract.Exchange{goodLogin("admin"), fred}, level: LevelBad, title: "wrong", want: []string{"2 of 3"}},
		{name: "using a cookie does not reset", x: fred, earlier: []contract.Exchange{cookieWhoami, fred}, level: LevelBad, title: "wrong", want: []string{"2 of 3"}},
		{name: "the CAPTCHA reset of fred resets", x: fred, earlier: []contract.Exchange{captchaReset("fred"), fred, fred}, level: LevelBad, title: "wrong", want: []string{"1 of 3"}},
		{name: "the CAPTCHA reset of admin does not", x: fred, earlier: []contract.Exchange{captchaReset("admin"), fred}, level: LevelBad, title: "wrong", want: []string{"2 of 3"}},
		{name: "the sandbox's reset resets", x: fred, earlier: []contract.Exchange{sandboxReset, fred, fred}, level: LevelBad, title: "wrong", want: []string{"1 of 3"}},
		{name: "real Jira: the default, as far as the lab saw", x: real(fred)[0], earlier: real(fred), level: LevelBad, title: "wrong", lines: 3,
			want: []string{"2 of 3 failed logins before Jira asks for CAPTCHA, as far as the lab saw", "Jira's default (jira.maximum.authentication.attempts.allowed)", "other clients"}},
		{name: "real Jira: the third", x: real(fred)[0], earlier: real(fred, fred), level: LevelBad, title: "wrong",
			want: []string{"3 failed logins in a row the lab saw: with Jira's default limit of 3, the next login of fred needs a CAPTCHA"}},
		{name: "real Jira: beyond the default", x: real(fred)[0], earlier: real(fred, fred, fred), level: LevelBad, title: "wrong",
			want: []string{"4 failed logins in a row the lab saw, more than Jira's default of 3"}},
		{name: "Cloud has no CAPTCHA count", x: cloud, earlier: []contract.Exchange{cloud}, level: LevelBad, title: "Jira Cloud refused these credentials",
			want: []string{"API token"}, not: []string{"of 3", "CAPTCHA"}},
	})
}

// TestDiagnoseSandboxAccounts: on the sandbox the accounts are known, so a
// wrong password is told apart from an unknown user and the SSO account.
func TestDiagnoseSandboxAccounts(t *testing.T) {
	runDiagnose(t, []diagCase{
		{name: "fred: a wrong password, no SSO paragraph", x: failedLogin("fred"), level: LevelBad, title: "Login failed: Jira checked the password of fred and it is wrong (401)",
			lines: 2, not: []string{"SSO", "seed 003"}},
		{name: "admin over basic auth", x: failedBasic("admin"), level: LevelBad, title: "Basic auth refused: Jira checked the password of admin", not: []string{"SSO"}},
		{name: "no such user", x: failedLogin("bob"), level: LevelBad, title: "the sandbox has no user named bob (401), so log in as fred, admin or unverified",
			not: []string{"of 3", "SSO"}},
		{name: "sso-user: no password, no checked password", x: failedLogin("sso-user"), level: LevelBad, title: "sso-user has no Jira password",
			want: []string{"Simulated SSO login"}, not: []string{"did not match", "is wrong", "AUTHENTICATED_FAILED"}, sso: true},
		{name: "real Jira: wrong password first, SSO one line after", x: real(failedLogin("fred"))[0], level: LevelBad, title: "Jira checked the password of fred and it is wrong",
			lines: 3, want: []string{"Or fred's login is handled by SSO"}},
	})
}

// TestDiagnoseNotLoggedIn: after a logout, or without credentials, Jira
// answers as anonymous; the story is the missing login, and what the
// resource said is its consequence.
func TestDiagnoseNotLoggedIn(t *testing.T) {
	qa := `{"errorMessages":["The value 'QA' does not exist for the field 'project'."],"errors":{}}`
	searchQA := func(auth contract.AuthKind) contract.Exchange {
		return rec("POST", "/rest/api/2/search", auth, "", 400, qa, "content-type", jsonCT, "x-arequestid", "1", "x-ausername", "anonymous")
	}
	emptySearch := rec("POST", "/rest/api/2/search", contract.AuthNone, "", 200, `{"startAt":0,"maxResults":50,"total":0,"issues":[]}`, "x-arequestid", "1", "x-ausername", "anonymous")
	issue404 := rec("GET", "/rest/api/2/issue/QA-31", contract.AuthNone, "", 404, `{"errorMessages":["Issue Does Not Exist"],"errors":{}}`, "x-arequestid", "1", "x-ausername", "anonymous")
	server := rec("GET", "/rest/api/2/serverInfo", contract.AuthNone, "", 200, `{"version":"8.20.10"}`, "x-arequestid", "1", "x-ausername", "anonymous")
	expiredSearch := rec("POST", "/rest/api/2/search", contract.AuthSession, "", 401, notAuthMsg, "x-arequestid", "1", "x-ausername", "anonymous")
	myself401 := rec("GET", "/rest/api/2/myself", contract.AuthNone, "", 401, notAuthMsg, "x-arequestid", "1", "x-ausername", "anonymous")
	basicLogout := rec("DELETE", "/rest/auth/1/session", contract.AuthBasic, "fred", 204, "", "x-arequestid", "1", "x-seraph-loginreason", "OUT")
	anonCookie := rec("POST", "/rest/api/2/search", contract.AuthSession, "", 200, `{"total":0,"issues":[]}`, "x-arequestid", "1", "x-ausername", "anonymous")
	afterLogout := []contract.Exchange{logoutX, cookieWhoami, goodLogin("fred")}
	const title = "You are not logged in: Jira ran this request as anonymous."
	runDiagnose(t, []diagCase{
		{name: "search after logout, no cookie: the JQL error is the consequence", x: searchQA(contract.AuthNone), earlier: afterLogout,
			level: LevelWarn, title: title, lines: 3,
			want:    []string{"You logged out earlier", "That is why the JQL fails", "The value 'QA' does not exist for the field 'project'.", "may not browse that project"},
			relogin: true},
		{name: "search after logout, old cookie answered as anonymous", x: searchQA(contract.AuthSession), earlier: afterLogout, level: LevelWarn, title: title,
			want: []string{"the cookie the lab still sends names no user", "That is why the JQL fails"}, relogin: true},
		{name: "search after logout, old cookie refused", x: expiredSearch, earlier: afterLogout, level: LevelWarn,
			title: "You are not logged in: you logged out, so Jira refuses the old session's cookie (401)", lines: 2,
			want: []string{"would otherwise have run as anonymous"}, not: []string{"idle"}, relogin: true},
		{name: "logged in again after the logout: a JQL error is a JQL error", x: withUser(searchQA(contract.AuthSession), contract.AuthSession, "fred"),
			earlier: append([]contract.Exchange{goodLogin("fred")}, afterLogout...), level: LevelWarn, title: "Jira could not run the JQL query"},
		{name: "logged in again: an expired cookie is no logout", x: expiredSearch, earlier: append([]contract.Exchange{goodLogin("fred")}, afterLogout...),
			level: LevelWarn, title: "Your session ended", relogin: true},
		{name: "a logout on another Jira", x: anonCookie, earlier: real(logoutX), level: LevelWarn, title: "Jira ignored your credentials"},
		{name: "a basic-auth DELETE logs no cookie out", x: anonCookie, earlier: []contract.Exchange{basicLogout}, level: LevelWarn, title: "Jira ignored your credentials"},
		{name: "no credentials: a project anonymous may not see", x: searchQA(contract.AuthNone), level: LevelWarn, title: title,
			want: []string{"no Authorization header and no session cookie", "That is why the JQL fails"}, not: []string{"logged out"}},
		{name: "no credentials: empty search", x: emptySearch, level: LevelWarn, title: title, want: []string{"found no issues"}},
		{name: "no credentials: no such issue", x: issue404, level: LevelWarn, title: title, want: []string{"That is why Jira answers 404"}},
		{name: "no credentials: an anonymous answer is no alarm", x: server, level: LevelInfo, title: title, lines: 2,
			want: []string{"what anonymous users may see"}, not: []string{"Log in"}},
		{name: "no credentials after logout: 401", x: myself401, earlier: afterLogout, level: LevelWarn, title: "You are not logged in, and this resource needs a user (401)",
			want: []string{"You logged out earlier"}},
	})
}
