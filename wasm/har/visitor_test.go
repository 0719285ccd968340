package har

import (
	"slices"
	"testing"

	"jiraauthlab/contract"
)

// TestExportVisitor: a HAR repeats a built-in sandbox's request with the
// visitor id the sandbox received (X-Sandbox-Visitor), masked or not, so
// that replaying it reaches the same sandbox state; it survives a round
// trip; another Jira's request never carries it.
func TestExportVisitor(t *testing.T) {
	const id = "0123456789abcdef0123456789abcdef"
	sent := hdr("Accept", "application/json", "X-Jira-Lab", "1", contract.HeaderVisitor, id)
	tests := []struct {
		name    string
		sandbox bool
		reveal  bool
		want    []string // the X-Sandbox-Visitor values of the HAR's request
	}{
		{"sandbox", true, true, []string{id}},
		{"sandbox, masked", true, false, []string{id}},
		{"another Jira", false, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := contract.Exchange{Method: "GET", Path: "/rest/api/2/myself", Target: "sandbox", TargetURL: labTarget, Sandbox: tt.sandbox,
				RequestHeader: sent, Status: 200, ResponseHeader: hdr("content-type", "application/json"), ResponseBody: `{}`, Started: t0}
			got, err := Import(export(t, []contract.Exchange{x}, tt.reveal))
			if err != nil || len(got) != 1 {
				t.Fatalf("Import(Export) = %d exchanges, %v", len(got), err)
			}
			var values []string
			for _, h := range got[0].ReceivedHeader(userAgent) {
				if h.Name == contract.HeaderSandboxVisitor {
					values = append(values, h.Value)
				}
				if h.Name == contract.HeaderVisitor {
					t.Errorf("the lab's own %s in the HAR", h.Name)
				}
			}
			if !slices.Equal(values, tt.want) {
				t.Errorf("X-Sandbox-Visitor after a round trip = %q; want %q", values, tt.want)
			}
		})
	}
}
