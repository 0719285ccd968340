// Package jira reads what Jira sends: its own headers (Seraph's login
// reason, the user and session ids), its error bodies, the session JSON of
// a login and the total of a search. It knows Jira's wire, not the lab's
// page; the diagnosis and the pages build on it.
package jira

import (
	"encoding/json"
	"html"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"jiraauthlab/wasm/cookies"
)

// Headers Jira puts on its answers (JIRA-FACTS.md, "Common to every REST
// response"), and the form-token header a client sends.
const (
	HeaderUser         = "X-AUSERNAME"  // the user the request ran as, or "anonymous"
	HeaderSessionID    = "X-ASESSIONID" // the short id of the session, when there is one
	HeaderRequestID    = "X-AREQUESTID" // on every answer of Jira's, never on the lab's own
	HeaderLoginReason  = "X-Seraph-LoginReason"
	HeaderDeniedReason = "X-Authentication-Denied-Reason"
	HeaderToken        = "X-Atlassian-Token" // "no-check" lets a form POST past the XSRF filter
)

// Seraph's login reasons (X-Seraph-LoginReason), as Jira sends them.
const (
	ReasonOK            = "OK"
	ReasonFailed        = "AUTHENTICATED_FAILED"  // the password was checked and is wrong
	ReasonDenied        = "AUTHENTICATION_DENIED" // refused without checking, most often CAPTCHA
	ReasonAuthorisation = "AUTHORISATION_FAILED"
	ReasonOut           = "OUT"
)

// Anonymous is the X-AUSERNAME of a request Jira ran without a user.
const Anonymous = "anonymous"

// LoginReason normalises an X-Seraph-LoginReason value (upper case, trimmed).
func LoginReason(v string) string { return strings.ToUpper(strings.TrimSpace(v)) }

// IsCaptcha reports whether an X-Authentication-Denied-Reason names CAPTCHA.
func IsCaptcha(denied string) bool { return strings.Contains(strings.ToUpper(denied), "CAPTCHA") }

