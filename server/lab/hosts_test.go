package lab

import (
	"net"
	"net/url"
	"testing"
)

func TestHostSet(t *testing.T) {
	loop := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}
	any := &net.TCPAddr{IP: net.IPv4zero, Port: 8080}
	public, _ := url.Parse("https://lab.example.com")
	publicPort, _ := url.Parse("https://lab.example.com:443")
	tests := []struct {
		name   string
		listen net.Addr
		public *url.URL
		host   string
		origin string
		want   bool
	}{
		{"listener address", loop, nil, "127.0.0.1:8080", "http://127.0.0.1:8080", true},
		{"localhost on the port", loop, nil, "localhost:8080", "http://localhost:8080", true},
		{"case-insensitive", loop, nil, "LOCALHOST:8080", "http://LocalHost:8080", true},
		{"other port", loop, nil, "127.0.0.1:8081", "http://127.0.0.1:8081", false},
		{"rebinding name", loop, nil, "evil.example:8080", "http://evil.example:8080", false},
		{"empty", loop, nil, "", "", false},
		{"public url", loop, public, "lab.example.com", "https://lab.example.com", true},
		{"public url default port", loop, public, "lab.example.com:443", "https://lab.example.com:443", true},
		{"public url wrong scheme port", loop, public, "lab.example.com:80", "http://lab.example.com", false},
		{"public url with its default port spelled out", loop, publicPort, "lab.example.com", "https://lab.example.com", true},
		{"any-address listener takes IP literals", any, nil, "192.168.1.20:8080", "http://192.168.1.20:8080", true},
		{"any-address listener still refuses names", any, nil, "evil.example:8080", "http://evil.example:8080", false},
		{"any-address listener other port", any, nil, "192.168.1.20:9", "http://192.168.1.20:9", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newHostSet(tt.listen, tt.public)
			if got := s.AllowHost(tt.host); got != tt.want {
				t.Errorf("AllowHost(%q) = %v; want %v", tt.host, got, tt.want)
			}
			if got := s.AllowOrigin(tt.origin); got != tt.want {
				t.Errorf("AllowOrigin(%q) = %v; want %v", tt.origin, got, tt.want)
			}
		})
	}
}

func TestAllowOriginRejectsNonOrigins(t *testing.T) {
	s := newHostSet(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, nil)
	for _, o := range []string{"null", "file://", "ftp://127.0.0.1:8080", "http://user@127.0.0.1:8080", "http://127.0.0.1:8080/path", "127.0.0.1:8080"} {
		if s.AllowOrigin(o) {
			t.Errorf("AllowOrigin(%q) = true; want false", o)
		}
	}
}
