// Package har writes the lab's exchange log as an HTTP Archive (HAR 1.2,
// http://www.softwareishard.com/blog/har-12-spec/) that browsers' developer
// tools and HAR viewers open, and reads such a file back into exchanges
// the page can show — one it wrote, or one a browser saved.
//
// An exchange is what the page sent to the lab's proxy; a HAR entry is
// what Jira received and answered, the translation the log and the curl
// command show: X-Jira-Cookie is the Cookie Jira got, x-jira-set-cookie
// the Set-Cookie it sent, and the lab's own headers are left out.
//
// Plain structs and encoding/json only: no net/http, so the wasm stays small.
package har

import (
	"bytes"
	"encoding/json"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/cookies"
	"jiraauthlab/wasm/mask"
)

// Options shape an export.
type Options struct {
	// Reveal writes the real secrets; otherwise passwords, cookies,
	// Authorization values and the tokens of answers are masked
	// (mask.Secret), so the file can be attached to a ticket.
	Reveal bool
	// UserAgent is what the lab's proxy sent when the page named none.
	UserAgent string
	// Creator and Version name the application in log.creator
	// (DefaultCreator and "dev" when empty).
	Creator string
	Version string
}

// DefaultCreator is log.creator.name when Options.Creator is empty.
const DefaultCreator = "Jira Auth Lab"

// The spec wants ISO 8601 with milliseconds and a zone.
const isoMillis = "2006-01-02T15:04:05.000Z07:00"

// The document as HAR 1.2 lays it out. Field order follows the spec;
// arrays are never nil (the spec requires them, and nil would be null).
// Custom fields start with "_", as the spec requires.
type document struct {
	Log harLog `json:"log"`
}

type harLog struct {
	Version string  `json:"version"`
	Creator creator `json:"creator"`
	Entries []entry `json:"entries"`
	Lab     bool    `json:"_jiraAuthLab"` // marks the lab's own files: only then does Import trust the entries' custom fields
}

type creator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type entry struct {
	StartedDateTime string   `json:"startedDateTime"`
	Time            float64  `json:"time"`
	Request         request  `json:"request"`
	Response        response `json:"response"`
	Cache           struct{} `json:"cache"` // the lab's proxy answers are no-store: nothing to say
	Timings         timings  `json:"timings"`
	Target          string   `json:"_target"`
	TargetURL       string   `json:"_targetURL"` // the exact base, which the URL alone cannot tell (https://host/jira)
	Sandbox         bool     `json:"_sandbox"`
}

type request struct {
	Method      string      `json:"method"`
	URL         string      `json:"url"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []cookie    `json:"cookies"`
	Headers     []nameValue `json:"headers"`
	QueryString []nameValue `json:"queryString"`
	PostData    *postData   `json:"postData,omitempty"`
	HeadersSize int         `json:"headersSize"`
	BodySize    int         `json:"bodySize"`
}

type response struct {
	Status      int         `json:"status"`
	StatusText  string      `json:"statusText"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []cookie    `json:"cookies"`
	Headers     []nameValue `json:"headers"`
	Content     content     `json:"content"`
	RedirectURL string      `json:"redirectURL"`
	HeadersSize int         `json:"headersSize"`
	BodySize    int         `json:"bodySize"`
	Error       string      `json:"_error,omitempty"` // where Chromium puts a failed request's error
}

type nameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type cookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Expires  string `json:"expires,omitempty"`
	HTTPOnly bool   `json:"httpOnly,omitempty"`
	Secure   bool   `json:"secure,omitempty"`
}

type postData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
}

type content struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
}

type timings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

