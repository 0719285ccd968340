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
