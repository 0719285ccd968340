package ui

import "testing"

func TestWellFormedVisitor(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"0123456789abcdef0123456789abcdef", true},
		{"", false},
		{"0123456789abcdef0123456789abcde", false},   // 31
		{"0123456789abcdef0123456789abcdef0", false}, // 33
		{"0123456789ABCDEF0123456789abcdef", false},  // not what visitor makes
		{"0123456789abcdef0123456789abcdeg", false},  // not hex
		{`"0123456789abcdef0123456789abcd"`, false},  // JSON-quoted by another writer
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := wellFormedVisitor(tt.in); got != tt.want {
				t.Errorf("wellFormedVisitor(%q) = %v; want %v", tt.in, got, tt.want)
			}
		})
	}
}

// TestVisitor: the id is made once, well formed, and kept for the page's
// life (outside the browser there is no storage to keep it in).
func TestVisitor(t *testing.T) {
	visitorID = ""
	t.Cleanup(func() { visitorID = "" })
	first := visitor()
	if !wellFormedVisitor(first) {
		t.Fatalf("visitor() = %q; want 32 hex digits", first)
	}
	if again := visitor(); again != first {
		t.Errorf("visitor() again = %q; want %q", again, first)
	}
	if h := visitorHeader(); h.Name != "X-Jira-Lab-Visitor" || h.Value != first {
		t.Errorf("visitorHeader() = %v", h)
	}
	visitorID = ""
	if other := visitor(); other == first {
		t.Errorf("a second visitor got the same id %q", other)
	}
}
