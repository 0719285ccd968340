package contract

import "sort"

// ErrorCode is the "error" field of the proxy's own answers.
type ErrorCode string

// The proxy's error codes. Status gives each one's HTTP status; the page
// looks its advice up by the same code.
const (
	CodeBadPath          ErrorCode = "bad_path"
	CodeBadBody          ErrorCode = "bad_body" // a request body whose chunked framing is malformed
	CodeUnknownUpstream  ErrorCode = "unknown_upstream"
	CodeMissingLabHeader ErrorCode = "missing_lab_header"
	CodeForeignOrigin    ErrorCode = "foreign_origin"
	CodeForeignHost      ErrorCode = "foreign_host"
	CodeMethodNotAllowed ErrorCode = "method_not_allowed"
	CodeBadMethod        ErrorCode = "bad_method"        // a method Jira's REST API does not use
	CodeHeadersTooLarge  ErrorCode = "headers_too_large" // request headers over the listener's limit
	CodeBodyTooLarge     ErrorCode = "body_too_large"
	CodeUpstreamRefused  ErrorCode = "upstream_refused"
	CodeUpstreamReset    ErrorCode = "upstream_reset"
	CodeUpstreamTLS      ErrorCode = "upstream_tls"
	CodeUpstreamDown     ErrorCode = "upstream_unreachable"
	CodeUpstreamError    ErrorCode = "upstream_error"
	CodeUpstreamTimeout  ErrorCode = "upstream_timeout"
	CodeCanceled         ErrorCode = "canceled"
	// CodeBodyAborted is only logged: the answer's headers had left when
	// its body broke off, so the browser sees the connection close.
	CodeBodyAborted ErrorCode = "upstream_body_aborted"
)

// statuses is the one table from code to HTTP status (numbers, not
// net/http's names: the wasm imports this package).
var statuses = map[ErrorCode]int{
	CodeBadPath:          400,
	CodeBadBody:          400,
	CodeForeignHost:      403,
	CodeForeignOrigin:    403,
	CodeMissingLabHeader: 403,
	CodeUnknownUpstream:  404,
	CodeMethodNotAllowed: 405,
	CodeBadMethod:        405,
	CodeBodyTooLarge:     413,
	CodeHeadersTooLarge:  431,
	CodeUpstreamRefused:  502,
	CodeUpstreamReset:    502,
	CodeUpstreamTLS:      502,
	CodeUpstreamDown:     502,
	CodeUpstreamError:    502,
	CodeCanceled:         502,
	CodeBodyAborted:      502,
	CodeUpstreamTimeout:  504,
}

// Status is the HTTP status the proxy answers with for c; 500 for a code
// the table lacks (a bug, never a silent 200).
func (c ErrorCode) Status() int {
	if s, ok := statuses[c]; ok {
		return s
	}
	return 500
}

// Codes returns every code above, sorted.
func Codes() []ErrorCode {
	out := make([]ErrorCode, 0, len(statuses))
	for c := range statuses {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Known reports whether c is one of the codes above.
func (c ErrorCode) Known() bool {
	_, ok := statuses[c]
	return ok
}

// ErrorBody is the proxy's error answer, {"error": code, "detail":
// sentence}; both fields are always present.
type ErrorBody struct {
	Error  ErrorCode `json:"error"`
	Detail string    `json:"detail"`
}
