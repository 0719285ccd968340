package contract

import (
	"slices"
	"testing"
)

// TestReceivedHeader: a built-in sandbox receives the page's visitor id as
// X-Sandbox-Visitor (the proxy's translation); any other upstream never
// does, and the lab's own header is never among what Jira received.
func TestReceivedHeader(t *testing.T) {
	const id = "0123456789abcdef0123456789abcdef"
	sent := []Header{{"Accept", "application/json"}, {HeaderLab, "1"}, {HeaderVisitor, id}}
	tests := []struct {
		name string
		x    Exchange
		want []Header
	}{
		{"sandbox", Exchange{Sandbox: true, RequestHeader: sent},
			[]Header{{"Accept", "application/json"}, {"User-Agent", "JiraAuthLab/dev"}, {HeaderSandboxVisitor, id}}},
		{"another Jira", Exchange{RequestHeader: sent},
			[]Header{{"Accept", "application/json"}, {"User-Agent", "JiraAuthLab/dev"}}},
		{"sandbox, no visitor sent (an older log)", Exchange{Sandbox: true, RequestHeader: sent[:2]},
			[]Header{{"Accept", "application/json"}, {"User-Agent", "JiraAuthLab/dev"}}},
		{"read from a HAR: already as the sandbox received it", Exchange{Sandbox: true, RequestHeader: []Header{{HeaderSandboxVisitor, id}}},
			[]Header{{HeaderSandboxVisitor, id}, {"User-Agent", "JiraAuthLab/dev"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.x.ReceivedHeader("JiraAuthLab/dev"); !slices.Equal(got, tt.want) {
				t.Errorf("ReceivedHeader = %v; want %v", got, tt.want)
			}
		})
	}
}
