package diagnosis

import (
	"strings"
	"testing"

	"jiraauthlab/contract"
)

// The exchanges below are recorded from the sandbox through the proxy
// (curl -i against /proxy/sandbox/...), with the header names in lower case
// as the browser's Headers hands them over, and the lab's own security
// headers left out.

const (
	sandboxURL = "http://127.0.0.1:8090"
	jsonCT     = "application/json;charset=UTF-8"
	notAuthMsg = `{"errorMessages":["You are not authenticated. Authentication required to perform this operation."],"errors":{}}`
)

// rec builds a recorded exchange with the sandbox as target. kv are the
// response headers, name then value.
func rec(method, path string, auth contract.AuthKind, user string, status int, body string, kv ...string) contract.Exchange {
	x := contract.Exchange{
		Method: method, Path: path, Target: "sandbox", TargetURL: sandboxURL, Sandbox: true,
		Auth: auth, Username: user, Status: status, ResponseBody: body,
	}
	for i := 0; i+1 < len(kv); i += 2 {
		x.ResponseHeader = append(x.ResponseHeader, contract.Header{Name: kv[i], Value: kv[i+1]})
	}
	switch auth {
	case contract.AuthSession, contract.AuthPasted:
		x.RequestHeader = append(x.RequestHeader, contract.Header{Name: "X-Jira-Cookie", Value: "JSESSIONID=9FCC43C7028820D37F2B4C9666E13B0E"})
	case contract.AuthBasic:
		x.RequestHeader = append(x.RequestHeader, contract.Header{Name: "Authorization", Value: "Basic ZnJlZDpmcmVk"})
	case contract.AuthLogin:
		x.RequestHeader = append(x.RequestHeader, contract.Header{Name: "Content-Type", Value: "application/json"})
		x.RequestBody = `{"username":"` + user + `","password":"secret"}`
	}
	return x
}

// onUpstream moves an exchange to another Jira.
func onUpstream(x contract.Exchange, name, base string) contract.Exchange {
	x.Target, x.TargetURL, x.Sandbox = name, base, false
	return x
}

// withUser makes an exchange one that user sent with auth, and that Jira
// answered as that user.
func withUser(x contract.Exchange, auth contract.AuthKind, user string) contract.Exchange {
	x.Auth, x.Username = auth, user
	x.ResponseHeader = append([]contract.Header{{Name: "x-ausername", Value: user}}, x.ResponseHeader...)
	return x
}

// onMethod changes an exchange's method.
func onMethod(x contract.Exchange, method string) contract.Exchange {
	x.Method = method
	return x
}

// withRequest adds request headers.
func withRequest(x contract.Exchange, kv ...string) contract.Exchange {
	x.RequestHeader = append([]contract.Header(nil), x.RequestHeader...)
	for i := 0; i+1 < len(kv); i += 2 {
		x.RequestHeader = append(x.RequestHeader, contract.Header{Name: kv[i], Value: kv[i+1]})
	}
	return x
}

type diagCase struct {
	name    string
	x       contract.Exchange
	earlier []contract.Exchange // before x, newest first
	lines   int                 // at most this many lines; 0: no bound beyond maxLines
	level   Level
	title   string   // in the title
	want    []string // each somewhere in the title or the lines
	not     []string // none of these anywhere
	captcha bool     // OfferCaptchaReset (CaptchaUser must then be x.Username)
	relogin bool
	sso     bool
	login   string // LoginURL
}

// maxLines bounds every diagnosis: the summary says it, the lines only
// unfold the why.
const maxLines = 5

// oneSentence reports whether a title is one sentence: it ends with a
// full stop, and no full stop inside it is followed by a new sentence.
func oneSentence(title string) bool {
	if !strings.HasSuffix(title, ".") {
		return false
	}
	body := strings.TrimSuffix(title, ".")
	for i := strings.Index(body, ". "); i >= 0; i = strings.Index(body, ". ") {
		word := body[strings.LastIndex(body[:i], " ")+1 : i]
		// An initial ("Sam S. O.") ends no sentence.
		if next := body[i+2:]; len(word) > 1 && next != "" && next[0] >= 'A' && next[0] <= 'Z' {
			return false
		}
		body = body[i+2:]
	}
	return true
}

func runDiagnose(t *testing.T, cases []diagCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			checkDiagnosis(t, tt)
		})
	}
}

// checkDiagnosis checks one case of runDiagnose.
func checkDiagnosis(t *testing.T, tt diagCase) {
	t.Helper()
	d := Diagnose(tt.x, tt.earlier)
	text := d.Title + "\n" + strings.Join(d.Lines, "\n")
	if d.Title == "" || len(d.Lines) == 0 {
		t.Errorf("Diagnose = %q with %d lines; want a title and at least one line", d.Title, len(d.Lines))
	}
	if !oneSentence(d.Title) {
		t.Errorf("Diagnose.Title = %q; want one sentence", d.Title)
	}
	bound := maxLines
	if tt.lines > 0 {
		bound = tt.lines
	}
	if len(d.Lines) > bound {
		t.Errorf("Diagnose has %d lines; want at most %d:\n%s", len(d.Lines), bound, strings.Join(d.Lines, "\n"))
	}
	if d.Level != tt.level {
		t.Errorf("Diagnose.Level = %s; want %s (title %q)", d.Level, tt.level, d.Title)
	}
	if !strings.Contains(d.Title, tt.title) {
		t.Errorf("Diagnose.Title = %q; want it to contain %q", d.Title, tt.title)
	}
	for _, w := range tt.want {
		if !strings.Contains(text, w) {
			t.Errorf("Diagnose = %q; want it to mention %q", text, w)
		}
	}
	for _, n := range tt.not {
		if strings.Contains(text, n) {
			t.Errorf("Diagnose = %q; want no %q", text, n)
		}
	}
	if d.OfferCaptchaReset != tt.captcha || (tt.captcha && d.CaptchaUser != tt.x.Username) {
		t.Errorf("Diagnose OfferCaptchaReset, CaptchaUser = %v, %q; want %v, %q", d.OfferCaptchaReset, d.CaptchaUser, tt.captcha, tt.x.Username)
	}
	if d.OfferRelogin != tt.relogin {
		t.Errorf("Diagnose.OfferRelogin = %v; want %v", d.OfferRelogin, tt.relogin)
	}
	if d.OfferSSO != tt.sso {
		t.Errorf("Diagnose.OfferSSO = %v; want %v", d.OfferSSO, tt.sso)
	}
	if d.LoginURL != tt.login {
		t.Errorf("Diagnose.LoginURL = %q; want %q", d.LoginURL, tt.login)
	}
}

func TestLevelString(t *testing.T) {
	tests := []struct {
		name string
		l    Level
		want string
	}{
		{"info", LevelInfo, "info"}, {"ok", LevelOK, "ok"}, {"warn", LevelWarn, "warn"}, {"bad", LevelBad, "bad"}, {"unknown", Level(42), "info"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.l.String(); got != tt.want {
				t.Errorf("Level(%d).String() = %q; want %q", tt.l, got, tt.want)
			}
		})
	}
}

