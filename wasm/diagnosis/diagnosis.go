// Package diagnosis reads one exchange with Jira in plain words: what
// happened, why, and what to do next. Its rules are one ordered list (see
// rules): the first that matches tells the exchange's story.
package diagnosis

import (
	"strconv"
	"strings"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/cookies"
	"jiraauthlab/wasm/jira"
)

// Level is how good or bad a diagnosis is; its String is a CSS class.
type Level int

// Diagnosis levels, from neutral to bad.
const (
	LevelInfo Level = iota
	LevelOK
	LevelWarn
	LevelBad
)

func (l Level) String() string {
	switch l {
	case LevelOK:
		return "ok"
	case LevelWarn:
		return "warn"
	case LevelBad:
		return "bad"
	}
	return "info"
}

// Diagnosis is one exchange read in plain words.
type Diagnosis struct {
	Rule              string // the name of the rule that told the story (tests, debugging)
	Level             Level
	Title             string   // one short sentence
	Lines             []string // plain-language explanation, each a sentence or two
	OfferCaptchaReset bool     // show the sandbox's CAPTCHA reset button (only on the sandbox)
	CaptchaUser       string   // whose CAPTCHA to reset
	OfferRelogin      bool     // the session ended: offer to log in again
	OfferSSO          bool     // an SSO account: point to the cookie paste / simulated SSO login
	// LoginURL is Jira's login page from X-Authentication-Denied-Reason's
	// login-url, where the user answers the CAPTCHA: an http(s) URL or "",
	// so the page may render it as a link.
	LoginURL string
	// RetryAfter is the seconds Jira's 429 asks to wait (Retry-After), for
	// the page's countdown; 0 when none.
	RetryAfter int
	// Session is the session a successful login created, read once from its
	// answer: the page sends Session.Cookie() from then on.
	Session *jira.Session
}

// Diagnose reads one exchange in plain words. earlier are the exchanges
// before it, newest first (the log's order, x not included): some stories
// depend on what came before — the failed logins that lead to CAPTCHA, a
// logout. Pure function, no I/O; it never panics, whatever the exchanges
// hold.
func Diagnose(x contract.Exchange, earlier []contract.Exchange) Diagnosis {
	r := reading{x: x, earlier: earlier, path: jira.PathOnly(x.Path), reason: jira.LoginReason(x.Header(jira.HeaderLoginReason))}
	for _, rule := range rules {
		if rule.when(&r) {
			r.d.Rule = rule.name
			rule.tell(&r)
			break
		}
	}
	r.finish()
	return r.d
}

// rule is one story an exchange can tell.
type rule struct {
	name string
	when func(*reading) bool // whether the exchange tells this story
	tell func(*reading)      // fills the diagnosis
}

// rules are tried in order and the first that matches tells the story:
// the order is the rule. The lab's own failures come first (the request
// never reached Jira), then the authentication stories, which hide behind
// any status, then what the resource itself answered.
var rules = []rule{
	{"fetch-failed", func(r *reading) bool { return r.x.Status == 0 }, (*reading).fetchFailed},
	{"proxy-error", (*reading).isProxyError, (*reading).proxyError},
	{"rate-limited", (*reading).isRateLimited, (*reading).rateLimited},
	{"cloud", (*reading).isCloudStory, (*reading).cloudStory},
	{"captcha", (*reading).isCaptcha, (*reading).captcha},
	{"basic-auth-disabled", (*reading).isBasicAuthDisabled, (*reading).basicAuthDisabled},
	{"xsrf", (*reading).isXSRF, (*reading).xsrf},
	{"login", func(r *reading) bool { return r.onSession("POST") && r.x.Status != 401 }, (*reading).login},
	{"unauthorized", func(r *reading) bool { return r.x.Status == 401 }, (*reading).unauthorized},
	{"logout", func(r *reading) bool { return r.onSession("DELETE") && r.x.Status == 204 }, (*reading).logout},
	{"whoami", func(r *reading) bool { return r.onSession("GET") && r.x.Status == 200 }, (*reading).whoami},
	{"not-logged-in", (*reading).isNotLoggedIn, (*reading).notLoggedIn},
	{"credentials-ignored", (*reading).credentialsIgnored, (*reading).anonymousAnswer},
	{"password-policy", (*reading).onPasswordPolicy, (*reading).passwordPolicy},
	{"myself", func(r *reading) bool { return strings.HasSuffix(r.path, "/myself") && r.x.Status == 200 }, (*reading).myself},
	{"bad-jql", func(r *reading) bool { return strings.HasSuffix(r.path, "/search") && r.x.Status == 400 }, (*reading).badJQL},
	{"sandbox-control", func(r *reading) bool { return strings.HasPrefix(r.path, "/_sandbox/") }, (*reading).control},
	{"by-status", func(*reading) bool { return true }, (*reading).byStatus},
}

