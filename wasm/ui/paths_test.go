package ui

import "testing"

func TestJoinBase(t *testing.T) {
	tests := []struct {
		base, path, want string
	}{
		{"", "/session", "/session"},
		{"/", "/session", "/session"},
		{"/lab", "/session", "/lab/session"},
		{"/lab/", "/api/upstreams", "/lab/api/upstreams"},
		{"/lab", "proxy/sandbox/rest", "/lab/proxy/sandbox/rest"},
		{"/a/b", "/", "/a/b/"},
	}
	for _, tt := range tests {
		if got := joinBase(tt.base, tt.path); got != tt.want {
			t.Errorf("joinBase(%q, %q) = %q; want %q", tt.base, tt.path, got, tt.want)
		}
	}
}
