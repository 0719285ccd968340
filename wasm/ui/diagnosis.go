package ui

import (
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"
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
	Level             Level
	Title             string   // one short sentence
	Lines             []string // plain-language explanation, each a sentence or two
	OfferCaptchaReset bool     // show the sandbox's CAPTCHA reset button (only on the sandbox)
	CaptchaUser       string   // whose CAPTCHA to reset
	OfferRelogin      bool     // the session ended: offer to log in again
	OfferSSO          bool     // an SSO account: point to the cookie paste / simulated SSO login
}

// Seraph's login reasons (X-Seraph-LoginReason), as Jira sends them.
const (
	reasonOK            = "OK"
	reasonFailed        = "AUTHENTICATED_FAILED"
	reasonDenied        = "AUTHENTICATION_DENIED"
	reasonAuthorisation = "AUTHORISATION_FAILED"
	reasonOut           = "OUT"
)

// Diagnose reads one exchange in plain words. Pure function, no I/O; it
// never panics, whatever the exchange holds.
func Diagnose(x Exchange) Diagnosis {
	r := reading{x: x, path: pathOnly(x.Path),
		reason: strings.ToUpper(strings.TrimSpace(x.Header("X-Seraph-LoginReason")))}
	r.diagnose()
	r.finish()
	return r.d
}

// reading is one exchange being diagnosed.
type reading struct {
	x      Exchange
	path   string // x.Path without the query
	reason string // X-Seraph-LoginReason, upper case
	d      Diagnosis

	proxied bool // the answer is the lab's proxy's own, not Jira's
}

func (r *reading) set(level Level, title string, lines ...string) {
	r.d.Level, r.d.Title = level, title
	r.d.Lines = append(r.d.Lines, lines...)
}

func (r *reading) add(lines ...string) { r.d.Lines = append(r.d.Lines, lines...) }

// diagnose picks the one story the exchange tells; the order matters: the
// lab's own failures first, then the authentication stories, then what the
// resource answered.
func (r *reading) diagnose() {
	x := r.x
	switch {
	case x.Status == 0:
		r.fetchFailed()
	case r.proxyError():
	case r.reason == reasonDenied || strings.Contains(strings.ToUpper(x.Header("X-Authentication-Denied-Reason")), "CAPTCHA"):
		r.captcha()
	case x.Status == 403 && strings.Contains(x.ResponseBody, "XSRF check failed"):
		r.xsrf()
	case isSessionPath(r.path) && x.Method == "POST" && x.Status != 401:
		r.login()
	case x.Status == 401:
		r.unauthorized()
	case isSessionPath(r.path) && x.Method == "DELETE" && x.Status == 204:
		r.logout()
	case isSessionPath(r.path) && x.Method == "GET" && x.Status == 200:
		r.whoami()
	case strings.Contains(r.path, "/rest/api/") && strings.Contains(r.path, "/password/policy"):
		r.passwordPolicy()
	case strings.HasSuffix(r.path, "/myself") && x.Status == 200:
		r.myself()
	case strings.HasSuffix(r.path, "/search") && x.Status == 400:
		r.set(LevelWarn, "Jira could not run the JQL query (400).")
		r.jiraSays()
		r.add("Jira's messages name the field, value or word it did not understand. A value the caller may not see counts as unknown: an anonymous search for a project anonymous cannot browse is an error, not an empty result.")
	case strings.HasPrefix(r.path, "/_sandbox/"):
		r.control()
	default:
		r.byStatus()
	}
}

// fetchFailed: the browser never got an answer from the lab's server.
func (r *reading) fetchFailed() {
	r.set(LevelBad, "The lab's server did not answer: the request never reached Jira.",
		"The browser could not reach the lab's own server (the proxy), so Jira was not asked at all. The browser said: "+orNone(r.x.Err)+".",
		"Is the lab still running? Start it again (make run, or bin/jira-auth-lab) and reload this page. A lost network connection, or a browser extension blocking the request, looks the same.")
	if e := strings.ToLower(r.x.Err); strings.Contains(e, "deadline") || strings.Contains(e, "timeout") {
		r.add("The page gave up waiting: the lab's server did not answer in time.")
	}
}