// Export writes xs as a HAR 1.2 document. xs is newest first, as the page
// holds its log; the entries are written oldest first, as the spec
// prefers.
func Export(xs []contract.Exchange, opt Options) ([]byte, error) {
	doc := document{Log: harLog{Version: "1.2", Creator: creator{Name: opt.Creator, Version: opt.Version}, Lab: true}}
	if doc.Log.Creator.Name == "" {
		doc.Log.Creator.Name = DefaultCreator
	}
	if doc.Log.Creator.Version == "" {
		doc.Log.Creator.Version = "dev"
	}
	doc.Log.Entries = make([]entry, 0, len(xs))
	for i := len(xs) - 1; i >= 0; i-- {
		doc.Log.Entries = append(doc.Log.Entries, exportEntry(xs[i], opt))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // bodies stay readable: "<" rather than "\u003c"
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func exportEntry(x contract.Exchange, opt Options) entry {
	// The whole round trip is all the page measures: it goes to wait, so
	// that time is exactly send + wait + receive, as the spec requires.
	ms := math.Round(float64(max(x.Duration, 0))/1e3) / 1e3
	// Go's proxy speaks HTTP/2 to an https Jira that offers it; the
	// exchange does not say which it got, so the version is "" (a string,
	// as the spec requires; Chromium writes "" too when it does not know).
	version := ""
	if strings.HasPrefix(strings.ToLower(x.TargetURL), "http://") && x.Status != 0 {
		version = "HTTP/1.1"
	}
	e := entry{
		StartedDateTime: x.Started.Format(isoMillis),
		Time:            ms,
		Request:         exportRequest(x, opt),
		Response:        exportResponse(x, opt),
		Timings:         timings{Wait: ms},
		Target:          x.Target,
		TargetURL:       x.TargetURL,
		Sandbox:         x.Sandbox,
	}
	e.Request.HTTPVersion, e.Response.HTTPVersion = version, version
	return e
}

func exportRequest(x contract.Exchange, opt Options) request {
	path, query, hasQuery := strings.Cut(x.Path, "?")
	if !opt.Reveal {
		// Seraph reads os_username/os_password from the query too.
		query = mask.Body("application/x-www-form-urlencoded", query)
	}
	r := request{
		Method:      x.Method,
		URL:         strings.TrimRight(x.TargetURL, "/") + path,
		Cookies:     []cookie{},
		Headers:     []nameValue{},
		QueryString: queryString(query),
		HeadersSize: -1, // the proxy wrote the real header block; the page never saw it
		BodySize:    len(x.RequestBody),
	}
	if r.Method == "" {
		r.Method = "GET"
	}
	if hasQuery {
		r.URL += "?" + query
	}
	for _, h := range x.ReceivedHeader(opt.UserAgent) {
		name, value := h.Name, h.Value
		if !opt.Reveal {
			value = mask.Header(name, value)
		}
		r.Headers = append(r.Headers, nameValue{name, value})
		if strings.EqualFold(name, "Cookie") {
			r.Cookies = append(r.Cookies, requestCookies(value)...)
		}
	}
	if x.RequestBody != "" {
		ct := contract.HeaderValue(x.RequestHeader, "Content-Type")
		body := x.RequestBody
		if !opt.Reveal {
			body = mask.Compact(ct, body)
		}
		r.PostData = &postData{MimeType: ct, Text: body}
	}
	return r
}

func exportResponse(x contract.Exchange, opt Options) response {
	r := response{
		Status:      x.Status,
		StatusText:  statusText[x.Status],
		Cookies:     []cookie{},
		Headers:     []nameValue{},
		HeadersSize: -1,
		BodySize:    len(x.ResponseBody),
	}
	if x.Status == 0 {
		r.Error = x.Err
		if r.Error == "" {
			r.Error = "The request failed."
		}
	}
	for _, h := range x.ResponseHeader {
		name := h.Name
		if contract.LabResponseHeader(name) {
			continue
		}
		if hasPrefixFold(name, contract.HeaderPrefix) {
			name = name[len(contract.HeaderPrefix):]
		}
		switch strings.ToLower(name) {
		case "set-cookie":
			for _, c := range cookies.SplitSetCookie(h.Value) {
				if !opt.Reveal {
					c = mask.SetCookie(c)
				}
				r.Headers = append(r.Headers, nameValue{"Set-Cookie", c})
				r.Cookies = append(r.Cookies, responseCookie(c, x.Started))
			}
			continue
		case "www-authenticate":
			name = "WWW-Authenticate"
		case "location":
			name = "Location"
			if r.RedirectURL == "" {
				r.RedirectURL = h.Value
			}
		case "content-encoding":
			r.BodySize = -1 // the browser gave the decoded body: the size on the wire is unknown
		}
		r.Headers = append(r.Headers, nameValue{name, h.Value})
	}
	ct := x.Header("Content-Type")
	r.Content = content{Size: len(x.ResponseBody), MimeType: ct, Text: x.ResponseBody}
	if !opt.Reveal {
		r.Content.Text = mask.Compact(ct, maskSession(x.ResponseBody))
	}
	return r
}

// StatusText is the reason phrase of a status Jira or the lab's proxy
// answers with, "" for others: the browser's fetch gives none over HTTP/2.
// The HAR export and the log's status line both use it.
func StatusText(status int) string { return statusText[status] }

// statusText has the reasons of the statuses Jira and the lab's proxy
// answer with; others stay "" (a string, as the HAR spec requires).
var statusText = map[int]string{
	200: "OK", 201: "Created", 204: "No Content",
	301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified", 307: "Temporary Redirect",
	400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
	409: "Conflict", 410: "Gone", 413: "Content Too Large", 415: "Unsupported Media Type", 429: "Too Many Requests",
	431: "Request Header Fields Too Large",
	500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
}

// queryString splits a raw query into its parameters, in order (url.Values
// would sort them), decoded where they decode.
func queryString(q string) []nameValue {
	out := []nameValue{}
	for _, p := range strings.Split(q, "&") {
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		out = append(out, nameValue{unescape(k), unescape(v)})
	}
	return out
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// requestCookies reads a Cookie header value: "a=1; b=2".
func requestCookies(v string) []cookie {
	var out []cookie
	for _, p := range strings.Split(v, ";") {
		if p = strings.TrimSpace(p); p != "" {
			n, val, _ := strings.Cut(p, "=")
			out = append(out, cookie{Name: n, Value: val})
		}
	}
	return out
}

// responseCookie reads one Set-Cookie value. Max-Age wins over Expires
// (RFC 6265), counted from when the request started.
func responseCookie(line string, started time.Time) cookie {
	parts := strings.Split(line, ";")
	n, v, _ := strings.Cut(parts[0], "=")
	c := cookie{Name: strings.TrimSpace(n), Value: strings.TrimSpace(v)}
	maxAge := false
	for _, a := range parts[1:] {
		k, val, _ := strings.Cut(strings.TrimSpace(a), "=")
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "path":
			c.Path = val
		case "domain":
			c.Domain = val
		case "httponly":
			c.HTTPOnly = true
		case "secure":
			c.Secure = true
		case "max-age":
			if s, err := strconv.Atoi(val); err == nil {
				c.Expires, maxAge = started.Add(time.Duration(max(min(s, 1<<31), 0))*time.Second).Format(isoMillis), true
			}
		case "expires":
			if t, ok := cookieDate(val); ok && !maxAge {
				c.Expires = t.Format(isoMillis)
			}
		}
	}
	return c
}

// cookieDate parses the date forms servers write in Expires: RFC 1123,
// Tomcat's and Netscape's dashed forms, asctime.
func cookieDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC1123, "Mon, 02-Jan-2006 15:04:05 MST", time.RFC850, time.ANSIC} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
