package har

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiraauthlab/contract"
)

// Import's bounds: the page decodes the whole file in the browser's
// memory. Variables so that the tests can lower them.
var (
	maxBytes   = 20 << 20
	maxEntries = 1000
)

// Sentence is an error the page shows as it is: a capitalised,
// punctuated sentence naming what is wrong with the file.
type Sentence string

func (e Sentence) Error() string { return string(e) }

// What Import reads of a HAR: only the fields it uses, so that a file
// with extra or odd fields elsewhere (every browser adds its own) still
// loads.
type inLog struct {
	Version string `json:"version"`
	Creator struct {
		Name string `json:"name"`
	} `json:"creator"`
	Lab     bool               `json:"_jiraAuthLab"`
	Entries *[]json.RawMessage `json:"entries"`
}

type inEntry struct {
	StartedDateTime string     `json:"startedDateTime"`
	Time            float64    `json:"time"`
	Request         *inRequest `json:"request"`
	Response        *struct {
		Status  *float64    `json:"status"`
		Headers []nameValue `json:"headers"`
		Content struct {
			Text     string `json:"text"`
			Encoding string `json:"encoding"`
		} `json:"content"`
		Error string `json:"_error"`
	} `json:"response"`
	Target    string `json:"_target"`
	TargetURL string `json:"_targetURL"`
	Sandbox   bool   `json:"_sandbox"`
}

type inRequest struct {
	Method   string      `json:"method"`
	URL      string      `json:"url"`
	Headers  []nameValue `json:"headers"`
	PostData *struct {
		Text   string      `json:"text"`
		Params []nameValue `json:"params"`
	} `json:"postData"`
}

