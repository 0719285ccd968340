package proxy_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"jiraauthlab/server/proxy"
)

// TestResponseHardening sends upstream answers, byte for byte, and checks
// the headers the browser gets: nothing that would act on the lab's own
// origin, nothing that passes for the lab's translations, nothing the
// browser's server adds on its own, and never a cached answer. A nil want
// value means the header must be absent.
func TestResponseHardening(t *testing.T) {
	const ok = "Content-Length: 2\r\n\r\nok"
	tests := []struct {
		name        string
		answer      string // after the status line
		want        map[string][]string
		wantTrailer map[string][]string
	}{
		{"no Content-Type added where the upstream sent none",
			"Content-Length: 24\r\n\r\n<html><script>x</script>",
			map[string][]string{"Content-Type": nil}, nil},
		{"the upstream's Content-Type kept",
			"Content-Type: application/json;charset=UTF-8\r\n" + ok,
			map[string][]string{"Content-Type": {"application/json;charset=UTF-8"}}, nil},
		{"the upstream's own X-Jira-* headers dropped",
			"X-Jira-Set-Cookie: JSESSIONID=forged\r\nSet-Cookie: JSESSIONID=real\r\nX-Jira-Lab: 1\r\n" +
				"X-Jira-Location: https://evil.example/\r\nx-jira-www-authenticate: Basic\r\nX_Jira_Cookie: a=1\r\n" + ok,
			map[string][]string{
				"X-Jira-Set-Cookie": {"JSESSIONID=real"}, "X-Jira-Lab": nil, "X-Jira-Location": nil,
				"X-Jira-Www-Authenticate": nil, "X_jira_cookie": nil, "Set-Cookie": nil,
			}, nil},
		{"headers acting on the lab's origin renamed",
			"Refresh: 0; url=https://evil.example/\r\nLink: </x.css>; rel=stylesheet\r\nService-Worker-Allowed: /\r\n" +
				"Permissions-Policy: camera=*\r\nFeature-Policy: camera *\r\nCross-Origin-Opener-Policy: unsafe-none\r\n" +
				"Cross-Origin-Resource-Policy: cross-origin\r\nCross-Origin-Embedder-Policy: unsafe-none\r\n" +
				"Referrer-Policy: unsafe-url\r\nOrigin-Agent-Cluster: ?0\r\n" + ok,
			map[string][]string{
				"Refresh": nil, "X-Jira-Refresh": {"0; url=https://evil.example/"},
				"Link": nil, "X-Jira-Link": {"</x.css>; rel=stylesheet"},
				"Service-Worker-Allowed": nil, "X-Jira-Service-Worker-Allowed": {"/"},
				"Permissions-Policy": nil, "X-Jira-Permissions-Policy": {"camera=*"},
				"Feature-Policy": nil, "X-Jira-Feature-Policy": {"camera *"},
				"Cross-Origin-Opener-Policy": nil, "X-Jira-Cross-Origin-Opener-Policy": {"unsafe-none"},
				"Cross-Origin-Resource-Policy": nil, "X-Jira-Cross-Origin-Resource-Policy": {"cross-origin"},
				"Cross-Origin-Embedder-Policy": nil, "X-Jira-Cross-Origin-Embedder-Policy": {"unsafe-none"},
				"Referrer-Policy": {"no-referrer"}, "X-Jira-Referrer-Policy": {"unsafe-url"}, // the lab's own, once
				"Origin-Agent-Cluster": nil, "X-Jira-Origin-Agent-Cluster": {"?0"},
			}, nil},
		{"Cache-Control: no-store, the upstream's renamed",
			"Cache-Control: public, max-age=31536000\r\n" + ok,
			map[string][]string{"Cache-Control": {"no-store"}, "X-Jira-Cache-Control": {"public, max-age=31536000"}}, nil},
		{"Cache-Control: no-store where the upstream sent none",
			ok,
			map[string][]string{"Cache-Control": {"no-store"}, "X-Jira-Cache-Control": nil}, nil},
		{"a header the upstream names in its Connection not passed back",
			"Connection: X-Hop, keep-alive\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\n" + ok,
			map[string][]string{"X-Hop": nil, "Keep-Alive": nil, "Connection": nil}, nil},
		{"the upstream's own X-Jira-* trailers dropped",
			"Transfer-Encoding: chunked\r\nTrailer: X-Jira-Set-Cookie, Set-Cookie\r\n\r\n2\r\nok\r\n0\r\n" +
				"X-Jira-Set-Cookie: JSESSIONID=forged\r\nSet-Cookie: JSESSIONID=real\r\n\r\n",
			map[string][]string{"Cache-Control": {"no-store"}},
			map[string][]string{"X-Jira-Set-Cookie": {"JSESSIONID=real"}, "Set-Cookie": nil}},
	}
	answers := map[string]string{}
	for _, tt := range tests {
		answers["/"+tt.name] = "HTTP/1.1 200 OK\r\n" + tt.answer
	}
	up := newRawUpstream(t, func(r *http.Request) string { return answers[r.URL.Path] })
	own := http.Header{"Referrer-Policy": {"no-referrer"}, "X-Content-Type-Options": {"nosniff"}}
	l := newLabWith(t, proxy.Config{Upstreams: []proxy.Upstream{upstreamAt(t, "u", up.URL)}}, own)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := l.do(t, "GET", "/proxy/u/"+url.PathEscape(tt.name), nil, nil)
			if res.StatusCode != 200 {
				t.Fatalf("got %d %q", res.StatusCode, body)
			}
			for k, v := range tt.want {
				if got, ok := res.Header[k]; !slices.Equal(got, v) || ok != (v != nil) {
					t.Errorf("response %s = %q; want %q", k, got, v)
				}
			}
			for k, v := range tt.wantTrailer {
				if got, ok := res.Trailer[k]; !slices.Equal(got, v) || ok != (v != nil) {
					t.Errorf("trailer %s = %q; want %q", k, got, v)
				}
			}
		})
	}
}