func TestDiagnoseFetchFailed(t *testing.T) {
	failed := rec("GET", "/rest/api/2/myself", contract.AuthNone, "", 0, "")
	failed.Err = "TypeError: Failed to fetch"
	slow := failed
	slow.Err = "context deadline exceeded"
	runDiagnose(t, []diagCase{
		{name: "offline", x: failed, level: LevelBad, title: "lab's server did not answer",
			want: []string{"TypeError: Failed to fetch", "never reached Jira", "make run"}},
		{name: "gave up", x: slow, level: LevelBad, title: "lab's server did not answer", want: []string{"did not answer in time"}},
		{name: "no error text", x: rec("POST", "/rest/auth/1/session", contract.AuthLogin, "fred", 0, ""), level: LevelBad, title: "did not answer", want: []string{"(none)"}},
	})
}

func TestDiagnoseProxyErrors(t *testing.T) {
	pe := func(status int, body string) contract.Exchange {
		return rec("GET", "/rest/api/2/myself", contract.AuthNone, "", status, body, "content-type", "application/json")
	}
	runDiagnose(t, []diagCase{
		{name: "refused", x: pe(502, `{"error":"upstream_refused","detail":"The upstream \"down\" (127.0.0.1:1) refused the connection: nothing is listening there, or a firewall rejects it."}`),
			level: LevelBad, title: "connection was refused", want: []string{"upstream_refused", "nothing is listening", "-sandbox-addr", "not from Jira"}},
		{name: "reset", x: pe(502, `{"error":"upstream_reset","detail":"The upstream closed the connection without a complete answer (connection reset)."}`),
			level: LevelBad, title: "closed without an answer", want: []string{"upstream_reset", "https"}},
		{name: "tls", x: onUpstream(pe(502, `{"error":"upstream_tls","detail":"TLS with upstream \"tls\" (127.0.0.1:18090) failed: it did not answer with TLS. Is the URL https:// where the server speaks plain http://?"}`), "tls", "https://127.0.0.1:18090"),
			level: LevelBad, title: "TLS", want: []string{"-upstream-ca", "-upstream-insecure", "did not answer with TLS"}, not: []string{"-sandbox-addr"}},
		{name: "dns", x: onUpstream(pe(502, `{"error":"upstream_unreachable","detail":"The host name of upstream \"nx\" (nonexistent.invalid) could not be resolved: no such host."}`), "nx", "http://nonexistent.invalid"),
			level: LevelBad, title: "could not be reached", want: []string{"could not be resolved", "http://nonexistent.invalid", "HTTPS_PROXY"}},
		{name: "not http", x: pe(502, `{"error":"upstream_error","detail":"The upstream did not give a usable answer: malformed HTTP response."}`),
			level: LevelBad, title: "could not be reached", want: []string{"upstream_error", "not HTTP"}},
		{name: "timeout", x: pe(504, `{"error":"upstream_timeout","detail":"The upstream \"slow\" (10.0.0.1) did not send its response headers within 30s (-upstream-timeout)."}`),
			level: LevelBad, title: "too slow", want: []string{"504", "-upstream-timeout", "30s"}},
		{name: "bad path", x: pe(400, `{"error":"bad_path","detail":"The path would leave the upstream's base (dot segments, empty segments, encoded separators, backslashes, ';' or control characters)."}`),
			level: LevelBad, title: "bad_path", want: []string{"%2e", "/rest/api/2/myself"}},
		{name: "missing header", x: pe(403, `{"error":"missing_lab_header","detail":"Proxied requests must carry the header X-Jira-Lab: 1."}`),
			level: LevelBad, title: "X-Jira-Lab: 1", want: []string{"preflight"}},
		{name: "foreign origin", x: pe(403, `{"error":"foreign_origin","detail":"The Origin is not one the lab is served under."}`),
			level: LevelBad, title: "not served under", want: []string{"-public-url", "foreign_origin"}},
		{name: "foreign host", x: pe(403, `{"error":"foreign_host","detail":"The Host is not one the lab is served under."}`),
			level: LevelBad, title: "not served under", want: []string{"-public-url", "DNS rebinding"}},
		{name: "unknown upstream", x: onUpstream(pe(404, `{"error":"unknown_upstream","detail":"No upstream is named \"nope\"."}`), "nope", ""),
			level: LevelBad, title: "no Jira named nope", want: []string{"reload the page"}},
		{name: "too large", x: pe(413, `{"error":"body_too_large","detail":"The request body is larger than the proxy's limit of 10485760 bytes (-max-body)."}`),
			level: LevelBad, title: "413", want: []string{"-max-body"}},
		{name: "bad method", x: onMethod(pe(405, `{"error":"bad_method","detail":"The proxy forwards only the methods Jira's REST API uses."}`), "TRACE"),
			level: LevelBad, title: "does not forward TRACE", want: []string{"PATCH", "bad_method"}},
		{name: "headers too large", x: pe(431, `{"error":"headers_too_large","detail":"The request headers are larger than 65536 bytes."}`),
			level: LevelBad, title: "431", want: []string{"64 KiB", "JSESSIONID"}},
		{name: "unknown code", x: pe(500, `{"error":"internal","detail":"error encoding failed"}`),
			level: LevelBad, title: "500 internal", want: []string{"error encoding failed"}},
	})
}

func TestDiagnoseLogin(t *testing.T) {
	ok := rec("POST", "/rest/auth/1/session", contract.AuthLogin, "fred", 200,
		`{"session":{"name":"JSESSIONID","value":"9FCC43C7028820D37F2B4C9666E13B0E"},"loginInfo":{"failedLoginCount":1,"loginCount":12,"lastFailedLoginTime":"2016-01-27T07:30:51.349+0000","previousLoginTime":"2016-01-27T07:31:14.351+0000"}}`,
		"content-type", jsonCT, "x-arequestid", "733x1x1", "x-asessionid", "yo74x4w", "x-ausername", "fred",
		"x-jira-set-cookie", "JSESSIONID=9FCC43C7028820D37F2B4C9666E13B0E; Path=/; HttpOnly, atlassian.xsrf.token=HS0R-U4AC-B5MH-QQ62_704fd84f82c10d0df05eb7f2d1f833e4cfb0f964_lin; Path=/",
		"x-seraph-loginreason", "OK")
	noCookie := ok
	noCookie.ResponseHeader = ok.ResponseHeader[:4]
	runDiagnose(t, []diagCase{
		// The Session page shows the session JSON, Set-Cookie and the
		// Cookie sent next: the diagnosis does not repeat them.
		{name: "login 200", x: ok, level: LevelOK, title: "Logged in as fred", lines: 2,
			want: []string{"HttpOnly", "X-Jira-Set-Cookie", "X-Jira-Cookie", "300 minutes"},
			not:  []string{"9FCC43C7028820D37F2B4C9666E13B0E", "Set-Cookie: ", "Cookie: JSESSIONID", "loginCount", "X-Seraph-LoginReason", "atlassian.xsrf.token"}},
		{name: "login 200 without Set-Cookie", x: noCookie, level: LevelWarn, title: "Logged in", want: []string{"No X-Jira-Set-Cookie header carried JSESSIONID"}},
		{name: "login 200 not a session", x: rec("POST", "/rest/auth/1/session", contract.AuthLogin, "fred", 200, `<html>`, "content-type", "text/html"),
			level: LevelWarn, title: "without a session object"},
		{name: "login 400", x: rec("POST", "/rest/auth/1/session", contract.AuthLogin, "fred", 400, `{"errorMessages":["The request body is missing: a JSON object is required."],"errors":{}}`, "content-type", jsonCT, "x-arequestid", "1", "x-ausername", "anonymous"),
			level: LevelWarn, title: "missing or malformed", want: []string{"The request body is missing"}},
		{name: "login 415", x: rec("POST", "/rest/auth/1/session", contract.AuthLogin, "fred", 415, `{"errorMessages":["Unsupported media type: send the body as application/json."],"errors":{}}`, "content-type", jsonCT, "x-arequestid", "1"),
			level: LevelWarn, title: "415", want: []string{"Content-Type: application/json"}},
		{name: "login 409 unverified", x: rec("POST", "/rest/auth/1/session", contract.AuthLogin, "unverified", 409,
			`{"errorMessages":["Your email address is not verified. Log in through the browser to get a verification email, then try again."],"errors":{}}`,
			"content-type", jsonCT, "x-arequestid", "733x17x1", "x-ausername", "anonymous"),
			level: LevelWarn, title: "email address is not verified", want: []string{"409", "verification email", "Seed 001"}},
	})
}

