package diagnosis

import (
	"strings"
	"testing"

	"jiraauthlab/contract"
)

// TestRuleOrder pins the order of the rules: each exchange below fits more
// than one rule, and the first in the list must tell its story.
func TestRuleOrder(t *testing.T) {
	proxyErr := `{"error":"upstream_timeout","detail":"slow"}`
	tests := []struct {
		name string
		x    contract.Exchange
		want string
	}{
		{"no answer beats everything", rec("POST", "/rest/auth/1/session", contract.AuthLogin, "fred", 0, proxyErr), "fetch-failed"},
		{"the proxy's own answer beats a 401 rule", rec("GET", "/rest/api/2/myself", contract.AuthSession, "", 504, proxyErr), "proxy-error"},
		{"a proxy-shaped body from Jira is Jira's", rec("GET", "/rest/api/2/myself", contract.AuthNone, "", 401, proxyErr, "x-arequestid", "1"), "unauthorized"},
		{"captcha beats login", rec("POST", "/rest/auth/1/session", contract.AuthLogin, "fred", 403, `{"errorMessages":["Login denied"],"errors":{}}`,
			"x-arequestid", "1", "x-seraph-loginreason", "AUTHENTICATION_DENIED"), "captcha"},
		{"captcha beats a 200", rec("GET", "/rest/api/2/search", contract.AuthBasic, "fred", 200, `{"total":0}`,
			"x-arequestid", "1", "x-seraph-loginreason", "AUTHENTICATION_DENIED"), "captcha"},
		{"xsrf beats login", rec("POST", "/rest/auth/1/session", contract.AuthLogin, "fred", 403, "XSRF check failed", "x-arequestid", "1"), "xsrf"},
		{"a 401 login is a login failure, told by unauthorized", rec("POST", "/rest/auth/1/session", contract.AuthLogin, "fred", 401, `{"errorMessages":["Login failed"],"errors":{}}`,
			"x-arequestid", "1", "x-seraph-loginreason", "AUTHENTICATED_FAILED"), "unauthorized"},
		{"401 beats the policy resource", rec("POST", "/rest/api/2/password/policy/createUser", contract.AuthSession, "", 401, notAuthMsg, "x-arequestid", "1"), "unauthorized"},
		{"logout as anonymous is a logout", rec("DELETE", "/rest/auth/1/session", contract.AuthSession, "", 204, "", "x-arequestid", "1", "x-ausername", "anonymous"), "logout"},
		{"credentials ignored beats the policy resource", rec("GET", "/rest/api/2/password/policy", contract.AuthBasic, "fred", 200, `[]`, "x-arequestid", "1", "x-ausername", "anonymous"), "credentials-ignored"},
		{"no credentials: not logged in", rec("POST", "/rest/api/2/search", contract.AuthNone, "", 200, `{"total":0}`, "x-arequestid", "1", "x-ausername", "anonymous"), "not-logged-in"},
		{"not logged in beats bad jql", rec("POST", "/rest/api/2/search", contract.AuthNone, "", 400, `{"errorMessages":["The value 'QA' does not exist for the field 'project'."],"errors":{}}`, "x-arequestid", "1"), "not-logged-in"},
		{"a wrong path without credentials is a wrong path", rec("GET", "/rest/api/2/nothing", contract.AuthNone, "", 404, `{"errorMessages":["null for uri"],"errors":{}}`, "x-arequestid", "1", "x-ausername", "anonymous"), "by-status"},
		{"the password policy answers anonymous callers", rec("GET", "/rest/api/2/password/policy", contract.AuthNone, "", 200, `[]`, "x-arequestid", "1", "x-ausername", "anonymous"), "password-policy"},
		{"policy", rec("GET", "/rest/api/2/password/policy", contract.AuthNone, "", 200, `[]`, "x-arequestid", "1"), "password-policy"},
		{"bad jql", rec("GET", "/rest/api/2/search?jql=x", contract.AuthNone, "", 400, `{"errorMessages":["x"],"errors":{}}`, "x-arequestid", "1"), "bad-jql"},
		{"sandbox control", rec("POST", "/_sandbox/reset", contract.AuthNone, "", 200, `{}`, "x-arequestid", "1"), "sandbox-control"},
		{"anything else", rec("GET", "/rest/api/2/serverInfo", contract.AuthNone, "", 200, `{}`, "x-arequestid", "1"), "by-status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Diagnose(tt.x, nil).Rule; got != tt.want {
				t.Errorf("Diagnose(%s %s → %d).Rule = %q; want %q", tt.x.Method, tt.x.Path, tt.x.Status, got, tt.want)
			}
		})
	}
}

