package sandbox

import (
	"bytes"
	"crypto/subtle"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// The XSRF check of Atlassian's REST plugin (com.atlassian.plugins.rest.common.
// security.jersey.XsrfResourceFilter, whose decompiled source is public),
// in its three steps (JIRA-FACTS.md, "Form token / XSRF"). Its factory
// (XsrfResourceFilterFactory) puts it on every resource method that is not
// a GET, unless the method carries @XsrfProtectionExcluded. Jira's session
// resource (com.atlassian.jira.rest.auth.Login, /rest/auth/1/session)
// carries no such annotation in its public source, so a session login is
// checked like any other POST; no resource the sandbox serves opts out.

// xsrfRefusal is the body of XsrfCheckFailedException (403 since REST 3.0;
// the legacy mode answers 404).
const xsrfRefusal = "XSRF check failed"

// mutating imitates com.atlassian.http.method.Methods.isMutative.
func mutating(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch:
		return true
	}
	return false
}

// browserTokens are the user-agent strings of atlassian-http's
// UserAgentUtil.BrowserFamily, in declaration order. UserAgentUtilImpl.
// getBrowserFamily takes the first one the User-Agent contains
// (case-sensitive); none means UKNOWN, i.e. not a browser. "Mozilla" is not
// among them: curl -A 'Mozilla/5.0' is no browser to Jira, while a real
// browser's string always names Gecko/, KHTML, Chrome/, Safari/ or Firefox.
var browserTokens = []string{
	"google/", "Googlebot/", "msnbot", "webcrawler/", "MSIE", "Trident/", "Edge/",
	"Firefox", "Chrome/", "Safari/", "Opera/", "Gecko/", "Lotus-Notes/", "Netscape/",
	"Konqueror/", "KHTML",
}

func browserFamily(userAgent string) (string, bool) {
	for _, t := range browserTokens {
		if strings.Contains(userAgent, t) {
			return t, true
		}
	}
	return "", false
}

// isIE: the two Internet Explorer families of the same enum (MSIE, and
// Trident/ for IE 11).
func isIE(userAgent string) bool {
	return strings.Contains(userAgent, "MSIE") || strings.Contains(userAgent, "Trident/")
}

// xsrfableTypes are XsrfResourceFilter's XSRFABLE_TYPES: what a cross-site
// HTML form (or a "simple" fetch) can send without a CORS preflight.
var xsrfableTypes = map[string]bool{
	"application/x-www-form-urlencoded": true,
	"multipart/form-data":               true,
	"text/plain":                        true,
}

// xsrfable imitates XsrfResourceFilter.isXsrfable for a mutating method:
// one of XSRFABLE_TYPES, or no media type at all.
func xsrfable(contentType string) bool {
	mt := mediaType(contentType)
	return mt == "" || xsrfableTypes[mt]
}

// mediaType is the lower-case type/subtype of a Content-Type header ("" when
// absent). An unparsable header is judged by what precedes its first ';', so
// that a malformed header cannot slip a form past the check.
func mediaType(contentType string) string {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		return mt
	}
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// xsrfPasses runs XsrfResourceFilter.passesAllXsrfChecks on a request for a
// protected resource and reports whether it may go on.
func (c *call) xsrfPasses() bool {
	method := c.r.Method
	if !mutating(method) {
		return true
	}
	post := method == http.MethodPost
	token := c.passesStandardXsrfChecks() || c.hasDeprecatedNoCheck()

	// Step 1: a browser must show it comes from Jira's own pages.
	if c.likelyFromBrowser(token) {
		ok := c.passesBrowserChecks()
		if post && !ok {
			c.logXSRF("Additional XSRF checks failed for request")
			return false
		}
		if !post {
			if !ok {
				c.logXSRF("XSRF failure not being enforced for request")
			}
			return true
		}
	}
	// Step 2: what a cross-site form can send needs the header or a token.
	if xsrfable(c.r.Header.Get("Content-Type")) {
		if token {
			return true
		}
		if !post {
			c.logXSRF("XSRF failure not being enforced for request")
			return true
		}
		c.logXSRF("XSRF checks failed for request")
		return false
	}
	// Step 3: the rest (a JSON body from a non-browser client) passes.
	return true
}

// likelyFromBrowser imitates XsrfResourceFilter.isLikelyToBeFromBrowser: a
// known browser family, except Internet Explorer when the request already
// passes the token checks.
func (c *call) likelyFromBrowser(passesToken bool) bool {
	ua := c.r.Header.Get("User-Agent")
	if passesToken && isIE(ua) {
		return false
	}
	_, ok := browserFamily(ua)
	return ok
}