func TestDiagnoseSeraphReasons(t *testing.T) {
	withReason := func(reason string) contract.Exchange {
		return rec("GET", "/rest/api/2/serverInfo", contract.AuthBasic, "fred", 200, `{"version":"8.20.10"}`,
			"content-type", jsonCT, "x-arequestid", "1", "x-ausername", "fred", "x-seraph-loginreason", reason)
	}
	runDiagnose(t, []diagCase{
		{name: "OK goes without saying", x: withReason("OK"), level: LevelOK, title: "as fred", not: []string{"X-Seraph-LoginReason: OK"}},
		{name: "AUTHORISATION_FAILED", x: withReason("AUTHORISATION_FAILED"), level: LevelOK, title: "200", want: []string{"X-Seraph-LoginReason: AUTHORISATION_FAILED — ", "permission"}},
		{name: "OUT", x: withReason("OUT"), level: LevelOK, title: "200", want: []string{"X-Seraph-LoginReason: OUT — ", "logged out"}},
		{name: "unknown value", x: withReason("SOMETHING"), level: LevelOK, title: "200", want: []string{"X-Seraph-LoginReason: SOMETHING — a value the lab does not know"}},
		{name: "AUTHENTICATED_FAILED", x: rec("GET", "/rest/api/2/myself", contract.AuthBasic, "fred", 401, "Basic Authentication Failure - Reason : AUTHENTICATED_FAILED",
			"content-type", "text/html;charset=UTF-8", "x-arequestid", "1", "x-ausername", "anonymous", "x-seraph-loginreason", "AUTHENTICATED_FAILED"),
			level: LevelBad, title: "Jira checked the password of fred", want: []string{"X-Seraph-LoginReason: AUTHENTICATED_FAILED — Jira checked the password", "loosely", "ID-6351 loosely put it", "rejected without checking the password"}},
		{name: "AUTHENTICATION_DENIED without reason header", x: rec("POST", "/rest/auth/1/session", contract.AuthLogin, "fred", 403, `{"errorMessages":["Login denied"],"errors":{}}`,
			"content-type", jsonCT, "x-arequestid", "1", "x-ausername", "anonymous", "x-seraph-loginreason", "AUTHENTICATION_DENIED"),
			level: LevelBad, title: "AUTHENTICATION_DENIED", want: []string{"without checking the password", "CAPTCHA"}, captcha: true},
	})
}

func TestDiagnose401(t *testing.T) {
	loginFailed := rec("POST", "/rest/auth/1/session", contract.AuthLogin, "admin", 401, `{"errorMessages":["Login failed"],"errors":{}}`,
		"content-type", jsonCT, "x-arequestid", "733x2x1", "x-ausername", "anonymous", "x-jira-www-authenticate", "JIRA REST POST", "x-seraph-loginreason", "AUTHENTICATED_FAILED")
	basicFailed := rec("GET", "/rest/api/2/myself", contract.AuthBasic, "fred", 401, "Basic Authentication Failure - Reason : AUTHENTICATED_FAILED",
		"content-type", "text/html;charset=UTF-8", "x-arequestid", "733x3x1", "x-ausername", "anonymous", "x-seraph-loginreason", "AUTHENTICATED_FAILED")
	expired := rec("GET", "/rest/api/2/myself", contract.AuthSession, "", 401, notAuthMsg, "content-type", jsonCT, "x-arequestid", "733x15x1", "x-ausername", "anonymous")
	pasted := expired
	pasted.Auth = contract.AuthPasted
	anon := rec("GET", "/rest/api/2/myself", contract.AuthNone, "", 401, notAuthMsg, "content-type", jsonCT, "x-arequestid", "733x16x1", "x-ausername", "anonymous")
	issue := rec("GET", "/rest/api/2/issue/QA-31", contract.AuthNone, "", 401, `{"errorMessages":["You do not have the permission to see the specified issue.","Login Required"],"errors":{}}`,
		"content-type", jsonCT, "x-arequestid", "733x27x1", "x-ausername", "anonymous")
	websudo := rec("GET", "/rest/api/2/application-properties", contract.AuthSession, "", 401, `{"errorMessages":["This resource requires WebSudo."],"errors":{}}`,
		"content-type", jsonCT, "x-arequestid", "733x29x1", "x-asessionid", "c7c5hy6", "x-ausername", "admin")
	bearer := rec("GET", "/rest/api/2/myself", contract.AuthBearer, "", 401, `{"errorMessages":["The personal access token is invalid, revoked or expired."],"errors":{}}`,
		"content-type", jsonCT, "x-arequestid", "733x31x1", "x-ausername", "anonymous", "x-seraph-loginreason", "AUTHENTICATED_FAILED")
	runDiagnose(t, []diagCase{
		{name: "login wrong password", x: loginFailed, level: LevelBad, title: "Login failed: Jira checked the password of admin and it is wrong (401)", lines: 2,
			want: []string{"X-Seraph-LoginReason: AUTHENTICATED_FAILED", "1 of 3 failed logins before Jira asks for CAPTCHA"},
			not:  []string{"SSO", "seed 003", "Jira says: Login failed"}},
		{name: "basic wrong password", x: basicFailed, level: LevelBad, title: "Basic auth refused", lines: 2,
			want: []string{"AUTHENTICATED_FAILED", "CAPTCHA"}, not: []string{"SSO", "WWW-Authenticate"}},
		{name: "login empty username", x: rec("POST", "/rest/auth/1/session", contract.AuthLogin, "", 401, `{"errorMessages":["Login failed"],"errors":{}}`, "x-arequestid", "1", "x-seraph-loginreason", "AUTHENTICATED_FAILED"),
			level: LevelBad, title: "the user", want: []string{"The username was empty."}},
		{name: "session ended", x: expired, level: LevelWarn, title: "Your session ended: Jira refused the cookie (401), so log in again",
			want: []string{"idle", "DELETE /rest/auth/1/session", "/_sandbox/expire-sessions", "JRA-25405"},
			not:  []string{"9FCC43C7028820D37F2B4C9666E13B0E", "AUTHENTICATED_FAILED", "logged out"}, relogin: true},
		{name: "pasted cookie ended", x: pasted, level: LevelWarn, title: "Your session ended", want: []string{"pasted by hand"}, relogin: true, sso: true},
		{name: "no credentials", x: anon, level: LevelWarn, title: "You are not logged in, and this resource needs a user (401)",
			want: []string{"no Authorization header", "JIRA REST API Example", "You are not authenticated"}, not: []string{"logged out"}},
		{name: "no credentials, issue", x: issue, level: LevelWarn, title: "You are not logged in", want: []string{"Login Required"}},
		{name: "websudo", x: websudo, level: LevelWarn, title: "WebSudo", want: []string{"X-AUSERNAME: admin", "This resource requires WebSudo."}},
		{name: "bad token", x: bearer, level: LevelBad, title: "personal access token was refused", want: []string{"Bearer", "revoked"}, not: []string{"CAPTCHA"}},
		{name: "session 401 for a known user", x: rec("GET", "/rest/x", contract.AuthSession, "", 401, `{"errorMessages":["Nope."],"errors":{}}`, "x-arequestid", "1", "x-ausername", "fred", "x-seraph-loginreason", "OK"),
			level: LevelBad, title: "refused this request", want: []string{"X-AUSERNAME: fred", "Nope."}},
	})
}