// Import reads a HAR file (1.x: the lab's own, or one a browser's
// developer tools saved) into exchanges, newest first as the page holds
// its log, numbered from 1 for the oldest. Headers keep the names the file
// gives them — Jira's, not the proxy's X-Jira- ones. The base URL of a
// Jira under a path (https://host/jira) is known only from the lab's own
// files; otherwise TargetURL is scheme://host and Path the rest.
//
// The error is a Sentence for the page; with it, the exchanges are nil.
func Import(data []byte) ([]contract.Exchange, error) {
	if len(data) > maxBytes {
		return nil, Sentence(fmt.Sprintf("This file is too large (%s): the lab reads HAR files up to %s.", mib(len(data)), mib(maxBytes)))
	}
	data = []byte(strings.TrimPrefix(string(data), "\uFEFF")) // the spec lets writers put a BOM
	var file struct {
		Log *inLog `json:"log"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) || !json.Valid(data) {
			return nil, Sentence("This file is not JSON: " + err.Error() + ".")
		}
		return nil, Sentence("This file is not a HAR: " + typeProblem(err) + ".")
	}
	if file.Log == nil {
		return nil, Sentence("This file is not a HAR: it has no log.")
	}
	lg := file.Log
	if major, _, _ := strings.Cut(lg.Version, "."); lg.Version != "" && major != "1" {
		return nil, Sentence("This HAR is version " + lg.Version + ": the lab reads version 1.x.")
	}
	if lg.Entries == nil {
		return nil, Sentence("This file is not a HAR: it has no log.entries.")
	}
	if n := len(*lg.Entries); n > maxEntries {
		return nil, Sentence(fmt.Sprintf("This file has %d entries: the lab reads at most %d.", n, maxEntries))
	}
	// Custom fields mean what their writer meant (the spec: a parser
	// ignores those of other tools). Chromium's response._error is the
	// failed request's error, as the lab's is.
	trustLab := lg.Lab
	trustError := lg.Lab || lg.Creator.Name == "WebInspector"
	xs := make([]contract.Exchange, 0, len(*lg.Entries))
	for i, raw := range *lg.Entries {
		x, err := importEntry(raw, trustLab, trustError)
		if err != nil {
			return nil, Sentence(fmt.Sprintf("Entry %d %s.", i+1, err.Error()))
		}
		xs = append(xs, x)
	}
	// The spec prefers oldest first but tells readers to make sure.
	slices.SortStableFunc(xs, func(a, b contract.Exchange) int { return a.Started.Compare(b.Started) })
	slices.Reverse(xs)
	for i := range xs {
		xs[i].ID = len(xs) - i
	}
	return xs, nil
}

// importEntry reads one entry; its error completes "Entry N …".
func importEntry(raw json.RawMessage, trustLab, trustError bool) (contract.Exchange, error) {
	var e inEntry
	if err := json.Unmarshal(raw, &e); err != nil {
		return contract.Exchange{}, errors.New("is not a HAR entry: " + typeProblem(err))
	}
	if e.Request == nil {
		return contract.Exchange{}, errors.New("has no request")
	}
	if e.Response == nil {
		return contract.Exchange{}, errors.New("has no response")
	}
	if e.Request.Method == "" {
		return contract.Exchange{}, errors.New("has no request.method")
	}
	if e.Request.URL == "" {
		return contract.Exchange{}, errors.New("has no request.url")
	}
	u, err := url.Parse(e.Request.URL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return contract.Exchange{}, errors.New("has a request.url that is not an absolute URL: " + strconv.Quote(e.Request.URL))
	}
	st := e.Response.Status
	if st == nil {
		return contract.Exchange{}, errors.New("has no response.status")
	}
	if *st < 0 || *st > 999 || *st != math.Trunc(*st) {
		return contract.Exchange{}, errors.New("has a response.status that is not an HTTP status: " + strconv.FormatFloat(*st, 'g', -1, 64))
	}
	x := contract.Exchange{
		Method:         e.Request.Method,
		Status:         int(*st),
		RequestHeader:  headers(e.Request.Headers),
		ResponseHeader: headers(e.Response.Headers),
		ResponseBody:   e.Response.Content.Text,
		// time is in ms; a negative one (never valid) or one beyond a
		// year (not an HTTP exchange) is not believed.
		Duration: time.Duration(math.Round(min(max(e.Time, 0), 365*24*3600e3) * 1e6)),
	}
	if e.StartedDateTime != "" {
		if x.Started, err = parseDate(e.StartedDateTime); err != nil {
			return contract.Exchange{}, errors.New("has a startedDateTime that is not an ISO 8601 date: " + strconv.Quote(e.StartedDateTime))
		}
	}
	x.TargetURL = u.Scheme + "://" + u.Host
	x.Path = u.EscapedPath()
	if x.Path == "" {
		x.Path = "/"
	}
	if u.RawQuery != "" || u.ForceQuery {
		x.Path += "?" + u.RawQuery
	}
	if trustLab && e.TargetURL != "" {
		// The lab's own file names the base: the rest of the URL is the path.
		base := strings.TrimRight(e.TargetURL, "/")
		if rest, ok := strings.CutPrefix(strings.SplitN(e.Request.URL, "#", 2)[0], base); ok && (rest == "" || rest[0] == '/' || rest[0] == '?') {
			x.TargetURL, x.Path = e.TargetURL, rest
		}
	}
	x.Target = u.Host
	if trustLab {
		if e.Target != "" {
			x.Target = e.Target
		}
		x.Sandbox = e.Sandbox
	}
	if pd := e.Request.PostData; pd != nil {
		x.RequestBody = pd.Text
		if pd.Text == "" && len(pd.Params) > 0 {
			x.RequestBody = formBody(pd.Params) // older tools give a form as params
		}
	}
	if strings.EqualFold(e.Response.Content.Encoding, "base64") {
		if b, err := base64.StdEncoding.DecodeString(x.ResponseBody); err == nil && utf8.Valid(b) {
			x.ResponseBody = string(b) // text the page can show; binary stays encoded
		}
	}
	if x.Status == 0 {
		if trustError {
			x.Err = e.Response.Error
		}
		if x.Err == "" {
			x.Err = "The file records no answer to this request."
		}
	}
	return x, nil
}

// headers copies HAR headers in order, leaving out HTTP/2's pseudo-headers
// (":authority", ":path", …): they are the request line, which method and
// url already give, and no client sends them as headers.
func headers(in []nameValue) []contract.Header {
	var out []contract.Header
	for _, h := range in {
		if !strings.HasPrefix(h.Name, ":") {
			out = append(out, contract.Header{Name: h.Name, Value: h.Value})
		}
	}
	return out
}

// formBody writes posted params back as the form they were sent as.
func formBody(params []nameValue) string {
	parts := make([]string, len(params))
	for i, p := range params {
		parts[i] = url.QueryEscape(p.Name) + "=" + url.QueryEscape(p.Value)
	}
	return strings.Join(parts, "&")
}

// typeProblem says which field of the file has the wrong JSON type.
func typeProblem(err error) string {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return err.Error()
	}
	article := "a "
	if te.Value == "array" || te.Value == "object" {
		article = "an "
	}
	if te.Field == "" {
		return "it is " + article + te.Value + ", not an object"
	}
	return te.Field + " is " + article + te.Value
}

// parseDate reads an ISO 8601 date; one without a zone (some tools
// write them) is taken as UTC.
func parseDate(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		var err2 error
		if t, err2 = time.Parse("2006-01-02T15:04:05.999999999", s); err2 == nil {
			err = nil
		}
	}
	return t, err
}

// mib writes a size for people: bytes below a MiB, else MiB rounded up to
// a tenth (so that a file just over the limit does not read as the limit).
func mib(n int) string {
	if n < 1<<20 {
		return strconv.Itoa(n) + " bytes"
	}
	return strconv.FormatFloat(math.Ceil(float64(n)/(1<<20)*10)/10, 'f', -1, 64) + " MiB"
}
