package har

import (
	"encoding/json"
	"strings"

	"jiraauthlab/wasm/mask"
)

// maskSession hides the session cookie's value in a login answer,
// {"session":{"name":"JSESSIONID","value":"…"}}: mask.Body knows the
// secret keys of requests and tokens, but "value" is a secret only inside
// "session". Every other byte is copied as it came. A body that is not
// JSON comes back unchanged; one that breaks off (or goes wrong) after a
// secret keeps its mask.
func maskSession(body string) string {
	t := strings.TrimSpace(body)
	if t == "" || t[0] != '{' && t[0] != '[' {
		return body
	}
	dec := json.NewDecoder(strings.NewReader(body))
	var out strings.Builder
	copied := 0         // body[:copied] is in out
	var objects []bool  // per open container: is it an object
	var owners []string // per open container: the key it is the value of
	key, expectKey := "", false
	for {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			break // the end, or broken JSON: what was read is masked, the rest copied
		}
		inObject := len(objects) > 0 && objects[len(objects)-1]
		d, _ := tok.(json.Delim)
		switch {
		case inObject && expectKey && d != '}':
			key, _ = tok.(string)
			expectKey = false
		case d == '{' || d == '[':
			owner := ""
			if inObject {
				owner = key
			}
			objects, owners = append(objects, d == '{'), append(owners, owner)
			expectKey = d == '{'
		case d == '}' || d == ']':
			objects, owners = objects[:len(objects)-1], owners[:len(owners)-1]
			expectKey = len(objects) > 0 && objects[len(objects)-1]
		default:
			// null and "" have nothing to hide, and show that they were empty.
			if inObject && key == "value" && owners[len(owners)-1] == "session" && tok != nil && tok != "" {
				start := before + valueStart(body[before:])
				out.WriteString(body[copied:start] + `"` + mask.Secret + `"`)
				copied = int(dec.InputOffset())
			}
			expectKey = inObject
		}
	}
	out.WriteString(body[copied:])
	return out.String()
}

// valueStart skips the blanks and the colon between a key and its value.
func valueStart(s string) int {
	return len(s) - len(strings.TrimLeft(s, " \t\r\n:"))
}
