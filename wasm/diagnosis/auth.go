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
)

// isCaptcha: AUTHENTICATION_DENIED, or a CAPTCHA named in
// X-Authentication-Denied-Reason, whatever the status.
func (r *reading) isCaptcha() bool {
	return r.reason == jira.ReasonDenied || jira.IsCaptcha(r.x.Header(jira.HeaderDeniedReason))
}

// captcha: AUTHENTICATION_DENIED, most often CAPTCHA_CHALLENGE.
func (r *reading) captcha() {
	x := r.x
	r.told = true
	who := orUser(x.Username)
	denied := x.Header(jira.HeaderDeniedReason)
	if u := jira.LoginURL(denied); isWebURL(u) {
		r.d.LoginURL = u
	}
	header := "X-Seraph-LoginReason: AUTHENTICATION_DENIED"
	if reason, _, _ := strings.Cut(denied, ";"); strings.TrimSpace(reason) != "" {
		header = "X-Authentication-Denied-Reason: " + strings.TrimSpace(reason)
	}
	if jira.IsCaptcha(denied) {
		r.set(LevelBad, "CAPTCHA required: Jira refuses every login of "+who+", even with the right password, until the CAPTCHA is answered in a browser or an administrator clears it.")
	} else {
		r.set(LevelBad, "Login refused without checking the password (AUTHENTICATION_DENIED): most likely CAPTCHA.")
	}
	r.add("Jira answered " + strconv.Itoa(x.Status) + " with " + header + ": after " + strconv.Itoa(captchaLimit) + " failed logins in a row (jira.maximum.authentication.attempts.allowed) it wants the distorted word on its login page, and a REST client cannot answer it (Atlassian's “Cookie-based auth for REST APIs”), so every REST login and every basic-auth request of " + who + " fails this way.")
	where := "on Jira's login page"
	if r.d.LoginURL != "" {
		where = "at " + r.d.LoginURL
	}
	r.add("To clear it, log in once in a browser " + where + ", answering the CAPTCHA, or have a Jira administrator reset the count (User management → the user → Reset failed login count).")
	if x.Sandbox {
		r.add("On the sandbox, the button below does what the administrator does; or type the word kelpie on the login page.")
		if x.Username != "" {
			r.d.OfferCaptchaReset, r.d.CaptchaUser = true, x.Username
		}
	}
}