func TestDiagnoseSSO(t *testing.T) {
	ssoLogin := rec("POST", "/rest/auth/1/session", contract.AuthLogin, "sso-user", 401, `{"errorMessages":["Login failed"],"errors":{}}`,
		"content-type", jsonCT, "x-arequestid", "733x18x1", "x-ausername", "anonymous", "x-jira-www-authenticate", "JIRA REST POST", "x-seraph-loginreason", "AUTHENTICATED_FAILED")
	ssoBasic := rec("GET", "/rest/api/2/myself", contract.AuthBasic, "sso-user", 401, "Basic Authentication Failure - Reason : AUTHENTICATED_FAILED",
		"content-type", "text/html;charset=UTF-8", "x-arequestid", "1", "x-ausername", "anonymous", "x-seraph-loginreason", "AUTHENTICATED_FAILED")
	otherSSO := rec("GET", "/rest/api/2/myself", contract.AuthBasic, "alice.sso", 401, "Basic Authentication Failure - Reason : AUTHENTICATED_FAILED",
		"x-arequestid", "1", "x-seraph-loginreason", "AUTHENTICATED_FAILED")
	// On the sandbox the accounts are known: sso-user has no password, and
	// nothing else is SSO. A real Jira cannot tell an SSO account from a
	// wrong password (seed 003): one line after the wrong-password reading.
	realSSO := onUpstream(ssoBasic, "prod", "https://jira.example.com")
	runDiagnose(t, []diagCase{
		{name: "sso-user login", x: ssoLogin, level: LevelBad, title: "sso-user has no Jira password (its login is handled by SSO), so log in through the browser", lines: 1,
			want: []string{"ID-6351", "JSESSIONID", "Simulated SSO login"},
			not:  []string{"seed 00", "did not match", "AUTHENTICATED_FAILED", "failed logins", "wrong"}, sso: true},
		{name: "sso-user basic", x: ssoBasic, level: LevelBad, title: "has no Jira password", not: []string{"did not match"}, sso: true},
		{name: "sso-user after failures: no count", x: ssoLogin, earlier: []contract.Exchange{ssoLogin, ssoLogin}, level: LevelBad, title: "has no Jira password",
			not: []string{"of 3"}, sso: true},
		{name: "sso-user on a real Jira", x: realSSO, level: LevelBad, title: "Basic auth refused: Jira checked the password of sso-user",
			want: []string{"Or sso-user's login is handled by SSO", "ID-6351", "curl -b cookies.txt"}, not: []string{"Simulated SSO login"}},
		{name: "sso-like name on the sandbox is no account", x: otherSSO, level: LevelBad, title: "the sandbox has no user named alice.sso", not: []string{"SSO"}},
		{name: "sso-like name elsewhere", x: onUpstream(otherSSO, "prod", "https://jira.example.com"), level: LevelBad, title: "Basic auth refused", want: []string{"ID-6351"}},
	})
}

func TestDiagnoseCaptcha(t *testing.T) {
	login := rec("POST", "/rest/auth/1/session", contract.AuthLogin, "fred", 403, `{"errorMessages":["Login denied"],"errors":{}}`,
		"content-type", jsonCT, "x-arequestid", "733x8x1", "x-ausername", "anonymous",
		"x-authentication-denied-reason", "CAPTCHA_CHALLENGE; login-url=http://127.0.0.1:8090/login.jsp", "x-seraph-loginreason", "AUTHENTICATION_DENIED")
	basic := rec("GET", "/rest/api/2/myself", contract.AuthBasic, "fred", 403, "Basic Authentication Failure - Reason : AUTHENTICATION_DENIED",
		"content-type", "text/html;charset=UTF-8", "x-arequestid", "733x9x1", "x-ausername", "anonymous",
		"x-authentication-denied-reason", "CAPTCHA_CHALLENGE; login-url=http://127.0.0.1:8090/login.jsp", "x-seraph-loginreason", "AUTHENTICATION_DENIED")
	prod := onUpstream(login, "prod", "https://jira.example.com")
	prod.ResponseHeader = []contract.Header{{Name: "x-arequestid", Value: "1"}, {Name: "x-authentication-denied-reason", Value: "CAPTCHA_CHALLENGE; login-url=https://jira.example.com/login.jsp"}}
	runDiagnose(t, []diagCase{
		{name: "login", x: login, level: LevelBad, title: "CAPTCHA required", lines: 3,
			want: []string{"X-Authentication-Denied-Reason: CAPTCHA_CHALLENGE:", "3 failed logins in a row", "jira.maximum.authentication.attempts.allowed",
				"cannot answer it", "Reset failed login count", "at http://127.0.0.1:8090/login.jsp", "kelpie"},
			not: []string{"AUTHENTICATED_FAILED", "Login denied", "X-Seraph-LoginReason"}, captcha: true, login: "http://127.0.0.1:8090/login.jsp"},
		{name: "basic", x: basic, level: LevelBad, title: "every login of fred", want: []string{"basic-auth request of fred"}, captcha: true, login: "http://127.0.0.1:8090/login.jsp"},
		{name: "real Jira: no sandbox button", x: prod, level: LevelBad, title: "CAPTCHA required", want: []string{"https://jira.example.com/login.jsp"}, not: []string{"kelpie"},
			login: "https://jira.example.com/login.jsp"},
		{name: "no link but http(s)", x: withDenied(prod, "CAPTCHA_CHALLENGE; login-url=javascript:alert(1)"), level: LevelBad, title: "CAPTCHA required",
			want: []string{"on Jira's login page"}, not: []string{"javascript:"}},
		{name: "no user known", x: rec("GET", "/rest/api/2/myself", contract.AuthPasted, "", 403, "", "x-arequestid", "1", "x-seraph-loginreason", "AUTHENTICATION_DENIED"),
			level: LevelBad, title: "AUTHENTICATION_DENIED", want: []string{"on Jira's login page"}},
	})
}

// withDenied replaces an exchange's X-Authentication-Denied-Reason.
func withDenied(x contract.Exchange, v string) contract.Exchange {
	x.ResponseHeader = []contract.Header{{Name: "x-arequestid", Value: "1"}, {Name: "x-authentication-denied-reason", Value: v}}
	return x
}

