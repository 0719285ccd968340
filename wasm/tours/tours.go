// Package tours is the /learn page's content: one short guided tour per
// authentication flow of the seed documents (plus tokens and Cloud), each
// step with the lab page where it is done and a test that tells, from an
// exchange of the lab's log, whether the learner has done it. It is data and
// plain functions — no go-app, no syscall/js — so that `go test` checks every
// step against exchanges shaped as the lab's pages send them.
package tours

import (
	"strings"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/jira"
)

// Tour is one flow to learn.
type Tour struct {
	ID     string // stable: the page's element id is "tour-" + ID
	Flow   string // the flow's short name, the tour's heading
	Title  string // the title of the source document, as it names itself
	Source string // who published it, and where the title comes from
	Why    string // one line: why a learner wants this flow
	Steps  []Step
}

// Step is one thing to do in the lab, with the answer Jira gives.
type Step struct {
	Text string // one sentence, with the sandbox credentials to type
	// Page is the lab route where the step is done, Anchor the id of the
	// element to use there: the step links to Page#Anchor.
	Page, Anchor string
	Label        string // the link's words
	// Want is the exchange that does the step. The steps are data, not a
	// function each: thirty closures, each inlining the path and face
	// checks, grew the brotli wasm by 13 kB; this data and one matcher by 4.
	Want Want
}

// Want describes the exchanges that do a step. A zero field asks nothing,
// but Cloud: false asks for a Jira Server or Data Center.
type Want struct {
	Cloud  bool   // the Jira is Cloud; else Server or Data Center
	Method string // the request method
	// Path is the path from /rest/ on (or the whole path outside REST),
	// without the query; a trailing "*" makes it a prefix.
	Path   string
	Status int
	Auth   Auth   // how the lab authenticated the request
	Scheme string // the scheme of the Authorization header, e.g. "Basic"
	User   string // whose credentials were sent (the login body or basic auth)
	Reason string // Jira's X-Seraph-LoginReason in the answer
	Check  Check  // a test the fields above cannot say
}

// Auth is a contract.AuthKind the step wants, AnyAuth for none in particular.
type Auth int

// AnyAuth: the step does not care how the request authenticated.
const AnyAuth Auth = 0

// AuthIs asks for the request to have authenticated as k.
func AuthIs(k contract.AuthKind) Auth { return Auth(k) + 1 }

// Check is a test of an exchange beyond Want's fields.
type Check int

// The checks of the steps that need one.
const (
	NoCheck          Check = iota
	XSRFRefused            // Jira's XSRF filter refused the request
	FormTokenPassed        // a request with X-Atlassian-Token: no-check got past that filter
	PasswordRefused        // a password check listed reasons
	PasswordAccepted       // a password check answered [] (no reason to refuse)
	BasicDisabled          // basic auth refused because an administrator switched it off
	RateCounted            // an answer counted by Data Center's rate limiting
)

// Done reports whether the exchange x does the step.
func (s Step) Done(x contract.Exchange) bool { return s.Want.Match(x) }

// Match reports whether the exchange x is one w describes. An exchange
// that got no answer (Status 0) never is.
func (w Want) Match(x contract.Exchange) bool {
	if x.Status == 0 || cloud(x) != w.Cloud ||
		w.Method != "" && x.Method != w.Method ||
		w.Status != 0 && x.Status != w.Status ||
		w.Auth != AnyAuth && x.Auth != contract.AuthKind(w.Auth-1) ||
		w.User != "" && !strings.EqualFold(x.Username, w.User) ||
		w.Reason != "" && x.Header(jira.HeaderLoginReason) != w.Reason {
		return false
	}
	if w.Path != "" {
		p := restPath(x)
		if prefix, ok := strings.CutSuffix(w.Path, "*"); ok {
			if !strings.HasPrefix(p, prefix) {
				return false
			}
		} else if p != w.Path {
			return false
		}
	}
	if w.Scheme != "" {
		s, _, ok := strings.Cut(strings.TrimSpace(x.SentHeader("Authorization")), " ")
		if !ok || !strings.EqualFold(s, w.Scheme) {
			return false
		}
	}
	switch w.Check {
	case XSRFRefused:
		// The body of XsrfCheckFailedException, 403 since REST 3.0
		// (JIRA-FACTS.md, "Form token / XSRF").
		return x.Status == 403 && strings.Contains(x.ResponseBody, "XSRF check failed")
	case FormTokenPassed:
		return passedFormToken(x)
	case PasswordRefused:
		return !emptyArray(x.ResponseBody)
	case PasswordAccepted:
		return emptyArray(x.ResponseBody)
	case BasicDisabled:
		// The 403 of a Data Center with basic auth switched off (codeclou.io,
		// "Disabling Basic Auth in Jira Data Center", a curl -i against 8.16).
		return x.Status == 403 && strings.Contains(x.ResponseBody, "Basic Authentication has been disabled")
	case RateCounted:
		// Data Center's rate limiting names what is left on every counted
		// answer (Atlassian, "Adjusting your code for rate limiting").
		return x.Status < 300 && x.Header("X-RateLimit-Remaining") != ""
	}
	return true
}