// TestEveryRuleIsReachable: a rule no exchange can reach is dead, or
// hidden by an earlier one.
func TestEveryRuleIsReachable(t *testing.T) {
	seen := map[string]bool{}
	for _, x := range sampleExchanges() {
		seen[Diagnose(x, nil).Rule] = true
	}
	for _, r := range rules {
		if !seen[r.name] {
			t.Errorf("no sample exchange reaches rule %q", r.name)
		}
	}
}

// sampleExchanges is one exchange per story the lab meets.
func sampleExchanges() []contract.Exchange {
	return []contract.Exchange{
		{},
		rec("GET", "/x", contract.AuthNone, "", 502, `{"error":"upstream_refused","detail":"x"}`),
		onUpstream(rec("GET", "/rest/api/2/myself", contract.AuthBearer, "", 403, `{"error": "Failed to parse Connect Session Auth Token"}`), "acme", "https://acme.atlassian.net"),
		rec("GET", "/rest/api/2/myself", contract.AuthBasic, "fred", 429, `{"message":"Rate limit exceeded."}`, "x-arequestid", "1", "retry-after", "1"),
		rec("GET", "/rest/api/2/myself", contract.AuthBasic, "fred", 403, `{"message":"Basic Authentication has been disabled on this instance."}`, "x-arequestid", "1"),
		rec("POST", "/rest/auth/1/session", contract.AuthLogin, "fred", 403, "", "x-arequestid", "1", "x-seraph-loginreason", "AUTHENTICATION_DENIED"),
		rec("POST", "/rest/api/2/issue/TEST-1/attachments", contract.AuthSession, "", 403, "XSRF check failed", "x-arequestid", "1"),
		rec("POST", "/rest/auth/1/session", contract.AuthLogin, "fred", 200, `{"session":{"name":"JSESSIONID","value":"A"}}`, "x-arequestid", "1"),
		rec("GET", "/rest/api/2/myself", contract.AuthNone, "", 401, notAuthMsg, "x-arequestid", "1"),
		rec("DELETE", "/rest/auth/1/session", contract.AuthSession, "", 204, "", "x-arequestid", "1"),
		rec("GET", "/rest/auth/1/session", contract.AuthSession, "", 200, `{"name":"fred"}`, "x-arequestid", "1"),
		rec("GET", "/rest/api/2/password/policy", contract.AuthNone, "", 200, `[]`, "x-arequestid", "1"),
		rec("GET", "/rest/api/2/issue/QA-31", contract.AuthNone, "", 404, `{"errorMessages":["Issue Does Not Exist"],"errors":{}}`, "x-arequestid", "1", "x-ausername", "anonymous"),
		rec("POST", "/rest/api/2/search", contract.AuthBasic, "fred", 200, `{"total":0,"issues":[]}`, "x-arequestid", "1", "x-ausername", "anonymous"),
		rec("GET", "/rest/api/2/myself", contract.AuthBasic, "fred", 200, `{"name":"fred"}`, "x-arequestid", "1"),
		rec("POST", "/rest/api/2/search", contract.AuthNone, "", 400, `{"errorMessages":["x"],"errors":{}}`, "x-arequestid", "1"),
		rec("POST", "/_sandbox/reset", contract.AuthNone, "", 200, `{}`, "x-arequestid", "1"),
		rec("GET", "/rest/api/2/serverInfo", contract.AuthNone, "", 200, `{}`, "x-arequestid", "1"),
	}
}