func TestDiagnoseXSRF(t *testing.T) {
	hdrs := []string{"content-type", "text/plain;charset=UTF-8", "x-arequestid", "733x13x1", "x-asessionid", "iavg48c", "x-ausername", "fred"}
	multipart := withRequest(rec("POST", "/rest/api/2/issue/TEST-1/attachments", contract.AuthSession, "", 403, "XSRF check failed", hdrs...),
		"Content-Type", "multipart/form-data; boundary=x")
	wrongToken := withRequest(multipart, "X-Atlassian-Token", "yes")
	jsonOrigin := withRequest(rec("POST", "/rest/api/2/search", contract.AuthSession, "", 403, "XSRF check failed", hdrs...), "Content-Type", "application/json")
	// The sandbox's answers (server/sandbox/xsrf.go), recorded through the proxy.
	chrome := "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
	browser := withRequest(rec("POST", "/rest/api/2/search", contract.AuthBasic, "fred", 403, "XSRF check failed", hdrs...),
		"Content-Type", "application/json", "X-Atlassian-Token", "no-check", "X-Jira-User-Agent", chrome)
	mozillaOnly := withRequest(jsonOrigin, "X-Jira-User-Agent", "Mozilla/5.0")
	basicAttachment := withRequest(rec("POST", "/rest/api/2/issue/TEST-1/attachments", contract.AuthBasic, "fred", 403, "XSRF check failed", hdrs...),
		"Content-Type", "multipart/form-data; boundary=x")
	noType := rec("POST", "/rest/auth/1/session", contract.AuthLogin, "fred", 403, "XSRF check failed", "x-arequestid", "1", "x-ausername", "anonymous")
	noType.RequestHeader = nil
	runDiagnose(t, []diagCase{
		{name: "multipart with cookie", x: multipart, level: LevelBad, title: "X-Atlassian-Token: no-check",
			want: []string{"XSRF check failed", "multipart/form-data", "with a session cookie", "No way of logging in is exempt", "nocheck", "-u admin:admin"},
			not:  []string{"Seed 001 says"}},
		{name: "attachment with basic auth", x: basicAttachment, level: LevelBad, title: "X-Atlassian-Token: no-check",
			want: []string{"with basic auth", "No way of logging in is exempt", "Seed 001 says a request with basic authentication needs no token", "older form-token rule"}},
		{name: "wrong token value", x: wrongToken, level: LevelBad, title: "X-Atlassian-Token must be no-check", want: []string{"X-Atlassian-Token: yes", "only no-check"}},
		{name: "browser user agent", x: browser, level: LevelBad, title: "browser's User-Agent",
			want: []string{chrome, "even with X-Atlassian-Token: no-check", "REST API calls with a browser User-Agent header may fail CSRF checks", "curl", "JiraAuthLab/"}},
		{name: "Mozilla alone is no browser", x: mozillaOnly, level: LevelBad, title: "not a form", not: []string{"browser's User-Agent ("}},
		{name: "Jira's XSRF error page, 200", x: rec("POST", "/login.jsp", contract.AuthNone, "", 200,
			"<html><head><title>XSRF Security Token Missing</title></head><body><!-- SecurityTokenMissing --><p>The form token is missing.</p></body></html>",
			"content-type", "text/html;charset=UTF-8", "x-arequestid", "1"),
			level: LevelBad, title: "XSRF Security Token Missing", want: []string{"atl_token", "curl -c jar -b jar", "200 does not mean it worked"}},
		{name: "no content type at all", x: noType, level: LevelBad, title: "form POST", want: []string{"no Content-Type at all", "(none)"}},
		{name: "json, no browser", x: jsonOrigin, level: LevelBad, title: "not a form", want: []string{"Origin", "application/json"}},
	})
}

func TestDiagnoseSessionResource(t *testing.T) {
	whoami := rec("GET", "/rest/auth/1/session", contract.AuthSession, "", 200,
		`{"self":"http://127.0.0.1:8090/rest/api/latest/user?username=fred","name":"fred","loginInfo":{"failedLoginCount":4,"loginCount":13,"lastFailedLoginTime":"2026-11-23T12:13:51.328+0000","previousLoginTime":"2026-11-23T12:13:46.030+0000"}}`,
		"content-type", jsonCT, "x-arequestid", "733x12x1", "x-asessionid", "iavg48c", "x-ausername", "fred")
	logout := rec("DELETE", "/rest/auth/1/session", contract.AuthSession, "", 204, "", "x-arequestid", "733x14x1", "x-ausername", "anonymous", "x-seraph-loginreason", "OUT")
	basicLogout := rec("DELETE", "/rest/auth/1/session", contract.AuthBasic, "fred", 204, "", "x-arequestid", "1", "x-ausername", "anonymous", "x-seraph-loginreason", "OUT")
	myself := rec("GET", "/rest/api/2/myself", contract.AuthPasted, "", 200,
		`{"self":"http://127.0.0.1:8090/rest/api/2/user?username=sso-user","key":"sso-user","name":"sso-user","emailAddress":"sso-user@example.com","displayName":"Sam S. O.","active":true}`,
		"content-type", jsonCT, "x-arequestid", "1", "x-ausername", "sso-user")
	runDiagnose(t, []diagCase{
		{name: "who am I", x: whoami, level: LevelOK, title: "You are fred: Jira recognised the session cookie",
			want: []string{"X-AUSERNAME", "X-ASESSIONID", "loginCount 13, failedLoginCount 4"}},
		{name: "logout", x: logout, level: LevelOK, title: "Logged out", lines: 1, want: []string{"204", "X-Seraph-LoginReason: OUT", "old cookie now gets Jira's 401"}},
		{name: "logout with basic auth", x: basicLogout, level: LevelOK, title: "Logged out", want: []string{"opened for this very request", "session resource"}},
		{name: "myself", x: myself, level: LevelOK, title: "You are Sam S. O. (sso-user): Jira recognised the pasted session cookie", want: []string{"sso-user@example.com"}},
		{name: "session GET with latest", x: func() contract.Exchange { x := whoami; x.Path = "/rest/auth/latest/session?x=1"; return x }(), level: LevelOK, title: "You are fred"},
	})
}

func TestDiagnoseBasicOK(t *testing.T) {
	myself := rec("GET", "/rest/api/2/myself", contract.AuthBasic, "fred", 200,
		`{"self":"http://127.0.0.1:8090/rest/api/2/user?username=fred","key":"fred","name":"fred","emailAddress":"fred@example.com","displayName":"Fred F. User","active":true,"timeZone":"Australia/Sydney"}`,
		"content-type", jsonCT, "x-arequestid", "733x32x1", "x-ausername", "fred", "x-seraph-loginreason", "OK")
	// A Jira 8.20 capture: a successful basic-auth request opens a session.
	withSession := myself
	withSession.ResponseHeader = append(append([]contract.Header(nil), myself.ResponseHeader...),
		contract.Header{Name: "x-asessionid", Value: "1dr4x7k"},
		contract.Header{Name: "x-jira-set-cookie", Value: "JSESSIONID=CEEF8F57701C09DCAB26601E9215EEA9; Path=/; HttpOnly, atlassian.xsrf.token=SERC-PL1D-E0NM-CWQF_813c_lin; Path=/"})
	issue := rec("GET", "/rest/api/2/issue/QA-31", contract.AuthBasic, "fred", 200, `{"key":"QA-31"}`, "content-type", jsonCT, "x-arequestid", "1", "x-ausername", "fred", "x-seraph-loginreason", "OK")
	runDiagnose(t, []diagCase{
		{name: "myself", x: myself, level: LevelOK, title: "You are Fred F. User (fred): Jira recognised the basic auth credentials",
			want: []string{"Authorization: Basic base64(user:password)", "not encryption", "HTTPS", "every request"},
			not:  []string{"opened a session"}},
		{name: "basic auth opens a session", x: withSession, level: LevelOK, title: "You are",
			want: []string{"opened a session for this request (X-ASESSIONID: 1dr4x7k)", "The lab keeps no cookie from basic auth"},
			not:  []string{"plain http://"}},
		{name: "issue", x: issue, level: LevelOK, title: "200 as fred", want: []string{"not encryption"}},
		{name: "plain http to a real Jira", x: onUpstream(issue, "prod", "http://jira.example.com"), level: LevelOK, title: "200", want: []string{"plain http://"}},
		{name: "policy with basic auth", x: rec("GET", "/rest/api/2/password/policy", contract.AuthBasic, "fred", 200, "[]", "x-arequestid", "1"), level: LevelOK, title: "disabled", want: []string{"not encryption"}},
		{name: "logout with basic auth", x: rec("DELETE", "/rest/auth/1/session", contract.AuthBasic, "fred", 204, "", "x-arequestid", "1"), level: LevelOK, title: "Logged out", want: []string{"not encryption"}},
		{name: "failed basic gets no note", x: rec("GET", "/rest/api/2/myself", contract.AuthBasic, "fred", 500, "", "x-arequestid", "1"), level: LevelBad, title: "500", not: []string{"not encryption"}},
	})
}

