// Package cookies reads cookies the way the lab meets them: the Set-Cookie
// lines the proxy hands over (which the browser's Headers may join with
// ", "), and whatever a learner pastes from a browser or curl — a
// name=value pair, a Cookie: line, a developer-tools row or a Netscape
// cookies.txt file.
package cookies

import (
	"strconv"
	"strings"
	"time"

	"jiraauthlab/contract"
)

// SplitSetCookie splits what the browser's Headers.get returns for repeated
// X-Jira-Set-Cookie lines (joined by ", ") back into single Set-Cookie values.
// It is cookie-aware: the comma inside "Expires=Wed, 21 Oct 2026 07:28:00 GMT"
// is not a separator. A comma separates two cookies only when what follows
// it starts with "name=" (a token, then "=", before any ";" or ",").
func SplitSetCookie(joined string) []string {
	var out []string
	start := 0
	for i := 0; i < len(joined); i++ {
		if joined[i] == ',' && startsCookie(joined[i+1:]) {
			if c := trimCookie(joined[start:i]); c != "" {
				out = append(out, c)
			}
			start = i + 1
		}
	}
	if c := trimCookie(joined[start:]); c != "" {
		out = append(out, c)
	}
	return out
}

// trimCookie trims one split part: blanks and the stray commas of empty
// header lines.
func trimCookie(s string) string { return strings.Trim(s, " \t,") }

// startsCookie reports whether s (the text after a comma) begins a new
// cookie: optional spaces, a cookie name, then "=".
func startsCookie(s string) bool {
	s = strings.TrimLeft(s, " \t")
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '=':
			return i > 0
		case !isTokenChar(c):
			return false
		}
	}
	return false
}

// isTokenChar reports whether c may appear in a cookie name (an RFC 7230 token).
func isTokenChar(c byte) bool {
	if c <= ' ' || c >= 0x7f {
		return false
	}
	return !strings.ContainsRune(`()<>@,;:\"/[]?={}`, rune(c))
}

// SetCookieLines returns every Set-Cookie value of a response: each
// X-Jira-Set-Cookie header entry, split with SplitSetCookie.
func SetCookieLines(h []contract.Header) []string {
	var out []string
	for _, e := range h {
		if strings.EqualFold(e.Name, contract.HeaderSetCookie) {
			out = append(out, SplitSetCookie(e.Value)...)
		}
	}
	return out
}

// Sentence is an error whose text is a sentence the page shows as it is
// (capitalised and punctuated, unlike Go's usual error strings).
type Sentence string

func (e Sentence) Error() string { return string(e) }

// Errors of ParsePastedCookies: sentences the page shows as they are.
var (
	errNoCookie      = Sentence("No cookie found: paste name=value, a Cookie: line, or a cookies.txt file.")
	errOnlyValue     = Sentence("A cookie needs its name: paste JSESSIONID=<value>, not the value alone.")
	errAllExpired    = Sentence("Every cookie in this cookies.txt file has expired: log in through the browser again and export a fresh one.")
	errBadCookieName = Sentence("That cookie name is not valid: a name has no spaces and none of ( ) < > @ , ; : \\ \" / [ ] ? = { }.")
	errBadCookieText = Sentence("That cookie value has characters a Cookie header cannot carry (spaces, control characters or non-ASCII letters): copy it again.")
)

