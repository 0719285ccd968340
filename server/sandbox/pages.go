package sandbox

import (
	"html/template"
	"net"
	"net/http"
	"strings"
)

// The browser side of the sandbox: Jira's login page with its (simulated)
// CAPTCHA, a simulated SSO identity provider, WebSudo, and a dashboard to land
// on. Plain HTML forms and links, no script, so curl -c jar -b jar and a proxy
// that shows redirects instead of following them can walk every step.

// captchaWord is the word the simulated CAPTCHA asks for. Fixed and shown in
// the page, so a script can answer it: the point is the flow, not the puzzle.
const captchaWord = "kelpie"

// pageData is what the page templates show.
type pageData struct {
	Title       string
	Base        string
	User        *account
	Error       string
	Username    string
	Captcha     bool
	CaptchaWord string
	Cookie      string        // name=value, as the browser's developer tools show it
	CookieFile  string        // the same cookie as a Netscape cookies.txt
	Token       string        // the form token (atl_token) the page's form carries
	Marker      template.HTML // Jira's <!-- SecurityTokenMissing --> on its XSRF error view
	Retry       string        // the form a refused post returns to
}

var pages = template.Must(template.New("pages").Parse(`
{{define "head"}}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} - Jira Auth Lab sandbox</title></head>
<body><h1>{{.Title}}</h1>
{{if .Error}}<p id="page-error" role="alert">{{.Error}}</p>{{end}}{{end}}

{{define "login"}}{{template "head" .}}
<form id="login-form" method="post" action="{{.Base}}/login.jsp">
<input type="hidden" id="login-form-token" name="atl_token" value="{{.Token}}">
<p><label for="login-form-username">Username</label>
<input id="login-form-username" name="os_username" value="{{.Username}}" autocomplete="username"></p>
<p><label for="login-form-password">Password</label>
<input id="login-form-password" name="os_password" type="password" autocomplete="current-password"></p>
{{if .Captcha}}<div id="captcha">
<p>Too many failed logins: type the word shown to prove you are a person.</p>
<p id="captcha-image" aria-label="CAPTCHA word">Word: <strong id="captcha-word">{{.CaptchaWord}}</strong></p>
<p><label for="login-form-captcha">Word</label>
<input id="login-form-captcha" name="os_captcha" autocomplete="off"></p>
</div>{{end}}
<p><button id="login-form-submit" type="submit">Log In</button></p>
</form>
<p><a id="sso-link" href="{{.Base}}/plugins/servlet/sso/login">Log in with SSO</a> (accounts managed by the identity provider, such as sso-user)</p>
</body></html>{{end}}

{{define "dashboard"}}{{template "head" .}}
{{if .User}}<p id="dashboard-user">Logged in as {{.User.DisplayName}} ({{.User.Name}}).</p>
{{else}}<p id="dashboard-user">You are not logged in. <a id="login-link" href="{{.Base}}/login.jsp">Log in</a></p>{{end}}
</body></html>{{end}}

{{define "idp"}}{{template "head" .}}
<p>Simulated identity provider: it signs in accounts whose login is managed by SSO.</p>
<form id="idp-form" method="post" action="{{.Base}}/plugins/servlet/sso/login">
<input type="hidden" id="idp-token" name="atl_token" value="{{.Token}}">
<p><label for="idp-username">Username</label>
<input id="idp-username" name="username" value="{{.Username}}"></p>
<p><button id="idp-submit" type="submit">Sign in</button></p>
</form>
</body></html>{{end}}

{{define "sso-done"}}{{template "head" .}}
<p id="sso-user">Logged in as {{.User.DisplayName}} ({{.User.Name}}) through SSO.</p>
<p>Your session cookie, as the browser's developer tools show it:</p>
<p><code id="sso-cookie">{{.Cookie}}</code></p>
<p>The same cookie as a cookies.txt file, for <code>curl -b cookies.txt</code>:</p>
<pre id="sso-cookie-file">{{.CookieFile}}</pre>
<p><a id="sso-continue" href="{{.Base}}/secure/Dashboard.jspa">Continue to Jira</a></p>
</body></html>{{end}}

{{define "websudo"}}{{template "head" .}}
<p>You are about to access an administrative function that requires your password.</p>
<form id="websudo-form" method="post" action="{{.Base}}/secure/admin/WebSudoAuthenticate.jspa">
<input type="hidden" id="websudo-token" name="atl_token" value="{{.Token}}">
<p><label for="websudo-password">Password</label>
<input id="websudo-password" name="webSudoPassword" type="password"></p>
<p><button id="websudo-submit" type="submit">Confirm</button></p>
</form>
</body></html>{{end}}

{{define "xsrf-error"}}{{template "head" .}}
{{.Marker}}
<div id="xsrf-error">
<p>Jira could not complete this action due to a missing form token.</p>
<p>You may have cleared your browser cookies, which could have resulted in the expiry of your current form token. A new form token has been issued.</p>
<p><a id="xsrf-retry" href="{{.Retry}}">Return to the form</a> and try again.</p>
</div>
</body></html>{{end}}

{{define "websudo-ok"}}{{template "head" .}}
<p id="websudo-ok">Administrator access granted for this session for 10 minutes.</p>
</body></html>{{end}}
`))