// passesBrowserChecks imitates XsrfResourceFilter.passesAdditionalBrowserChecks:
// a Referer (its part before '?') or Origin of Jira's own origin, or an
// Origin that is a browser extension. (Jira also accepts origins its CORS
// allow-list names; the sandbox has none.)
func (c *call) passesBrowserChecks() bool {
	self := c.origin()
	referer, _, _ := strings.Cut(c.r.Header.Get("Referer"), "?")
	origin := c.r.Header.Get("Origin")
	return sameOrigin(referer, self) || sameOrigin(origin, self) || browserExtension(origin)
}

// sameOrigin compares scheme, host and port (the scheme's default when
// absent), as com.atlassian.http.url.SameOrigin does.
func sameOrigin(raw, self string) bool {
	if raw == "" {
		return false
	}
	a, err1 := url.Parse(raw)
	b, err2 := url.Parse(self)
	if err1 != nil || err2 != nil || a.Scheme == "" || a.Host == "" {
		return false
	}
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		portOf(a) == portOf(b)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// browserExtension imitates XsrfResourceFilter.isOriginABrowserExtension:
// a hierarchical URI whose scheme is chrome-extension or safari-extension
// (BROWSER_EXTENSION_ORIGINS; moz-extension is not among them).
func browserExtension(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Opaque != "" {
		return false
	}
	switch u.Scheme {
	case "chrome-extension", "safari-extension":
		return true
	}
	return false
}

// passesStandardXsrfChecks imitates SAL's XsrfRequestValidatorImpl: the
// header X-Atlassian-Token: no-check (XsrfHeaderValidator, compared ignoring
// case) or a valid form token, atl_token, as a request parameter.
func (c *call) passesStandardXsrfChecks() bool {
	if strings.EqualFold(c.r.Header.Get("X-Atlassian-Token"), "no-check") {
		return true
	}
	return c.validFormToken()
}

// hasDeprecatedNoCheck: "nocheck" is still accepted, with a warning
// ("deprecated since rest 3.0.0", XsrfResourceFilter.hasDeprecatedHeaderValue).
func (c *call) hasDeprecatedNoCheck() bool {
	if strings.ToLower(c.r.Header.Get("X-Atlassian-Token")) != "nocheck" {
		return false
	}
	c.s.log.Warn("sandbox: use of the 'nocheck' value for X-Atlassian-Token is deprecated; use 'no-check'", "path", c.r.URL.Path)
	return true
}

// validFormToken reports whether the request's atl_token parameter (query
// string, or the field of a form-encoded body, as the servlet's
// getParameter reads them) is the form token of the caller's session — the
// value of its atlassian.xsrf.token cookie.
func (c *call) validFormToken() bool {
	if c.sess == nil {
		return false
	}
	tok := c.r.URL.Query().Get("atl_token")
	if tok == "" && mediaType(c.r.Header.Get("Content-Type")) == "application/x-www-form-urlencoded" {
		tok = c.peekForm().Get("atl_token")
	}
	return tok != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(c.sess.xsrf)) == 1
}

// peekForm parses a form-encoded body and puts the body back for the
// handler; a read error (over the body cap) is replayed to the handler too.
func (c *call) peekForm() url.Values {
	if c.r.Body == nil {
		return url.Values{}
	}
	b, err := io.ReadAll(c.r.Body)
	var rest io.Reader = bytes.NewReader(b)
	if err != nil {
		rest = io.MultiReader(rest, errReader{err})
	}
	c.r.Body = io.NopCloser(rest)
	if err != nil {
		return url.Values{}
	}
	v, _ := url.ParseQuery(string(b))
	return v
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// logXSRF logs a refused or tolerated request as the filter does: the URI
// without its query, the Origin and the Referer before '?'.
func (c *call) logXSRF(msg string) {
	referer, _, _ := strings.Cut(c.r.Header.Get("Referer"), "?")
	c.s.log.Warn("sandbox: "+msg, "method", c.r.Method, "path", c.r.URL.Path,
		"origin", c.r.Header.Get("Origin"), "referrer", referer)
}

// refuseXSRF answers a refused request: 403 and the exception's text.
func (c *call) refuseXSRF() {
	c.writeText(http.StatusForbidden, "text/plain;charset=UTF-8", xsrfRefusal)
}