// proxyError diagnoses the proxy's own answers, {"error":code,"detail":...}
// (never Jira's: those carry Jira's X-AREQUESTID), and reports whether it did.
func (r *reading) proxyError() bool {
	x := r.x
	if x.Header("X-AREQUESTID") != "" {
		return false
	}
	var e struct {
		Code   *string `json:"error"`
		Detail *string `json:"detail"`
	}
	if json.Unmarshal([]byte(x.ResponseBody), &e) != nil || e.Code == nil || e.Detail == nil {
		return false
	}
	r.proxied = true
	code, detail := *e.Code, *e.Detail
	says := "The lab's proxy answered " + strconv.Itoa(x.Status) + " " + code + ": " + detail
	jira := "Jira (" + orNone(x.Target) + ", " + orNone(x.TargetURL) + ")"
	switch code {
	case "upstream_refused":
		r.set(LevelBad, "Jira could not be reached: the connection was refused.", says,
			"Nothing listens at "+orNone(x.TargetURL)+", or a firewall rejects the connection. Is "+jira+" running, and is the address and port right (-upstream NAME=URL)?")
		if x.Sandbox {
			r.add("This is the built-in sandbox: it is off when the lab was started with -sandbox-addr off, or it failed to start; restart the lab with make run.")
		}
	case "upstream_reset":
		r.set(LevelBad, "Jira could not be reached: the connection was closed without an answer.", says,
			"Something at "+orNone(x.TargetURL)+" accepted the connection and dropped it: often http:// pointed at an https port (or the reverse), a load balancer in between, or Jira restarting.")
	case "upstream_tls":
		r.set(LevelBad, "Jira could not be reached: the TLS (https) connection failed.", says,
			"When Jira's certificate comes from an internal CA, start the lab with -upstream-ca FILE (the CA's PEM file). -upstream-insecure skips the check altogether — only for a throw-away test server. Also check that the URL's host name is the one in the certificate, and that the port speaks https.")
	case "upstream_unreachable", "upstream_error":
		r.set(LevelBad, "Jira could not be reached.", says,
			"Check the host name and port of "+orNone(x.TargetURL)+" (-upstream NAME=URL), your network or VPN, and HTTPS_PROXY / NO_PROXY if a proxy is needed to get there. An answer that is not HTTP at all means the port belongs to something else.")
	case "upstream_timeout":
		r.set(LevelBad, "Jira is too slow: the proxy gave up waiting (504).", says,
			"Either Jira is overloaded or starting, or a firewall silently drops the connection. The proxy waits -upstream-timeout (30s by default) for Jira's response headers, and less for connecting and the TLS handshake; raise -upstream-timeout for a slow Jira.")
	case "canceled":
		r.set(LevelWarn, "The request was canceled before Jira answered.", says)
	case "bad_path":
		r.set(LevelBad, "The proxy refused this path (400 bad_path): it would leave Jira's base URL.", says,
			"The proxy never forwards a path with . or .. segments (also encoded as %2e), encoded slashes (%2f, %5c), backslashes, ; or empty segments (//). Write the plain resource path, e.g. /rest/api/2/myself.")
	case "missing_lab_header":
		r.set(LevelBad, "The proxy refused the request: it lacks the lab's header X-Jira-Lab: 1 (403).", says,
			"Only the lab's own pages may use the proxy; they add X-Jira-Lab: 1 to every call. A page of another site cannot add it without a CORS preflight, which the lab never approves — that keeps other sites from reaching your Jira through your browser.")
	case "foreign_origin", "foreign_host":
		r.set(LevelBad, "The proxy refused the request: the page is not served under an address the lab knows (403).", says,
			"Open the lab at the address it printed when it started. Behind a reverse proxy, start it with -public-url set to the address users type; the Host and Origin checks accept that one (they stop DNS rebinding, where a foreign site points its own name at the lab).")
	case "unknown_upstream":
		r.set(LevelBad, "The proxy has no Jira named "+orNone(x.Target)+" (404 unknown_upstream).", says,
			"The lab was probably restarted with other -upstream flags: reload the page and pick a Jira in the selector at the top right.")
	case "body_too_large":
		r.set(LevelBad, "The request body is over the proxy's limit (413).", says,
			"The lab's server caps request bodies at -max-body (10MiB by default); start it with a larger -max-body to send more.")
	default:
		r.set(LevelBad, "The lab's proxy refused the request ("+strconv.Itoa(x.Status)+" "+code+").", says)
	}
	r.add("This answer comes from the lab's server, not from Jira: it has none of Jira's headers (X-AREQUESTID, X-AUSERNAME).")
	return true
}

