package sandbox

import (
	"net/http"
	"strings"
)

// Seraph's login reasons (X-Seraph-LoginReason).
const (
	reasonOK     = "OK"
	reasonFailed = "AUTHENTICATED_FAILED"
	reasonDenied = "AUTHENTICATION_DENIED"
	reasonOut    = "OUT"
)

const sessionCookie = "JSESSIONID"

// authenticate identifies the caller from the request headers, as Jira's
// Seraph filter does, and reports whether the request may go on (otherwise
// it has answered). A live JSESSIONID wins over an Authorization header; an
// expired or unknown one is ignored. Without credentials the caller is
// anonymous: Jira sends no challenge to anonymous REST callers (seed 000).
func (c *call) authenticate() bool {
	if c.sessionFromCookie() {
		return true
	}
	authz := c.r.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(authz, " ")
	switch {
	case authz == "":
		return true
	case strings.EqualFold(scheme, "Basic"):
		return c.basicAuth()
	case strings.EqualFold(scheme, "Bearer"):
		return c.bearerAuth(strings.TrimSpace(cred))
	default:
		// Seraph ignores schemes it does not know.
		return true
	}
}

// sessionFromCookie makes the owner of a live JSESSIONID the caller and
// reports whether there was one.
func (c *call) sessionFromCookie() bool {
	ck, err := c.r.Cookie(sessionCookie)
	if err != nil {
		return false
	}
	a, ref, ok := c.s.store.session(ck.Value)
	if ok {
		c.user, c.by, c.sess = a, authCookie, &ref
	}
	return ok
}

// basicAuth checks Authorization: Basic (seed 000). Failures answer with
// Seraph's plain text/html page; failed passwords count towards CAPTCHA.
func (c *call) basicAuth() bool {
	name, password, ok := c.r.BasicAuth()
	if !ok {
		// Undecodable credentials cannot match anyone.
		c.loginReason = reasonFailed
		c.writeText(http.StatusUnauthorized, "text/html;charset=UTF-8", "Basic Authentication Failure - Reason : "+reasonFailed)
		return false
	}
	a, outcome := c.s.store.authenticate(name, password, false)
	switch outcome {
	case loginOK:
		c.s.store.recordLogin(a)
		c.user, c.by, c.loginReason = a, authBasic, reasonOK
		return true
	case loginDenied:
		c.captchaDenied()
		c.writeText(http.StatusForbidden, "text/html;charset=UTF-8", "Basic Authentication Failure - Reason : "+reasonDenied)
		return false
	default:
		c.loginReason = reasonFailed
		c.writeText(http.StatusUnauthorized, "text/html;charset=UTF-8", "Basic Authentication Failure - Reason : "+reasonFailed)
		return false
	}
}

// bearerAuth checks a personal access token. What Jira writes in the body of
// a refused token is not documented; a Jira error body is the plausible choice.
func (c *call) bearerAuth(raw string) bool {
	a := c.s.store.tokenOwner(raw)
	if a == nil {
		c.loginReason = reasonFailed
		c.errorJSON(http.StatusUnauthorized, "The personal access token is invalid, revoked or expired.")
		return false
	}
	c.user, c.by, c.loginReason = a, authBearer, reasonOK
	return true
}

// captchaDenied sets the headers of a login refused because CAPTCHA is required.
func (c *call) captchaDenied() {
	c.loginReason = reasonDenied
	c.deniedReason = "CAPTCHA_CHALLENGE; login-url=" + c.base + "/login.jsp"
}

// origin is the sandbox's own origin as the request reached it.
func (c *call) origin() string {
	if c.r.TLS != nil {
		return "https://" + c.r.Host
	}
	return "http://" + c.r.Host
}

// xsrfOK applies Jira's form-token rule to POSTs under /rest/ (seed 001):
// a form-encoded or multipart body sent with a session cookie or anonymously
// needs X-Atlassian-Token: no-check (basic and token authentication are
// exempt: a cross-site page cannot add those headers), and a POST carrying a
// foreign browser Origin is refused whatever its type. Real Jira also looks
// at browser User-Agents; the lab's proxy forwards those, so only Origin counts.
func (c *call) xsrfOK() bool {
	if c.r.Method != http.MethodPost {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(c.r.Header.Get("X-Atlassian-Token"))) {
	case "no-check", "nocheck":
		return true
	}
	if isFormType(c.r.Header.Get("Content-Type")) && (c.by == authNone || c.by == authCookie) {
		return false
	}
	if o := c.r.Header.Get("Origin"); o != "" && o != c.origin() {
		return false
	}
	return true
}

// startSession logs a in with a new session: it ends the session the request
// came with (a login never continues an old session), records the login,
// and sets JSESSIONID and atlassian.xsrf.token. It returns the login info.
func (c *call) startSession(a *account) loginInfo {
	if c.sess != nil {
		c.s.store.endSession(c.sess.id)
	}
	info := c.s.store.recordLogin(a)
	ref := c.s.store.newSession(a)
	c.user, c.by, c.sess, c.loginReason = a, authCookie, &ref, reasonOK
	h := c.w.Header()
	h.Add("Set-Cookie", (&http.Cookie{Name: sessionCookie, Value: ref.id, Path: "/", HttpOnly: true}).String())
	h.Add("Set-Cookie", (&http.Cookie{Name: "atlassian.xsrf.token", Value: ref.xsrf, Path: "/"}).String())
	return info
}
