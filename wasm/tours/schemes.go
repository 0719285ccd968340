package tours

import (
	"strings"

	"jiraauthlab/contract"
)

// Scheme is one way of sending credentials, with the header it puts on the
// wire and what each kind of Jira does with it.
type Scheme struct {
	Name   string
	Header string // the header as sent, by its shape
	Server string // Jira Server / Data Center
	Cloud  string // Jira Cloud
	// scheme and auth say which logged exchanges used it: the
	// Authorization scheme, or the lab's cookie.
	scheme string
	cookie bool
}

// Schemes is the table on /learn of which credentials go in which header,
// and which Jira takes them. Sources: Atlassian, "Basic auth for REST APIs"
// (Cloud: e-mail with an API token; account passwords refused since the
// 2018–2019 deprecation notice), "Using Personal Access Tokens" (Server/DC
// 8.14+, Bearer), "Cookie-based auth for REST APIs", "Disabling basic
// authentication" (DC 8.16+).
var Schemes = []Scheme{
	{Name: "Basic, account password", Header: "Authorization: Basic base64(username:password)",
		Server: "Works, unless an administrator disabled basic auth (403); failures count towards CAPTCHA.",
		Cloud:  "Refused: 401. Cloud takes no account password over REST.", scheme: "basic"},
	{Name: "Basic, API token", Header: "Authorization: Basic base64(e-mail:api_token)",
		Server: "No such token: Server and Data Center have personal access tokens instead.",
		Cloud:  "Works: the API token is the password, your e-mail the user.", scheme: "basic"},
	{Name: "Bearer, personal access token", Header: "Authorization: Bearer <token>",
		Server: "Works (8.14+): the token alone, no username.",
		Cloud:  "Refused: 401. Cloud has no personal access tokens.", scheme: "bearer"},
	{Name: "Session cookie", Header: "Cookie: JSESSIONID=<session.value>",
		Server: "Works: POST /rest/auth/1/session, then the cookie, until logout or idle timeout.",
		Cloud:  "Not for scripts: Cloud's REST API wants basic auth with an API token.", cookie: true},
}

// Last is the status of the newest logged exchange that sent this
// scheme's header to a Jira of that kind (cloud or not), and whether there
// is one. Both basic rows share the header, so both show its last answer.
func (s Scheme) Last(log []contract.Exchange, onCloud bool) (int, bool) {
	for _, x := range log {
		if x.Status == 0 || cloud(x) != onCloud {
			continue
		}
		if s.cookie {
			if x.SentHeader(contract.HeaderCookie) != "" {
				return x.Status, true
			}
			continue
		}
		scheme, _, _ := strings.Cut(strings.TrimSpace(x.SentHeader("Authorization")), " ")
		if strings.EqualFold(scheme, s.scheme) {
			return x.Status, true
		}
	}
	return 0, false
}
