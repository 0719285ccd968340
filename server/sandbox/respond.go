package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// jiraError is Jira's error body. Errors is always a map (never null):
// clients fail to parse anything else.
type jiraError struct {
	ErrorMessages []string          `json:"errorMessages"`
	Errors        map[string]string `json:"errors"`
}

const jsonContentType = "application/json;charset=UTF-8"

// Media types a resource may declare it consumes (endpoint.consumes).
const (
	mediaJSON      = "application/json"
	mediaMultipart = "multipart/form-data"
)

// writeJSON writes v as the JSON response body.
func (c *call) writeJSON(status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only our own types are marshalled; this would be a bug.
		c.s.log.Error("sandbox: marshal response", "err", err)
		status, b = http.StatusInternalServerError, []byte(`{"errorMessages":["Internal server error"],"errors":{}}`)
	}
	c.w.Header().Set("Content-Type", jsonContentType)
	c.w.WriteHeader(status)
	c.w.Write(b)
}

// errorJSON writes a Jira error body with the given messages.
func (c *call) errorJSON(status int, messages ...string) {
	if messages == nil {
		messages = []string{}
	}
	c.writeJSON(status, jiraError{ErrorMessages: messages, Errors: map[string]string{}})
}

// messageJSON writes the error body of Atlassian's REST plugin (its
// authentication and WebSudo filters answer {"message":…,"status-code":…},
// not Jira's errorMessages): e.g. "This resource requires WebSudo." and
// "Client must be authenticated to access this resource." (JIRA-FACTS.md,
// "More real answers").
func (c *call) messageJSON(status int, message string) {
	c.writeJSON(status, struct {
		Message    string `json:"message"`
		StatusCode int    `json:"status-code"`
	}{message, status})
}

// emptyStatus answers status with no body, as Jira's password-policy
// resource answers its 400 and 404 (JIRA-FACTS.md, "More real answers").
func (c *call) emptyStatus(status int) {
	c.w.WriteHeader(status)
}

// unsupportedMediaType answers a body the resource does not consume (Jersey's 415).
func (c *call) unsupportedMediaType(want string) {
	c.errorJSON(http.StatusUnsupportedMediaType, "Unsupported media type: this resource reads "+want+".")
}

// writeText writes a plain body of the given content type.
func (c *call) writeText(status int, contentType, body string) {
	c.w.Header().Set("Content-Type", contentType)
	c.w.WriteHeader(status)
	io.WriteString(c.w, body)
}

// tooLarge answers a body over Options.MaxBody.
func (c *call) tooLarge() {
	c.errorJSON(http.StatusRequestEntityTooLarge, "The request body is too large.")
}

// requireUser answers 401 for anonymous callers and reports whether the
// request may go on.
func (c *call) requireUser() bool {
	if c.user != nil {
		return true
	}
	c.errorJSON(http.StatusUnauthorized, "You are not authenticated. Authentication required to perform this operation.")
	return false
}

// readBody reads the request body, which ServeHTTP has capped. Over the cap it
// answers 413; on a read error, 400.
func (c *call) readBody() ([]byte, bool) {
	b, err := io.ReadAll(c.r.Body)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		c.tooLarge()
		return nil, false
	case err != nil:
		c.errorJSON(http.StatusBadRequest, "The request body could not be read.")
		return nil, false
	}
	return b, true
}

// jsonBody reads a JSON request body as Jersey would accept it: an empty body
// is 400 whatever the Content-Type (seed 002's POST template), a body of
// another media type is 415.
func (c *call) jsonBody() ([]byte, bool) {
	b, ok := c.readBody()
	if !ok {
		return nil, false
	}
	if len(bytes.TrimSpace(b)) == 0 {
		c.errorJSON(http.StatusBadRequest, "The request body is missing: a JSON object is required.")
		return nil, false
	}
	if !isJSONType(c.r.Header.Get("Content-Type")) {
		c.errorJSON(http.StatusUnsupportedMediaType, "Unsupported media type: this resource reads application/json.")
		return nil, false
	}
	return b, true
}

// formBody reads an application/x-www-form-urlencoded body (browser pages).
// Other media types yield an empty form.
func (c *call) formBody() (url.Values, bool) {
	b, ok := c.readBody()
	if !ok {
		return nil, false
	}
	mt, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		return url.Values{}, true
	}
	v, err := url.ParseQuery(string(b))
	if err != nil {
		return url.Values{}, true
	}
	return v, true
}

func isJSONType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// requestError is a refused request body: the messages of Jira's error body.
// (A type rather than errors.New, since the messages are user-facing sentences.)
type requestError []string

func (e requestError) Error() string { return strings.Join(e, " ") }

// orNil returns nil for no messages, so that callers can collect messages
// and return the result as an error.
func (e requestError) orNil() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// jsonBodyError is a body Jackson could not read, as opposed to a readable
// body a resource refuses. It answers errors.As for requestError too, so
// that badRequest words both alike.
type jsonBodyError []string

func (e jsonBodyError) Error() string { return strings.Join(e, " ") }

func (e jsonBodyError) As(target any) bool {
	if re, ok := target.(*requestError); ok {
		*re = requestError(e)
		return true
	}
	return false
}

// decodeJSON decodes one JSON value from data into v, which stands for the
// Jira bean class bean; a refusal is worded as Jackson words it. Strict
// decoding (control endpoints) also refuses unknown fields; Jira's own
// resources ignore them. Content after the value is refused too (Jackson 1.9
// would ignore it; the sandbox prefers telling the learner).
func decodeJSON(data []byte, v any, bean string, strict bool) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return jsonBodyError{jacksonMessage(data, err, bean)}
	}
	if _, err := dec.Token(); err != io.EOF {
		at := int(dec.InputOffset())
		for at < len(data) && strings.ContainsRune(" \t\r\n", rune(data[at])) {
			at++
		}
		return jsonBodyError{syntaxMessage(data, at, "after top-level value") + jacksonLocation(data, at)}
	}
	return nil
}

// badRequest answers 400 with the messages of err.
func (c *call) badRequest(err error) {
	var re requestError
	if errors.As(err, &re) {
		c.errorJSON(http.StatusBadRequest, re...)
		return
	}
	c.errorJSON(http.StatusBadRequest, err.Error())
}