func TestDiagnoseJQL(t *testing.T) {
	bad := rec("POST", "/rest/api/2/search", contract.AuthBasic, "fred", 400,
		`{"errorMessages":["Error in the JQL Query: Expecting either a value, list or function but got '='. (line 1, character 8)"],"errors":{}}`,
		"content-type", jsonCT, "x-arequestid", "733x23x1", "x-ausername", "fred", "x-seraph-loginreason", "OK")
	anonQA := rec("POST", "/rest/api/2/search", contract.AuthNone, "", 400, `{"errorMessages":["The value 'QA' does not exist for the field 'project'."],"errors":{}}`,
		"content-type", jsonCT, "x-arequestid", "733x24x1", "x-ausername", "anonymous")
	fieldErr := rec("GET", "/rest/api/2/search?jql=x", contract.AuthSession, "", 400, `{"errorMessages":[],"errors":{"b":"second","a":"first"}}`, "x-arequestid", "1", "x-ausername", "fred")
	found := rec("GET", "/rest/api/2/search?jql=project=TEST&maxResults=1", contract.AuthNone, "", 200, `{"startAt":0,"maxResults":1,"total":4,"issues":[{"key":"TEST-4"}]}`,
		"content-type", jsonCT, "x-arequestid", "733x25x1", "x-ausername", "anonymous")
	runDiagnose(t, []diagCase{
		{name: "syntax", x: bad, level: LevelWarn, title: "JQL", want: []string{"Error in the JQL Query: Expecting either a value, list or function but got '='."}},
		{name: "invisible value, logged in", x: withUser(anonQA, contract.AuthBasic, "fred"), level: LevelWarn, title: "JQL", want: []string{"The value 'QA' does not exist for the field 'project'.", "anonymous"}},
		{name: "field errors sorted", x: fieldErr, level: LevelWarn, title: "JQL", want: []string{"a: first / b: second"}},
		{name: "anonymous results", x: found, level: LevelInfo, title: "You are not logged in: Jira ran this request as anonymous", want: []string{"found 4 issues", "what anonymous users may browse"}},
	})
}

func TestDiagnosePasswordPolicy(t *testing.T) {
	ph := []string{"content-type", jsonCT, "x-arequestid", "733x19x1", "x-ausername", "anonymous"}
	rules := rec("GET", "/rest/api/2/password/policy?hasOldPassword=false", contract.AuthNone, "", 200,
		`["The password must have at least 10 characters.","The password must not be similar to the user's name or email address."]`, ph...)
	disabled := rec("GET", "/rest/api/2/password/policy?hasOldPassword=true", contract.AuthNone, "", 200, `[]`, ph...)
	refused := rec("POST", "/rest/api/2/password/policy/createUser", contract.AuthNone, "", 200,
		`["The password must have at least 10 characters.","The password must contain at least 1 special character."]`, ph...)
	passes := rec("POST", "/rest/api/2/password/policy/updateUser", contract.AuthNone, "", 200, "[]\n", ph...)
	missing := rec("POST", "/rest/api/2/password/policy/createUser", contract.AuthNone, "", 400, `{"errorMessages":["The username is required."],"errors":{}}`, ph...)
	noUser := rec("POST", "/rest/api/2/password/policy/updateUser", contract.AuthNone, "", 404, `{"errorMessages":["The user named 'nobody' does not exist."],"errors":{}}`, ph...)
	runDiagnose(t, []diagCase{
		{name: "rules", x: rules, level: LevelInfo, title: "2 rules", want: []string{"The password must have at least 10 characters.", "The password must not be similar to the user's name or email address."}},
		{name: "disabled", x: disabled, level: LevelOK, title: "policy is disabled", want: []string{"[]"}},
		{name: "refused", x: refused, level: LevelWarn, title: "would refuse this password: 2 reasons", want: []string{"The password must contain at least 1 special character."}},
		{name: "passes", x: passes, level: LevelOK, title: "passes", want: []string{"[]", "password policy"}},
		{name: "missing fields", x: missing, level: LevelWarn, title: "400", want: []string{"The username is required."}},
		{name: "unknown user", x: noUser, level: LevelWarn, title: "No such user", want: []string{"The user named 'nobody' does not exist."}},
	})
}

