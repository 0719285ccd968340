// Package contract is what the lab's page and the lab's server agree on: the
// header names of the proxy's translations, the proxy's error codes with
// their HTTP statuses, the error body, the upstream list and the exchange
// the page records. Both the wasm and the server import it, so it imports
// nothing of go-app or of the server (and not net/http: the wasm must stay
// small). The outside contract it implements is CONTRACT.md, kept beside
// the repository (../shared), and the README's Proxy section.
package contract

// Headers of the page ↔ proxy contract. A page cannot read Set-Cookie nor
// send Cookie itself, and the browser would act on WWW-Authenticate or
// Location: the proxy carries them under these names instead.
const (
	// HeaderPrefix marks every lab header. The proxy strips all of them
	// before forwarding, and drops an upstream's own ones from its answer
	// (they would pass for the lab's translations).
	HeaderPrefix = "X-Jira-"
	// HeaderLab must be LabHeaderValue on every proxied request: a
	// cross-site page cannot add it without a preflight the lab never grants.
	HeaderLab      = "X-Jira-Lab"
	LabHeaderValue = "1"
	// HeaderCookie becomes the only Cookie header the upstream sees.
	HeaderCookie = "X-Jira-Cookie"
	// HeaderSetCookie carries each upstream Set-Cookie, one line a cookie.
	HeaderSetCookie = "X-Jira-Set-Cookie"
	// HeaderWWWAuthenticate and HeaderLocation carry the upstream's login
	// challenge and redirect, which the browser would otherwise act on.
	HeaderWWWAuthenticate = "X-Jira-Www-Authenticate"
	HeaderLocation        = "X-Jira-Location"
	// HeaderUserAgent sets the User-Agent the upstream sees; without it the
	// proxy sends DefaultUserAgent, never the browser's own.
	HeaderUserAgent = "X-Jira-User-Agent"
	// HeaderVisitor is the page's visitor id; for the built-in sandbox only
	// it is forwarded as HeaderSandboxVisitor.
	HeaderVisitor        = "X-Jira-Lab-Visitor"
	HeaderSandboxVisitor = "X-Sandbox-Visitor"
)

// UserAgent is the User-Agent the proxy sends for a build version:
// "JiraAuthLab/<version>". Jira's XSRF filter refuses a POST from a
// browser User-Agent (CONTRACT.md, proxy rules), so the browser's own is
// never forwarded.
func UserAgent(version string) string {
	if version == "" {
		version = "dev"
	}
	return "JiraAuthLab/" + version
}

// Upstream is one entry of GET /api/upstreams, default first.
type Upstream struct {
	Name    string `json:"name"`
	URL     string `json:"url"`
	Sandbox bool   `json:"sandbox"` // the built-in sandbox: the page offers its demo controls
}
