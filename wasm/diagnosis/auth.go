// The authentication stories: CAPTCHA, the XSRF filter, logins, 401s,
// logout and who-am-I.

package diagnosis

import (
	"encoding/json"
	"strconv"
	"strings"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/cookies"
	"jiraauthlab/wasm/jira"
	"jiraauthlab/wasm/mask"
)

// isCaptcha: AUTHENTICATION_DENIED, or a CAPTCHA named in
// X-Authentication-Denied-Reason, whatever the status.
func (r *reading) isCaptcha() bool {
	return r.reason == jira.ReasonDenied || jira.IsCaptcha(r.x.Header(jira.HeaderDeniedReason))
}

// captcha: AUTHENTICATION_DENIED, most often CAPTCHA_CHALLENGE.
func (r *reading) captcha() {
	x := r.x
	who := orUser(x.Username)
	denied := x.Header(jira.HeaderDeniedReason)
	loginURL := jira.LoginURL(denied)
	headers := "X-Seraph-LoginReason: " + orNone(x.Header(jira.HeaderLoginReason))
	if denied != "" {
		headers += " and X-Authentication-Denied-Reason: " + denied
	}
	if jira.IsCaptcha(denied) {
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

// isXSRF: Jira's XSRF filter refused the request, or its web pages' form
// token check did: Jira's XSRF error page answers 200, with the title "XSRF
// Security Token Missing" and the marker <!-- SecurityTokenMissing -->
// (Jira's xsrferror.jsp; pycontribs/jira notes such errors come "in pages
// with 200").
func (r *reading) isXSRF() bool {
	return r.x.Status == 403 && strings.Contains(r.x.ResponseBody, "XSRF check failed") || r.tokenMissingPage()
}

// tokenMissingPage reports whether the answer is Jira's XSRF error page.
func (r *reading) tokenMissingPage() bool {
	return strings.Contains(r.x.ResponseBody, "<!-- SecurityTokenMissing -->")
}

// xsrf: 403 "XSRF check failed" from the XSRF filter of Jira's REST plugin
// (XsrfResourceFilter; JIRA-FACTS.md "Form token / XSRF"). It decides in
// three steps: a browser's User-Agent on a mutating method needs Jira's own
// Origin or Referer; a form-like body needs X-Atlassian-Token: no-check;
// the rest passes. The story names the step that refused.
func (r *reading) xsrf() {
	x := r.x
	ct := x.SentHeader("Content-Type")
	token := strings.TrimSpace(x.SentHeader(jira.HeaderToken))
	agent := x.SentHeader(contract.HeaderUserAgent)
	switch {
	case r.tokenMissingPage():
		r.set(LevelBad, "XSRF Security Token Missing: Jira did not act on this form post.",
			"Jira answered with its XSRF error page — status "+strconv.Itoa(x.Status)+", yet nothing was done: a form of Jira's web pages (the login page, WebSudo, an administration form) was posted without the form token (atl_token) that Jira put in the form and in the atlassian.xsrf.token cookie.",
			"A browser posts the form it was given, token included. A script that posts such a form must first GET the page, read the hidden atl_token field and keep the cookie (curl -c jar -b jar), or send X-Atlassian-Token: no-check; or, better, use the REST API instead of the web pages. A status of 200 does not mean it worked: look for the page's title.")
	case jira.BrowserAgent(agent):
		r.set(LevelBad, "XSRF check failed: Jira refuses a "+orNone(x.Method)+" from a browser's User-Agent.",
			"Jira's XSRF filter refused this request with 403 XSRF check failed because its User-Agent ("+agent+") names a browser and neither its Origin nor its Referer is Jira's own site. A browser's "+orNone(x.Method)+" is refused whatever its content type, even with X-Atlassian-Token: no-check.",
			"Curl and scripts send their own User-Agent (curl/8…, python-requests/…, Go-http-client/…), so the same call succeeds there: Atlassian's knowledge base, \"REST API calls with a browser User-Agent header may fail CSRF checks\". Tools that call Jira from a browser page (or copy a browser's User-Agent) meet it on search and on issue creation.",
			"The fix: do not send a browser's User-Agent from a script. A page that must call Jira from the browser has to come from Jira's own origin, or from an origin Jira's CORS allow-list names. The lab's proxy sends JiraAuthLab/<version> for this reason; this request asked for a browser's User-Agent on purpose.")
	case token != "" && !strings.EqualFold(token, "no-check") && !strings.EqualFold(token, "nocheck"):
		r.set(LevelBad, "XSRF check failed: X-Atlassian-Token must be no-check.",
			"Jira's XSRF filter refused this request with 403: it carried X-Atlassian-Token: "+token+", and only no-check (or the deprecated nocheck) lets a form-like body past the check.")
	case ct == "" || isFormLike(ct):
		r.set(LevelBad, "XSRF check failed: a form POST needs X-Atlassian-Token: no-check.",
			"Jira's XSRF filter refused this request with 403. A "+orNone(x.Method)+" whose body is form-like — application/x-www-form-urlencoded, multipart/form-data or text/plain, or no Content-Type at all (this one: "+orNone(ct)+") — is what a foreign web page could make a browser send, so Jira wants proof that it is not: the header X-Atlassian-Token: no-check (client libraries send nocheck, which works too), or a valid form token (atl_token).",
			"No way of logging in is exempt: basic auth, a session cookie, a personal access token and anonymous calls are treated alike. This one was sent "+authPhrase(x.Auth)+". Atlassian's attachment example sends -u admin:admin together with -H \"X-Atlassian-Token: no-check\" — POST /rest/api/2/issue/{key}/attachments is where most people meet it.")
		if x.Auth == contract.AuthBasic {
			r.add("Seed 001 says a request with basic authentication needs no token. That sentence describes the older form-token rule of Jira's web pages (its actions, such as a form on /secure/…), not this filter of the REST API: add the header.")
		}
	default:
		r.set(LevelBad, "XSRF check failed on a "+orNone(x.Method)+" that is not a form.",
			"Jira's XSRF filter refused this request with 403, yet it was not form-like (Content-Type: "+orNone(ct)+") and its User-Agent names no browser. Something on the way probably made it look like a browser's: a proxy that adds a browser's User-Agent, or an Origin or Referer of another site (the lab's proxy forwards neither).")
	}
}

// isFormLike reports whether a Content-Type is one a cross-site form can
// send: the ones the XSRF filter checks.
func isFormLike(contentType string) bool {
	ct := strings.ToLower(contentType)
	return strings.Contains(ct, "application/x-www-form-urlencoded") || strings.Contains(ct, "multipart/form-data") || strings.Contains(ct, "text/plain")
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
			"Send the credentials as JSON with Content-Type: application/json (this request had Content-Type: "+orNone(x.SentHeader("Content-Type"))+").",
			unsupportedMediaType)
		r.jiraSays()
	default:
		r.byStatus()
	}
}