// captcha: AUTHENTICATION_DENIED, most often CAPTCHA_CHALLENGE.
func (r *reading) captcha() {
	x := r.x
	who := orUser(x.Username)
	denied := x.Header("X-Authentication-Denied-Reason")
	loginURL := loginURLOf(denied)
	headers := "X-Seraph-LoginReason: " + orNone(x.Header("X-Seraph-LoginReason"))
	if denied != "" {
		headers += " and X-Authentication-Denied-Reason: " + denied
	}
	if strings.Contains(strings.ToUpper(denied), "CAPTCHA") {
		r.set(LevelBad, "CAPTCHA required: Jira refuses every login of "+who+", even with the right password.")
	} else {
		r.set(LevelBad, "Login refused without checking the password (AUTHENTICATION_DENIED): most likely CAPTCHA.")
	}
	r.add("Jira answered "+strconv.Itoa(x.Status)+" with "+headers+": it refused the login without even checking the password.",
		"After 3 consecutive failed logins of a user (jira.maximum.authentication.attempts.allowed), Jira's CAPTCHA upon login is triggered: every further login of that user must also type a distorted word shown on the login page, whatever the password.",
		"A REST client cannot answer a CAPTCHA (seed 001): every REST login and every basic-auth request of "+who+" now fails the same way until the CAPTCHA is cleared.")
	where := "on Jira's login page"
	if loginURL != "" {
		where = "at " + loginURL
	}
	r.add("To clear it, a Jira administrator resets the count (Administration → User management → the user → Reset failed login count), or the user logs in once in the browser " + where + ", answering the CAPTCHA.")
	if x.Sandbox {
		r.add("On the sandbox, the button below does what the administrator does; or open the login page and type the CAPTCHA word kelpie.")
		if x.Username != "" {
			r.d.OfferCaptchaReset, r.d.CaptchaUser = true, x.Username
		}
	}
	r.jiraSays()
}

