package proxy

import "testing"

func TestWithholdQuoted(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"no quote", "dial tcp 127.0.0.1:1: connect: connection refused", "dial tcp 127.0.0.1:1: connect: connection refused"},
		{"one quoted", `malformed HTTP response "Set-Cookie: a=1"`, `malformed HTTP response "[withheld]"`},
		{"escapes inside", `starting with "HTTP/1.1 200 OK\r\nSet-Cookie: \"a=1\"\r\n"; err=<nil>`, `starting with "[withheld]"; err=<nil>`},
		{"several", `header "a" = "b" end`, `header "[withheld]" = "[withheld]" end`},
		{"unterminated", `got "Set-Cookie: a=1`, `got "[withheld]"`},
		{"quote at the end", `x"`, `x"[withheld]"`},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := withholdQuoted(tt.in); got != tt.want {
				t.Errorf("withholdQuoted(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
	if n := testing.AllocsPerRun(100, func() { withholdQuoted("read tcp: connection reset by peer") }); n != 0 {
		t.Errorf("withholdQuoted allocates %.0f times for a line without quotes", n)
	}
}