// loginOK: a session was created; explain the cookie and why the proxy
// exists. The answer is read here once: the page takes the cookie it sends
// next from Diagnosis.Session.
func (r *reading) loginOK() {
	x := r.x
	s, err := jira.ReadSession(x.ResponseBody)
	if err != nil {
		r.set(LevelWarn, "Jira answered the login with 200 but without a session object.", err.Error(),
			`Seed 001: a successful login answers {"session":{"name":"JSESSIONID","value":"…"}} and sets the same cookie. Without it there is no cookie to send; is the target really Jira's /rest/auth/1/session?`)
		return
	}
	r.d.Session = &s
	name, value := s.Name, s.Value
	r.set(LevelOK, "Logged in as "+orUser(x.Username)+": Jira created a session ("+name+").",
		`Jira checked the password and created a session. Its answer names the session cookie — {"session":{"name":"`+name+`","value":"`+value+`"}} — and the same cookie arrives in a Set-Cookie header, as seed 001 shows.`)
	lines := cookies.SetCookieLines(x.ResponseHeader)
	for _, l := range lines {
		r.add("Set-Cookie: " + l)
	}
	if !hasCookie(lines, name) {
		r.d.Level = LevelWarn
		r.add("No X-Jira-Set-Cookie header carried " + name + ": the lab still sends the cookie from the session object, but a client relying on Set-Cookie would have none.")
	}
	r.add("From now on the lab sends Cookie: "+s.Cookie()+" with every call, built from session.name and session.value as seed 001 does. Jira knows the session until you log out or it sits idle too long (300 minutes by default); then the answer is 401.",
		"A script in a web page could not do this on its own: fetch never shows Set-Cookie to a script, and "+name+" is HttpOnly, so no script may read it (the browser would also keep it for the lab's address, not Jira's). That is why the lab's server hands Set-Cookie over as X-Jira-Set-Cookie, and turns the lab's X-Jira-Cookie into the Cookie header Jira receives.",
		"atlassian.xsrf.token is Jira's form token (XSRF protection) for its own web pages. REST clients do not send it back: a form-encoded or multipart POST sends X-Atlassian-Token: no-check instead.")
	if li := s.LoginInfo; li != nil {
		r.add("loginInfo: loginCount " + jira.String(li["loginCount"]) + ", failedLoginCount " + jira.String(li["failedLoginCount"]) +
			" (failed logins of this user so far), previous login " + jira.String(li["previousLoginTime"]) + ".")
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
	msgs := jira.Messages(x.ResponseBody)
	user := x.Header(jira.HeaderUser)
	switch {
	case r.reason == jira.ReasonFailed && x.Auth == contract.AuthBearer:
		r.set(LevelBad, "The personal access token was refused (401).",
			"Jira answered 401 with X-Seraph-LoginReason: AUTHENTICATED_FAILED to Authorization: Bearer …: the token is unknown, revoked or expired.",
			"Create a new one (POST /rest/pat/latest/tokens, Jira 8.14 and later): its rawToken is shown only once.")
		r.jiraSays()
	case x.Auth == contract.AuthLogin || r.reason == jira.ReasonFailed && x.Auth != contract.AuthSession && x.Auth != contract.AuthPasted:
		r.wrongCredentials()
	case containsAny(msgs, "WebSudo"):
		r.set(LevelWarn, "This administration resource asks for the password again (WebSudo).",
			"You are logged in (X-AUSERNAME: "+orNone(x.Header(jira.HeaderUser))+"), but Jira guards administration with WebSudo: a session must re-enter the password (on /secure/admin/WebSudoAuthenticate.jspa) before it may use this resource, and that access lapses after a few minutes.",
			"Basic auth and personal access tokens are not subject to WebSudo: they send a password or token with every request anyway.")
		r.jiraSays()
	case (x.Auth == contract.AuthSession || x.Auth == contract.AuthPasted) && (user == "" || strings.EqualFold(user, "anonymous") || r.reason == ""):
		r.sessionEnded()
	case x.Auth == contract.AuthNone:
		r.set(LevelWarn, "Jira needs a login for this: the request carried no credentials (401).",
			"The request had no Authorization header and no session cookie, so Jira treated it as anonymous (X-AUSERNAME: "+orNone(x.Header(jira.HeaderUser))+"), and this resource needs a user.",
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
	if x.Auth == contract.AuthBasic {
		what = "Basic auth refused"
	}
	if sso {
		r.set(LevelBad, who+" is managed by SSO: it has no Jira password, so password logins always fail (401).")
	} else {
		r.set(LevelBad, what+": Jira checked the password of "+who+" and it is wrong (401 AUTHENTICATED_FAILED).")
	}
	line := "Jira answered 401 with X-Seraph-LoginReason: " + orNone(x.Header(jira.HeaderLoginReason))
	if b := strings.TrimSpace(x.ResponseBody); strings.HasPrefix(b, "Basic Authentication Failure") {
		line += " and the page \"" + b + "\""
	} else if reason := jira.ErrorPageReason(x.ResponseBody); reason != "" {
		line += " and its HTML error page \"Unauthorized (401)\", whose message reads \"" + reason + "\""
	}
	if wa := x.Header(contract.HeaderWWWAuthenticate); wa != "" {
		line += ", and WWW-Authenticate: " + wa + " (the proxy renamed it X-Jira-WWW-Authenticate, so the browser shows no login dialog of its own)"
	}
	r.add(line + ".")
	if x.Username == "" {
		r.add("The username was empty.")
	}
	r.add(seraphLine(jira.ReasonFailed))
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
	cookie := x.SentHeader(contract.HeaderCookie)
	if cookie == "" {
		cookie = x.SentHeader("Cookie")
	}
	sent := "a session cookie"
	if cookie != "" {
		sent = "Cookie: " + mask.Header("Cookie", cookie)
	}
	user := x.Header(jira.HeaderUser)
	as := "as anonymous"
	if user != "" {
		as += " (X-AUSERNAME: " + user + ")"
	}
	r.set(LevelWarn, "Your session ended: Jira refused the cookie (401).",
		"The request carried "+sent+", yet Jira answered 401 "+as+": it no longer knows that session.")
	if strings.HasSuffix(r.path, "/search") {
		r.add("This search would otherwise have run as anonymous. Jira refuses a REST request whose cookie is expired or unknown — on every resource, even one anonymous users may read — instead of quietly answering as anonymous with fewer results (JRA-25405); only /rest/auth/… is exempt, so that you can log in again.")
	} else {
		r.add("Jira refuses a REST request whose cookie is expired or unknown on every resource but /rest/auth/… (JRA-25405): a script learns that its session ended instead of quietly getting an anonymous answer.")
	}
	r.add(
		"A session ends when you log out (DELETE /rest/auth/1/session), when it sits idle longer than Jira's timeout (300 minutes by default), when Jira restarts, or when an administrator ends it (on the sandbox: POST /_sandbox/expire-sessions). Seed 001: \"If you use REST with a cookie that has expired, you will receive a 401 error response\".")
	r.d.OfferRelogin = true
	if x.Auth == contract.AuthPasted {
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
		"Jira answered 204 No Content with X-Seraph-LoginReason: "+orNone(x.Header(jira.HeaderLoginReason))+": the session has ended on the server.")
	if x.Auth == contract.AuthBasic || x.Auth == contract.AuthBearer {
		r.add("This request authenticated with an Authorization header: the session Jira ended is the one it opened for this very request (a successful basic-auth request opens one); Jira answers 204 all the same (seed 002).")
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
		name = x.Header(jira.HeaderUser)
	}
	r.set(LevelOK, "You are "+orNone(name)+": Jira recognised "+credentialPhrase(x.Auth)+".",
		"GET /rest/auth/1/session returns the current user (name "+orNone(v.Name)+", self "+orNone(v.Self)+"); without a login it would answer 401.",
		"Every Jira answer names its user in X-AUSERNAME (here "+orNone(x.Header(jira.HeaderUser))+"); X-ASESSIONID is the short id of the session, when there is one.")
	if li := v.LoginInfo; li != nil {
		r.add("loginInfo: loginCount " + jira.String(li["loginCount"]) + ", failedLoginCount " + jira.String(li["failedLoginCount"]) + ", last login " + jira.String(li["previousLoginTime"]) + ".")
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
		name = x.Header(jira.HeaderUser)
	}
	title := "You are " + orNone(name)
	if v.DisplayName != "" && v.DisplayName != name {
		title = "You are " + v.DisplayName + " (" + orNone(name) + ")"
	}
	r.set(LevelOK, title+": Jira recognised "+credentialPhrase(x.Auth)+".",
		"GET /rest/api/2/myself returns the user the request authenticated as (X-AUSERNAME: "+orNone(x.Header(jira.HeaderUser))+"); anonymous callers get 401.")
	if v.Email != "" {
		r.add("Email address: " + v.Email + ".")
	}
}

// credentialsIgnored: Jira answered, but as anonymous, to a request that
// carried credentials. Refused credentials do not always fail loudly: on
// Cloud many resources answer as anonymous (brekkylab/backlot issue 123),
// and users report the same on Server (go-jira issue 8); X-AUSERNAME:
// anonymous is the tell (JIRA-FACTS.md, "More real answers").
func (r *reading) credentialsIgnored() bool {
	switch r.x.Auth {
	case contract.AuthBasic, contract.AuthBearer, contract.AuthSession, contract.AuthPasted:
	default:
		return false
	}
	return r.x.Status >= 200 && r.x.Status < 300 && strings.EqualFold(strings.TrimSpace(r.x.Header(jira.HeaderUser)), jira.Anonymous)
}

// anonymousAnswer tells a 2xx that Jira gave as anonymous despite credentials.
func (r *reading) anonymousAnswer() {
	x := r.x
	r.set(LevelWarn, "Jira ignored your credentials: it answered as anonymous ("+strconv.Itoa(x.Status)+").",
		"The request was sent "+authPhrase(x.Auth)+", yet the answer carries X-AUSERNAME: anonymous: Jira did not take the credentials, and answered what anyone may see.",
		"That is the tell to look for. Refused credentials do not always fail loudly: many resources answer an anonymous caller with 200 — an empty search, fewer issues, a 404 for an issue you could see — and only a resource that needs a user, such as GET /rest/api/2/myself, answers 401. Check the credentials with /rest/api/2/myself before trusting an empty result.")
	if n, ok := jira.SearchTotal(x.ResponseBody); ok {
		r.add("This answer lists " + plural(n, "issue") + ": what anonymous may browse, not what the user would see.")
	}
}

// unsupportedMediaType explains Jersey's 415, the commonest curl mistake.
const unsupportedMediaType = "A resource that reads JSON answers 415 Unsupported Media Type before anything else — before the password is checked and before the XSRF filter — when the body comes without Content-Type: application/json. It is the commonest curl mistake: curl -d sends application/x-www-form-urlencoded unless you add -H \"Content-Type: application/json\"."