// render writes the page name.
func (c *call) render(status int, name string, d pageData) {
	d.Base = c.base
	c.w.Header().Set("Content-Type", "text/html;charset=UTF-8")
	c.w.Header().Set("X-Frame-Options", "SAMEORIGIN")
	c.w.WriteHeader(status)
	if err := pages.ExecuteTemplate(c.w, name, d); err != nil {
		c.s.log.Error("sandbox: render page", "page", name, "err", err)
	}
}

// redirect answers 302 to a path under the base URL.
func (c *call) redirect(path string) {
	c.w.Header().Set("Location", c.base+path)
	c.w.WriteHeader(http.StatusFound)
}

// handleRoot handles GET /: Jira sends browsers to the dashboard.
func handleRoot(c *call) { c.redirect("/secure/Dashboard.jspa") }

// handleMyJiraHome handles GET /secure/MyJiraHome.jspa, the "Go to Jira
// home" link of Jira's error page: Jira sends the browser to the user's
// home, the dashboard by default.
func handleMyJiraHome(c *call) { c.redirect("/secure/Dashboard.jspa") }

// handleDashboard handles GET /secure/Dashboard.jspa: who is logged in.
func handleDashboard(c *call) {
	c.render(http.StatusOK, "dashboard", pageData{Title: "Dashboard", User: c.user})
}

// handleLoginPage handles GET and POST /login.jsp, Jira's browser login and
// the one place a CAPTCHA can be answered (the login-url of CAPTCHA_CHALLENGE).
// Form fields: os_username, os_password, and os_captcha once CAPTCHA is
// required. Like Jira, a failure re-renders the page with 200 and says why in
// X-Seraph-LoginReason; success sets the session cookies and redirects (302)
// to the dashboard. The form carries the form token (formtoken.go), which a
// browser's post must send back.
func handleLoginPage(c *call) {
	if c.r.Method == http.MethodGet {
		name := c.r.URL.Query().Get("os_username")
		a := accountByName(name)
		c.render(http.StatusOK, "login", pageData{Title: "Log in", Username: name,
			Captcha: a != nil && c.st.captchaRequired(a), CaptchaWord: captchaWord, Token: c.pageToken()})
		return
	}
	form, ok := c.formBody()
	if !ok {
		return
	}
	if !c.formTokenPasses(form) {
		c.refuseFormToken("/login.jsp")
		return
	}
	name, password := form.Get("os_username"), form.Get("os_password")
	answered := strings.EqualFold(strings.TrimSpace(form.Get("os_captcha")), captchaWord)
	d := pageData{Title: "Log in", Username: name, CaptchaWord: captchaWord}
	a, outcome := c.st.authenticate(name, password, answered)
	if outcome != loginOK {
		d.Token = c.pageToken() // the page is shown again, for another try
	}
	switch outcome {
	case loginDenied:
		c.captchaDenied()
		d.Captcha = true
		d.Error = "Sorry, your userid is required to answer a CAPTCHA question correctly."
		c.render(http.StatusOK, "login", d)
		return
	case loginFailed:
		c.loginReason = reasonFailed
		d.Error = "Sorry, your username and password are incorrect - please try again."
		if a != nil && a.SSO {
			d.Error = "This account signs in with SSO: use the \"Log in with SSO\" link."
		}
		d.Captcha = a != nil && c.st.captchaRequired(a)
		c.render(http.StatusOK, "login", d)
		return
	}
	c.startSession(a)
	c.redirect("/secure/Dashboard.jspa")
}

