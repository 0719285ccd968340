package proxy

import (
	"io"
	"net/http"
	"strings"

	"jiraauthlab/contract"
)

// rewriteRequestHeaders strips from h (the outbound copy of the browser's
// headers) everything that belongs to the browser, the lab or the
// visitor's network, turns X-Jira-Cookie into the only Cookie the upstream
// sees, and sets the User-Agent: X-Jira-User-Agent's value when the page
// sent one, else userAgent — never the browser's own, which Jira's XSRF
// filter refuses on a POST (CONTRACT.md; Atlassian KB "REST API calls with
// a browser User-Agent header may fail CSRF checks"). Hop-by-hop headers
// and the four standard forwarding headers have already been removed by
// httputil.ReverseProxy.
//
// For a built-in sandbox face (sandbox), the page's visitor id
// (X-Jira-Lab-Visitor) becomes X-Sandbox-Visitor, which picks the
// visitor's own sandbox state (CONTRACT.md, "Per-visitor sandbox"). No
// other upstream ever gets it, and an X-Sandbox-Visitor the page sent
// itself is dropped for every upstream: only the lab's translation may
// name a sandbox state.
//
// It works in place and allocates only to join several X-Jira-Cookie
// values.
func rewriteRequestHeaders(h http.Header, userAgent string, sandbox bool) {
	var cookie, agent, visitor []string
	for k, v := range h {
		switch {
		case hasPrefixFold(k, contract.HeaderPrefix):
			switch {
			case isHeader(k, contract.HeaderCookie):
				if cookie == nil {
					cookie = v // the outbound header is ours: reuse its slice
				} else {
					cookie = append(cookie[:len(cookie):len(cookie)], v...)
				}
			case isHeader(k, contract.HeaderUserAgent):
				agent = v
			case isHeader(k, contract.HeaderVisitor):
				visitor = v
			}
		case hasPrefixFold(k, "X-Forwarded-"), strippedRequestHeader(k),
			// The browser's fetch metadata and client hints describe its
			// request to the lab, and name the browser: not Jira's business.
			hasPrefixFold(k, "Sec-Fetch-"), hasPrefixFold(k, "Sec-Ch-"):
		default:
			continue
		}
		delete(h, k)
	}
	switch len(cookie) {
	case 0:
	case 1:
		h["Cookie"] = cookie
	default:
		h["Cookie"] = []string{strings.Join(cookie, "; ")}
	}
	if len(agent) > 0 {
		h["User-Agent"] = agent[:1] // one User-Agent, the page's first
	} else {
		h["User-Agent"] = []string{userAgent}
	}
	if sandbox && len(visitor) > 0 {
		// As sent, all lines: the sandbox refuses a malformed id, or one
		// given twice, with a 400 the learner sees in the log.
		h[contract.HeaderSandboxVisitor] = visitor
	}
}

// strippedRequestHeaders are the request headers rewriteRequestHeaders
// removes besides X-Jira-* and X-Forwarded-*, compared as isHeader does.
var strippedRequestHeaders = [...]string{
	// The browser's own.
	"User-Agent", "Cookie", "Origin", "Referer",
	// Set from the lab's own X-Jira-Lab-Visitor alone, for the sandbox.
	contract.HeaderSandboxVisitor,
	// The visitor's network.
	"Forwarded", "Via", "X-Real-Ip", "X-Client-Ip", "True-Client-Ip", "Cf-Connecting-Ip",
	// Another URL, host or method than the ones the proxy checked, as
	// servers and frameworks behind it read them (IIS, Symfony, Spring's
	// HiddenHttpMethodFilter and friends).
	"X-Original-Url", "X-Original-Uri", "X-Rewrite-Url", "X-Original-Host", "X-Host",
	"X-Original-Method", "X-Http-Method-Override", "X-Http-Method", "X-Method-Override",
	// ReverseProxy puts these back for upgrades, 100-continue and a
	// browser's TE: trailers; the lab never switches protocols, the server
	// in front already answers the browser's Expect, and no trailer is
	// forwarded (rewrite).
	"Connection", "Upgrade", "Expect", "Te",
}

// strippedRequestHeader reports whether k is one of strippedRequestHeaders.
func strippedRequestHeader(k string) bool {
	for _, name := range strippedRequestHeaders {
		if isHeader(k, name) {
			return true
		}
	}
	return false
}

// isHeader reports whether the header key k is name, in any case and with
// '_' for '-' (as hasPrefixFold compares).
func isHeader(k, name string) bool { return len(k) == len(name) && hasPrefixFold(k, name) }

