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
	// Done reports whether an exchange of the log does this step.
	Done func(x contract.Exchange) bool
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
)

// All are the tours, in the order a newcomer meets the flows: the seeds'
// own order (000 basic auth, 001 cookie session, 002 the session resource,
// 003 the SSO user, 004 the password policy, 001's form token), then
// tokens and Cloud.
var All = []Tour{
	{
		ID:     "basic",
		Title:  "JIRA REST API Example - Basic Authentication",
		Source: "Atlassian's JIRA developer documentation",
		Why:    "The simplest way in: every request carries user:password, base64-encoded, and no cookie needs keeping.",
		Steps: []Step{
			{Text: "Send GET /rest/api/2/myself with basic auth as fred / fred: Jira answers 200 with fred's profile.",
				Page: pageBasic, Anchor: "basic-send", Label: "Basic auth: Send GET",
				Done: func(x contract.Exchange) bool {
					return server(x) && basicAuth(x) && x.Status == 200 && strings.HasPrefix(restPath(x), "/rest/api/")
				}},
			{Text: "Change the path to /rest/api/2/issue/QA-31, the seed's own example, and send it with the same header.",
				Page: pageBasic, Anchor: "basic-path", Label: "Basic auth: Resource path",
				Done: func(x contract.Exchange) bool {
					return server(x) && basicAuth(x) && x.Status == 200 && strings.HasPrefix(restPath(x), "/rest/api/2/issue/QA-31")
				}},
			{Text: "Type a wrong password (fred / wrong) and send again: 401, with X-Seraph-LoginReason: AUTHENTICATED_FAILED.",
				Page: pageBasic, Anchor: "basic-password", Label: "Basic auth: Password",
				Done: func(x contract.Exchange) bool {
					return server(x) && basicAuth(x) && x.Status == 401
				}},
		},
	},
	{
		ID:     "cookie",
		Title:  "Cookie-based auth for REST APIs",
		Source: "Atlassian's Jira developer documentation",
		Why:    "Log in once and send the session cookie instead of the password, as a browser does — and see it end.",
		Steps: []Step{
			{Text: "Log in as fred / fred: POST /rest/auth/1/session answers 200 with the session cookie, JSESSIONID.",
				Page: pageSession, Anchor: "login", Label: "Session: Log in",
				Done: func(x contract.Exchange) bool {
					return server(x) && x.Method == "POST" && restPath(x) == "/rest/auth/1/session" && x.Status == 200
				}},
			{Text: "Press Search: POST /rest/api/2/search runs as fred because the lab sends Cookie: JSESSIONID=….",
				Page: pageSession, Anchor: "search", Label: "Session: Search",
				Done: func(x contract.Exchange) bool {
					p := restPath(x)
					return server(x) && x.Auth == contract.AuthSession && x.Status == 200 &&
						strings.HasPrefix(p, "/rest/api/") && (strings.HasSuffix(p, "/search") || strings.HasSuffix(p, "/myself"))
				}},
			{Text: "Press Log out: DELETE /rest/auth/1/session answers 204 and Jira forgets the session.",
				Page: pageSession, Anchor: "logout", Label: "Session: Log out",
				Done: func(x contract.Exchange) bool {
					return server(x) && x.Method == "DELETE" && restPath(x) == "/rest/auth/1/session" && x.Status == 204
				}},
			{Text: "Press Who am I again: the ended session's cookie gets 401.",
				Page: pageSession, Anchor: "whoami", Label: "Session: Who am I",
				Done: func(x contract.Exchange) bool {
					return server(x) && x.Auth == contract.AuthSession && x.Status == 401 && strings.HasPrefix(restPath(x), "/rest/")
				}},
		},
	},
	{
		ID:     "session",
		Title:  "REST API reference: session",
		Source: "Atlassian's Jira Service Management (Server) REST API reference",
		Why:    "One resource answers three questions: who is logged in (GET), log in (POST), log out (DELETE).",
		Steps: []Step{
			{Text: "Before logging in, press Who am I: GET /rest/auth/1/session answers 401 to an anonymous caller.",
				Page: pageSession, Anchor: "whoami", Label: "Session: Who am I",
				Done: func(x contract.Exchange) bool {
					return server(x) && x.Method == "GET" && restPath(x) == "/rest/auth/1/session" && x.Auth == contract.AuthNone && x.Status == 401
				}},
			{Text: "Log in as admin / admin, then press Who am I: 200, with the user's name and login counts.",
				Page: pageSession, Anchor: "login", Label: "Session: Log in",
				Done: func(x contract.Exchange) bool {
					return server(x) && x.Method == "GET" && restPath(x) == "/rest/auth/1/session" && x.Status == 200
				}},
			{Text: "Log in as unverified / unverified: 409, Jira's answer for an e-mail address not yet verified.",
				Page: pageSession, Anchor: "username", Label: "Session: Username",
				Done: func(x contract.Exchange) bool {
					return server(x) && x.Method == "POST" && restPath(x) == "/rest/auth/1/session" && x.Status == 409
				}},
		},
	},
	{
		ID:     "sso",
		Title:  "REST API calls are returning '401 Unauthorized' after Atlassian Account is enabled in the instance",
		Source: "Atlassian's issue tracker, ID-6351",
		Why:    "An account that logs in through SSO has no Jira password: REST logins fail, but a browser session's cookie works.",
		Steps: []Step{
			{Text: "Log in as sso-user / sso-user: 401 with X-Seraph-LoginReason: AUTHENTICATED_FAILED, whatever the password.",
				Page: pageSession, Anchor: "login", Label: "Session: Log in",
				Done: func(x contract.Exchange) bool {
					return server(x) && strings.EqualFold(x.Username, "sso-user") && x.Status == 401
				}},
			{Text: "Press Simulated SSO login: the lab walks the browser's SSO login and copies its cookie into the paste field.",
				Page: pageSession, Anchor: "sso-login", Label: "Session: Simulated SSO login",
				Done: func(x contract.Exchange) bool {
					// The identity provider's form posts here (the sandbox's
					// /login.jsp links to it; ssoLogin in wasm/ui follows it).
					return server(x) && x.Method == "POST" && basePath(x) == "/plugins/servlet/sso/login" && x.Status == 200
				}},
			{Text: "Press Who am I: with the pasted cookie Jira answers 200 as sso-user.",
				Page: pageSession, Anchor: "whoami", Label: "Session: Who am I",
				Done: func(x contract.Exchange) bool {
					return server(x) && x.Auth == contract.AuthPasted && x.Status == 200
				}},
		},
	},
	{
		ID:     "password",
		Title:  "REST API reference: password",
		Source: "Atlassian's Jira Service Management (Server) REST API reference",
		Why:    "Ask Jira for its password rules, and check a password before creating a user, instead of guessing.",
		Steps: []Step{
			{Text: "Open the page: GET /rest/api/2/password/policy lists the rules in force.",
				Page: pagePassword, Anchor: "policy", Label: "Password policy: Rules",
				Done: func(x contract.Exchange) bool {
					return server(x) && x.Method == "GET" && restPath(x) == "/rest/api/2/password/policy" && x.Status == 200
				}},
			{Text: "Type the username fred and the new password fred: Jira lists why it would refuse it.",
				Page: pagePassword, Anchor: "pw-new", Label: "Password policy: New password",
				Done: func(x contract.Exchange) bool { return policyCheck(x) && !emptyArray(x.ResponseBody) }},
			{Text: "Type a strong one, such as Corr3ct-Horse-Battery: the answer is [], the password passes.",
				Page: pagePassword, Anchor: "pw-new", Label: "Password policy: New password",
				Done: func(x contract.Exchange) bool { return policyCheck(x) && emptyArray(x.ResponseBody) }},
		},
	},
	{
		ID:     "form-token",
		Title:  "Form token checking",
		Source: "a section of Atlassian's \"Cookie-based auth for REST APIs\"",
		Why:    "Jira refuses a form-encoded POST — what another site could make a browser send — unless it says X-Atlassian-Token: no-check.",
		Steps: []Step{
			{Text: "In the console, send POST /rest/api/2/issue/QA-31/attachments with the headers Authorization: Basic ZnJlZDpmcmVk and Content-Type: multipart/form-data; boundary=x: 403, XSRF check failed.",
				Page: pageConsole, Anchor: "console-headers", Label: "Console: Headers",
				Done: func(x contract.Exchange) bool {
					return x.Status == 403 && strings.Contains(x.ResponseBody, "XSRF check failed")
				}},
			{Text: "Add the header line X-Atlassian-Token: no-check and send again: Jira lets it through (400, no file attached).",
				Page: pageConsole, Anchor: "console-send", Label: "Console: Send",
				Done: passedFormToken},
		},
	},
	{
		ID:     "tokens",
		Title:  "Using Personal Access Tokens",
		Source: "Atlassian's Data Center documentation (Jira 8.14 and later)",
		Why:    "A script sends a token, not your password: Authorization: Bearer, revocable on its own.",
		Steps: []Step{
			{Text: "Create a token as fred / fred: POST /rest/pat/latest/tokens answers 201 with the secret, shown this once.",
				Page: pageToken, Anchor: "token-create", Label: "Tokens: Create token",
				Done: func(x contract.Exchange) bool {
					return server(x) && x.Method == "POST" && restPath(x) == "/rest/pat/latest/tokens" && x.Status == 201
				}},
			{Text: "Press Use: GET /rest/api/2/myself with Authorization: Bearer <token> answers 200 as fred.",
				Page: pageToken, Anchor: "token-use", Label: "Tokens: Use",
				Done: func(x contract.Exchange) bool { return server(x) && scheme(x, "bearer") && x.Status == 200 }},
			{Text: "Press Revoke: DELETE /rest/pat/latest/tokens/{id} answers 204.",
				Page: pageToken, Anchor: "token-revoke", Label: "Tokens: Revoke",
				Done: func(x contract.Exchange) bool {
					return server(x) && x.Method == "DELETE" && strings.HasPrefix(restPath(x), "/rest/pat/latest/tokens/") && x.Status == 204
				}},
			{Text: "Press Use again: the revoked token gets 401.",
				Page: pageToken, Anchor: "token-use", Label: "Tokens: Use",
				Done: func(x contract.Exchange) bool { return server(x) && scheme(x, "bearer") && x.Status == 401 }},
		},
	},
	{
		ID:     "cloud",
		Title:  "Basic auth for REST APIs",
		Source: "Atlassian's Jira Cloud developer documentation",
		Why:    "Jira Cloud refuses account passwords over REST: send your e-mail with an API token as the password.",
		Steps: []Step{
			{Text: "Choose sandbox-cloud in the Jira selector and send basic auth as fred@example.com / fred: 401, Cloud refuses account passwords.",
				Page: pageBasic, Anchor: "basic-send", Label: "Basic auth: Send GET",
				Done: func(x contract.Exchange) bool { return cloud(x) && basicAuth(x) && x.Status == 401 }},
			{Text: "On the Tokens page, create an API token for fred@example.com (as id.atlassian.com would): 201.",
				Page: pageToken, Anchor: "token-create", Label: "Tokens: Create token",
				Done: func(x contract.Exchange) bool {
					// The sandbox's stand-in for id.atlassian.com (CONTRACT.md:
					// POST /cloud/_sandbox/api-tokens → 201 {"token":…}).
					return cloud(x) && x.Method == "POST" && strings.HasSuffix(basePath(x), "/_sandbox/api-tokens") && x.Status == 201
				}},
			{Text: "Press Use: basic auth fred@example.com:<token> on /rest/api/3/myself answers 200.",
				Page: pageToken, Anchor: "token-use", Label: "Tokens: Use",
				Done: func(x contract.Exchange) bool {
					return cloud(x) && basicAuth(x) && x.Status == 200 && strings.HasPrefix(restPath(x), "/rest/api/")
				}},
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
func cloud(x contract.Exchange) bool {
	if x.Target == CloudTarget {
		return true
	}
	host := x.TargetURL
	if _, rest, ok := strings.Cut(host, "://"); ok {
		host = rest
	}
	host, _, _ = strings.Cut(host, "/")
	host, _, _ = strings.Cut(host, ":")
	return strings.HasSuffix(strings.ToLower(host), ".atlassian.net")
}

// server reports whether the exchange went to a Jira Server or Data Center
// (anything that is not Cloud) and got an answer.
func server(x contract.Exchange) bool { return x.Status != 0 && !cloud(x) }

// scheme reports whether the request's Authorization header uses the
// scheme (lower case), e.g. "basic", "bearer". The lab's history masks the
// credentials but keeps the scheme.
func scheme(x contract.Exchange, name string) bool {
	v := strings.TrimSpace(x.SentHeader("Authorization"))
	s, _, ok := strings.Cut(v, " ")
	return ok && strings.EqualFold(s, name)
}

func basicAuth(x contract.Exchange) bool { return scheme(x, "basic") }

// policyCheck reports whether x is a password check of seed 004 that Jira
// answered: createUser or updateUser, 200 with the list of reasons.
func policyCheck(x contract.Exchange) bool {
	p := restPath(x)
	return server(x) && x.Method == "POST" && x.Status == 200 &&
		(p == "/rest/api/2/password/policy/createUser" || p == "/rest/api/2/password/policy/updateUser")
}

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
	case 0, 401, 403, 405, 413, 415, 429:
		return false
	}
	return server(x) && x.Status < 500 && x.Header(jira.HeaderRequestID) != ""
}
