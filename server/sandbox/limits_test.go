package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// The contract bounds what one request may cost ("Limits of both
// listeners"). These tests count the steps of the algorithms that grow with
// the input (work) instead of timing them.

// orClauses returns n clauses joined by OR, each naming a status that does
// not exist (so each adds its own message), the i-th written by clause(i).
func orClauses(n int, clause func(i int) string) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(" OR ")
		}
		b.WriteString(clause(i))
	}
	return b.String()
}

// TestJQLCheckIsLinear: the messages of a long query are gathered without
// comparing each with all before it (a 1 MiB query of 62,000 unknown values
// took 27 s when they were).
func TestJQLCheckIsLinear(t *testing.T) {
	fred := accountByName("fred")
	for _, n := range []int{1000, 16000} {
		q, err := parseJQL(orClauses(n, func(i int) string { return fmt.Sprintf("status = X%d", i) }))
		if err != nil {
			t.Fatal(err)
		}
		w := &work{}
		msgs := checkJQL(q, fred, w)
		if len(msgs) != n {
			t.Fatalf("%d clauses: %d messages; want one each", n, len(msgs))
		}
		if w.steps > 2*n {
			t.Errorf("%d clauses: %d steps to gather the messages; want at most %d (linear)", n, w.steps, 2*n)
		}
	}
	// Repeated values are still reported once.
	q, _ := parseJQL(orClauses(500, func(i int) string { return fmt.Sprintf("status = X%d", i%7) }))
	if msgs := checkJQL(q, fred, nil); len(msgs) != 7 {
		t.Errorf("7 distinct unknown values: %d messages", len(msgs))
	}
}

// TestPasswordCheckIsBounded: whatever a createUser body holds, checking it
// costs steps in proportion to its length (a 537 KB password beside a long
// display name took 39 s when the similarity rule compared every word of
// the name with the whole password).
func TestPasswordCheckIsBounded(t *testing.T) {
	body := func(username, displayName, email, password string) []byte {
		b, _ := json.Marshal(map[string]string{"username": username, "displayName": displayName, "emailAddress": email, "password": password})
		return b
	}
	words := func(n int) string { return strings.TrimSpace(strings.Repeat("abc ", n)) } // 4n-1 characters
	long := strings.Repeat("x", 500<<10)
	tests := []struct {
		name    string
		body    []byte
		refused bool
	}{
		{"long password, long display name", body("newbie", words(125000), "n@example.com", long), true},
		{"long password, long user name", body(long, "New Bie", "n@example.com", long), true},
		{"long password, long e-mail address", body("newbie", "New Bie", long+"@example.com", long), true},
		{"long password, every field at its longest", body(strings.Repeat("u", 255), words(64), strings.Repeat("e", 243)+"@example.com", long), false},
	}
	p := presetPolicy(presetSecure)
	for _, tt := range tests {
		w := &work{}
		_, err := createUserMessages(tt.body, p, w)
		if refused := err != nil; refused != tt.refused {
			t.Errorf("%s: refused = %v (%v); want %v", tt.name, refused, err, tt.refused)
		}
		if limit := 100 * len(tt.body); w.steps > limit {
			t.Errorf("%s: %d steps for a body of %d bytes; want at most %d (linear)", tt.name, w.steps, len(tt.body), limit)
		}
	}
}

// TestPasswordPolicyFieldLimits: a createUser body whose user name, display
// name or e-mail address is longer than Jira's columns gets the resource's
// own 400, without a body.
func TestPasswordPolicyFieldLimits(t *testing.T) {
	h := newHarness(t, Options{})
	create := func(field, value string) resp {
		b, _ := json.Marshal(map[string]string{"username": "newbie", field: value, "password": "Tr0ub4dor&3x"})
		return h.do(req{method: "POST", path: "/rest/api/2/password/policy/createUser", header: jsonHeader, body: string(b)})
	}
	for _, field := range []string{"username", "displayName", "emailAddress"} {
		want{status: 200}.check(t, field+" of 255 characters", create(field, strings.Repeat("é", 255)))
		res := create(field, strings.Repeat("é", 256))
		want{status: 400}.check(t, field+" of 256 characters", res)
		if res.body != "" {
			t.Errorf("%s of 256 characters: body %q; want none", field, res.body)
		}
	}
}
