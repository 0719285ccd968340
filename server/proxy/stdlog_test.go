package proxy_test

import (
	"net/http"
	"strings"
	"testing"

	"jiraauthlab/internal/testkit"
	"jiraauthlab/server/proxy"
)

// TestUpstreamBytesNeverLogged sends upstream answers whose bytes net/http
// quotes in what it prints — through the standard log package (an
// unsolicited response on an idle connection), in a round trip's error (a
// malformed header line), in ReverseProxy's ErrorLog (a malformed trailer)
// — and checks that none of them carries the upstream's cookie to a log.
func TestUpstreamBytesNeverLogged(t *testing.T) {
	tests := []struct {
		name   string
		answer string
		// closes: the proxy's transport closes the connection after the
		// answer, and prints why before it does.
		closes   bool
		wantLogs string // in the std log or the proxy's log
	}{
		{"unsolicited response after the answer",
			"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" +
				"HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=smuggled-secret\r\nContent-Length: 0\r\n\r\n",
			true, "Unsolicited response"},
		{"malformed header line",
			"HTTP/1.1 200 OK\r\nSet-Cookie JSESSIONID=smuggled-secret\r\nContent-Length: 2\r\n\r\nok",
			false, "upstream_error"},
		{"malformed status line",
			"Set-Cookie: JSESSIONID=smuggled-secret\r\n\r\n",
			false, "upstream_error"},
		{"malformed trailer",
			"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nSet-Cookie JSESSIONID=smuggled-secret\r\n\r\n",
			false, "ReverseProxy read error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := newRawUpstream(t, func(*http.Request) string { return tt.answer })
			l := newLab(t, proxy.Config{Upstreams: []proxy.Upstream{upstreamAt(t, "u", up.URL)}})
			std := &testkit.SyncBuffer{}
			t.Cleanup(proxy.RedirectStdLog(newJSONLogger(std)))
			l.raw(t, "GET", "/proxy/u/rest/api/2/myself")
			if tt.closes {
				up.waitClosed(t)
			}
			logs := std.String() + l.log.String()
			if strings.Contains(logs, "smuggled-secret") {
				t.Errorf("the upstream's cookie reached the log:\n%s", logs)
			}
			if !strings.Contains(logs, tt.wantLogs) {
				t.Errorf("log does not mention %q:\n%s", tt.wantLogs, logs)
			}
		})
	}
}