// hasPrefixFold is strings.HasPrefix ignoring ASCII case, with '_' and '-'
// taken as the same byte (some servers read X_Jira_Lab as X-Jira-Lab).
// prefix must be ASCII.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		a, b := s[i], prefix[i]
		if a == b {
			continue
		}
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a == '_' {
			a = '-'
		}
		if a != b {
			return false
		}
	}
	return true
}

// renamedResponseHeader returns the name under which the upstream
// response header k (in canonical form, as http.Transport gives it)
// reaches the browser, or "" when it passes unchanged. Renamed are the
// headers that would act on the lab's own origin, or that the browser
// would act on instead of showing them: cookies, login dialogs,
// redirects, HSTS, CSP, CORS, Alt-Svc, Clear-Site-Data, reporting (NEL)
// policies, and what would act on the lab's page if a proxied answer were
// ever navigated to (Refresh, Link, service worker scope, permissions,
// cross-origin isolation, a second Referrer-Policy after the lab's own);
// and Cache-Control, since every proxied answer is no-store.
func renamedResponseHeader(k string) string {
	if nk, ok := renamedHeaders[k]; ok {
		return nk
	}
	if hasPrefixFold(k, "Access-Control-") {
		return contract.HeaderPrefix + k // rare ones (Access-Control-Allow-Private-Network, ...)
	}
	return ""
}

// renamedHeaders maps each header renamedResponseHeader renames, in
// canonical form, to its X-Jira- name; built once, so that renaming
// allocates nothing per answer.
var renamedHeaders = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{
		"Set-Cookie", "Set-Cookie2", "Www-Authenticate", "Location",
		"Strict-Transport-Security", "Clear-Site-Data", "Alt-Svc",
		"Content-Security-Policy", "Content-Security-Policy-Report-Only",
		"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Headers",
		"Access-Control-Allow-Methods", "Access-Control-Expose-Headers", "Access-Control-Max-Age",
		"Nel", "Report-To", "Reporting-Endpoints", "Set-Login",
		"Refresh", "Link", "Service-Worker-Allowed", "Permissions-Policy", "Feature-Policy", "Document-Policy",
		"Cross-Origin-Opener-Policy", "Cross-Origin-Opener-Policy-Report-Only",
		"Cross-Origin-Embedder-Policy", "Cross-Origin-Embedder-Policy-Report-Only",
		"Cross-Origin-Resource-Policy", "Origin-Agent-Cluster", "Referrer-Policy",
		"Accept-Ch", "Critical-Ch", "Speculation-Rules", "Supports-Loading-Mode",
		"Cache-Control",
	} {
		m[k] = contract.HeaderPrefix + k
	}
	return m
}()

// renameResponseHeaders drops the upstream's own X-Jira-* headers (they
// would pass for the lab's translations: an upstream X-Jira-Set-Cookie
// would join the real ones), then applies renamedResponseHeader to h in
// place. The values move with their slice, so every Set-Cookie stays its
// own line, verbatim and in order.
func renameResponseHeaders(h http.Header) {
	// Two passes: a key added while ranging over a map may be visited, and
	// the renamed ones are X-Jira-* too.
	for k := range h {
		if hasPrefixFold(k, contract.HeaderPrefix) {
			delete(h, k)
		}
	}
	for k, v := range h {
		nk := renamedResponseHeader(k)
		if nk == "" {
			continue
		}
		delete(h, k)
		if old := h[nk]; old != nil {
			h[nk] = append(old, v...)
		} else {
			h[nk] = v
		}
	}
}

// modifyResponse is the ReverseProxy.ModifyResponse of every upstream.
func modifyResponse(res *http.Response) error {
	renameResponseHeaders(res.Header)
	// Announced trailer names are renamed now. The values, and trailers the
	// upstream never announced (the client collects those too, and
	// ReverseProxy passes them on), arrive with the end of the body: any
	// body of unknown length may carry them.
	renameResponseHeaders(res.Trailer)
	if res.Trailer != nil || res.ContentLength < 0 || len(res.TransferEncoding) > 0 {
		res.Body = &trailerRenamer{ReadCloser: res.Body, res: res}
	}
	return nil
}

// trailerRenamer renames the trailers once the body has been read, once:
// a second pass would drop the X-Jira-* names of the first.
type trailerRenamer struct {
	io.ReadCloser
	res  *http.Response
	done bool
}

func (b *trailerRenamer) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.rename()
	}
	return n, err
}

func (b *trailerRenamer) Close() error {
	err := b.ReadCloser.Close()
	b.rename()
	return err
}

func (b *trailerRenamer) rename() {
	if !b.done {
		b.done = true
		renameResponseHeaders(b.res.Trailer)
	}
}