// handleSSOLogin handles GET and POST /plugins/servlet/sso/login, a simulated
// identity provider (seed 003's workaround): GET shows a form with a
// "username" field; POST with an SSO-managed account's name starts a Jira
// session, sets its cookie and shows it (#sso-cookie: JSESSIONID=<value>;
// #sso-cookie-file: a cookies.txt) as a user would copy it from the browser.
func handleSSOLogin(c *call) {
	if c.r.Method == http.MethodGet {
		c.render(http.StatusOK, "idp", pageData{Title: "Sign in with SSO", Username: "sso-user", Token: c.pageToken()})
		return
	}
	form, ok := c.formBody()
	if !ok {
		return
	}
	if !c.formTokenPasses(form) {
		c.refuseFormToken("/plugins/servlet/sso/login")
		return
	}
	name := form.Get("username")
	a := accountByName(name)
	if a == nil || !a.SSO {
		c.render(http.StatusForbidden, "idp", pageData{Title: "Sign in with SSO", Username: name, Token: c.pageToken(),
			Error: "The identity provider does not manage this account. Accounts with a Jira password log in on the login page."})
		return
	}
	c.startSession(a)
	host, _, err := net.SplitHostPort(c.r.Host)
	if err != nil {
		host = c.r.Host
	}
	c.render(http.StatusOK, "sso-done", pageData{
		Title:  "Signed in",
		User:   a,
		Cookie: sessionCookie + "=" + c.sess.id,
		// #HttpOnly_ marks an HttpOnly cookie in curl's cookie files.
		CookieFile: "# Netscape HTTP Cookie File\n#HttpOnly_" + host + "\tFALSE\t" + c.cookiePath() + "\tFALSE\t0\t" + sessionCookie + "\t" + c.sess.id + "\n",
	})
}

// handleWebSudoPage handles GET and POST /secure/admin/WebSudoAuthenticate.jspa:
// re-entering the password (field webSudoPassword) opens the session's
// administrator access window. Without a session cookie there is nothing to
// elevate, so the browser is sent to log in.
func handleWebSudoPage(c *call) {
	if c.by != authCookie {
		c.redirect("/login.jsp")
		return
	}
	// The session's own token: WebSudo is only reached with a session.
	d := pageData{Title: "Administrator access", Token: c.sess.xsrf}
	if c.r.Method == http.MethodGet {
		c.render(http.StatusOK, "websudo", d)
		return
	}
	form, ok := c.formBody()
	if !ok {
		return
	}
	if !c.formTokenPasses(form) {
		c.refuseFormToken("/secure/admin/WebSudoAuthenticate.jspa")
		return
	}
	if !c.user.passwordIs(form.Get("webSudoPassword")) {
		d.Error = "The password is incorrect."
		c.render(http.StatusOK, "websudo", d)
		return
	}
	c.st.setWebSudo(c.sess.id, true)
	c.render(http.StatusOK, "websudo-ok", d)
}
