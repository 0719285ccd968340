package proxy_test

import (
	"net/http"
	"net/url"
	"slices"
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