// Progress reports, for each step of t, whether one of the exchanges does
// it: a step is ticked however the learner got there (a guided page, the
// console, a curl command pasted in), in any order.
func (t Tour) Progress(log []contract.Exchange) []bool {
	done := make([]bool, len(t.Steps))
	for i, s := range t.Steps {
		for _, x := range log {
			if s.Done(x) {
				done[i] = true
				break
			}
		}
	}
	return done
}

// Count is how many steps are done.
func Count(done []bool) int {
	n := 0
	for _, d := range done {
		if d {
			n++
		}
	}
	return n
}

// Next is the first step not done yet, -1 when all are.
func Next(done []bool) int {
	for i, d := range done {
		if !d {
			return i
		}
	}
	return -1
}

// CloudTarget is the upstream name of the sandbox's Cloud face (CONTRACT.md,
// "Two faces of Jira").
const CloudTarget = "sandbox-cloud"

// Lab routes the steps link to (CONTRACT.md, "Pages and element ids"). The
// tours package cannot import the ui package (which imports it), so the
// routes are spelled here; a test of the ui package checks they exist.
const (
	pageSession  = "/session"
	pageBasic    = "/basic"
	pagePassword = "/password"
	pageToken    = "/token"
	pageConsole  = "/console"
	pageSandbox  = "/sandbox"
)