// loginURLOf reads login-url=... from X-Authentication-Denied-Reason.
func loginURLOf(denied string) string {
	for _, part := range strings.Split(denied, ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "login-url="); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// xsrf: 403 "XSRF check failed", Jira's form-token rule (seed 001).
func (r *reading) xsrf() {
	x := r.x
	ct := x.requestHeader("Content-Type")
	token := strings.TrimSpace(x.requestHeader("X-Atlassian-Token"))
	r.set(LevelBad, "XSRF check failed: Jira wants X-Atlassian-Token: no-check on this POST.",
		"Jira's form-token check — its protection against cross-site request forgery — refused this request with 403 and the body XSRF check failed.",
		"The rule (seed 001): a form-encoded (application/x-www-form-urlencoded) or multipart/form-data POST, such as POST /rest/api/2/issue/{key}/attachments, sent with a session cookie or anonymously must carry the header X-Atlassian-Token: no-check (client libraries send nocheck, which works too). Requests authenticated with basic auth are exempt: a foreign page cannot add an Authorization header.")
	isForm := strings.Contains(strings.ToLower(ct), "form")
	switch {
	case token != "" && !strings.EqualFold(token, "no-check") && !strings.EqualFold(token, "nocheck"):
		r.add("This request carried X-Atlassian-Token: " + token + "; Jira only accepts no-check.")
	case isForm:
		r.add("This request was a form (Content-Type: " + ct + ") sent " + authPhrase(x.Auth) + " without X-Atlassian-Token: add X-Atlassian-Token: no-check, or use basic auth.")
	default:
		r.add("This request was not a form (Content-Type: " + orNone(ct) + "), so the likely cause is a browser Origin header: Jira also refuses a POST that carries the Origin of another site. The lab's proxy never forwards Origin; a reverse proxy in front of Jira should not either.")
	}
}

// login: POST /rest/auth/1/session, any answer but 401.
func (r *reading) login() {
	x := r.x
	who := orUser(x.Username)
	switch x.Status {
	case 200:
		r.loginOK()
	case 409:
		r.set(LevelWarn, "Login refused: "+who+"'s email address is not verified (409).",
			"Seed 001: a 409 from the session resource means the account's email address is unverified. Log in to Jira once through the browser: it sends a verification email; once the address is verified, POST /rest/auth/1/session works.",
			"This is Jira Cloud behaviour, for Atlassian accounts; on the sandbox the account unverified shows it (its basic auth and browser login still work).")
		r.jiraSays()
	case 400:
		r.set(LevelWarn, "The login body is missing or malformed (400).",
			`POST /rest/auth/1/session needs the JSON body {"username":"…","password":"…"} with Content-Type: application/json; without it Jira answers 400, whatever credentials the request carries.`)
		r.jiraSays()
	case 415:
		r.set(LevelWarn, "Jira does not accept this login's Content-Type (415).",
			"Send the credentials as JSON with Content-Type: application/json (this request had Content-Type: "+orNone(x.requestHeader("Content-Type"))+").")
		r.jiraSays()
	default:
		r.byStatus()
	}
}

// loginOK: a session was created; explain the cookie and why the proxy exists.
func (r *reading) loginOK() {
	x := r.x
	var v struct {
		Session *struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"session"`
		LoginInfo map[string]any `json:"loginInfo"`
	}
	if json.Unmarshal([]byte(x.ResponseBody), &v) != nil || v.Session == nil || v.Session.Name == "" {
		r.set(LevelWarn, "Jira answered the login with 200 but without a session object.",
			`Seed 001: a successful login answers {"session":{"name":"JSESSIONID","value":"…"}} and sets the same cookie. Without it there is no cookie to send; is the target really Jira's /rest/auth/1/session?`)
		return
	}
	name, value := v.Session.Name, v.Session.Value
	r.set(LevelOK, "Logged in as "+orUser(x.Username)+": Jira created a session ("+name+").",
		`Jira checked the password and created a session. Its answer names the session cookie — {"session":{"name":"`+name+`","value":"`+value+`"}} — and the same cookie arrives in a Set-Cookie header, as seed 001 shows.`)
	lines := SetCookieLines(x.ResponseHeader)
	for _, l := range lines {
		r.add("Set-Cookie: " + l)
	}
	if !hasCookie(lines, name) {
		r.d.Level = LevelWarn
		r.add("No X-Jira-Set-Cookie header carried " + name + ": the lab still sends the cookie from the session object, but a client relying on Set-Cookie would have none.")
	}
	r.add("From now on the lab sends Cookie: "+name+"="+value+" with every call, built from session.name and session.value as seed 001 does. Jira knows the session until you log out or it sits idle too long (300 minutes by default); then the answer is 401.",
		"A script in a web page could not do this on its own: fetch never shows Set-Cookie to a script, and "+name+" is HttpOnly, so no script may read it (the browser would also keep it for the lab's address, not Jira's). That is why the lab's server hands Set-Cookie over as X-Jira-Set-Cookie, and turns the lab's X-Jira-Cookie into the Cookie header Jira receives.",
		"atlassian.xsrf.token is Jira's form token (XSRF protection) for its own web pages. REST clients do not send it back: a form-encoded or multipart POST sends X-Atlassian-Token: no-check instead.")
	if li := v.LoginInfo; li != nil {
		r.add("loginInfo: loginCount " + numberOf(li["loginCount"]) + ", failedLoginCount " + numberOf(li["failedLoginCount"]) +
			" (failed logins of this user so far), previous login " + stringOf(li["previousLoginTime"]) + ".")
	}
}

// hasCookie reports whether one of the Set-Cookie lines sets name.
func hasCookie(lines []string, name string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, name+"=") {
			return true
		}
	}
	return false
}

