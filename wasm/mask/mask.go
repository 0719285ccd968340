// Package mask hides secrets wherever the lab shows a request — passwords
// in bodies, Authorization and cookie values in headers — until the learner
// asks to see them.
package mask

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/url"
	"strings"

	"jiraauthlab/contract"
)

// Secret replaces a secret wherever the lab shows one.
const Secret = "••••••"

// secretKeys are the body fields whose values the log hides (compared in
// lower case): login, password-policy, WebSudo and token bodies.
var secretKeys = map[string]bool{
	"password":        true,
	"oldpassword":     true,
	"newpassword":     true,
	"os_password":     true,
	"websudopassword": true,
	"rawtoken":        true,
	"token":           true,
}

func isSecretKey(k string) bool { return secretKeys[strings.ToLower(k)] }

// Body hides secrets in a request body for display: the values of the
// secret keys (password, oldPassword, newPassword, os_password,
// webSudoPassword, rawToken, token; any case) at any depth of a JSON body,
// pretty-printed with its key order kept, or in a form-encoded body. Other
// bodies are returned unchanged.
func Body(contentType, body string) string { return bodyKeys(contentType, body, isSecretKey) }

// bodyKeys is Body for the keys secret says.
func bodyKeys(contentType, body string, secret func(string) bool) string {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "application/x-www-form-urlencoded" {
		return maskForm(body, secret)
	}
	if t := strings.TrimSpace(body); t == "" || (t[0] != '{' && t[0] != '[') || !json.Valid([]byte(t)) {
		return body
	}
	masked, ok := maskJSON(body, secret)
	if !ok {
		return body
	}
	if pretty, ok := PrettyJSON(masked); ok {
		return pretty
	}
	return masked
}

// maskForm masks the secret fields of a form-encoded body, keeping every
// other byte as sent.
func maskForm(body string, secret func(string) bool) string {
	parts := strings.Split(body, "&")
	for i, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok || v == "" {
			continue
		}
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if secret(name) {
			parts[i] = k + "=" + Secret
		}
	}
	return strings.Join(parts, "&")
}

// maskJSON replaces the values of secret keys in the JSON text body with
// Secret, copying everything else byte for byte (so key order and number
// spelling survive). ok is false when body is not one JSON value.
func maskJSON(body string, secret func(string) bool) (string, bool) {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var out strings.Builder
	copied := 0      // body[:copied] is already in out
	var stack []bool // per open container: true for an object
	expectKey := false
	maskNext := false
	for {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", false
		}
		inObject := len(stack) > 0 && stack[len(stack)-1]
		if inObject && expectKey {
			if d, isDelim := tok.(json.Delim); !isDelim || d != '}' {
				k, _ := tok.(string)
				maskNext = secret(k)
				expectKey = false
				continue
			}
		}
		if maskNext {
			maskNext = false
			start := before + valueStart(body[before:])
			if d, isDelim := tok.(json.Delim); isDelim {
				if err := skipContainer(dec, d); err != nil {
					return "", false
				}
			}
			end := int(dec.InputOffset())
			if end > len(body) || start > end {
				return "", false
			}
			raw := body[start:end]
			out.WriteString(body[copied:start])
			if raw == `""` || raw == "null" {
				out.WriteString(raw) // nothing to hide; shows that it was empty
			} else {
				out.WriteString(`"` + Secret + `"`)
			}
			copied = end
			expectKey = inObject
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, true)
			expectKey = true
		case json.Delim('['):
			stack = append(stack, false)
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			expectKey = len(stack) > 0 && stack[len(stack)-1]
		default:
			expectKey = inObject
		}
	}
	out.WriteString(body[copied:])
	return out.String(), true
}

// valueStart is the offset of the value in s, which starts right after a
// key: it skips the blanks, the colon and the blanks after it.
func valueStart(s string) int {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == ':') {
		i++
	}
	return i
}

// skipContainer reads tokens until the container opened by open closes.
func skipContainer(dec *json.Decoder, open json.Delim) error {
	depth := 1
	for depth > 0 {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// Header hides a secret header value for display: Authorization keeps
// its scheme ("Basic ••••••"), Cookie and X-Jira-Cookie keep the cookie
// names ("JSESSIONID=••••••; x=••••••"); other headers are unchanged.
func Header(name, value string) string {
	switch strings.ToLower(name) {
	case "authorization", "proxy-authorization":
		if value == "" {
			return ""
		}
		if scheme, _, ok := strings.Cut(strings.TrimSpace(value), " "); ok {
			return scheme + " " + Secret
		}
		return Secret
	case "cookie", strings.ToLower(contract.HeaderCookie):
		var b strings.Builder
		for _, pair := range strings.Split(value, ";") {
			pair = strings.TrimSpace(pair)
			if pair == "" {
				continue
			}
			if b.Len() > 0 {
				b.WriteString("; ")
			}
			if n, _, ok := strings.Cut(pair, "="); ok {
				b.WriteString(n + "=")
			}
			b.WriteString(Secret)
		}
		return b.String()
	}
	return value
}

// Compact is Body on one line, for what keeps a body as it went (a curl
// command, a HAR file): Body pretty-prints JSON. A body with nothing to
// hide comes back byte for byte, also when Body only re-indented it.
func Compact(contentType, body string) string {
	m := Body(contentType, body)
	if m == body {
		return body
	}
	var masked, orig bytes.Buffer
	if json.Compact(&masked, []byte(m)) != nil {
		return m // a form, masked in place
	}
	if json.Compact(&orig, []byte(body)) == nil && orig.String() == masked.String() {
		return body // only re-indented
	}
	return masked.String()
}

// SetCookie hides the value of one Set-Cookie line, "name=value;
// attributes", keeping its name and attributes; an empty value shows
// there was nothing to hide.
func SetCookie(line string) string {
	pair, attrs, hasAttrs := strings.Cut(line, ";")
	n, v, ok := strings.Cut(pair, "=")
	if !ok || strings.TrimSpace(v) == "" {
		return line
	}
	if hasAttrs {
		return n + "=" + Secret + ";" + attrs
	}
	return n + "=" + Secret
}

// PrettyJSON indents JSON keeping key order; ok is false when body is not
// JSON.
func PrettyJSON(body string) (string, bool) {
	t := strings.TrimSpace(body)
	if t == "" {
		return "", false
	}
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(t), "", "  "); err != nil {
		return "", false
	}
	return b.String(), true
}