// All are the tours, in the order a newcomer meets the flows: the seeds'
// own order (000 basic auth, 001 cookie session, 002 the session resource,
// 003 the SSO user, 004 the password policy, 001's form token), then
// tokens and Cloud. The answers each step names are the sandbox's, which
// follow JIRA-FACTS.md and the seeds.
var All = []Tour{
	{
		ID:     "basic",
		Flow:   "Basic auth",
		Title:  "JIRA REST API Example - Basic Authentication",
		Source: "Atlassian's JIRA developer documentation",
		Why:    "The simplest way in: every request carries user:password, base64-encoded, and no cookie needs keeping.",
		Steps: []Step{
			{Text: "Send GET /rest/api/2/myself with basic auth as fred / fred: Jira answers 200 with fred's profile.",
				Page: pageBasic, Anchor: "basic-send", Label: "Basic auth: Send GET",
				Want: Want{Scheme: "Basic", Status: 200, Path: "/rest/api/*"}},
			{Text: "Change the path to /rest/api/2/issue/QA-31, the example of Atlassian's page, and send it with the same header.",
				Page: pageBasic, Anchor: "basic-path", Label: "Basic auth: Resource path",
				Want: Want{Scheme: "Basic", Status: 200, Path: "/rest/api/2/issue/QA-31"}},
			{Text: "Type a wrong password (fred / wrong) and send again: 401, with X-Seraph-LoginReason: AUTHENTICATED_FAILED.",
				Page: pageBasic, Anchor: "basic-password", Label: "Basic auth: Password",
				Want: Want{Scheme: "Basic", Status: 401, Reason: jira.ReasonFailed}},
		},
	},
	{
		ID:     "cookie",
		Flow:   "Cookie session",
		Title:  "Cookie-based auth for REST APIs",
		Source: "Atlassian's Jira developer documentation",
		Why:    "Log in once and send the session cookie instead of the password, as a browser does — and see it end.",
		Steps: []Step{
			{Text: "Log in as fred / fred: POST /rest/auth/1/session answers 200 with the session cookie, JSESSIONID.",
				Page: pageSession, Anchor: "login", Label: "Session: Log in",
				Want: Want{Method: "POST", Path: "/rest/auth/1/session", Status: 200}},
			{Text: "Press Search: POST /rest/api/2/search runs as fred because the lab sends Cookie: JSESSIONID=….",
				Page: pageSession, Anchor: "search", Label: "Session: Search",
				Want: Want{Path: "/rest/api/2/search", Auth: AuthIs(contract.AuthSession), Status: 200}},
			{Text: "Press Log out: DELETE /rest/auth/1/session answers 204 and Jira forgets the session.",
				Page: pageSession, Anchor: "logout", Label: "Session: Log out",
				Want: Want{Method: "DELETE", Path: "/rest/auth/1/session", Status: 204}},
			{Text: "Press Who am I again: the ended session's cookie gets 401.",
				Page: pageSession, Anchor: "whoami", Label: "Session: Who am I",
				Want: Want{Path: "/rest/*", Auth: AuthIs(contract.AuthSession), Status: 401}},
		},
	},
	{
		ID:     "session",
		Flow:   "The session resource",
		Title:  "REST API reference: session",
		Source: "Atlassian's Jira Service Management (Server) REST API reference",
		Why:    "One resource answers three questions: who is logged in (GET), log in (POST), log out (DELETE).",
		Steps: []Step{
			{Text: "Before logging in, press Who am I: GET /rest/auth/1/session answers 401 to an anonymous caller.",
				Page: pageSession, Anchor: "whoami", Label: "Session: Who am I",
				Want: Want{Method: "GET", Path: "/rest/auth/1/session", Auth: AuthIs(contract.AuthNone), Status: 401}},
			{Text: "Log in as admin / admin, then press Who am I: 200, with the user's name and login counts.",
				Page: pageSession, Anchor: "login", Label: "Session: Log in",
				Want: Want{Method: "GET", Path: "/rest/auth/1/session", Status: 200}},
			{Text: "Log in as unverified / unverified: 409, Jira's answer for an e-mail address not yet verified.",
				Page: pageSession, Anchor: "username", Label: "Session: Username",
				Want: Want{Method: "POST", Path: "/rest/auth/1/session", Status: 409}},
			{Text: "Fail three logins as fred, then log in right: 403 with X-Seraph-LoginReason: AUTHENTICATION_DENIED, CAPTCHA (the diagnosis's button resets it).",
				Page: pageSession, Anchor: "password", Label: "Session: Password",
				// Seeds 000 and 001: once CAPTCHA is triggered, REST logins
				// are refused without the password being checked.
				Want: Want{Method: "POST", Path: "/rest/auth/1/session", Status: 403, Reason: jira.ReasonDenied}},
		},
	},
	{
		ID:     "sso",
		Flow:   "SSO user",
		Title:  "REST API calls are returning '401 Unauthorized' after Atlassian Account is enabled in the instance",
		Source: "Atlassian's issue tracker, ID-6351",
		Why:    "An account that logs in through SSO has no Jira password: REST logins fail, but a browser session's cookie works.",
		Steps: []Step{
			{Text: "Log in as sso-user / sso-user: 401 with X-Seraph-LoginReason: AUTHENTICATED_FAILED, whatever the password.",
				Page: pageSession, Anchor: "login", Label: "Session: Log in",
				Want: Want{User: "sso-user", Status: 401, Reason: jira.ReasonFailed}},
			{Text: "Press Simulated SSO login: the lab walks the browser's SSO login and copies its cookie into the paste field.",
				Page: pageSession, Anchor: "sso-login", Label: "Session: Simulated SSO login",
				// The identity provider's form posts here (the sandbox's
				// /login.jsp links to it; ssoLogin in wasm/ui follows it).
				Want: Want{Method: "POST", Path: "/plugins/servlet/sso/login", Status: 200}},
			{Text: "Press Who am I: with the pasted cookie Jira answers 200 as sso-user.",
				Page: pageSession, Anchor: "whoami", Label: "Session: Who am I",
				Want: Want{Auth: AuthIs(contract.AuthPasted), Status: 200}},
		},
	},
	{
		ID:     "password",
		Flow:   "Password policy",
		Title:  "REST API reference: password",
		Source: "Atlassian's Jira Service Management (Server) REST API reference",
		Why:    "Ask Jira for its password rules, and check a password before creating a user, instead of guessing.",
		Steps: []Step{
			{Text: "Open the page: GET /rest/api/2/password/policy lists the rules in force.",
				Page: pagePassword, Anchor: "policy", Label: "Password policy: Rules",
				Want: Want{Method: "GET", Path: "/rest/api/2/password/policy", Status: 200}},
			{Text: "Type the username fred and the new password fred: Jira lists why it would refuse it.",
				Page: pagePassword, Anchor: "pw-new", Label: "Password policy: New password",
				Want: Want{Method: "POST", Path: "/rest/api/2/password/policy/*", Status: 200, Check: PasswordRefused}},
			{Text: "Type a strong one, such as Corr3ct-Horse-Battery: the answer is [], the password passes.",
				Page: pagePassword, Anchor: "pw-new", Label: "Password policy: New password",
				Want: Want{Method: "POST", Path: "/rest/api/2/password/policy/*", Status: 200, Check: PasswordAccepted}},
		},
	},
	{
		ID:     "form-token",
		Flow:   "Form token",
		Title:  "Form token checking",
		Source: "a section of Atlassian's \"Cookie-based auth for REST APIs\"",
		Why:    "Jira refuses a form-encoded POST — what another site could make a browser send — unless it says X-Atlassian-Token: no-check.",
		Steps: []Step{
			{Text: "In the console, send POST /rest/api/2/issue/QA-31/attachments with the headers Authorization: Basic ZnJlZDpmcmVk and Content-Type: multipart/form-data; boundary=x: 403, XSRF check failed.",
				Page: pageConsole, Anchor: "console-headers", Label: "Console: Headers",
				Want: Want{Check: XSRFRefused}},
			{Text: "Add the header line X-Atlassian-Token: no-check and send again: Jira lets it through (400, no file attached).",
				Page: pageConsole, Anchor: "console-send", Label: "Console: Send",
				Want: Want{Check: FormTokenPassed}},
		},
	},
	{
		ID:     "tokens",
		Flow:   "Personal access tokens",
		Title:  "Using Personal Access Tokens",
		Source: "Atlassian's Data Center documentation (Jira 8.14 and later)",
		Why:    "A script sends a token, not your password: Authorization: Bearer, revocable on its own.",
		Steps: []Step{
			{Text: "Create a token as fred / fred: POST /rest/pat/latest/tokens answers 201 with the secret, shown this once.",
				Page: pageToken, Anchor: "token-create", Label: "Tokens: Create token",
				Want: Want{Method: "POST", Path: "/rest/pat/latest/tokens", Status: 201}},
			{Text: "Press Use: GET /rest/api/2/myself with Authorization: Bearer <token> answers 200 as fred.",
				Page: pageToken, Anchor: "token-use", Label: "Tokens: Use",
				Want: Want{Scheme: "Bearer", Status: 200}},
			{Text: "Press Revoke: DELETE /rest/pat/latest/tokens/{id} answers 204.",
				Page: pageToken, Anchor: "token-revoke", Label: "Tokens: Revoke",
				Want: Want{Method: "DELETE", Path: "/rest/pat/latest/tokens/*", Status: 204}},
			{Text: "Press Use again: the revoked token gets 401.",
				Page: pageToken, Anchor: "token-use", Label: "Tokens: Use",
				Want: Want{Scheme: "Bearer", Status: 401}},
		},
	},
	{
		ID:     "cloud",
		Flow:   "Jira Cloud",
		Title:  "Basic auth for REST APIs",
		Source: "Atlassian's Jira Cloud developer documentation",
		Why:    "Jira Cloud refuses account passwords over REST: send your e-mail with an API token as the password.",
		Steps: []Step{
			{Text: "Choose sandbox-cloud in the Jira selector and send basic auth as fred@example.com / fred: 401, Cloud refuses account passwords.",
				Page: pageBasic, Anchor: "basic-send", Label: "Basic auth: Send GET",
				Want: Want{Cloud: true, Scheme: "Basic", Status: 401}},
			{Text: "On the Tokens page, create an API token for fred@example.com (as id.atlassian.com would): 201.",
				Page: pageToken, Anchor: "token-create", Label: "Tokens: Create token",
				// The sandbox's stand-in for id.atlassian.com (CONTRACT.md:
				// POST /cloud/_sandbox/api-tokens → 201 {"token":…}).
				Want: Want{Cloud: true, Method: "POST", Path: "/_sandbox/api-tokens", Status: 201}},
			{Text: "Press Use: GET /rest/api/2/myself (or 3) with basic auth fred@example.com:<token> answers 200.",
				Page: pageToken, Anchor: "token-use", Label: "Tokens: Use",
				Want: Want{Cloud: true, Scheme: "Basic", Status: 200, Path: "/rest/api/*"}},
			{Text: "In the console, send GET /rest/api/2/myself with the header Authorization: Bearer <token>: Cloud has no personal access tokens and answers 403.",
				Page: pageConsole, Anchor: "console-headers", Label: "Console: Headers",
				// "Failed to parse Connect Session Auth Token" (php-jira-rest-client issue 528).
				Want: Want{Cloud: true, Scheme: "Bearer", Status: 403}},
		},
	},
	{
		ID:     "basic-off",
		Flow:   "Basic auth switched off",
		Title:  "Disabling basic authentication",
		Source: "Atlassian's Data Center documentation (Jira 8.16 and later)",
		Why:    "A Data Center administrator may refuse passwords on API calls: scripts then need a token or a session.",
		Steps: []Step{
			{Text: "On the Sandbox page, untick basic auth (PUT /_sandbox/basic-auth): the sandbox now refuses passwords in basic auth, as such a Jira does.",
				Page: pageSandbox, Anchor: "sb-basic-auth", Label: "Sandbox: basic auth",
				Want: Want{Method: "PUT", Path: "/_sandbox/basic-auth", Status: 200}},
			{Text: "Send basic auth as fred / fred: 403, Basic Authentication has been disabled on this instance, before the password is even checked.",
				Page: pageBasic, Anchor: "basic-send", Label: "Basic auth: Send GET",
				Want: Want{Scheme: "Basic", Check: BasicDisabled}},
			{Text: "Create a personal access token and press Use: Bearer still works, so does the session login.",
				Page: pageToken, Anchor: "token-use", Label: "Tokens: Use",
				Want: Want{Scheme: "Bearer", Status: 200}},
		},
	},
	{
		ID:     "rate-limit",
		Flow:   "Rate limits",
		Title:  "Improving instance stability with rate limiting",
		Source: "Atlassian's Data Center documentation (Jira 8.6 and later)",
		Why:    "A busy script meets 429: it must read Retry-After and back off, not hammer Jira.",
		Steps: []Step{
			{Text: "On the Sandbox page, tick rate limiting (PUT /_sandbox/rate-limit) with a small bucket, say 3 requests.",
				Page: pageSandbox, Anchor: "sb-rate-limit", Label: "Sandbox: rate limiting",
				Want: Want{Method: "PUT", Path: "/_sandbox/rate-limit", Status: 200}},
			{Text: "Send basic auth as fred / fred: the answer counts, and X-RateLimit-Remaining says how many are left.",
				Page: pageBasic, Anchor: "basic-send", Label: "Basic auth: Send GET",
				Want: Want{Check: RateCounted}},
			{Text: "Send again until Jira answers 429 with Retry-After: the diagnosis counts the seconds down.",
				Page: pageBasic, Anchor: "basic-send", Label: "Basic auth: Send GET",
				Want: Want{Status: 429}},
		},
	},
}

