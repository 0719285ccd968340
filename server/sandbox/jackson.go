package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Jira reads request bodies with Jackson 1.9 (org.codehaus.jackson, behind
// Jersey) and answers a body it cannot read with Jackson's own message in
// its error body. jacksonMessage words Go's decoding errors as Jackson does,
// so that no Go type name or Go error text ever reaches a caller. The
// message shapes are Jackson's (JsonParseException and JsonMappingException
// texts as quoted in public reports, e.g. FasterXML/jackson-core issue 77:
// "Unexpected character ('C' (code 67)): expected a valid value (number,
// String, array, object, 'true', 'false' or 'null')" followed by
// " at [Source: …; line: 1, column: 2]").

// jacksonSource is the [Source: …] Jackson names: in Jira, Tomcat's request
// stream. (Its object hash is arbitrary; a fixed one keeps answers stable.)
const jacksonSource = "org.apache.catalina.connector.CoyoteInputStream@5c1c4a7f"

// jacksonMessage returns Jackson's message for err, the error of decoding
// data into a value of the Jira bean class bean.
func jacksonMessage(data []byte, err error, bean string) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		at := int(syn.Offset) - 1 // the offending byte
		return syntaxMessage(data, at, syn.Error()) + jacksonLocation(data, at)
	case errors.As(err, &typ):
		return typeMessage(typ, bean) + jacksonLocation(data, int(typ.Offset)-1)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return eofMessage(data) + jacksonLocation(data, len(data))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return fmt.Sprintf("Unrecognized field %s (Class %s), not marked as ignorable", name, bean)
	}
	return "Can not read the request body as JSON" + jacksonLocation(data, len(data))
}

// syntaxMessage maps the context Go's scanner names to Jackson's wording.
func syntaxMessage(data []byte, at int, goText string) string {
	if at < 0 || at >= len(data) {
		return eofMessage(data)
	}
	if data[at] >= utf8.RuneSelf {
		return fmt.Sprintf("Invalid UTF-8 start byte 0x%02x", data[at])
	}
	ch := describeChar(data[at])
	if strings.Contains(goText, "in literal") {
		return fmt.Sprintf("Unrecognized token '%s': was expecting ('true', 'false' or 'null')", tokenAt(data, at))
	}
	for _, w := range jacksonWords {
		if strings.Contains(goText, w.goContext) {
			return fmt.Sprintf(w.format, ch)
		}
	}
	return fmt.Sprintf("Unexpected character (%s): expected a valid value (number, String, array, object, 'true', 'false' or 'null')", ch)
}

// jacksonWords map the context Go's scanner names (a part of its error
// text) to Jackson's message for the character found there, in order: the
// first match wins ("after object key:value pair" before "after object
// key").
var jacksonWords = []struct{ goContext, format string }{
	{"in string literal", "Illegal unquoted character (%s): has to be escaped using backslash to be included in string value"},
	{"in string escape code", "Unrecognized character escape %s"},
	{"numeric literal", "Unexpected character (%s) in numeric value"},
	{"looking for beginning of object key string", "Unexpected character (%s): was expecting double-quote to start field name"},
	{"after object key:value pair", "Unexpected character (%s): was expecting comma to separate OBJECT entries"},
	{"after object key", "Unexpected character (%s): was expecting a colon to separate field name and value"},
	{"after array element", "Unexpected character (%s): was expecting comma to separate ARRAY entries"},
	{"after top-level value", "Unexpected character (%s): expected end-of-input after the JSON value"},
}

// describeChar is how Jackson shows a character: 'x' (code 120), or
// (CTRL-CHAR, code 10) for control characters.
func describeChar(b byte) string {
	if b < 0x20 || b == 0x7f {
		return fmt.Sprintf("(CTRL-CHAR, code %d)", b)
	}
	return fmt.Sprintf("'%c' (code %d)", b, b)
}

// tokenAt returns the run of letters and digits around at: the token Jackson
// names in "Unrecognized token".
func tokenAt(data []byte, at int) string {
	isWord := func(b byte) bool {
		return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_'
	}
	start, end := at, at
	for start > 0 && isWord(data[start-1]) {
		start--
	}
	for end < len(data) && isWord(data[end]) {
		end++
	}
	if end == start {
		end = start + 1
	}
	return string(data[start:end])
}

