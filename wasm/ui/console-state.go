package ui

import (
	"strings"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/curl"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// consoleState is the console's: any request to the chosen Jira, with the
// credentials of the other pages one choice away.
type consoleState struct {
	method, path, headers, body string
	auth                        string // "none", "session", "basic", "token"
	browserUA                   bool   // send the browser's own User-Agent (X-Jira-User-Agent)
	importText, importErr       string
	err                         string // why the last request was not sent
}

// console is the store of the console.
var console = consoleState{method: "GET", path: "/rest/api/2/myself", auth: "none"}

// forget drops the pasted command (it may hold a password).
func (s *consoleState) forget() { s.importText, s.importErr = "", "" }

// consoleMethods are the methods the console offers: the ones the proxy
// forwards.
var consoleMethods = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}

// asLab are the headers a page cannot send itself that the proxy sends
// for it, by what the page writes instead.
var asLab = map[string]string{"cookie": contract.HeaderCookie, "user-agent": contract.HeaderUserAgent}

// parseHeaders reads the console's header lines (Name: value, one a line)
// into what the page sends: Cookie and User-Agent through the proxy's lab
// headers; headers the browser forbids a page to set are named in skipped.
func parseHeaders(text string) (out []contract.Header, skipped []string, bad string) {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(strings.TrimRight(line, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, nil, line
		}
		value = strings.TrimSpace(value)
		lower := strings.ToLower(name)
		switch {
		case asLab[lower] != "":
			name = asLab[lower]
		case forbidden(lower):
			skipped = append(skipped, name)
			continue
		}
		out = append(out, contract.Header{Name: name, Value: value})
	}
	return out, skipped, ""
}

// forbidden reports whether the browser refuses to let a page set the
// header (the Fetch standard's forbidden request-header names).
func forbidden(lower string) bool {
	switch lower {
	case "accept-charset", "accept-encoding", "access-control-request-headers", "access-control-request-method",
		"connection", "content-length", "cookie2", "date", "dnt", "expect", "host", "keep-alive", "origin",
		"referer", "set-cookie", "te", "trailer", "transfer-encoding", "upgrade", "via":
		return true
	}
	return strings.HasPrefix(lower, "proxy-") || strings.HasPrefix(lower, "sec-")
}

// sendConsole sends the console's request with the credentials chosen.
func sendConsole(ctx app.Context) {
	s := &console
	s.err = ""
	defer publish(ctx, keyConsole)
	headers, skipped, bad := parseHeaders(s.headers)
	if bad != "" {
		s.err = "This header line has no name: " + bad + " (write Name: value, one a line)."
		return
	}
	if len(skipped) > 0 {
		s.err = "Left out, as the browser does not let a page send them: " + strings.Join(skipped, ", ") + ". Curl sends them; the lab's proxy sets Host, Content-Length and the like itself."
	}
	path := strings.TrimSpace(s.path)
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	c := call{Method: s.method, Path: path, Header: headers, Body: s.body, Busy: "console-send"}
	switch s.auth {
	case "session":
		if c.Auth = session.authFor(targets.target); c.Auth == contract.AuthNone {
			s.err = "The lab holds no session cookie for this Jira: log in on the Session page (or paste a cookie there) first."
			return
		}
	case "basic":
		if basic.user == "" {
			s.err = "Basic auth takes the username and password of the Basic auth page: fill them in there first."
			return
		}
		c.Auth, c.Username = contract.AuthBasic, basic.user
		c.Header = append(c.Header, contract.Header{Name: "Authorization", Value: basicHeader(basic.user, basic.pass)})
	case "token":
		if tokens.raw == "" {
			s.err = "Token auth sends the token created on the Tokens page: create one there first."
			return
		}
		c.Auth = contract.AuthBearer
		c.Header = append(c.Header, contract.Header{Name: "Authorization", Value: "Bearer " + tokens.raw})
	}
	if s.browserUA {
		if ua := app.Window().Get("navigator").Get("userAgent"); ua.Truthy() {
			c.Header = append(c.Header, contract.Header{Name: contract.HeaderUserAgent, Value: ua.String()})
		}
	}
	send(ctx, c, nil)
}

// importCurl fills the console from a pasted curl command: method, path
// without the host, headers, body; -u becomes the Basic auth page's
// credentials and the console's basic auth.
func importCurl(ctx app.Context) {
	s := &console
	defer publish(ctx, keyConsole)
	r, err := curl.Parse(s.importText)
	if err != nil {
		s.importErr = err.Error()
		return
	}
	s.importErr = ""
	s.method, s.path, s.body = r.Method, r.Path(), r.Body
	var lines []string
	for _, h := range r.Header {
		if r.HasUser && strings.EqualFold(h.Name, "Authorization") {
			continue // the -u credentials, as basic auth
		}
		lines = append(lines, h.Name+": "+h.Value)
	}
	s.headers = strings.Join(lines, "\n")
	switch {
	case r.HasUser:
		s.auth = "basic"
		basic.user, basic.pass = r.User, r.Password
		publish(ctx, keyBasic)
	case s.auth == "basic":
		s.auth = "none"
	}
	syncFields()
}