// unauthorized splits 401: wrong credentials, ended session, no credentials.
func (r *reading) unauthorized() {
	x := r.x
	msgs := jiraMessages(x.ResponseBody)
	user := x.Header("X-AUSERNAME")
	switch {
	case r.reason == reasonFailed && x.Auth == AuthBearer:
		r.set(LevelBad, "The personal access token was refused (401).",
			"Jira answered 401 with X-Seraph-LoginReason: AUTHENTICATED_FAILED to Authorization: Bearer …: the token is unknown, revoked or expired.",
			"Create a new one (POST /rest/pat/latest/tokens, Jira 8.14 and later): its rawToken is shown only once.")
		r.jiraSays()
	case x.Auth == AuthLogin || r.reason == reasonFailed && x.Auth != AuthSession && x.Auth != AuthPasted:
		r.wrongCredentials()
	case containsAny(msgs, "WebSudo"):
		r.set(LevelWarn, "This administration resource asks for the password again (WebSudo).",
			"You are logged in (X-AUSERNAME: "+orNone(x.Header("X-AUSERNAME"))+"), but Jira guards administration with WebSudo: a session must re-enter the password (on /secure/admin/WebSudoAuthenticate.jspa) before it may use this resource, and that access lapses after a few minutes.",
			"Basic auth and personal access tokens are not subject to WebSudo: they send a password or token with every request anyway.")
		r.jiraSays()
	case (x.Auth == AuthSession || x.Auth == AuthPasted) && (user == "" || strings.EqualFold(user, "anonymous") || r.reason == ""):
		r.sessionEnded()
	case x.Auth == AuthNone:
		r.set(LevelWarn, "Jira needs a login for this: the request carried no credentials (401).",
			"The request had no Authorization header and no session cookie, so Jira treated it as anonymous (X-AUSERNAME: "+orNone(x.Header("X-AUSERNAME"))+"), and this resource needs a user.",
			"Jira sends REST callers no login challenge (seed 000: anonymous access is allowed where permissions allow); it answers 401, or for a search simply what anonymous may see. Log in on the Session page, or use Basic auth.")
		r.jiraSays()
	default:
		r.set(LevelBad, "Jira refused this request (401).",
			"The request was sent "+authPhrase(x.Auth)+"; Jira answered 401 as X-AUSERNAME: "+orNone(user)+".")
		r.jiraSays()
	}
}

// wrongCredentials: 401 AUTHENTICATED_FAILED for a login or basic auth.
func (r *reading) wrongCredentials() {
	x := r.x
	who := orUser(x.Username)
	sso := x.Username == "sso-user" || x.Sandbox && strings.Contains(strings.ToLower(x.Username), "sso")
	what := "Login failed"
	if x.Auth == AuthBasic {
		what = "Basic auth refused"
	}
	if sso {
		r.set(LevelBad, who+" is managed by SSO: it has no Jira password, so password logins always fail (401).")
	} else {
		r.set(LevelBad, what+": Jira checked the password of "+who+" and it is wrong (401 AUTHENTICATED_FAILED).")
	}
	line := "Jira answered 401 with X-Seraph-LoginReason: " + orNone(x.Header("X-Seraph-LoginReason"))
	if b := strings.TrimSpace(x.ResponseBody); strings.HasPrefix(b, "Basic Authentication Failure") {
		line += " and the page \"" + b + "\""
	}
	if wa := x.Header("X-Jira-WWW-Authenticate"); wa != "" {
		line += ", and WWW-Authenticate: " + wa + " (the proxy renamed it X-Jira-WWW-Authenticate, so the browser shows no login dialog of its own)"
	}
	r.add(line + ".")
	if x.Username == "" {
		r.add("The username was empty.")
	}
	r.add(seraphLine(reasonFailed))
	r.jiraSays()
	if !sso {
		r.add("Each failure counts: after 3 consecutive failed logins of the same user, Jira demands a CAPTCHA and refuses even the right password with 403. Check the password before trying again.")
	}
	r.add("An account whose login is handled by SSO (Google, SAML, an Atlassian account) has no usable Jira password: every basic-auth or session login fails exactly like this (seed 003, ID-6351). The workaround: log in through the browser, copy the JSESSIONID cookie (developer tools, or a cookies.txt export), and send it — curl -b cookies.txt …, or paste it into the cookie field of the Session page.")
	if sso {
		r.d.OfferSSO = true
		if x.Sandbox {
			r.add("On the sandbox, Simulated SSO login on the Session page walks the browser login for you and pastes the cookie.")
		}
	}
}

