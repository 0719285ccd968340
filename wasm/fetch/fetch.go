// Package fetch sends the page's requests with the browser's window.fetch
// and returns the complete answer: every header line, the body, the time.
// Outside the browser (the server's prerendering, tests) Do fails.
package fetch

import (
	"fmt"
	"strings"
	"time"

	"jiraauthlab/contract"
)

// Request is what the page asks window.fetch to send.
type Request struct {
	Method string
	URL    string // already passed through Href
	Header []contract.Header
	Body   string
}

// Response is what came back, complete.
type Response struct {
	Status     int
	StatusText string
	Header     []contract.Header
	Body       string
	Duration   time.Duration
}

// StatusError is the error of a response whose status is 400 or more, for
// callers that only want success.
type StatusError struct {
	Status int
	Body   string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("HTTP %d: %s", e.Status, strings.TrimSpace(e.Body))
}