// reading is one exchange being diagnosed.
type reading struct {
	x       contract.Exchange
	earlier []contract.Exchange // the exchanges before x, newest first
	path    string              // x.Path without the query
	reason  string              // X-Seraph-LoginReason, upper case
	d       Diagnosis
	// told: the story already explained X-Seraph-LoginReason in its own
	// words, so finish adds no generic line about it.
	told bool

	proxy *contract.ErrorBody // the proxy's own error answer, when it is one
}

func (r *reading) set(level Level, title string, lines ...string) {
	r.d.Level, r.d.Title = level, title
	r.d.Lines = append(r.d.Lines, lines...)
}

func (r *reading) add(lines ...string) { r.d.Lines = append(r.d.Lines, lines...) }

// onSession reports whether the exchange is method on the session resource.
func (r *reading) onSession(method string) bool {
	return jira.IsSessionPath(r.path) && r.x.Method == method
}

// fetchFailed: the browser never got an answer from the lab's server.
func (r *reading) fetchFailed() {
	r.set(LevelBad, "The lab's server did not answer, so Jira was never asked: check that the lab is still running.",
		"The request never reached Jira: the browser could not reach the lab's own server (the proxy) and said "+orNone(r.x.Err)+". Start the lab again (make run, or bin/jira-auth-lab) and reload this page; a lost network or a browser extension blocking the request looks the same.")
	if e := strings.ToLower(r.x.Err); strings.Contains(e, "deadline") || strings.Contains(e, "timeout") {
		r.add("The page gave up waiting: the lab's server did not answer in time.")
	}
}

// basicNote explains basic auth after it worked.
func (r *reading) basicNote() {
	x := r.x
	if x.Auth != contract.AuthBasic || x.Status < 200 || x.Status >= 300 || r.proxy != nil {
		return
	}
	if onCloud(x) {
		r.add("Basic auth sends Authorization: Basic base64(e-mail:api_token) with every request: an encoding, not encryption, so send it over HTTPS only; anyone who sees it holds the token until it is revoked.")
	} else {
		r.add("Basic auth sends Authorization: Basic base64(user:password) with every request: an encoding, not encryption, so send it over HTTPS only; Jira checks the password every time, and failures count towards CAPTCHA.")
	}
	if id := x.Header(jira.HeaderSessionID); id != "" || len(cookies.SetCookieLines(x.ResponseHeader)) > 0 {
		// A Jira 8.20 capture (JIRA-FACTS.md, "More real answers"): a
		// successful basic-auth request opens a session too.
		r.add("Jira also opened a session for this request (X-ASESSIONID: " + orNone(id) + "): a client that keeps cookies (curl -c/-b, requests.Session) sends its JSESSIONID next, and Jira then takes the cookie, not the password. The lab keeps no cookie from basic auth.")
	}
	if strings.HasPrefix(strings.ToLower(x.TargetURL), "http://") && !x.Sandbox {
		r.add("This Jira is reached over plain http://: the password crosses the network readable by anyone on the way.")
	}
}

// tokenNote says which token scheme goes with which Jira, the commonest
// confusion with tokens: Server/DC's personal access tokens are Bearer
// tokens (Atlassian, "Using Personal Access Tokens"); Cloud's API tokens go
// with the e-mail address in basic auth (Atlassian, "Basic auth for REST
// APIs").
func (r *reading) tokenNote() {
	if r.x.Auth != contract.AuthBearer || r.proxy != nil || r.x.Status == 0 || r.d.Rule == "cloud" {
		return
	}
	r.add("A personal access token (Jira Server and Data Center 8.14+) goes in Authorization: Bearer <token>, alone: no username. Jira Cloud has no personal access tokens — an API token from id.atlassian.com goes with your e-mail address in basic auth, Authorization: Basic base64(e-mail:token) — and answers Bearer with 403.")
}