// TestMethods checks that only the methods Jira's REST API uses are
// forwarded, and that the others get 405 with an Allow header.
func TestMethods(t *testing.T) {
	up := newUpstream(t, nil)
	l := newLab(t, proxy.Config{Upstreams: []proxy.Upstream{upstreamAt(t, "jira", up.URL)}})
	tests := []struct {
		method    string
		forwarded bool
	}{
		{"GET", true}, {"HEAD", true}, {"POST", true}, {"PUT", true}, {"DELETE", true}, {"PATCH", true}, {"OPTIONS", true},
		{"CONNECT", false}, {"TRACE", false}, {"TRACK", false}, {"PROPFIND", false}, {"PROPPATCH", false},
		{"MKCOL", false}, {"COPY", false}, {"MOVE", false}, {"LOCK", false}, {"UNLOCK", false},
		{"SEARCH", false}, {"QUERY", false}, {"DEBUG", false}, {"get", false}, {"Get", false}, {"FOO", false},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			if tt.forwarded {
				res, body := l.do(t, tt.method, "/proxy/jira/rest/api/2/myself", nil, nil)
				if res.StatusCode != 200 {
					t.Fatalf("%s = %d %s; want it forwarded", tt.method, res.StatusCode, body)
				}
				if got := up.last(t).Method; got != tt.method {
					t.Errorf("upstream saw %s; want %s", got, tt.method)
				}
				return
			}
			res, body := l.raw(t, tt.method, "/proxy/jira/rest/api/2/myself")
			wantError(t, tt.method, res, body, 405, "bad_method")
			if got := res.Header.Get("Allow"); got != "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS" {
				t.Errorf("Allow %q", got)
			}
			if n := len(up.requests()); n != 0 {
				t.Errorf("upstream received %d requests", n)
			}
		})
	}
}

// TestHeaderLimits checks that the proxy never forwards more than 64 KiB
// of request headers, nor more than 100 header lines, counted as they
// arrive: each line is name, ": ", value and CRLF.
func TestHeaderLimits(t *testing.T) {
	up := newUpstream(t, nil)
	l := newLab(t, proxy.Config{Upstreams: []proxy.Upstream{upstreamAt(t, "jira", up.URL)}})
	// l.raw sends two lines of its own besides Host (which is not a
	// header line once parsed): Connection: close and X-Jira-Lab: 1.
	const ownLines, ownBytes = 2, len("Connection: close\r\n") + len("X-Jira-Lab: 1\r\n")
	lines := func(n int) []string {
		h := make([]string, n)
		for i := range h {
			h[i] = fmt.Sprintf("X-H%d: v", i)
		}
		return h
	}
	big := func(size int) []string { // one line of size bytes in all
		return []string{"X-Big: " + strings.Repeat("a", size-len("X-Big: \r\n"))}
	}
	spread := func(size int) []string { // 50 lines of size bytes in all
		h := make([]string, 50)
		per := size / 50
		for i := range h {
			name := fmt.Sprintf("X-B%02d: ", i)
			n := per
			if i == 0 {
				n += size % 50
			}
			h[i] = name + strings.Repeat("b", n-len(name)-2)
		}
		return h
	}
	tests := []struct {
		name    string
		headers []string
		refused bool
	}{
		{"100 lines", lines(proxy.MaxHeaderCount - ownLines), false},
		{"101 lines", lines(proxy.MaxHeaderCount - ownLines + 1), true},
		{"one line, 64 KiB in all", big(proxy.MaxHeaderBytes - ownBytes), false},
		{"one line, a byte over 64 KiB in all", big(proxy.MaxHeaderBytes - ownBytes + 1), true},
		{"50 lines, 64 KiB in all", spread(proxy.MaxHeaderBytes - ownBytes), false},
		{"50 lines, a byte over 64 KiB in all", spread(proxy.MaxHeaderBytes - ownBytes + 1), true},
		{"900 KiB", big(900 << 10), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := l.raw(t, "GET", "/proxy/jira/x", tt.headers...)
			if !tt.refused {
				if res.StatusCode != 200 {
					t.Fatalf("status %d %s; want 200", res.StatusCode, body)
				}
				up.last(t)
				return
			}
			wantError(t, tt.name, res, body, 431, "headers_too_large")
			if n := len(up.requests()); n != 0 {
				t.Errorf("upstream received %d requests", n)
			}
		})
	}
}