// LoginURL reads login-url=... from X-Authentication-Denied-Reason
// ("CAPTCHA_CHALLENGE; login-url=https://jira/login.jsp").
func LoginURL(denied string) string {
	for _, part := range strings.Split(denied, ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "login-url="); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// Messages reads Jira's error bodies into sentences: the usual
// {"errorMessages":[...],"errors":{field: message}} (errors sorted by field,
// so the text is stable), and the {"message":...,"status-code":N} that its
// REST plugin answers for WebSudo and bad tokens. Anything else: nil.
func Messages(body string) []string {
	var e struct {
		ErrorMessages []string       `json:"errorMessages"`
		Errors        map[string]any `json:"errors"`
		Message       *string        `json:"message"`
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
		out = append(out, k+": "+String(e.Errors[k]))
	}
	if e.Message != nil && *e.Message != "" {
		out = append(out, *e.Message)
	}
	return out
}

// Session is the answer of a successful POST /rest/auth/1/session (seed
// 001): {"session":{"name":"JSESSIONID","value":"6E34…"},"loginInfo":{…}}.
type Session struct {
	Name      string         // the cookie's name, e.g. JSESSIONID
	Value     string         // the cookie's value
	LoginInfo map[string]any // loginCount, failedLoginCount, previousLoginTime…
}

// Cookie is the Cookie header value "name=value" that carries the session.
func (s Session) Cookie() string { return s.Name + "=" + s.Value }

// ReadSession reads a login answer. Its errors are sentences the page
// shows as they are.
func ReadSession(body string) (Session, error) {
	var v struct {
		Session *struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"session"`
		LoginInfo map[string]any `json:"loginInfo"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		return Session{}, cookies.Sentence("The answer is not the session JSON: it does not parse as JSON.")
	}
	s := v.Session
	switch {
	case s == nil:
		return Session{}, cookies.Sentence(`The answer has no "session" object.`)
	case s.Name == "" || s.Value == "":
		return Session{}, cookies.Sentence(`The "session" object lacks a cookie name or value.`)
	case !cookies.ValidName(s.Name) || !cookies.ValidValue(s.Value):
		return Session{}, cookies.Sentence("The session's cookie name or value has characters a Cookie header cannot carry.")
	}
	return Session{Name: s.Name, Value: s.Value, LoginInfo: v.LoginInfo}, nil
}

// SearchTotal reads "total" of a search answer.
func SearchTotal(body string) (int, bool) {
	var v struct {
		Total *int `json:"total"`
	}
	if json.Unmarshal([]byte(body), &v) != nil || v.Total == nil {
		return 0, false
	}
	return *v.Total, true
}

// IsSessionPath reports whether p (without query) is the session resource,
// under any context path and as "1" or "latest".
func IsSessionPath(p string) bool {
	return strings.HasSuffix(p, "/rest/auth/1/session") || strings.HasSuffix(p, "/rest/auth/latest/session")
}

// PathOnly is p without its query or fragment, and without a trailing slash.
func PathOnly(p string) string {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	return p
}

// CloudFace reports whether base is the built-in sandbox's Cloud face
// (CONTRACT.md, "Two faces of Jira": base URL <sandbox>/cloud).
func CloudFace(base string, sandbox bool) bool {
	return sandbox && strings.HasSuffix(strings.TrimRight(base, "/"), "/cloud")
}

// IsCloud reports whether the Jira at base is Jira Cloud: a site on
// atlassian.net, or the sandbox's Cloud face. The diagnosis, the tours and
// the token page all ask it this way.
func IsCloud(base string, sandbox bool) bool {
	_, site := CloudHost(base)
	return site || CloudFace(base, sandbox)
}

// CloudHost reports whether base is a Jira Cloud site (*.atlassian.net),
// and returns its host.
func CloudHost(base string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return "", false
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	return host, strings.HasSuffix(host, ".atlassian.net")
}

// String shows a JSON value decoded into any: numbers as integers when
// they are, "(none)" for null and empty strings.
func String(v any) string {
	switch t := v.(type) {
	case string:
		if strings.TrimSpace(t) == "" {
			return "(none)"
		}
		return t
	case float64:
		if t == float64(int64(t)) {
			return strconv.FormatInt(int64(t), 10)
		}
		return strconv.FormatFloat(t, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	case nil:
		return "(none)"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// browserFamilies are the browser families of atlassian-http's
// UserAgentUtil, by the text that names each in a User-Agent (matched
// case-sensitively, first match wins). Jira's XSRF filter
// (XsrfResourceFilter) treats a request as a browser's when its User-Agent
// names one: "Mozilla/5.0" alone names none, a real browser's string always
// names Gecko/, KHTML, Chrome/, Safari/ or Firefox. The sandbox imitates the
// same list (server/sandbox/xsrf.go).
var browserFamilies = []string{
	"google/", "Googlebot/", "msnbot", "webcrawler/", "MSIE", "Trident/", "Edge/",
	"Firefox", "Chrome/", "Safari/", "Opera/", "Gecko/", "Lotus-Notes/", "Netscape/",
	"Konqueror/", "KHTML",
}

// BrowserAgent reports whether Jira's XSRF filter takes a User-Agent for a
// browser's.
func BrowserAgent(userAgent string) bool {
	for _, f := range browserFamilies {
		if strings.Contains(userAgent, f) {
			return true
		}
	}
	return false
}

// ErrorPageReason reads the reason from Jira's HTML error page — the page
// titled "Unauthorized (401)" or "Forbidden (403)" whose message box says
// 'Encountered a "401 - Unauthorized" error while loading this page.' and
// then the reason, e.g. "Basic Authentication Failure - Reason :
// AUTHENTICATED_FAILED" (a Jira 8.20 capture). "" when body is no such page
// or names no reason.
func ErrorPageReason(body string) string {
	i := strings.Index(body, `class="aui-message`)
	if i < 0 {
		return ""
	}
	box := body[i:]
	if end := strings.Index(box, "</div>"); end >= 0 {
		box = box[:end]
	}
	for _, p := range strings.Split(box, "<p>")[1:] {
		text := strings.TrimSpace(html.UnescapeString(stripTags(p)))
		if text == "" || strings.HasPrefix(text, "Encountered a ") || strings.HasPrefix(text, "Go to Jira home") {
			continue
		}
		return text
	}
	return ""
}

// stripTags drops everything between < and >.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// spelled is how Jira spells its own headers, by lower-case name: the
// browser hands every header name over in lower case.
var spelled = map[string]string{}

func init() {
	for _, h := range []string{HeaderUser, HeaderSessionID, HeaderRequestID, HeaderLoginReason, HeaderDeniedReason, HeaderToken} {
		spelled[strings.ToLower(h)] = h
	}
}

// Spelled returns name as Jira spells it when it is one of Jira's own
// headers (x-ausername → X-AUSERNAME), else name unchanged.
func Spelled(name string) string {
	if s, ok := spelled[strings.ToLower(name)]; ok {
		return s
	}
	return name
}