// eofMessage is Jackson's end-of-input message: inside a string, or before
// the close marker of the innermost open object or array.
func eofMessage(data []byte) string {
	var open []byte
	inString, escaped := false, false
	for _, b := range data {
		switch {
		case inString && escaped:
			escaped = false
		case inString && b == '\\':
			escaped = true
		case inString && b == '"':
			inString = false
		case inString:
		case b == '"':
			inString = true
		case b == '{' || b == '[':
			open = append(open, b)
		case (b == '}' || b == ']') && len(open) > 0:
			open = open[:len(open)-1]
		}
	}
	switch {
	case inString:
		return "Unexpected end-of-input: was expecting closing quote for a string value"
	case len(open) > 0 && open[len(open)-1] == '[':
		return "Unexpected end-of-input: expected close marker for ARRAY"
	case len(open) > 0:
		return "Unexpected end-of-input: expected close marker for OBJECT"
	}
	return "No content to map to Object due to end of input"
}

// typeMessage is JsonMappingException's "Can not deserialize instance of
// <Java type> out of <token> token" for a value of the wrong JSON type.
func typeMessage(e *json.UnmarshalTypeError, bean string) string {
	target := bean
	if e.Field != "" && e.Type != nil {
		target = javaType(e.Type.Kind().String())
	}
	msg := fmt.Sprintf("Can not deserialize instance of %s out of %s token", target, jacksonToken(e.Value))
	if e.Field != "" {
		msg += fmt.Sprintf(` (through reference chain: %s["%s"])`, bean, strings.ReplaceAll(e.Field, ".", `"]["`))
	}
	return msg
}

// javaType names the Java type a Jira bean field of that kind has.
func javaType(kind string) string {
	switch kind {
	case "string":
		return "java.lang.String"
	case "int", "int64", "int32":
		return "java.lang.Integer"
	case "bool":
		return "java.lang.Boolean"
	case "slice", "array":
		return "java.util.List"
	}
	return "java.util.Map"
}

// jacksonToken names the JSON token Go's decoder found, as Jackson's JsonToken.
func jacksonToken(value string) string {
	switch {
	case value == "string":
		return "VALUE_STRING"
	case value == "array":
		return "START_ARRAY"
	case value == "object":
		return "START_OBJECT"
	case value == "bool":
		return "VALUE_TRUE"
	case strings.HasPrefix(value, "number") && strings.ContainsAny(value, ".eE"):
		return "VALUE_NUMBER_FLOAT"
	}
	return "VALUE_NUMBER_INT"
}

// jacksonLocation is the "\n at [Source: …; line: L, column: C]" Jackson
// appends; its column counts from 1 and points past the offending character.
func jacksonLocation(data []byte, at int) string {
	if at < 0 {
		at = 0
	}
	if at > len(data) {
		at = len(data)
	}
	line, col := 1, 1
	for _, b := range data[:at] {
		if b == '\n' {
			line, col = line+1, 1
			continue
		}
		col++
	}
	return fmt.Sprintf("\n at [Source: %s; line: %d, column: %d]", jacksonSource, line, col+1)
}

// The Java bean classes Jackson names in its messages. AuthParams is Jira's
// (com.atlassian.jira.rest.auth.Login.login reads it); the others are
// plausible names chosen here, the real classes not being public.
const (
	beanAuthParams    = "com.atlassian.jira.rest.auth.AuthParams"
	beanSearchRequest = "com.atlassian.jira.rest.v2.search.SearchRequestBean"
	beanCreateUser    = "com.atlassian.jira.rest.v2.password.PasswordPolicyCreateUserBean"
	beanUpdateUser    = "com.atlassian.jira.rest.v2.password.PasswordPolicyUpdateUserBean"
	beanTokenRequest  = "com.atlassian.pats.rest.RestTokenRequest"
	beanCaptchaReset  = "sandbox.CaptchaResetRequest"
	beanPolicySwitch  = "sandbox.PasswordPolicyRequest"
	beanBasicAuth     = "sandbox.BasicAuthRequest"
	beanRateLimit     = "sandbox.RateLimitRequest"
)
