package sandbox

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"jiraauthlab/contract"
)

// basicAuthOff is the exact answer of a refused basic-auth call (codeclou's
// recorded curl -i of Jira 8.16).
var basicAuthOff = want{
	status:  http.StatusForbidden,
	headers: map[string]string{"Content-Type": jsonContentType, "X-Seraph-LoginReason": "", "Set-Cookie": "", "X-AUSERNAME": "anonymous", "WWW-Authenticate": ""},
	body:    []string{`{"message":"Basic Authentication has been disabled on this instance."}`},
}

// createToken creates a personal access token for user and returns it raw.
func (h *harness) createToken(user, password string) string {
	h.t.Helper()
	res := h.do(req{method: "POST", path: "/rest/pat/latest/tokens", basic: user + ":" + password, header: jsonHeader, body: `{"name":"switches"}`})
	var v struct {
		RawToken string `json:"rawToken"`
	}
	res.decode(h.t, &v)
	if v.RawToken == "" {
		h.t.Fatalf("create token: status %d, body %s", res.status, res.body)
	}
	return v.RawToken
}

func bearer(raw string) map[string]string { return map[string]string{"Authorization": "Bearer " + raw} }

// TestBasicAuthDisabled: with basic auth off, only the allow-listed users
// may still use it; tokens, cookies and the login resources keep working.
func TestBasicAuthDisabled(t *testing.T) {
	h := newHarness(t, Options{})
	token := h.createToken("fred", "fred")
	sid := h.login("fred", "fred")
	want{status: 200, body: []string{`{"enabled":false,"allowedUsers":["admin"]}`}}.check(t, "switch off",
		h.do(req{method: "PUT", path: "/_sandbox/basic-auth", header: jsonHeader, body: `{"enabled":false,"allowedUsers":["admin"]}`}))

	h.runCases([]httpCase{
		{"right password", req{path: "/rest/api/2/myself", basic: "fred:fred"}, basicAuthOff},
		{"wrong password: not even checked", req{path: "/rest/api/2/myself", basic: "fred:wrong"}, basicAuthOff},
		{"unknown user", req{path: "/rest/api/2/myself", basic: "ghost:x"}, basicAuthOff},
		{"SSO user", req{path: "/rest/api/2/myself", basic: "sso-user:sso-user"}, basicAuthOff},
		{"undecodable credentials", req{path: "/rest/api/2/myself", header: map[string]string{"Authorization": "Basic !!!"}}, basicAuthOff},
		{"lower-case scheme", req{path: "/rest/api/2/myself", header: map[string]string{"Authorization": "basic ZnJlZDpmcmVk"}}, basicAuthOff},
		{"under /jira", req{path: "/jira/rest/api/2/myself", basic: "fred:fred"}, basicAuthOff},
		{"unknown path: refused before routing", req{path: "/rest/api/2/nothing", basic: "fred:fred"}, basicAuthOff},
		{"browser page", req{path: "/secure/Dashboard.jspa", basic: "fred:fred"}, basicAuthOff},
		{"session login carrying Basic", req{method: "POST", path: "/rest/auth/1/session", basic: "fred:fred", header: jsonHeader,
			body: `{"username":"fred","password":"fred"}`}, basicAuthOff},
		{"live cookie beside Basic", req{path: "/rest/api/2/myself", basic: "fred:fred", cookie: sid}, basicAuthOff},

		{"allow-listed user", req{path: "/rest/api/2/myself", basic: "admin:admin"},
			want{status: 200, headers: map[string]string{"X-AUSERNAME": "admin", "X-Seraph-LoginReason": "OK"}, body: []string{`"name":"admin"`}}},
		{"allow-listed user, other case", req{path: "/rest/api/2/myself", basic: "ADMIN:admin"}, want{status: 200, headers: map[string]string{"X-AUSERNAME": "admin"}}},
		{"allow-listed user, wrong password", req{path: "/rest/api/2/myself", basic: "admin:wrong"},
			want{status: 401, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"}, body: []string{"Basic Authentication Failure"}}},

		{"personal access token", req{path: "/rest/api/2/myself", header: bearer(token)}, want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred"}}},
		{"session cookie", req{path: "/rest/api/2/myself", cookie: sid}, want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred"}}},
		{"session login", req{method: "POST", path: "/rest/auth/1/session", header: jsonHeader, body: `{"username":"fred","password":"fred"}`},
			want{status: 200, match: map[string]string{"Set-Cookie": "^JSESSIONID="}}},
		{"anonymous", req{path: "/rest/api/2/serverInfo"}, want{status: 200, headers: map[string]string{"X-AUSERNAME": "anonymous"}}},
		{"login page", req{path: "/login.jsp"}, want{status: 200}},
		{"control endpoints ignore it", req{path: "/_sandbox/basic-auth", basic: "fred:fred"},
			want{status: 200, body: []string{`{"enabled":false,"allowedUsers":["admin"]}`}}},
	})

	st := h.state(t)
	if want := (contract.SandboxBasicAuth{Enabled: false, AllowedUsers: []string{"admin"}}); !reflect.DeepEqual(st.BasicAuth, want) {
		t.Errorf("state basicAuth = %+v; want %+v", st.BasicAuth, want)
	}
	// The refused calls were no logins: nothing counts towards CAPTCHA.
	if fred := accountIn(t, st, "fred"); fred.ConsecutiveFailedLogins != 0 {
		t.Errorf("fred after refused calls: %+v; want no failed login counted", fred)
	}

	want{status: 200}.check(t, "reset", h.do(req{method: "POST", path: "/_sandbox/reset"}))
	if got := h.state(t).BasicAuth; !got.Enabled || got.AllowedUsers == nil || len(got.AllowedUsers) != 0 {
		t.Errorf("basicAuth after reset = %+v; want enabled, empty allow-list", got)
	}
	want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred"}}.check(t, "basic auth after reset", h.do(req{path: "/rest/api/2/myself", basic: "fred:fred"}))
}

// TestBasicAuthSwitchControl: PUT /_sandbox/basic-auth refuses what it cannot
// apply with a clear 400 and changes nothing then; absent fields keep their
// value.
func TestBasicAuthSwitchControl(t *testing.T) {
	h := newHarness(t, Options{})
	put := func(body string) req {
		return req{method: "PUT", path: "/_sandbox/basic-auth", header: jsonHeader, body: body}
	}
	h.runCases([]httpCase{
		{"GET: the default", req{path: "/_sandbox/basic-auth"}, want{status: 200, body: []string{`{"enabled":true,"allowedUsers":[]}`}}},
		{"unknown field", put(`{"enabled":false,"users":["admin"]}`), want{status: 400, body: []string{`Unrecognized field \"users\"`, beanBasicAuth}}},
		{"unknown allowed user", put(`{"enabled":false,"allowedUsers":["admin","bob"]}`),
			want{status: 400, body: []string{`\"allowedUsers\": the user named 'bob' does not exist; use fred, admin, unverified or sso-user.`}}},
		{"nothing to change", put(`{}`), want{status: 400, body: []string{`The body must name \"enabled\"`}}},
		{"null fields", put(`{"enabled":null,"allowedUsers":null}`), want{status: 400, body: []string{`The body must name \"enabled\"`}}},
		{"enabled not a boolean", put(`{"enabled":"no"}`), want{status: 400, notBody: []string{"json:", "Go "}}},
		{"allowedUsers not a list", put(`{"allowedUsers":"admin"}`), want{status: 400, notBody: []string{"json:", "[]string"}}},
		{"not an object", put(`[]`), want{status: 400}},
		{"malformed JSON", put(`{"enabled":`), want{status: 400, body: []string{"Unexpected end-of-input"}}},
		{"trailing content", put(`{"enabled":false} x`), want{status: 400}},
		{"no body", req{method: "PUT", path: "/_sandbox/basic-auth", header: jsonHeader}, want{status: 400}},
		{"not JSON", req{method: "PUT", path: "/_sandbox/basic-auth", body: "enabled=false",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, want{status: 415}},
		{"cross-origin browser request", req{method: "PUT", path: "/_sandbox/basic-auth", body: `{"enabled":false}`,
			header: map[string]string{"Content-Type": "application/json", "Origin": "http://evil.example"}}, want{status: 403}},
		{"wrong method", req{method: "POST", path: "/_sandbox/basic-auth"}, want{status: 405, headers: map[string]string{"Allow": "GET, HEAD, PUT"}}},
		{"refusals changed nothing", req{path: "/_sandbox/basic-auth"}, want{status: 200, body: []string{`{"enabled":true,"allowedUsers":[]}`}}},

		{"allow-list alone: names as the accounts spell them, once each", put(`{"allowedUsers":["FRED","fred","Admin"]}`),
			want{status: 200, body: []string{`{"enabled":true,"allowedUsers":["fred","admin"]}`}}},
		{"enabled alone keeps the allow-list", put(`{"enabled":false}`), want{status: 200, body: []string{`{"enabled":false,"allowedUsers":["fred","admin"]}`}}},
		{"empty allow-list", put(`{"allowedUsers":[]}`), want{status: 200, body: []string{`{"enabled":false,"allowedUsers":[]}`}}},
		{"through /jira", req{path: "/jira/_sandbox/basic-auth"}, want{status: 200, body: []string{`{"enabled":false,"allowedUsers":[]}`}}},
		{"nobody allowed", req{path: "/rest/api/2/myself", basic: "admin:admin"}, basicAuthOff},
		{"on again", put(`{"enabled":true}`), want{status: 200, body: []string{`{"enabled":true,"allowedUsers":[]}`}}},
		{"basic auth works again", req{path: "/rest/api/2/myself", basic: "fred:fred"}, want{status: 200}},
	})
}

// TestStateJSON: GET /_sandbox/state is contract.SandboxState, with every
// built-in account, its password, kind and counters.
func TestStateJSON(t *testing.T) {
	h := newHarness(t, Options{CaptchaLimit: 2})
	h.do(req{path: "/rest/api/2/myself", basic: "admin:x"})
	h.do(req{path: "/rest/api/2/myself", basic: "admin:y"})
	h.login("fred", "fred")
	h.createToken("fred", "fred")

	st := h.state(t)
	wantUsers := []contract.SandboxAccount{
		// Fred's login count starts at 11 (fixture.go); his session login and
		// the basic-auth call add one each.
		{Name: "fred", Password: "fred", Kind: "user", LoginCount: 13},
		{Name: "admin", Password: "admin", Kind: "admin", ConsecutiveFailedLogins: 2, CaptchaRequired: true},
		{Name: "unverified", Password: "unverified", Kind: "unverified"},
		{Name: "sso-user", Password: "sso-user", Kind: "sso"},
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"face", st.Face, "server"},
		{"sessions", st.Sessions, 2},
		{"tokens", st.Tokens, 1},
		{"passwordPolicy", st.PasswordPolicy, "secure"},
		{"captchaAfter", st.CaptchaAfter, 2},
		{"users", st.Users, wantUsers},
		{"basicAuth", st.BasicAuth, contract.SandboxBasicAuth{Enabled: true, AllowedUsers: []string{}}},
		{"rateLimit", st.RateLimit, contract.SandboxRateLimit{Enabled: false, Capacity: 10, FillRate: 1, IntervalSeconds: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("state %s = %+v; want %+v", tt.name, tt.got, tt.want)
			}
		})
	}

	// Every field of the contract is present on the wire (a zero value is
	// written, never left out), so the page never has to guess a default.
	var raw map[string]json.RawMessage
	h.do(req{path: "/_sandbox/state"}).decode(t, &raw)
	for _, k := range []string{"face", "sessions", "tokens", "passwordPolicy", "captchaAfter", "users", "basicAuth", "rateLimit"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("state JSON lacks %q", k)
		}
	}
	if strings.Contains(string(raw["basicAuth"]), "null") {
		t.Errorf("state basicAuth = %s; want an empty list, not null", raw["basicAuth"])
	}
}
