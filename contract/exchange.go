package contract

import (
	"strings"
	"time"
)

// Header is one header line. Exchanges keep every line in order: the lab's
// point is to show them all, repeated X-Jira-Set-Cookie lines included.
type Header struct {
	Name  string
	Value string
}

// HeaderValue returns the first value of the header name in h
// (case-insensitive), "" when absent.
func HeaderValue(h []Header, name string) string {
	for _, e := range h {
		if strings.EqualFold(e.Name, name) {
			return e.Value
		}
	}
	return ""
}

// AuthKind is how a request authenticated.
type AuthKind int

// The ways a request can authenticate.
const (
	AuthNone    AuthKind = iota // no credentials: Jira answers as anonymous
	AuthSession                 // a session cookie from a login
	AuthPasted                  // a cookie pasted by hand (SSO workaround)
	AuthBasic                   // Authorization: Basic
	AuthBearer                  // Authorization: Bearer (personal access token)
	AuthLogin                   // the login POST itself (credentials in the body)
)

// Exchange is one request the page made through the proxy and its complete
// answer: the request as sent, the response as received, and the timing.
type Exchange struct {
	ID             int
	Method         string
	Path           string   // upstream path + query as sent, e.g. "/rest/auth/1/session"
	Typed          string   `json:",omitempty"` // the path as typed, when the browser sent another (dot segments resolved)
	Target         string   // upstream name, e.g. "sandbox"
	TargetURL      string   // upstream base URL, e.g. "http://127.0.0.1:8090"
	Sandbox        bool     // the target is a built-in sandbox
	Auth           AuthKind // how the request authenticated
	Username       string   // whose credentials were sent (login body or basic auth), "" if none
	RequestHeader  []Header // as sent to the proxy (unmasked: masking happens at display time)
	RequestBody    string
	Status         int      // 0 when the fetch itself failed
	ResponseHeader []Header // every line; repeated X-Jira-Set-Cookie lines possibly joined by ", " (browser Headers)
	ResponseBody   string
	Err            string // network error text when Status == 0
	Duration       time.Duration
	Started        time.Time
}

// Header returns the first response header value of that name
// (case-insensitive), "" when absent.
func (x Exchange) Header(name string) string { return HeaderValue(x.ResponseHeader, name) }

// SentHeader returns the first request header value of that name.
func (x Exchange) SentHeader(name string) string { return HeaderValue(x.RequestHeader, name) }

// Received returns request headers h, as the page sent them to the proxy,
// as the upstream received them: X-Jira-Cookie as Cookie, X-Jira-User-Agent
// as User-Agent — else userAgent, the proxy's own, when not empty — and the
// lab's other headers left out (the proxy strips them). A User-Agent
// already under its own name (an exchange read from a HAR) is kept.
func Received(h []Header, userAgent string) []Header {
	out := make([]Header, 0, len(h)+1)
	agent := false
	for _, e := range h {
		switch {
		case strings.EqualFold(e.Name, HeaderCookie):
			e.Name = "Cookie"
		case strings.EqualFold(e.Name, HeaderUserAgent):
			e.Name, agent = "User-Agent", true
		case strings.EqualFold(e.Name, "User-Agent"):
			agent = true // already under its own name, as spelled
		case len(e.Name) >= len(HeaderPrefix) && strings.EqualFold(e.Name[:len(HeaderPrefix)], HeaderPrefix):
			continue
		}
		out = append(out, e)
	}
	if !agent && userAgent != "" {
		out = append(out, Header{Name: "User-Agent", Value: userAgent})
	}
	return out
}

// ReceivedHeader returns x's request headers as its upstream received
// them (Received), and for a built-in sandbox the visitor id the page sent,
// as X-Sandbox-Visitor: the header the proxy forwards it under, which a
// command repeating x needs to reach the same sandbox state.
func (x Exchange) ReceivedHeader(userAgent string) []Header {
	h := Received(x.RequestHeader, userAgent)
	if v := x.SentHeader(HeaderVisitor); v != "" && x.Sandbox {
		h = append(h, Header{Name: HeaderSandboxVisitor, Value: v})
	}
	return h
}

// LabResponseHeader reports whether a response header is the lab's own —
// the security headers its server puts on every answer, proxied ones
// included — rather than the upstream's (whose own arrive renamed
// X-Jira-…).
func LabResponseHeader(name string) bool {
	switch strings.ToLower(name) {
	case "content-security-policy", "x-content-type-options", "referrer-policy", "cache-control":
		return true
	}
	return false
}
