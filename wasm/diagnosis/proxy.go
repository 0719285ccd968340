package diagnosis

import (
	"encoding/json"
	"strconv"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/jira"
)

// advice is what the page says about one of the proxy's error codes: a
// title and the lines after the proxy's own detail. x is the exchange, for
// the names and addresses the advice mentions.
type advice func(x contract.Exchange) (level Level, title string, lines []string)

// proxyAdvice is the page's half of the proxy's error table: the proxy
// looks a code's status up in contract, the page its advice here.
var proxyAdvice = map[contract.ErrorCode]advice{
	contract.CodeUpstreamRefused: func(x contract.Exchange) (Level, string, []string) {
		lines := []string{"Nothing listens at " + orNone(x.TargetURL) + ", or a firewall rejects the connection. Is " + jiraOf(x) + " running, and is the address and port right (-upstream NAME=URL)?"}
		if x.Sandbox {
			lines = append(lines, "This is the built-in sandbox: it is off when the lab was started with -sandbox-addr off, or it failed to start; restart the lab with make run.")
		}
		return LevelBad, "Jira could not be reached: the connection was refused.", lines
	},
	contract.CodeUpstreamReset: func(x contract.Exchange) (Level, string, []string) {
		return LevelBad, "Jira could not be reached: the connection was closed without an answer.",
			[]string{"Something at " + orNone(x.TargetURL) + " accepted the connection and dropped it: often http:// pointed at an https port (or the reverse), a load balancer in between, or Jira restarting."}
	},
	contract.CodeUpstreamTLS: func(contract.Exchange) (Level, string, []string) {
		return LevelBad, "Jira could not be reached: the TLS (https) connection failed.",
			[]string{"When Jira's certificate comes from an internal CA, start the lab with -upstream-ca FILE (the CA's PEM file). -upstream-insecure skips the check altogether — only for a throw-away test server. Also check that the URL's host name is the one in the certificate, and that the port speaks https."}
	},
	contract.CodeUpstreamDown:  unreachable,
	contract.CodeUpstreamError: unreachable,
	contract.CodeUpstreamTimeout: func(contract.Exchange) (Level, string, []string) {
		return LevelBad, "Jira is too slow: the proxy gave up waiting (504).",
			[]string{"Either Jira is overloaded or starting, or a firewall silently drops the connection. The proxy waits -upstream-timeout (30s by default) for Jira's response headers, and less for connecting and the TLS handshake; raise -upstream-timeout for a slow Jira."}
	},
	contract.CodeCanceled: func(contract.Exchange) (Level, string, []string) {
		return LevelWarn, "The request was canceled before Jira answered.", nil
	},
	contract.CodeBadPath: func(contract.Exchange) (Level, string, []string) {
		return LevelBad, "The proxy refused this path (400 bad_path): it would leave Jira's base URL.",
			[]string{"The proxy never forwards a path with . or .. segments (also encoded as %2e), encoded slashes (%2f, %5c), backslashes, ; or empty segments (//). Write the plain resource path, e.g. /rest/api/2/myself."}
	},
	contract.CodeMissingLabHeader: func(contract.Exchange) (Level, string, []string) {
		return LevelBad, "The proxy refused the request: it lacks the lab's header " + contract.HeaderLab + ": " + contract.LabHeaderValue + " (403).",
			[]string{"Only the lab's own pages may use the proxy; they add " + contract.HeaderLab + ": " + contract.LabHeaderValue + " to every call. A page of another site cannot add it without a CORS preflight, which the lab never approves — that keeps other sites from reaching your Jira through your browser."}
	},
	contract.CodeForeignOrigin: foreign,
	contract.CodeForeignHost:   foreign,
	contract.CodeUnknownUpstream: func(x contract.Exchange) (Level, string, []string) {
		return LevelBad, "The proxy has no Jira named " + orNone(x.Target) + " (404 unknown_upstream).",
			[]string{"The lab was probably restarted with other -upstream flags: reload the page and pick a Jira in the selector at the top right."}
	},
	contract.CodeBadBody: func(contract.Exchange) (Level, string, []string) {
		return LevelBad, "The request body's chunked framing is broken (400 bad_body).",
			[]string{"The body was sent with Transfer-Encoding: chunked and a chunk size, its framing or its trailer is malformed, so the proxy did not forward it. A body with a Content-Length is the safer choice for a script."}
	},
	contract.CodeBadMethod: func(x contract.Exchange) (Level, string, []string) {
		return LevelBad, "The proxy does not forward " + orNone(x.Method) + " (405 bad_method).",
			[]string{"Jira's REST API uses GET, HEAD, POST, PUT, DELETE, PATCH and OPTIONS; the proxy forwards those and no other (CONNECT, TRACE or WebDAV's methods would only help an attacker)."}
	},
	contract.CodeHeadersTooLarge: func(contract.Exchange) (Level, string, []string) {
		return LevelBad, "The request's headers are over the lab's limit (431).",
			[]string{"The lab's server takes at most 64 KiB of request headers: a pasted cookie file or a header that large is almost always a mistake. Paste only the cookie you need (JSESSIONID=…)."}
	},
	contract.CodeBodyTooLarge: func(contract.Exchange) (Level, string, []string) {
		return LevelBad, "The request body is over the proxy's limit (413).",
			[]string{"The lab's server caps request bodies at -max-body (10MiB by default); start it with a larger -max-body to send more."}
	},
}