// jiraSays adds Jira's error messages, or the start of a body that has none.
func (r *reading) jiraSays() {
	msgs := jira.Messages(r.x.ResponseBody)
	if len(msgs) > 6 {
		msgs = append(msgs[:6], "… and more (see the exchange log)")
	}
	if len(msgs) > 0 {
		r.add("Jira says: " + strings.Join(msgs, " / "))
		return
	}
	if reason := jira.ErrorPageReason(r.x.ResponseBody); reason != "" {
		r.add("Jira's error page says: " + reason)
		return
	}
	if b := strings.TrimSpace(r.x.ResponseBody); b != "" && !strings.HasPrefix(b, "<") && !strings.HasPrefix(b, "{") && !strings.HasPrefix(b, "[") {
		if len(b) > 200 {
			b = b[:200] + "…"
		}
		r.add("Jira says: " + strings.ToValidUTF8(b, ""))
	}
}

// finish adds what holds for any answer — the meaning of
// X-Seraph-LoginReason, when the story did not tell it, and Jira Cloud's
// rules — and makes sure the diagnosis has a title and a line.
func (r *reading) finish() {
	r.basicNote()
	r.tokenNote()
	r.rateNote()
	d := &r.d
	// OK says nothing the story does not: Jira took the credentials.
	if r.reason != "" && r.reason != jira.ReasonOK && r.x.Status != 0 && !r.told {
		d.Lines = append(d.Lines, seraphLine(r.reason))
	}
	if host, ok := jira.CloudHost(r.x.TargetURL); ok {
		d.Lines = append(d.Lines, "This Jira is Jira Cloud ("+host+"): its REST API does not accept cookie sessions from POST /rest/auth/1/session or account passwords — use your email address and an API token with basic auth (Authorization: Basic base64(email:api_token), curl --user 'email@example.com:<api_token>'; Atlassian, “Basic auth for REST APIs”).")
		switch r.x.Auth {
		case contract.AuthLogin, contract.AuthSession, contract.AuthPasted:
			if d.Level < LevelWarn {
				d.Level = LevelWarn
			}
		}
	}
	if d.Title == "" {
		d.Title = "Jira answered " + strconv.Itoa(r.x.Status) + "."
	}
	if len(d.Lines) == 0 {
		d.Lines = []string{"The exchange log below shows the complete answer: status, every header and the body."}
	}
}

// seraphLine explains one X-Seraph-LoginReason value.
func seraphLine(reason string) string {
	h := "X-Seraph-LoginReason: " + reason + " — "
	switch reason {
	case jira.ReasonOK:
		return h + "Jira checked the credentials of this request and accepted them."
	case jira.ReasonFailed:
		return h + failedMeaning
	case jira.ReasonDenied:
		return h + "Jira refused the login without checking the password, most often because CAPTCHA is required."
	case jira.ReasonAuthorisation:
		return h + "the user is known, but may not use this resource: a permission problem, not a password problem."
	case jira.ReasonOut:
		return h + "the user has logged out; the session is over."
	}
	return h + "a value the lab does not know; Jira sends it when authentication was attempted or matters."
}

// failedMeaning is what AUTHENTICATED_FAILED means, against the seeds'
// loose wording (JIRA-FACTS.md, "Common to every REST response").
const failedMeaning = "Jira checked the password and it did not match (or there is no such user); not \"rejected without checking the password\", as Atlassian's basic-auth example and ID-6351 loosely put it."

func containsAny(lines []string, sub string) bool {
	for _, l := range lines {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

// authWords say how a request authenticated: after "sent" (how), and as
// what Jira recognised (what).
var authWords = map[contract.AuthKind]struct{ how, what string }{
	contract.AuthNone:    {"anonymously", "no credentials"},
	contract.AuthSession: {"with a session cookie", "the session cookie"},
	contract.AuthPasted:  {"with a pasted session cookie", "the pasted session cookie"},
	contract.AuthBasic:   {"with basic auth", "the basic auth credentials"},
	contract.AuthBearer:  {"with a personal access token", "the personal access token"},
	contract.AuthLogin:   {"as a login (credentials in the body)", "the login"},
}

// authPhrase says how a request authenticated, after "sent".
func authPhrase(a contract.AuthKind) string {
	if w, ok := authWords[a]; ok {
		return w.how
	}
	return authWords[contract.AuthNone].how
}

// credentialPhrase names what Jira recognised.
func credentialPhrase(a contract.AuthKind) string {
	if w, ok := authWords[a]; ok {
		return w.what
	}
	return authWords[contract.AuthNone].what
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(none)"
	}
	return s
}

func orUser(s string) string {
	if strings.TrimSpace(s) == "" {
		return "the user"
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