// ParsePasted accepts what a user pastes — "JSESSIONID=abc",
// "Cookie: JSESSIONID=abc; x=y", a "Set-Cookie: JSESSIONID=abc; Path=/;
// HttpOnly" line, a row copied from the browser's cookie table (name, tab,
// value, …), or a Netscape cookie file as `curl -c` writes it (comments,
// blank lines, "#HttpOnly_" prefixes, 7 tab-separated fields; entries
// expired at now skipped) — and returns the Cookie header value "a=b; c=d".
// A name given twice keeps its last value at its first place. Errors are
// sentences for the UI.
func ParsePasted(text string, now time.Time) (string, error) {
	j := cookieJar{}
	expired := 0
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			continue
		}
		if f := strings.Split(line, "\t"); isNetscapeLine(f) {
			f[0] = strings.TrimPrefix(f[0], "#HttpOnly_")
			if exp, err := strconv.ParseInt(strings.TrimSpace(f[4]), 10, 64); err == nil && exp > 0 && exp <= now.Unix() {
				expired++
				continue
			}
			value := ""
			if len(f) > 6 {
				value = strings.TrimSpace(f[6])
			}
			if err := j.add(strings.TrimSpace(f[5]), value); err != nil {
				return "", err
			}
			continue
		}
		if strings.HasPrefix(trimmed, "#") {
			continue // a comment of a cookie file
		}
		if f := strings.Split(trimmed, "\t"); len(f) >= 2 && !strings.Contains(f[0], "=") {
			// A row of the browser's developer tools: name, value, domain, …
			if err := j.add(strings.TrimSpace(f[0]), strings.TrimSpace(f[1])); err != nil {
				return "", err
			}
			continue
		}
		if err := j.addLine(trimmed); err != nil {
			return "", err
		}
	}
	if len(j.names) == 0 {
		if expired > 0 {
			return "", errAllExpired
		}
		return "", errNoCookie
	}
	return j.String(), nil
}

// isNetscapeLine reports whether f are the fields of a cookies.txt entry:
// domain, include-subdomains flag, path, secure flag, expiry, name[, value].
// curl writes 7 fields; a trailing empty value may have lost its tab.
func isNetscapeLine(f []string) bool {
	if len(f) < 6 || len(f) > 7 {
		return false
	}
	return isBoolField(f[1]) && isBoolField(f[3])
}

func isBoolField(s string) bool {
	s = strings.TrimSpace(s)
	return strings.EqualFold(s, "TRUE") || strings.EqualFold(s, "FALSE")
}

// cookieJar collects pasted cookies in order.
type cookieJar struct {
	names  []string
	values map[string]string
}

// addLine reads one pasted line that is not a cookie-file entry.
func (j *cookieJar) addLine(line string) error {
	name, rest, hasColon := strings.Cut(line, ":")
	setCookie := false
	if hasColon && !strings.Contains(name, "=") {
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "cookie", strings.ToLower(contract.HeaderCookie):
			line = rest
		case "set-cookie", strings.ToLower(contract.HeaderSetCookie):
			line, setCookie = rest, true
		}
	}
	for i, pair := range strings.Split(line, ";") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		if setCookie && i > 0 {
			break // Path, HttpOnly, Expires…: attributes, not cookies
		}
		n, v, ok := strings.Cut(pair, "=")
		n = strings.TrimSpace(n)
		if !ok {
			if isCookieAttribute(n) {
				continue
			}
			return errOnlyValue
		}
		if i > 0 && isCookieAttribute(n) {
			continue // a Set-Cookie line pasted without its prefix
		}
		if err := j.add(n, strings.TrimSpace(v)); err != nil {
			return err
		}
	}
	return nil
}

// isCookieAttribute reports whether name is a Set-Cookie attribute.
func isCookieAttribute(name string) bool {
	switch strings.ToLower(name) {
	case "path", "domain", "expires", "max-age", "httponly", "secure", "samesite", "priority", "partitioned", "version", "comment":
		return true
	}
	return false
}

func (j *cookieJar) add(name, value string) error {
	if name == "" {
		return errOnlyValue
	}
	if !ValidName(name) {
		return errBadCookieName
	}
	if !ValidValue(value) {
		return errBadCookieText
	}
	if j.values == nil {
		j.values = map[string]string{}
	}
	if _, seen := j.values[name]; !seen {
		j.names = append(j.names, name)
	}
	j.values[name] = value
	return nil
}

func (j *cookieJar) String() string {
	var b strings.Builder
	for i, n := range j.names {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(n + "=" + j.values[n])
	}
	return b.String()
}

// ValidName reports whether s may be a cookie name (an RFC 7230 token).
func ValidName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return true
}

// ValidValue accepts what a Cookie header can carry: printable ASCII
// without spaces or ";" (quotes and commas are tolerated, as servers do).
func ValidValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == ';' {
			return false
		}
	}
	return true
}
