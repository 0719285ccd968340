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

// isXSRF: Jira's XSRF filter refused the request.
func (r *reading) isXSRF() bool {
	return r.x.Status == 403 && strings.Contains(r.x.ResponseBody, "XSRF check failed")
}

// xsrf: 403 "XSRF check failed", Jira's form-token rule (seed 001).
func (r *reading) xsrf() {
	x := r.x
	ct := x.SentHeader("Content-Type")
	token := strings.TrimSpace(x.SentHeader(jira.HeaderToken))
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
			"Send the credentials as JSON with Content-Type: application/json (this request had Content-Type: "+orNone(x.SentHeader("Content-Type"))+").")
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
	r.set(LevelWarn, "The session is no longer valid: Jira treated the cookie as anonymous (401).",
		"The request carried "+sent+", yet Jira answered 401 "+as+": it no longer knows that session, and an unknown or expired JSESSIONID counts as no login at all.",
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