// basePath is the exchange's path without its query.
func basePath(x contract.Exchange) string {
	p, _, _ := strings.Cut(x.Path, "?")
	return p
}

// restPath is the path from /rest/ on, without the query: Jira under a
// context path (the seeds' /jira, which the sandbox also answers) is the
// same resource.
func restPath(x contract.Exchange) string {
	p := basePath(x)
	if i := strings.Index(p, "/rest/"); i > 0 {
		return p[i:]
	}
	return p
}

// cloud reports whether the exchange went to a Jira Cloud: the sandbox's
// Cloud face, or a site on atlassian.net (where every Cloud site lives).
func cloud(x contract.Exchange) bool { return jira.IsCloud(x.TargetURL, x.Sandbox) }

// emptyArray reports whether a JSON body is the empty array, Jira's "no
// reason to refuse" (seed 004).
func emptyArray(body string) bool {
	b := strings.TrimSpace(body)
	if !strings.HasPrefix(b, "[") || !strings.HasSuffix(b, "]") {
		return false
	}
	return strings.TrimSpace(b[1:len(b)-1]) == ""
}

// passedFormToken reports whether a mutating request that carried
// X-Atlassian-Token: no-check got past Jira's XSRF filter: the resource
// itself answered. The filter runs after authentication and Jersey's media
// type match (401 and 415 come first) and refuses with 403
// (JIRA-FACTS.md, "Form token / XSRF"); Jira's own answers carry
// X-AREQUESTID, the proxy's errors do not.
func passedFormToken(x contract.Exchange) bool {
	switch x.Method {
	case "POST", "PUT", "DELETE", "PATCH":
	default:
		return false
	}
	// XsrfHeaderValidator accepts "no-check" and the deprecated "nocheck".
	t := strings.ToLower(strings.TrimSpace(x.SentHeader(jira.HeaderToken)))
	if t != "no-check" && t != "nocheck" {
		return false
	}
	switch x.Status {
	case 401, 403, 405, 413, 415, 429:
		return false
	}
	return x.Status < 500 && x.Header(jira.HeaderRequestID) != ""
}
