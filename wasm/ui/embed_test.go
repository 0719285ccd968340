package ui

import (
	"strings"
	"testing"
)

func TestPostOrigins(t *testing.T) {
	tests := []struct {
		name, list, self string
		want             string
	}{
		{"self is the page's origin", "self", "http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"self among portals", "https://portal.example.com self", "https://lab.example.com", "https://portal.example.com https://lab.example.com"},
		{"nothing allowed", "", "http://127.0.0.1:8080", ""},
		{"an opaque origin is no target", "self", "null", ""},
		{"extra spaces", "  https://a.example   https://b.example ", "x", "https://a.example https://b.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(postOrigins(tt.list, tt.self), " "); got != tt.want {
				t.Errorf("postOrigins(%q, %q) = %q; want %q", tt.list, tt.self, got, tt.want)
			}
		})
	}
}

func TestEmbedQuery(t *testing.T) {
	tests := []struct {
		search string
		want   bool
	}{
		{"?embed=1", true},
		{"?x=2&embed=1", true},
		{"?embed=1&x=2", true},
		{"", false},
		{"?embed=0", false},
		{"?embed=10", false},
		{"?xembed=1", false},
		{"?embed", false},
	}
	for _, tt := range tests {
		t.Run(tt.search, func(t *testing.T) {
			if got := embedQuery(tt.search); got != tt.want {
				t.Errorf("embedQuery(%q) = %v; want %v", tt.search, got, tt.want)
			}
		})
	}
}
