package ui

import (
	"net/url"
	"strings"
	"time"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/cookies"
	"jiraauthlab/wasm/diagnosis"
	"jiraauthlab/wasm/mask"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// sessionState is the session page's: what was typed, the last login's
// answer, and the cookie the lab sends next — which every page's calls use.
type sessionState struct {
	username, password, jql string
	sessionJSON             string
	setCookie               []string
	cookie                  string            // "NAME=value; ..." the lab sends next as Cookie
	cookieAuth              contract.AuthKind // AuthSession (from a login) or AuthPasted
	cookieTarget            string            // the upstream the cookie belongs to: never sent elsewhere
	cookieUser              string            // whose it is, when the lab knows (a login, the SSO walk)
	cookiePaste, pasteErr   string
	search                  *searchResult
	searchErr               string
	ssoSteps                []string
	focusPassword           bool // "Log in again": focus #password once /session is up
}

// session is the store of the session page and the lab's cookie.
var session = sessionState{jql: "type=Bug AND status=Closed"}

// nowFunc is the clock of cookie-file expiry checks (tests replace it).
var nowFunc = time.Now

// authFor is how a call to the Jira named target authenticates with the
// lab's cookie: not at all when the cookie belongs to another Jira.
func (s sessionState) authFor(target string) contract.AuthKind {
	if s.cookie == "" || s.cookieTarget != target {
		return contract.AuthNone
	}
	return s.cookieAuth
}

// cookieFor is the cookie a call to the Jira named target carries, given
// how it authenticates: "" unless it uses the lab's cookie of that Jira.
func (s sessionState) cookieFor(target string, auth contract.AuthKind) string {
	if (auth == contract.AuthSession || auth == contract.AuthPasted) && s.cookieTarget == target {
		return s.cookie
	}
	return ""
}

// useCookie makes cookie the one the lab sends next, to the upstream named
// target (the one that issued it) and no other.
func (s *sessionState) useCookie(target, cookie string, auth contract.AuthKind) {
	s.cookie, s.cookieAuth, s.cookieTarget, s.cookieUser = cookie, auth, target, ""
}

// applyPaste makes a pasted cookie the one the lab sends next to target.
// An empty or invalid paste withdraws a cookie pasted before (a cookie from
// a login stays).
func (s *sessionState) applyPaste(target, text string) {
	s.cookiePaste, s.pasteErr = text, ""
	cookie := ""
	if strings.TrimSpace(text) != "" {
		var err error
		if cookie, err = cookies.ParsePasted(text, nowFunc()); err != nil {
			s.pasteErr = err.Error()
		}
	}
	if cookie == "" {
		if s.cookieAuth == contract.AuthPasted {
			s.useCookie("", "", contract.AuthNone)
		}
		return
	}
	s.useCookie(target, cookie, contract.AuthPasted)
}

// loggedIn keeps what a successful login answered: the session JSON as
// Jira sent it, its Set-Cookie lines, and the cookie the diagnosis read
// from it.
func (s *sessionState) loggedIn(x contract.Exchange, d diagnosis.Diagnosis) {
	if d.Session == nil {
		return // the diagnosis says why there is no cookie
	}
	s.sessionJSON, _ = mask.PrettyJSON(x.ResponseBody)
	s.setCookie = cookies.SetCookieLines(x.ResponseHeader)
	s.useCookie(x.Target, d.Session.Cookie(), contract.AuthSession)
	s.cookieUser = x.Username
}

// forget drops the password and the cookie, with everything that shows it.
func (s *sessionState) forget() {
	s.password = ""
	s.cookie, s.cookiePaste, s.pasteErr, s.sessionJSON = "", "", "", ""
	s.setCookie, s.ssoSteps = nil, nil
}

// login sends the session login of seed 001.
func login(ctx app.Context) {
	s := session
	body := jsonString(map[string]string{"username": s.username, "password": s.password})
	send(ctx, call{Method: "POST", Path: "/rest/auth/1/session", Header: []contract.Header{jsonHeader}, Body: body,
		Auth: contract.AuthLogin, Username: s.username, Busy: "login"},
		func(ctx app.Context, x contract.Exchange, d diagnosis.Diagnosis) {
			if x.Status == 200 {
				session.loggedIn(x, d)
				publish(ctx, keySession)
			}
			postLogin(x.Target, x.Status)
		})
}

// logout ends the session (seed 001: DELETE /rest/auth/1/session).
func logout(ctx app.Context) {
	// The cookie is kept on purpose: the next call shows Jira refusing it.
	send(ctx, call{Method: "DELETE", Path: "/rest/auth/1/session", Auth: session.authFor(targets.target), Busy: "logout"},
		func(_ app.Context, x contract.Exchange, _ diagnosis.Diagnosis) { postLoggedOut(x.Target, x.Status) })
}

// search runs the JQL with the lab's cookie and keeps the result table.
func search(ctx app.Context) {
	body := jsonString(map[string]any{"jql": session.jql, "maxResults": 20, "fields": []string{"summary", "status", "issuetype", "assignee"}})
	send(ctx, call{Method: "POST", Path: "/rest/api/2/search", Header: []contract.Header{jsonHeader}, Body: body,
		Auth: session.authFor(targets.target), Busy: "search"},
		func(ctx app.Context, x contract.Exchange, _ diagnosis.Diagnosis) {
			s := &session
			s.search, s.searchErr = nil, ""
			defer publish(ctx, keySession)
			if x.Status != 200 {
				s.searchErr = "No results: HTTP " + itoa(x.Status) + ". See the diagnosis."
				return
			}
			var r searchResult
			if err := jsonUnmarshal(x.ResponseBody, &r); err != nil {
				s.searchErr = "The answer is not a search result: " + err.Error()
				return
			}
			s.search = &r
		})
}

// searchResult is the part of Jira's search answer the table shows.
type searchResult struct {
	Total  int `json:"total"`
	Issues []struct {
		Key    string `json:"key"`
		Fields struct {
			Summary   string `json:"summary"`
			Status    *named `json:"status"`
			IssueType *named `json:"issuetype"`
			Assignee  *named `json:"assignee"`
		} `json:"fields"`
	} `json:"issues"`
}

type named struct {
	Name string `json:"name"`
}

func (n *named) String() string {
	if n == nil {
		return "—"
	}
	return n.Name
}

// ssoLogin walks the sandbox's simulated SSO browser login through the
// proxy, one plain request per step, as a browser would, and pastes the
// cookie its last page shows (seed 003's workaround).
func ssoLogin(ctx app.Context) {
	up, ok := targets.current()
	if !ok {
		return
	}
	step := func(ctx app.Context, line string) {
		session.ssoSteps = append(session.ssoSteps, line)
		publish(ctx, keySession)
	}
	fail := func(ctx app.Context, why string) {
		setBusy(ctx, "sso-login", false)
		step(ctx, "Stopped: "+why)
	}
	session.ssoSteps = nil
	step(ctx, "GET /login.jsp — Jira's login page links to the identity provider.")
	setBusy(ctx, "sso-login", true)
	send(ctx, call{Method: "GET", Path: "/login.jsp", To: up.Name}, func(ctx app.Context, x contract.Exchange, _ diagnosis.Diagnosis) {
		idp, ok := upstreamPath(up.URL, attrOf(x.ResponseBody, `id="sso-link"`, "href"))
		if x.Status != 200 || !ok {
			fail(ctx, "no SSO link on /login.jsp")
			return
		}
		step(ctx, "GET "+idp+" — the identity provider asks who you are.")
		send(ctx, call{Method: "GET", Path: idp, To: up.Name}, func(ctx app.Context, x contract.Exchange, _ diagnosis.Diagnosis) {
			action, ok := upstreamPath(up.URL, attrOf(x.ResponseBody, `id="idp-form"`, "action"))
			user := attrOf(x.ResponseBody, `id="idp-username"`, "value")
			if x.Status != 200 || !ok || user == "" {
				fail(ctx, "no login form at the identity provider")
				return
			}
			step(ctx, "POST "+action+" username="+user+" — the identity provider logs you in; Jira sets JSESSIONID.")
			send(ctx, call{Method: "POST", Path: action,
				Header: []contract.Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}},
				Body:   "username=" + url.QueryEscape(user), Username: user, To: up.Name},
				func(ctx app.Context, x contract.Exchange, _ diagnosis.Diagnosis) {
					cookie := textOf(x.ResponseBody, `id="sso-cookie"`)
					if x.Status != 200 || cookie == "" {
						fail(ctx, "the last page shows no cookie")
						return
					}
					setBusy(ctx, "sso-login", false)
					step(ctx, "Copied "+strings.SplitN(cookie, "=", 2)[0]+" from the last page into the paste field, as you would from the browser's developer tools.")
					session.applyPaste(up.Name, cookie)
					session.cookieUser = user
					publish(ctx, keySession)
					syncFields()
					setDiagnosis(ctx, diagnosis.Diagnosis{Level: diagnosis.LevelOK, Title: "SSO login done: the lab now sends the browser's session cookie.",
						Lines: []string{
							"This is the workaround of Atlassian's ID-6351: an SSO account has no Jira password, so REST logins fail, but the cookie of a browser session works.",
							"Press Who am I or Search: Jira answers as " + user + ".",
						}})
				})
		})
	})
}