// TestLoginReadsTheSessionOnce: the login rule hands the page the cookie
// it sends next, and none when the answer has no usable session.
func TestLoginReadsTheSessionOnce(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"seed 001", `{"session":{"name":"JSESSIONID","value":"6E3487971234567896704A9EB4AE501F"},"loginInfo":{"loginCount":12}}`, "JSESSIONID=6E3487971234567896704A9EB4AE501F"},
		{"other cookie name", `{"session":{"name":"example.cookie.name","value":"6E34"}}`, "example.cookie.name=6E34"},
		{"no session", `{"errorMessages":[],"errors":{}}`, ""},
		{"header injection", `{"session":{"name":"JSESSIONID","value":"a\r\nX-Evil: 1"}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Diagnose(rec("POST", "/rest/auth/1/session", contract.AuthLogin, "fred", 200, tt.body, "x-arequestid", "1"), nil)
			got := ""
			if d.Session != nil {
				got = d.Session.Cookie()
			}
			if got != tt.want {
				t.Errorf("Diagnose(login answering %s).Session.Cookie() = %q; want %q", tt.body, got, tt.want)
			}
			if tt.want == "" && d.Level == LevelOK {
				t.Errorf("Diagnose(login answering %s).Level = ok; want a warning", tt.body)
			}
		})
	}
}

// TestEveryProxyCodeHasAdvice: the page's half of the proxy's error table
// is complete. Not advised: the code only logged, and the lab's own 405 of
// GET /api/upstreams, which no page request meets.
func TestEveryProxyCodeHasAdvice(t *testing.T) {
	for _, c := range contract.Codes() {
		if c == contract.CodeBodyAborted || c == contract.CodeMethodNotAllowed {
			continue
		}
		if _, ok := proxyAdvice[c]; !ok {
			t.Errorf("no advice for the proxy's %q (%d)", c, c.Status())
		}
	}
}

func TestDataCenterSwitches(t *testing.T) {
	limited := rec("GET", "/rest/api/2/myself", contract.AuthBasic, "fred", 429, `{"message":"Rate limit exceeded."}`,
		"x-arequestid", "1", "x-ratelimit-limit", "10", "x-ratelimit-remaining", "0", "x-ratelimit-fillrate", "1",
		"x-ratelimit-interval-seconds", "2", "retry-after", "2")
	disabled := rec("GET", "/rest/api/2/myself", contract.AuthBasic, "fred", 403, `{"message":"Basic Authentication has been disabled on this instance."}`, "x-arequestid", "1")
	counted := rec("GET", "/rest/api/2/myself", contract.AuthBasic, "fred", 200, `{"name":"fred"}`,
		"x-arequestid", "1", "x-ausername", "fred", "x-ratelimit-limit", "10", "x-ratelimit-remaining", "7")
	for _, tt := range []struct {
		name   string
		x      contract.Exchange
		rule   string
		retry  int
		title  string
		inLine string
	}{
		{"429 with Retry-After", limited, "rate-limited", 2, "wait 2 seconds (Retry-After)", "at most 10 requests at once"},
		{"429 without headers", rec("GET", "/rest/api/2/myself", contract.AuthBasic, "fred", 429, "", "x-arequestid", "1"), "rate-limited", 0, "wait before you retry", "token bucket"},
		{"basic auth switched off", disabled, "basic-auth-disabled", 0, "Basic auth is disabled on this Jira", "personal access token"},
		{"a counted 200 says what is left", counted, "myself", 0, "", "7 of 10 requests left"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := Diagnose(tt.x, nil)
			if d.Rule != tt.rule || d.RetryAfter != tt.retry || !strings.Contains(d.Title, tt.title) || !containsAny(d.Lines, tt.inLine) {
				t.Errorf("got rule %q, RetryAfter %d, title %q, lines %q", d.Rule, d.RetryAfter, d.Title, d.Lines)
			}
		})
	}
}