// TestChunkedRequests sends chunked request bodies on raw connections: a
// body's trailers are never forwarded, a malformed body is the client's
// 400, not a 502 blamed on the upstream, and the connection closes after
// the answer — also when the request carried a Content-Length beside its
// Transfer-Encoding, which net/http's server drops without closing.
func TestChunkedRequests(t *testing.T) {
	up := newUpstream(t, nil)
	l := newLab(t, proxy.Config{Upstreams: []proxy.Upstream{upstreamAt(t, "jira", up.URL)}})
	head := func(extra ...string) []string {
		return append([]string{"POST /proxy/jira/rest/api/2/issue HTTP/1.1", "Host: " + l.addr, "X-Jira-Lab: 1",
			"Content-Type: application/json"}, extra...)
	}
	tests := []struct {
		name     string
		head     []string
		body     string
		wantCode string // "" for forwarded
		check    func(t *testing.T, got seen)
	}{
		{"trailers and TE not forwarded",
			head("Transfer-Encoding: chunked", "Trailer: Cookie, X-Jira-Cookie, X-Forwarded-For", "TE: trailers"),
			"5\r\nhello\r\n0\r\nCookie: JSESSIONID=smuggled\r\nX-Jira-Cookie: JSESSIONID=smuggled\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n",
			"", func(t *testing.T, got seen) {
				if string(got.Body) != "hello" {
					t.Errorf("upstream body %q", got.Body)
				}
				for _, k := range []string{"Te", "Trailer", "Cookie"} {
					if v, ok := got.Header[k]; ok {
						t.Errorf("upstream received %s: %q", k, v)
					}
				}
				if len(got.Trailer) != 0 {
					t.Errorf("upstream received trailers %q", got.Trailer)
				}
			}},
		{"Content-Length and Transfer-Encoding",
			head("Content-Length: 40", "Transfer-Encoding: chunked"),
			"5\r\nhello\r\n0\r\n\r\n",
			"", func(t *testing.T, got seen) {
				if string(got.Body) != "hello" || !got.Chunked {
					t.Errorf("upstream body %q, chunked %v; want hello, chunked", got.Body, got.Chunked)
				}
			}},
		{"malformed chunk size", head("Transfer-Encoding: chunked"), "zz\r\nhello\r\n0\r\n\r\n", "bad_body", nil},
		{"chunk longer than its size", head("Transfer-Encoding: chunked"), "3\r\nhello\r\n0\r\n\r\n", "bad_body", nil},
		{"malformed trailer", head("Transfer-Encoding: chunked"), "5\r\nhello\r\n0\r\nno colon here\r\n\r\n", "bad_body", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := l.conn(t)
			res, body, err := c.exchange(tt.head, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantCode != "" {
				wantError(t, tt.name, res, body, 400, tt.wantCode)
			} else if res.StatusCode != 200 {
				t.Errorf("status %d %s; want 200", res.StatusCode, body)
			}
			if !res.Close {
				t.Errorf("answer without Connection: close (%q)", res.Header["Connection"])
			}
			// Whatever the connection still holds is never read as a request.
			if res, _, err := c.exchange([]string{"GET /proxy/jira/smuggled HTTP/1.1", "Host: " + l.addr, "X-Jira-Lab: 1"}, ""); err == nil {
				t.Errorf("a second request on the connection was answered: %d", res.StatusCode)
			}
			reqs := up.requests()
			up.mu.Lock()
			up.reqs = nil
			up.mu.Unlock()
			for _, r := range reqs {
				if strings.Contains(r.RequestURI, "smuggled") {
					t.Errorf("upstream received %s", r.RequestURI)
				}
			}
			if tt.check != nil {
				if len(reqs) != 1 {
					t.Fatalf("upstream received %d requests; want 1", len(reqs))
				}
				tt.check(t, reqs[0])
			}
		})
	}
}