// sessionEnded: 401 to a request that carried a session cookie.
func (r *reading) sessionEnded() {
	x := r.x
	cookie := x.requestHeader("X-Jira-Cookie")
	if cookie == "" {
		cookie = x.requestHeader("Cookie")
	}
	sent := "a session cookie"
	if cookie != "" {
		sent = "Cookie: " + MaskHeader("Cookie", cookie)
	}
	user := x.Header("X-AUSERNAME")
	as := "as anonymous"
	if user != "" {
		as += " (X-AUSERNAME: " + user + ")"
	}
	r.set(LevelWarn, "The session is no longer valid: Jira treated the cookie as anonymous (401).",
		"The request carried "+sent+", yet Jira answered 401 "+as+": it no longer knows that session, and an unknown or expired JSESSIONID counts as no login at all.",
		"A session ends when you log out (DELETE /rest/auth/1/session), when it sits idle longer than Jira's timeout (300 minutes by default), when Jira restarts, or when an administrator ends it (on the sandbox: POST /_sandbox/expire-sessions). Seed 001: \"If you use REST with a cookie that has expired, you will receive a 401 error response\".")
	r.d.OfferRelogin = true
	if x.Auth == AuthPasted {
		r.add("The cookie was pasted by hand: log in through the browser again and paste the new cookie, or log in here with a password.")
		r.d.OfferSSO = true
	} else {
		r.add("Log in again to get a new session cookie.")
	}
	r.jiraSays()
}

// logout: DELETE /rest/auth/1/session → 204.
func (r *reading) logout() {
	x := r.x
	r.set(LevelOK, "Logged out: the session is over (204).",
		"Jira answered 204 No Content with X-Seraph-LoginReason: "+orNone(x.Header("X-Seraph-LoginReason"))+": the session has ended on the server.")
	if x.Auth == AuthBasic || x.Auth == AuthBearer {
		r.add("This request authenticated with an Authorization header, so there was no session to end; Jira still answers 204 (seed 002).")
		return
	}
	r.add("The cookie the lab holds is now worthless. The lab keeps sending it on purpose: the next call shows Jira's 401 for an ended session.")
}

// whoami: GET /rest/auth/1/session → 200.
func (r *reading) whoami() {
	x := r.x
	var v struct {
		Name      string         `json:"name"`
		Self      string         `json:"self"`
		LoginInfo map[string]any `json:"loginInfo"`
	}
	_ = json.Unmarshal([]byte(x.ResponseBody), &v)
	name := v.Name
	if name == "" {
		name = x.Header("X-AUSERNAME")
	}
	r.set(LevelOK, "You are "+orNone(name)+": Jira recognised "+credentialPhrase(x.Auth)+".",
		"GET /rest/auth/1/session returns the current user (name "+orNone(v.Name)+", self "+orNone(v.Self)+"); without a login it would answer 401.",
		"Every Jira answer names its user in X-AUSERNAME (here "+orNone(x.Header("X-AUSERNAME"))+"); X-ASESSIONID is the short id of the session, when there is one.")
	if li := v.LoginInfo; li != nil {
		r.add("loginInfo: loginCount " + numberOf(li["loginCount"]) + ", failedLoginCount " + numberOf(li["failedLoginCount"]) + ", last login " + stringOf(li["previousLoginTime"]) + ".")
	}
}

