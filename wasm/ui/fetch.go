package ui

import (
	"fmt"
	"strings"
	"time"
)

// Header is one header line. Responses keep every line in order: the lab's
// point is to show them all, repeated X-Jira-Set-Cookie lines included.
type Header struct {
	Name  string
	Value string
}

// Request is what the page asks window.fetch to send.
type Request struct {
	Method string
	URL    string // already passed through Href
	Header []Header
	Body   string
}

// Response is what came back, complete.
type Response struct {
	Status     int
	StatusText string
	Header     []Header
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