func unreachable(x contract.Exchange) (Level, string, []string) {
	return LevelBad, "Jira could not be reached.",
		[]string{"Check the host name and port of " + orNone(x.TargetURL) + " (-upstream NAME=URL), your network or VPN, and HTTPS_PROXY / NO_PROXY if a proxy is needed to get there. An answer that is not HTTP at all means the port belongs to something else."}
}

func foreign(contract.Exchange) (Level, string, []string) {
	return LevelBad, "The proxy refused the request: the page is not served under an address the lab knows (403).",
		[]string{"Open the lab at the address it printed when it started. Behind a reverse proxy, start it with -public-url set to the address users type; the Host and Origin checks accept that one (they stop DNS rebinding, where a foreign site points its own name at the lab)."}
}

func jiraOf(x contract.Exchange) string {
	return "Jira (" + orNone(x.Target) + ", " + orNone(x.TargetURL) + ")"
}

// isProxyError reports whether the answer is the proxy's own error,
// {"error":code,"detail":...} — never Jira's, which carry X-AREQUESTID —
// and keeps it for proxyError.
func (r *reading) isProxyError() bool {
	if r.x.Header(jira.HeaderRequestID) != "" {
		return false
	}
	var e struct {
		Code   *contract.ErrorCode `json:"error"`
		Detail *string             `json:"detail"`
	}
	if json.Unmarshal([]byte(r.x.ResponseBody), &e) != nil || e.Code == nil || e.Detail == nil {
		return false
	}
	r.proxy = &contract.ErrorBody{Error: *e.Code, Detail: *e.Detail}
	return true
}

// proxyError tells the proxy's own answer, with the advice for its code.
func (r *reading) proxyError() {
	x, e := r.x, r.proxy
	says := "The lab's proxy answered " + strconv.Itoa(x.Status) + " " + string(e.Error) + ": " + e.Detail
	if adv, ok := proxyAdvice[e.Error]; ok {
		level, title, lines := adv(x)
		r.set(level, title, says)
		r.add(lines...)
	} else {
		r.set(LevelBad, "The lab's proxy refused the request ("+strconv.Itoa(x.Status)+" "+string(e.Error)+").", says)
	}
	r.add("This answer comes from the lab's server, not from Jira: it has none of Jira's headers (X-AREQUESTID, X-AUSERNAME).")
}
