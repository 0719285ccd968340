package curl

import (
	"bytes"
	"encoding/json"
)

// compactJSON removes the insignificant blanks of a JSON text.
func compactJSON(s string) (string, bool) {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		return "", false
	}
	return b.String(), true
}
