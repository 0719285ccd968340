package contract

import "testing"

func TestErrorCodeStatus(t *testing.T) {
	tests := []struct {
		code ErrorCode
		want int
	}{
		{CodeBadPath, 400},
		{CodeForeignHost, 403},
		{CodeUnknownUpstream, 404},
		{CodeBadMethod, 405},
		{CodeBodyTooLarge, 413},
		{CodeHeadersTooLarge, 431},
		{CodeUpstreamRefused, 502},
		{CodeUpstreamTimeout, 504},
		{"no_such_code", 500},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			if got := tt.code.Status(); got != tt.want {
				t.Errorf("%q.Status() = %d; want %d", tt.code, got, tt.want)
			}
			if known := tt.code.Known(); known != (tt.want != 500) {
				t.Errorf("%q.Known() = %v", tt.code, known)
			}
		})
	}
	if n := len(Codes()); n != len(statuses) {
		t.Errorf("Codes() has %d codes; the table %d", n, len(statuses))
	}
}

func TestReceived(t *testing.T) {
	sent := []Header{{"Content-Type", "application/json"}, {"X-Jira-Cookie", "JSESSIONID=A"}, {"X-Jira-Lab", "1"}, {"x-jira-lab-visitor", "v"}}
	got := Received(sent, "JiraAuthLab/dev")
	want := []Header{{"Content-Type", "application/json"}, {"Cookie", "JSESSIONID=A"}, {"User-Agent", "JiraAuthLab/dev"}}
	if len(got) != len(want) {
		t.Fatalf("Received = %v; want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Received[%d] = %v; want %v", i, got[i], want[i])
		}
	}
	if got := Received([]Header{{"X-Jira-User-Agent", "Mozilla/5.0"}}, "JiraAuthLab/dev"); len(got) != 1 || got[0] != (Header{"User-Agent", "Mozilla/5.0"}) {
		t.Errorf("the page's User-Agent: %v", got)
	}
	if got := Received(nil, ""); len(got) != 0 {
		t.Errorf("no User-Agent of the proxy's: %v", got)
	}
	for name, want := range map[string]bool{"Content-Security-Policy": true, "cache-control": true, "X-Jira-Cache-Control": false, "X-AUSERNAME": false} {
		if got := LabResponseHeader(name); got != want {
			t.Errorf("LabResponseHeader(%q) = %v; want %v", name, got, want)
		}
	}
}
