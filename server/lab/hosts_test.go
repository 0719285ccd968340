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
		// wantHost and wantOrigin: AllowHost(host), AllowOrigin(origin, host)
		wantHost, wantOrigin bool
	}{
		{"listener address", loop, nil, "127.0.0.1:8080", "http://127.0.0.1:8080", true, true},
		{"localhost on the port", loop, nil, "localhost:8080", "http://localhost:8080", true, true},
		{"case-insensitive", loop, nil, "LOCALHOST:8080", "http://LocalHost:8080", true, true},
		{"other port", loop, nil, "127.0.0.1:8081", "http://127.0.0.1:8081", false, false},
		{"rebinding name", loop, nil, "evil.example:8080", "http://evil.example:8080", false, false},
		{"empty", loop, nil, "", "", false, false},
		{"public url", loop, public, "lab.example.com", "https://lab.example.com", true, true},
		{"public url default port", loop, public, "lab.example.com:443", "https://lab.example.com:443", true, true},
		{"public url wrong scheme port", loop, public, "lab.example.com:80", "http://lab.example.com", false, false},
		{"public url with its default port spelled out", loop, publicPort, "lab.example.com", "https://lab.example.com", true, true},
		{"any-address listener takes IP literals", any, nil, "192.168.1.20:8080", "http://192.168.1.20:8080", true, true},
		{"any-address listener: an IP Origin other than the request's Host is another site", any, nil, "192.168.1.20:8080", "http://203.0.113.5:8080", true, false},
		{"any-address listener still refuses names", any, nil, "evil.example:8080", "http://evil.example:8080", false, false},
		{"any-address listener other port", any, nil, "192.168.1.20:9", "http://192.168.1.20:9", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newHostSet(tt.listen, tt.public)
			if got := s.AllowHost(tt.host); got != tt.wantHost {
				t.Errorf("AllowHost(%q) = %v; want %v", tt.host, got, tt.wantHost)
			}
			if got := s.AllowOrigin(tt.origin, tt.host); got != tt.wantOrigin {
				t.Errorf("AllowOrigin(%q, %q) = %v; want %v", tt.origin, tt.host, got, tt.wantOrigin)
			}
		})
	}
}

func TestAllowOriginRejectsNonOrigins(t *testing.T) {
	s := newHostSet(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, nil)
	for _, o := range []string{"null", "file://", "ftp://127.0.0.1:8080", "http://user@127.0.0.1:8080", "http://127.0.0.1:8080/path", "127.0.0.1:8080"} {
		if s.AllowOrigin(o, "127.0.0.1:8080") {
			t.Errorf("AllowOrigin(%q) = true; want false", o)
		}
	}
}
