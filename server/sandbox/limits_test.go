package sandbox

import (
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