// isWebURL reports whether u is an absolute http(s) URL: the only kind the
// page may turn into a link (a header could name javascript: too).
func isWebURL(u string) bool {
	l := strings.ToLower(u)
	return (strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")) && len(u) > len("https://") && !strings.ContainsAny(u, " \t\r\n\"<>")
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
		r.set(LevelWarn, "Login refused: "+who+"'s email address is not verified (409), so log in once through the browser to get the verification email.",
			"Seed 001: a 409 from the session resource means the account's email address is unverified; once it is verified, POST /rest/auth/1/session works. It is Jira Cloud behaviour, for Atlassian accounts; the sandbox's account unverified shows it (its basic auth and browser login still work).")
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

// loginOK: a session was created. The Session page shows the session
// JSON, Set-Cookie and the Cookie sent next, so the lines say only what
// those do not: why the lab's server carries the cookie, and how long it
// lives. The answer is read here once: the page takes the cookie it sends
// next from Diagnosis.Session.
func (r *reading) loginOK() {
	x := r.x
	r.told = true
	s, err := jira.ReadSession(x.ResponseBody)
	if err != nil {
		r.set(LevelWarn, "Jira answered the login with 200 but without a session object, so there is no cookie to send.", err.Error(),
			`Seed 001: a successful login answers {"session":{"name":"JSESSIONID","value":"…"}} and sets the same cookie; is the target really Jira's /rest/auth/1/session?`)
		return
	}
	r.d.Session = &s
	name := s.Name
	r.set(LevelOK, "Logged in as "+orUser(x.Username)+": Jira created a session, and the lab now sends its cookie "+name+" with every call.",
		name+" is HttpOnly and fetch never shows Set-Cookie to a script, so the lab's server passes it on as X-Jira-Set-Cookie and turns the page's X-Jira-Cookie into the Cookie Jira gets; curl does the same with -c and -b.",
		"Jira keeps the session until you log out or it sits idle (300 minutes by default); then it answers 401.")
	if !hasCookie(cookies.SetCookieLines(x.ResponseHeader), name) {
		r.d.Level = LevelWarn
		r.add("No X-Jira-Set-Cookie header carried " + name + ": the lab still sends the cookie from the session object, but a client relying on Set-Cookie would have none.")
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
		r.told = true
		r.set(LevelBad, "The personal access token was refused (401): it is unknown, revoked or expired, so create a new one.",
			"Jira answered 401 with X-Seraph-LoginReason: AUTHENTICATED_FAILED to Authorization: Bearer …. A new token comes from POST /rest/pat/latest/tokens (Jira 8.14 and later), and its rawToken is shown only once.")
		r.jiraSays()
	case x.Auth == contract.AuthLogin || r.reason == jira.ReasonFailed && x.Auth != contract.AuthSession && x.Auth != contract.AuthPasted:
		r.wrongCredentials()
	case containsAny(msgs, "WebSudo"):
		r.set(LevelWarn, "This administration resource asks for the password again (WebSudo) before a session may use it.",
			"You are logged in (X-AUSERNAME: "+orNone(x.Header(jira.HeaderUser))+"), but a session must re-enter the password on /secure/admin/WebSudoAuthenticate.jspa, and that access lapses after a few minutes; basic auth and personal access tokens are not subject to WebSudo.")
		r.jiraSays()
	case (x.Auth == contract.AuthSession || x.Auth == contract.AuthPasted) && (user == "" || strings.EqualFold(user, "anonymous") || r.reason == ""):
		r.sessionEnded()
	case x.Auth == contract.AuthNone:
		r.set(LevelWarn, "You are not logged in, and this resource needs a user (401): log in first.")
		if r.loggedOut() {
			r.add(loggedOutLine)
		}
		r.add("The request carried no Authorization header and no session cookie. Jira sends REST callers no login challenge (Atlassian's “JIRA REST API Example – Basic Authentication”): it answers 401 where a user is needed, and elsewhere what anonymous users may see.")
		r.jiraSays()
	default:
		r.set(LevelBad, "Jira refused this request (401).",
			"The request was sent "+authPhrase(x.Auth)+"; Jira answered 401 as X-AUSERNAME: "+orNone(user)+".")
		r.jiraSays()
	}
}

// loggedOutLine says why a request after a logout has no user.
const loggedOutLine = "You logged out earlier (DELETE /rest/auth/1/session answered 204) and have not logged in since."

// wrongCredentials: 401 AUTHENTICATED_FAILED for a login or basic auth.
// On the sandbox the accounts are known, so the story is exact: a wrong
// password, no such user, or the SSO account that has no password. On a
// real Jira the three look alike (Atlassian's ID-6351): the wrong password is the
// likely reading, SSO one line after it.
func (r *reading) wrongCredentials() {
	x := r.x
	r.told = true
	who := orUser(x.Username)
	what := "Login failed"
	if x.Auth == contract.AuthBasic {
		what = "Basic auth refused"
	}
	cloud := onCloud(x)
	switch {
	case cloud:
		r.set(LevelBad, what+": Jira Cloud refused these credentials (401), so use your e-mail address and an API token, not your password.")
		r.add("X-Seraph-LoginReason: " + orNone(x.Header(jira.HeaderLoginReason)) + ": Cloud's REST API takes no account passwords; an API token goes with the e-mail address in basic auth (Atlassian, “Basic auth for REST APIs”).")
		return
	case x.Sandbox && strings.EqualFold(x.Username, ssoAccount):
		r.set(LevelBad, who+" has no Jira password (its login is handled by SSO), so log in through the browser and send its session cookie instead.",
			"On the Session page, Simulated SSO login walks the browser login and pastes the cookie; with curl, copy JSESSIONID from the browser's developer tools and send it with -b (Atlassian's ID-6351).")
		r.d.OfferSSO = true
		return
	case x.Sandbox && x.Username != "" && !sandboxAccount(x.Username):
		r.set(LevelBad, what+": the sandbox has no user named "+x.Username+" (401), so log in as fred, admin or unverified (the password is the name).",
			"X-Seraph-LoginReason: AUTHENTICATED_FAILED — "+failedMeaning)
		return
	}
	r.set(LevelBad, what+": Jira checked the password of "+who+" and it is wrong (401), so check it before trying again.",
		"X-Seraph-LoginReason: AUTHENTICATED_FAILED — "+failedMeaning)
	if x.Username == "" {
		r.add("The username was empty.")
	}
	r.add(r.captchaCount())
	if !x.Sandbox {
		r.add("Or " + who + "'s login is handled by SSO (Google, SAML, an Atlassian account): such an account has no Jira password and fails exactly like this (Atlassian's ID-6351); then log in through the browser and send its session cookie (curl -b cookies.txt, or the cookie field of the Session page).")
	}
}

// captchaCount says how near the user is to CAPTCHA, from the failed
// logins the lab saw in a row.
func (r *reading) captchaCount() string {
	n, limit, who := r.failedInARow(), strconv.Itoa(captchaLimit), orUser(r.x.Username)
	k := strconv.Itoa(n)
	switch {
	case r.x.Sandbox && n < captchaLimit:
		return k + " of " + limit + " failed logins before Jira asks for CAPTCHA; a successful login resets the count."
	case r.x.Sandbox && n == captchaLimit:
		return k + " of " + limit + " failed logins: Jira now asks for CAPTCHA, and refuses even the right password of " + who + " (403) until it is cleared."
	case n < captchaLimit:
		return k + " of " + limit + " failed logins before Jira asks for CAPTCHA, as far as the lab saw: " + limit + " is Jira's default (jira.maximum.authentication.attempts.allowed), this Jira's may differ, and other clients' failures count too."
	case n == captchaLimit:
		return k + " failed logins in a row the lab saw: with Jira's default limit of " + limit + ", the next login of " + who + " needs a CAPTCHA, even with the right password."
	}
	return k + " failed logins in a row the lab saw, more than Jira's default of " + limit + " before CAPTCHA: this Jira allows more, or has CAPTCHA off."
}

// sessionEnded: 401 to a request that carried a session cookie.
func (r *reading) sessionEnded() {
	x := r.x
	out := r.loggedOut()
	if out {
		r.set(LevelWarn, "You are not logged in: you logged out, so Jira refuses the old session's cookie (401) until you log in again.")
	} else {
		r.set(LevelWarn, "Your session ended: Jira refused the cookie (401), so log in again.")
	}
	if strings.HasSuffix(r.path, "/search") {
		r.add("This search would otherwise have run as anonymous: Jira refuses an expired or unknown cookie on every REST resource but /rest/auth/… (JRA-25405) rather than quietly answer as anonymous with fewer results.")
	} else {
		r.add("Jira refuses an expired or unknown cookie on every REST resource but /rest/auth/… (JRA-25405), so a script learns that its session ended instead of quietly getting an anonymous answer.")
	}
	if !out {
		r.add("A session ends when you log out (DELETE /rest/auth/1/session), when it sits idle longer than Jira's timeout (300 minutes by default), when Jira restarts, or when an administrator ends it (on the sandbox: POST /_sandbox/expire-sessions).")
	}
	r.d.OfferRelogin = true
	if x.Auth == contract.AuthPasted {
		r.add("The cookie was pasted by hand: log in through the browser again and paste the new cookie, or log in here with a password.")
		r.d.OfferSSO = true
	}
	r.jiraSays()
}

// logout: DELETE /rest/auth/1/session → 204.
func (r *reading) logout() {
	x := r.x
	r.told = true
	r.set(LevelOK, "Logged out: Jira ended the session (204).")
	if x.Auth == contract.AuthBasic || x.Auth == contract.AuthBearer {
		r.add("This request authenticated with an Authorization header: the session Jira ended is the one it opened for this very request (a successful basic-auth request opens one); Jira answers 204 all the same (Atlassian's REST reference for the session resource).")
		return
	}
	r.add("Jira answered with X-Seraph-LoginReason: OUT. A call that still sends the old cookie now gets Jira's 401 for an ended session; one without it runs as anonymous.")
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
		"GET /rest/auth/1/session names the user of the request (without one it answers 401); every Jira answer names it in X-AUSERNAME too, and X-ASESSIONID is the session's short id.")
	if li := v.LoginInfo; li != nil {
		r.add("loginInfo: loginCount " + jira.String(li["loginCount"]) + ", failedLoginCount " + jira.String(li["failedLoginCount"]) + ", last login " + jira.String(li["previousLoginTime"]) + ".")
	}
}

// myself: GET /rest/api/2/myself → 200.
func (r *reading) myself() {
	x := r.x
	var v struct {
		Name        string `json:"name"`
		AccountID   string `json:"accountId"`
		DisplayName string `json:"displayName"`
		Email       string `json:"emailAddress"`
	}
	_ = json.Unmarshal([]byte(x.ResponseBody), &v)
	// Cloud knows users by accountId, and sends no X-AUSERNAME (its user
	// privacy changes; Atlassian's v3 reference for /myself).
	name, header := v.Name, jira.HeaderUser
	if name == "" && v.AccountID != "" {
		name, header = v.AccountID, "X-AACCOUNTID"
	}
	if name == "" {
		name = x.Header(jira.HeaderUser)
	}
	title := "You are " + orNone(name)
	if v.DisplayName != "" && v.DisplayName != name {
		title = "You are " + v.DisplayName + " (" + orNone(name) + ")"
	}
	r.set(LevelOK, title+": Jira recognised "+credentialPhrase(x.Auth)+".",
		"GET "+r.path+" returns the user the request authenticated as ("+header+": "+orNone(x.Header(header))+"); a caller Jira did not recognise gets 401 here, whatever other resources answer.")
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
	r.set(LevelWarn, "Jira ignored your credentials and answered as anonymous ("+strconv.Itoa(x.Status)+"): check them with GET /rest/api/2/myself.",
		"The request was sent "+authPhrase(x.Auth)+", yet the answer carries X-AUSERNAME: anonymous, the tell to look for: refused credentials do not always fail loudly — an empty search, fewer issues, a 404 for an issue you could see — and only a resource that needs a user, such as /rest/api/2/myself, answers 401.")
	if n, ok := jira.SearchTotal(x.ResponseBody); ok {
		r.add("This answer lists " + plural(n, "issue") + ": what anonymous may browse, not what the user would see.")
	}
}

// isNotLoggedIn: Jira ran a REST request as anonymous because the learner
// is not logged in — the request carried no credentials, or only the
// cookie of a session the learner logged out of — and the answer is
// anonymous's: X-AUSERNAME: anonymous, or what anonymous gets where the
// header is missing (a project it may not browse reported as unknown, an
// empty search, a 404 for an issue). Jira answers anonymous REST callers
// instead of challenging them (Atlassian's “JIRA REST API Example – Basic Authentication”). The login resource itself and
// the password policy, which anonymous callers use on purpose, tell their
// own stories; so do 401s.
func (r *reading) isNotLoggedIn() bool {
	x := r.x
	switch x.Auth {
	case contract.AuthNone:
	case contract.AuthSession, contract.AuthPasted:
		if !r.loggedOut() {
			return false
		}
	default:
		return false
	}
	if !strings.Contains(r.path, "/rest/") || strings.Contains(r.path, "/rest/auth/") || r.onPasswordPolicy() || x.Status == 401 {
		return false
	}
	if r.unknownProject() || r.emptySearch() || r.issueNotFound() {
		return true
	}
	// Other errors tell their own stories (a wrong path, a server error),
	// but after a logout a 403 is anonymous's missing permission.
	return anonymous(x) && (x.Status < 400 || x.Status == 403 && r.loggedOut())
}

// unknownProject: a search refused because the project named is unknown to
// the caller ("The value 'QA' does not exist for the field 'project'.").
func (r *reading) unknownProject() bool {
	return r.x.Status == 400 && strings.HasSuffix(r.path, "/search") && containsAny(jira.Messages(r.x.ResponseBody), "does not exist for the field 'project'")
}

// emptySearch: a search that found nothing.
func (r *reading) emptySearch() bool {
	n, ok := jira.SearchTotal(r.x.ResponseBody)
	return ok && n == 0 && r.x.Status == 200 && strings.HasSuffix(r.path, "/search")
}

// issueNotFound: a 404 for one issue (/rest/api/2/issue/KEY).
func (r *reading) issueNotFound() bool {
	i := strings.LastIndex(r.path, "/issue/")
	return r.x.Status == 404 && i >= 0 && !strings.Contains(r.path[i+len("/issue/"):], "/")
}

// notLoggedIn: the cause first (no login), then what it did to this answer.
func (r *reading) notLoggedIn() {
	x := r.x
	out := r.loggedOut()
	level := LevelInfo
	if out || x.Status >= 400 || r.emptySearch() {
		level = LevelWarn
	}
	r.set(level, "You are not logged in: Jira ran this request as anonymous.")
	switch {
	case out && x.Auth != contract.AuthNone:
		r.add("You logged out earlier (DELETE /rest/auth/1/session answered 204): the cookie the lab still sends names no user any more.")
	case out:
		r.add(loggedOutLine)
	default:
		r.add("The request carried no Authorization header and no session cookie, and Jira sends REST callers no login challenge (Atlassian's “JIRA REST API Example – Basic Authentication”).")
	}
	switch {
	case r.unknownProject():
		r.add("That is why the JQL fails: \"" + strings.Join(jira.Messages(x.ResponseBody), " ") + "\" — anonymous users may not browse that project, and Jira reports a project the caller may not see as one that does not exist.")
	case r.emptySearch():
		r.add("That is why the search found no issues: anonymous users see only what anonymous may browse.")
	case r.issueNotFound():
		r.add("That is why Jira answers 404: it reports an issue the caller may not see as one that does not exist.")
	case x.Status == 403:
		r.add("That is why Jira refused (403): anonymous users may not do this.")
		r.jiraSays()
	default:
		if n, ok := jira.SearchTotal(x.ResponseBody); ok && strings.HasSuffix(r.path, "/search") {
			r.add("The search found " + plural(n, "issue") + ": what anonymous users may browse.")
		} else {
			r.add("Jira answered with what anonymous users may see.")
		}
	}
	if out || level == LevelWarn {
		r.add("Log in (the Session page, or basic auth) and repeat the request; GET /rest/api/2/myself shows who Jira takes you for.")
		r.d.OfferRelogin = out
	}
}

// unsupportedMediaType explains Jersey's 415, the commonest curl mistake.
const unsupportedMediaType = "A resource that reads JSON answers 415 Unsupported Media Type before anything else — before the password is checked and before the XSRF filter — when the body comes without Content-Type: application/json. It is the commonest curl mistake: curl -d sends application/x-www-form-urlencoded unless you add -H \"Content-Type: application/json\"."