func TestDiagnoseCloud(t *testing.T) {
	cloud := func(x contract.Exchange) contract.Exchange {
		return onUpstream(x, "acme", "https://acme.atlassian.net")
	}
	login := cloud(rec("POST", "/rest/auth/1/session", contract.AuthLogin, "me@acme.com", 401, `{"errorMessages":["Login failed"],"errors":{}}`, "x-arequestid", "1", "x-seraph-loginreason", "AUTHENTICATED_FAILED"))
	token := cloud(rec("GET", "/rest/api/2/myself", contract.AuthBasic, "me@acme.com", 200, `{"name":"me","displayName":"Me"}`, "x-arequestid", "1", "x-ausername", "me"))
	session := cloud(rec("GET", "/rest/api/2/serverInfo", contract.AuthSession, "", 200, `{}`, "x-arequestid", "1", "x-ausername", "me"))
	down := cloud(rec("GET", "/rest/api/2/myself", contract.AuthNone, "", 0, ""))
	down.Err = "Failed to fetch"
	face := func(x contract.Exchange) contract.Exchange {
		x = onUpstream(x, "sandbox-cloud", sandboxURL+"/cloud")
		x.Sandbox = true
		return x
	}
	runDiagnose(t, []diagCase{
		{name: "face: account password refused", x: face(rec("GET", "/rest/api/3/myself", contract.AuthBasic, "fred@example.com", 401,
			"Basic authentication with passwords is deprecated.  For more information, see: https://developer.atlassian.com/cloud/confluence/deprecation-notice-basic-auth/\n")),
			level: LevelBad, title: "This is Jira Cloud: it takes no account password", want: []string{"API token", "e-mail"}},
		{name: "face: bearer refused", x: face(rec("GET", "/rest/api/2/myself", contract.AuthBearer, "", 403, `{"error": "Failed to parse Connect Session Auth Token"}`)),
			level: LevelBad, title: "Personal access tokens are for Jira Server and Data Center", want: []string{"403"}, not: []string{"answers Bearer with 401"}},
		{name: "face: search removed", x: face(rec("POST", "/rest/api/2/search", contract.AuthBasic, "fred@example.com", 410,
			`{"errorMessages":["The requested API has been removed. Please migrate to the /rest/api/3/search/jql API."],"errors":{}}`, "x-arequestid", "1")),
			level: LevelWarn, title: "/rest/api/3/search/jql", want: []string{"CHANGE-2046"}},
		{name: "face: wrong token answered as anonymous", x: face(rec("POST", "/rest/api/3/search/jql", contract.AuthBasic, "fred@example.com", 200,
			`{"issues":[],"isLast":true}`, "x-arequestid", "1", "x-seraph-loginreason", "AUTHENTICATED_FAILED")),
			level: LevelBad, title: "answered as anonymous", want: []string{"/myself"}},
		{name: "face: a token that works is no story", x: face(rec("GET", "/rest/api/3/myself", contract.AuthBasic, "fred@example.com", 200,
			`{"accountId":"712020:1","displayName":"Fred"}`, "x-arequestid", "1", "x-aaccountid", "712020:1")),
			level: LevelOK, title: "You are Fred (712020:1)", want: []string{"X-AACCOUNTID: 712020:1"}, not: []string{"anonymous"}},
		{name: "password login", x: login, level: LevelBad, title: "no session login for scripts", want: []string{"acme.atlassian.net", "API token", "Basic auth for REST APIs", "e-mail"}},
		{name: "basic with token works", x: token, level: LevelOK, title: "You are Me", want: []string{"Jira Cloud (acme.atlassian.net)"}},
		{name: "session raises to warn", x: session, level: LevelWarn, title: "200", want: []string{"atlassian.net"}},
		{name: "even when offline", x: down, level: LevelBad, title: "did not answer", want: []string{"atlassian.net"}},
		{name: "upper case and port", x: onUpstream(token, "acme", "https://ACME.Atlassian.NET:443/"), level: LevelOK, title: "You are", want: []string{"acme.atlassian.net"}},
		{name: "not cloud", x: onUpstream(token, "x", "https://atlassian.net.evil.example"), level: LevelOK, title: "You are", not: []string{"Jira Cloud"}},
	})
}

func TestDiagnoseGeneric(t *testing.T) {
	runDiagnose(t, []diagCase{
		{name: "unknown path", x: rec("GET", "/rest/api/2/nothing", contract.AuthNone, "", 404, `{"errorMessages":["null for uri: http://127.0.0.1:8090/rest/api/2/nothing"],"errors":{}}`, "x-arequestid", "733x26x1", "x-ausername", "anonymous"),
			level: LevelWarn, title: "404", want: []string{"null for uri", "context path"}},
		{name: "no permission", x: rec("GET", "/rest/api/2/application-properties", contract.AuthBasic, "fred", 403, `{"errorMessages":["You are not an administrator: this resource needs the Jira Administrators permission."],"errors":{}}`,
			"x-arequestid", "733x30x1", "x-ausername", "fred", "x-seraph-loginreason", "OK"),
			level: LevelBad, title: "fred may not do this", want: []string{"Jira Administrators permission"}},
		{name: "method", x: rec("PUT", "/rest/api/2/myself", contract.AuthBasic, "fred", 405, `{"errorMessages":["Method PUT is not allowed for /rest/api/2/myself."],"errors":{}}`, "x-arequestid", "1", "allow", "GET, HEAD"),
			level: LevelWarn, title: "PUT", want: []string{"Allowed methods: GET, HEAD"}},
		{name: "redirect", x: rec("GET", "/", contract.AuthNone, "", 302, "", "x-arequestid", "1", "x-jira-location", "http://127.0.0.1:8090/secure/Dashboard.jspa"),
			level: LevelInfo, title: "redirect to http://127.0.0.1:8090/secure/Dashboard.jspa", want: []string{"X-Jira-Location"}},
		{name: "login redirect", x: rec("GET", "/secure/x", contract.AuthNone, "", 302, "", "x-arequestid", "1", "x-jira-location", "/login.jsp?os_destination=x"),
			level: LevelInfo, title: "redirect", want: []string{"browser login"}},
		{name: "server error", x: rec("GET", "/rest/api/2/myself", contract.AuthNone, "", 500, `{"errorMessages":["Internal server error"],"errors":{}}`, "x-arequestid", "1"),
			level: LevelBad, title: "500", want: []string{"Internal server error", "not an authentication problem"}},
		{name: "unavailable, html", x: rec("GET", "/rest/api/2/myself", contract.AuthNone, "", 503, `<html>down</html>`, "x-arequestid", "1"),
			level: LevelBad, title: "503", want: []string{"try again later"}, not: []string{"<html>"}},
		{name: "plain text 4xx", x: rec("GET", "/rest/api/2/myself", contract.AuthNone, "", 418, "I'm a teapot", "x-arequestid", "1"),
			level: LevelWarn, title: "418", want: []string{"Jira says: I'm a teapot"}},
		{name: "sso page sets a cookie", x: rec("POST", "/plugins/servlet/sso/login", contract.AuthNone, "sso-user", 200, "<html>", "x-arequestid", "1", "x-ausername", "sso-user", "x-jira-set-cookie", "JSESSIONID=AB; Path=/; HttpOnly"),
			level: LevelOK, title: "200 as sso-user", want: []string{"JSESSIONID=AB; Path=/; HttpOnly"}},
		{name: "sandbox control", x: rec("POST", "/_sandbox/captcha/reset", contract.AuthNone, "", 200, `{"username":"fred","captchaRequired":false}`, "x-arequestid", "1"),
			level: LevelOK, title: "sandbox did it"},
		{name: "sandbox control refused", x: rec("POST", "/_sandbox/captcha/reset", contract.AuthNone, "", 404, `{"errorMessages":["The user named 'x' does not exist."],"errors":{}}`, "x-arequestid", "1"),
			level: LevelWarn, title: "refused", want: []string{"The user named 'x' does not exist."}},
		{name: "odd status", x: rec("GET", "/", contract.AuthNone, "", 101, "", "x-arequestid", "1"), level: LevelInfo, title: "101"},
		{name: "many messages", x: rec("GET", "/x", contract.AuthNone, "", 400, `{"errorMessages":["1","2","3","4","5","6","7","8"],"errors":{}}`, "x-arequestid", "1"),
			level: LevelWarn, title: "400", want: []string{"6 / … and more"}, not: []string{"7"}},
		{name: "empty exchange", x: contract.Exchange{}, level: LevelBad, title: "did not answer"},
	})
}