// myself: GET /rest/api/2/myself → 200.
func (r *reading) myself() {
	x := r.x
	var v struct {
		Name        string `json:"name"`
		DisplayName string `json:"displayName"`
		Email       string `json:"emailAddress"`
	}
	_ = json.Unmarshal([]byte(x.ResponseBody), &v)
	name := v.Name
	if name == "" {
		name = x.Header("X-AUSERNAME")
	}
	title := "You are " + orNone(name)
	if v.DisplayName != "" && v.DisplayName != name {
		title = "You are " + v.DisplayName + " (" + orNone(name) + ")"
	}
	r.set(LevelOK, title+": Jira recognised "+credentialPhrase(x.Auth)+".",
		"GET /rest/api/2/myself returns the user the request authenticated as (X-AUSERNAME: "+orNone(x.Header("X-AUSERNAME"))+"); anonymous callers get 401.")
	if v.Email != "" {
		r.add("Email address: " + v.Email + ".")
	}
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
			"POST "+r.path+" answered [] — an empty list of reasons: Jira would accept this password (seed 004).")
	case x.Status == 200 && isList:
		r.set(LevelWarn, "Jira would refuse this password: "+plural(len(list), "reason")+".")
		r.add(list...)
	case x.Status == 400:
		r.set(LevelWarn, "The policy check needs more fields (400).",
			"createUser needs username and password; updateUser needs username and newPassword (seed 004).")
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
	user := x.Header("X-AUSERNAME")
	switch {
	case x.Status >= 200 && x.Status < 300:
		title := "Jira answered " + st + "."
		if user != "" {
			title = "Jira answered " + st + " as " + user + "."
		}
		r.set(LevelOK, title)
		switch {
		case x.Auth == AuthNone && strings.EqualFold(user, "anonymous"):
			r.add("The request carried no credentials, so Jira answered as anonymous (X-AUSERNAME: anonymous): you see only what anonymous users may browse.")
		case user != "":
			r.add("Jira handled the request as X-AUSERNAME: " + user + ", " + credentialPhrase(x.Auth) + ".")
		}
		if n, ok := searchTotal(x.ResponseBody); ok && strings.HasSuffix(r.path, "/search") {
			r.add("The search found " + plural(n, "issue") + ".")
		}
		if cookies := SetCookieLines(x.ResponseHeader); len(cookies) > 0 && x.Auth != AuthLogin {
			r.add("Jira set cookies (X-Jira-Set-Cookie): " + strings.Join(cookies, " | ") + ".")
		}
	case x.Status >= 300 && x.Status < 400:
		loc := x.Header("X-Jira-Location")
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
		if containsAny(jiraMessages(x.ResponseBody), "null for uri") {
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
			"The request had Content-Type: "+orNone(x.requestHeader("Content-Type"))+"; JSON resources want application/json.")
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

// basicNote explains basic auth after it worked.
func (r *reading) basicNote() {
	x := r.x
	if x.Auth != AuthBasic || x.Status < 200 || x.Status >= 300 || r.proxied {
		return
	}
	r.add("Basic auth sends Authorization: Basic base64(user:password) with every request. Base64 is an encoding, not encryption: anyone who sees the header can decode the password, so send it only over HTTPS.",
		"Basic auth creates no session: Jira checks the password on every request, and failures count towards CAPTCHA like any other login.")
	if strings.HasPrefix(strings.ToLower(x.TargetURL), "http://") && !x.Sandbox {
		r.add("This Jira is reached over plain http://: the password crosses the network readable by anyone on the way.")
	}
}

// jiraSays adds Jira's error messages, or the start of a body that has none.
func (r *reading) jiraSays() {
	msgs := jiraMessages(r.x.ResponseBody)
	if len(msgs) > 6 {
		msgs = append(msgs[:6], "… and more (see the exchange log)")
	}
	if len(msgs) > 0 {
		r.add("Jira says: " + strings.Join(msgs, " / "))
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
// X-Seraph-LoginReason, Jira Cloud's rules — and makes sure the diagnosis
// has a title and a line.
func (r *reading) finish() {
	r.basicNote()
	d := &r.d
	if r.reason != "" && r.x.Status != 0 && !containsAny(d.Lines, "X-Seraph-LoginReason: "+r.reason+" —") {
		d.Lines = append(d.Lines, seraphLine(r.reason))
	}
	if host, ok := cloudHost(r.x.TargetURL); ok {
		d.Lines = append(d.Lines, "This Jira is Jira Cloud ("+host+"): its REST API does not accept cookie sessions from POST /rest/auth/1/session or account passwords — use your email address and an API token with basic auth (Authorization: Basic base64(email:api_token), curl --user 'email@example.com:<api_token>', seed 002).")
		switch r.x.Auth {
		case AuthLogin, AuthSession, AuthPasted:
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
	case reasonOK:
		return h + "Jira checked the credentials of this request and accepted them."
	case reasonFailed:
		return h + "Jira checked the password and it did not match (or there is no such user). Seeds 000 and 003 describe it loosely, together with AUTHENTICATION_DENIED, as \"rejected without checking the password\"; Jira's real meaning is the opposite: the password was checked, and it is wrong."
	case reasonDenied:
		return h + "Jira refused the login without checking the password, most often because CAPTCHA is required."
	case reasonAuthorisation:
		return h + "the user is known, but may not use this resource: a permission problem, not a password problem."
	case reasonOut:
		return h + "the user has logged out; the session is over."
	}
	return h + "a value the lab does not know; Jira sends it when authentication was attempted or matters."
}

// cloudHost reports whether base is a Jira Cloud site (*.atlassian.net).
func cloudHost(base string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return "", false
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	return host, strings.HasSuffix(host, ".atlassian.net")
}

// jiraMessages reads Jira's error body {"errorMessages":[...],"errors":{...}}
// into sentences (errors sorted by field, so the text is stable).
func jiraMessages(body string) []string {
	var e struct {
		ErrorMessages []string       `json:"errorMessages"`
		Errors        map[string]any `json:"errors"`
	}
	if json.Unmarshal([]byte(body), &e) != nil {
		return nil
	}
	out := append([]string(nil), e.ErrorMessages...)
	keys := make([]string, 0, len(e.Errors))
	for k := range e.Errors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, k+": "+stringOf(e.Errors[k]))
	}
	return out
}

// searchTotal reads "total" of a search answer.
func searchTotal(body string) (int, bool) {
	var v struct {
		Total *int `json:"total"`
	}
	if json.Unmarshal([]byte(body), &v) != nil || v.Total == nil {
		return 0, false
	}
	return *v.Total, true
}

func isSessionPath(p string) bool {
	return strings.HasSuffix(p, "/rest/auth/1/session") || strings.HasSuffix(p, "/rest/auth/latest/session")
}

// pathOnly is p without its query or fragment, and without a trailing slash.
func pathOnly(p string) string {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	return p
}

func containsAny(lines []string, sub string) bool {
	for _, l := range lines {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

// authPhrase says how a request authenticated, after "sent".
func authPhrase(a AuthKind) string {
	switch a {
	case AuthSession:
		return "with a session cookie"
	case AuthPasted:
		return "with a pasted session cookie"
	case AuthBasic:
		return "with basic auth"
	case AuthBearer:
		return "with a personal access token"
	case AuthLogin:
		return "as a login (credentials in the body)"
	}
	return "anonymously"
}

// credentialPhrase names what Jira recognised.
func credentialPhrase(a AuthKind) string {
	switch a {
	case AuthSession:
		return "the session cookie"
	case AuthPasted:
		return "the pasted session cookie"
	case AuthBasic:
		return "the basic auth credentials"
	case AuthBearer:
		return "the personal access token"
	case AuthLogin:
		return "the login"
	}
	return "no credentials"
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

// numberOf shows a JSON number (decoded as float64) as an integer when it is one.
func numberOf(v any) string {
	if f, ok := v.(float64); ok {
		if f == float64(int64(f)) {
			return strconv.FormatInt(int64(f), 10)
		}
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return stringOf(v)
}

func stringOf(v any) string {
	switch t := v.(type) {
	case string:
		return orNone(t)
	case float64:
		return numberOf(t)
	case bool:
		return strconv.FormatBool(t)
	case nil:
		return "(none)"
	}
	b, _ := json.Marshal(v)
	return string(b)
}
