package sandbox

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

// The form token of the sandbox's browser pages: /login.jsp, the simulated
// identity provider and WebSudo. Jira puts a form token (atl_token) in
// every form that changes something and checks it when the form comes back
// ("Form token handling", developer.atlassian.com/server/jira/platform/
// form-token-handling/): the value of the atlassian.xsrf.token cookie,
// which is also the session's token. A page elsewhere cannot read it, so
// it cannot post the form in a visitor's browser — without it three such
// posts locked fred into CAPTCHA and a fourth logged him in with the
// CAPTCHA word (issue 14).
//
// Jira's login itself is Seraph's filter, which reads os_username and
// os_password from any POST: Atlassian's own functional tests log in by
// posting just those to /login.jsp from an HTTP client
// (TestIssueAction.createClientForUser, in Jira's issue-navigator plugin),
// and so do the README's curl lines. The sandbox therefore asks for the
// token where the danger is — a browser — and from any client that sends
// one: a request whose User-Agent is a browser's (the families of
// XsrfResourceFilter, xsrf.go) or that carries an Origin (which only
// browsers add; the lab's proxy strips it), unless it sends
// X-Atlassian-Token: no-check, the form-token opt-out the same Atlassian
// page gives scripts (a foreign page cannot send that header without a
// CORS preflight, which the sandbox never approves).

// tokenLoggedOut ends the form token of a visitor without a session; Jira's
// own end in _lout, and a session's in _lin (newXSRFToken).
const tokenLoggedOut = "_lout"

// newFormKey returns the key that signs logged-out form tokens.
func newFormKey() []byte {
	k := make([]byte, 32)
	rand.Read(k) // never fails (crypto/rand crashes the program instead)
	return k
}

// mintFormToken returns a new logged-out form token in Jira's shape,
// XXXX-XXXX-XXXX-XXXX_<40 hex>_lout, the 40 hex digits being the HMAC of
// the first part: genuine tokens are recognised without keeping any, so
// visitors who only look at the login page cost no memory.
func (s *Sandbox) mintFormToken() string {
	prefix := xsrfPrefix()
	return prefix + "_" + s.formTokenMAC(prefix) + tokenLoggedOut
}

func (s *Sandbox) formTokenMAC(prefix string) string {
	m := hmac.New(sha1.New, s.formKey)
	m.Write([]byte(prefix))
	return hex.EncodeToString(m.Sum(nil))
}

// signedFormToken reports whether tok is a logged-out token this sandbox
// minted.
func (s *Sandbox) signedFormToken(tok string) bool {
	rest, ok := strings.CutSuffix(tok, tokenLoggedOut)
	if !ok {
		return false
	}
	prefix, mac, ok := strings.Cut(rest, "_")
	if !ok || len(prefix) != xsrfPrefixLen || len(mac) != 2*sha1.Size {
		return false
	}
	return hmac.Equal([]byte(mac), []byte(s.formTokenMAC(prefix)))
}

// sessionToken reports whether tok is the token of the caller's live
// session (Jira's own rule: atl_token equals the session's token).
func (c *call) sessionToken(tok string) bool {
	return c.sess != nil && subtle.ConstantTimeCompare([]byte(tok), []byte(c.sess.xsrf)) == 1
}

// sentToken returns the caller's atlassian.xsrf.token cookie when it holds
// a token that is still good: its session's, or one this sandbox minted.
func (c *call) sentToken() string {
	for _, ck := range c.r.CookiesNamed(xsrfCookie) {
		if c.sessionToken(ck.Value) || c.s.signedFormToken(ck.Value) {
			return ck.Value
		}
	}
	return ""
}

// pageToken returns the token a form of the page embeds: the one the
// caller holds, else a new one, sent as the atlassian.xsrf.token cookie.
func (c *call) pageToken() string {
	if tok := c.sentToken(); tok != "" {
		return tok
	}
	return c.issueToken()
}

// issueToken mints a logged-out token and sets it as the cookie, with the
// attributes the session's token cookie has (openSession).
func (c *call) issueToken() string {
	tok := c.s.mintFormToken()
	ck := &http.Cookie{Name: xsrfCookie, Value: tok, Path: c.cookiePath(), Secure: c.r.TLS != nil}
	if c.r.TLS != nil {
		ck.SameSite = http.SameSiteNoneMode
	}
	c.w.Header().Add("Set-Cookie", ck.String())
	return tok
}

// formTokenPasses reports whether a page's form POST may go on (see the
// rule above): either it needs no token, or its atl_token field is the
// caller's session token, or a token this sandbox minted that the caller
// also holds as its cookie (so a token read elsewhere is no use in a
// visitor's browser).
func (c *call) formTokenPasses(form url.Values) bool {
	tok := form.Get("atl_token")
	_, browser := browserFamily(c.r.Header.Get("User-Agent"))
	browser = browser || c.r.Header.Get("Origin") != ""
	switch {
	case strings.EqualFold(c.r.Header.Get("X-Atlassian-Token"), "no-check"):
		return true
	case tok == "" && !browser:
		return true
	case tok == "":
		return false
	case c.sessionToken(tok):
		return true
	}
	if !c.s.signedFormToken(tok) {
		return false
	}
	for _, ck := range c.r.CookiesNamed(xsrfCookie) {
		if subtle.ConstantTimeCompare([]byte(ck.Value), []byte(tok)) == 1 {
			return true
		}
	}
	return false
}

// securityTokenMissing is the comment Jira's XSRF error view
// (secure/views/xsrferror.jsp) carries "so func tests work"; clients look
// for it, since the page comes with 200 (pycontribs/jira's
// _check_for_html_error: "Jira has the bad habit of returning errors in
// pages with 200").
const securityTokenMissing = template.HTML("<!-- SecurityTokenMissing -->")

// refuseFormToken answers a form POST without a good token as Jira's XSRF
// error view does: 200, the title "XSRF Security Token Missing", its two
// sentences, and a new token (Atlassian KB "XSRF Security Token Missing",
// whose page reads "… A new form token has been issued."). Nothing of the
// form is acted on: no login is tried, so no failure is counted. Jira's
// view also lists the fields it captured; the sandbox only links back to
// the form.
func (c *call) refuseFormToken(formPath string) {
	c.logXSRF("XSRF checks failed for a form post")
	c.issueToken()
	c.render(http.StatusOK, "xsrf-error", pageData{Title: "XSRF Security Token Missing", Marker: securityTokenMissing, Retry: c.base + formPath})
}