func FuzzDiagnose(f *testing.F) {
	f.Add(0, "", "", "", "", "", 0, "")
	f.Add(200, "POST", "/rest/auth/1/session", "X-Jira-Set-Cookie", "JSESSIONID=A; Path=/; HttpOnly, b=c; Expires=Wed, 21 Oct 2026 07:28:00 GMT", `{"session":{"name":"JSESSIONID","value":"A"},"loginInfo":{"loginCount":1.5,"failedLoginCount":"x"}}`, int(contract.AuthLogin), "https://acme.atlassian.net")
	f.Add(403, "POST", "/rest/auth/1/session", "X-Authentication-Denied-Reason", "CAPTCHA_CHALLENGE; login-url=", `{"errorMessages":["Login denied"],"errors":{}}`, int(contract.AuthLogin), sandboxURL)
	f.Add(401, "GET", "/rest/api/2/myself", "X-Seraph-LoginReason", "AUTHENTICATED_FAILED", "Basic Authentication Failure - Reason : AUTHENTICATED_FAILED", int(contract.AuthBasic), sandboxURL)
	f.Add(401, "GET", "/rest/api/2/myself", "X-AUSERNAME", "anonymous", notAuthMsg, int(contract.AuthSession), sandboxURL)
	f.Add(403, "POST", "/rest/api/2/issue/TEST-1/attachments", "X-AUSERNAME", "fred", "XSRF check failed", int(contract.AuthSession), sandboxURL)
	f.Add(502, "GET", "/x", "Content-Type", "application/json", `{"error":"upstream_tls","detail":"x"}`, int(contract.AuthNone), "::bad url")
	f.Add(200, "POST", "/rest/api/2/password/policy/createUser", "", "", `["a",1,null]`, int(contract.AuthNone), sandboxURL)
	f.Add(400, "GET", "/rest/api/2/search?", "", "", `{"errorMessages":null,"errors":{"a":{"b":[1]}}}`, 99, "")
	f.Add(204, "DELETE", "/rest/auth/latest/session/", "X-Seraph-LoginReason", "OUT", "", int(contract.AuthBearer), "")
	f.Fuzz(func(t *testing.T, status int, method, path, hname, hvalue, body string, auth int, base string) {
		x := contract.Exchange{Method: method, Path: path, Status: status, Auth: contract.AuthKind(auth), TargetURL: base, Sandbox: auth%2 == 0,
			Username: hvalue, ResponseBody: body, Err: body,
			ResponseHeader: []contract.Header{{Name: hname, Value: hvalue}, {Name: "X-AREQUESTID", Value: "1"}},
			RequestHeader:  []contract.Header{{Name: "X-Jira-Cookie", Value: hvalue}, {Name: "Content-Type", Value: hname}}}
		// x's own copies as its history: a login after failures, after a
		// logout, on the same Jira.
		d := Diagnose(x, []contract.Exchange{x, x, x})
		if d.Title == "" || len(d.Lines) == 0 {
			t.Fatalf("Diagnose(%+v) = %+v; want a title and a line", x, d)
		}
		if d.LoginURL != "" && !strings.HasPrefix(strings.ToLower(d.LoginURL), "http") {
			t.Fatalf("Diagnose(%+v).LoginURL = %q; want an http(s) URL or none", x, d.LoginURL)
		}
		if d.OfferCaptchaReset && (!x.Sandbox || d.CaptchaUser == "") {
			t.Fatalf("Diagnose(%+v) offers a CAPTCHA reset off the sandbox or for nobody", x)
		}
		// A proxy-shaped body without Jira's headers is also read.
		x.ResponseHeader = x.ResponseHeader[:1]
		if d := Diagnose(x, nil); d.Title == "" || len(d.Lines) == 0 {
			t.Fatalf("Diagnose(%+v) = %+v; want a title and a line", x, d)
		}
	})
}

// What issue 13 taught the diagnosis: the stories of a Jira as it really is.
func TestDiagnoseRealJira(t *testing.T) {
	invalidCookie := `<html><head><title>Unauthorized (401)</title></head><body><div class="aui-message aui-message-warning warning">
<p>Encountered a <code>&quot;401 - Unauthorized&quot;</code> error while loading this page.</p>
<p>os_authType was &#39;any&#39; and an invalid cookie was sent.</p>
<p><a href="http://127.0.0.1:8090/secure/MyJiraHome.jspa">Go to Jira home</a></p></div></body></html>`
	basicFailed := strings.Replace(invalidCookie, "os_authType was &#39;any&#39; and an invalid cookie was sent.", "Basic Authentication Failure - Reason : AUTHENTICATED_FAILED", 1)
	expiredSearch := rec("POST", "/rest/api/2/search", contract.AuthSession, "", 401, invalidCookie, "content-type", "text/html;charset=UTF-8", "x-arequestid", "1", "x-ausername", "anonymous")
	ignored := rec("POST", "/rest/api/2/search", contract.AuthBasic, "fred", 200, `{"startAt":0,"maxResults":50,"total":0,"issues":[]}`, "x-arequestid", "1", "x-ausername", "anonymous")
	form := withRequest(rec("POST", "/rest/api/2/search", contract.AuthNone, "", 415, `{"errorMessages":["Unsupported media type: this resource reads application/json."],"errors":{}}`, "x-arequestid", "1"),
		"Content-Type", "application/x-www-form-urlencoded")
	runDiagnose(t, []diagCase{
		{name: "expired cookie on a search", x: expiredSearch, level: LevelWarn, title: "Your session ended",
			want: []string{"would otherwise have run as anonymous", "JRA-25405", "/rest/auth/", "os_authType was 'any' and an invalid cookie was sent."}, relogin: true},
		{name: "expired cookie elsewhere", x: rec("GET", "/rest/api/2/serverInfo", contract.AuthSession, "", 401, invalidCookie, "x-arequestid", "1", "x-ausername", "anonymous"),
			level: LevelWarn, title: "Your session ended", want: []string{"instead of quietly getting an anonymous answer"}, not: []string{"this search"}, relogin: true},
		{name: "credentials ignored", x: ignored, level: LevelWarn, title: "ignored your credentials",
			want: []string{"X-AUSERNAME: anonymous", "/rest/api/2/myself", "0 issues", "with basic auth"}},
		{name: "form body to a JSON resource", x: form, level: LevelWarn, title: "415",
			want: []string{"application/x-www-form-urlencoded", "curl -d", "Content-Type: application/json", "before the XSRF filter"}},
		{name: "basic auth refused, HTML page", x: rec("GET", "/rest/api/2/myself", contract.AuthBasic, "fred", 401, basicFailed,
			"content-type", "text/html;charset=UTF-8", "x-arequestid", "1", "x-ausername", "anonymous", "x-seraph-loginreason", "AUTHENTICATED_FAILED",
			"x-jira-www-authenticate", `OAuth realm="http%3A%2F%2F127.0.0.1%3A8090"`),
			level: LevelBad, title: "Basic auth refused", want: []string{"AUTHENTICATED_FAILED", "1 of 3 failed logins"}, not: []string{"<html>", "SSO"}},
		{name: "websudo, rest plugin body", x: rec("GET", "/rest/api/2/application-properties", contract.AuthSession, "", 401, `{"message":"This resource requires WebSudo.","status-code":401}`,
			"x-arequestid", "1", "x-ausername", "admin", "x-seraph-loginreason", "OK"),
			level: LevelWarn, title: "WebSudo", want: []string{"Jira says: This resource requires WebSudo."}},
		{name: "token used", x: rec("GET", "/rest/api/2/myself", contract.AuthBearer, "", 200, `{"name":"fred"}`, "x-arequestid", "1", "x-ausername", "fred"),
			level: LevelOK, title: "You are fred", want: []string{"Authorization: Bearer <token>", "e-mail:token", "Jira Cloud has no personal access tokens"}},
		{name: "bad token, rest plugin body", x: rec("GET", "/rest/api/2/myself", contract.AuthBearer, "", 401, `{"message":"Client must be authenticated to access this resource.","status-code":401}`,
			"x-arequestid", "1", "x-ausername", "anonymous", "x-seraph-loginreason", "AUTHENTICATED_FAILED"),
			level: LevelBad, title: "token was refused", want: []string{"Client must be authenticated to access this resource."}},
	})
}
