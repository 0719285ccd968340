package proxy

import (
	"bufio"
	"jiraauthlab/contract"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestValidPath(t *testing.T) {
	good := []string{
		"", "jira", "jira/", "jira/rest/api/2/search", "jira/rest/api/2/", "jira/a.b", "jira/.well-known",
		"jira/a..b", "jira/..a", "jira/a%20b", "jira/%40me", "jira/%E2%82%AC", "jira/100%2525",
		"jira/a+b", "jira/a:b", "jira/@x", "jira/~user", "jira/%20",
	}
	bad := []string{
		"/", "jira//x", "jira/..", "jira/.", "jira/...", "jira/../x", "jira/%2e", "jira/%2E%2e", "jira/a%2fb",
		"jira/a%5Cb", "jira/a\\b", "jira/a;b", "jira/..;", "jira/a%3bb", "jira/%252e", "jira/%25252F",
		"jira/%2525252525252e", "jira/%00", "jira/a%0a", "jira/%7F", "jira/\x01", "jira/%c0%ae",
		"jira/%ff", "jira/%ef%bc%8e", "jira/%e2%80%a4", "jira/.%20", "jira/%25u002e", "jira/%25%32%65",
	}
	for _, s := range good {
		if !validPath(s) {
			t.Errorf("validPath(%q) = false; want true", s)
		}
	}
	for _, s := range bad {
		if validPath(s) {
			t.Errorf("validPath(%q) = true; want false", s)
		}
	}
	if n := testing.AllocsPerRun(100, func() { validPath("jira/rest/api/2/search") }); n != 0 {
		t.Errorf("validPath allocates %.0f times for a plain path", n)
	}
}

// fakeUpstream records the URL of every outbound request instead of
// sending it.
type fakeUpstream struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (f *fakeUpstream) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.reqs = append(f.reqs, r)
	f.mu.Unlock()
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
}

func (f *fakeUpstream) take() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.reqs
	f.reqs = nil
	return r
}

type allowAll struct{}

func (allowAll) AllowHost(string) bool           { return true }
func (allowAll) AllowOrigin(string, string) bool { return true }

// FuzzPath sends arbitrary request targets through the proxy (parsed as
// net/http's server parses a request line) and checks that whatever is
// forwarded goes to the upstream's host, below its base path, and stays
// there however often it is decoded and cleaned.
func FuzzPath(f *testing.F) {
	for _, s := range []string{
		"/proxy/jira/rest/api/2/myself", "/proxy/jira/", "/proxy/jira", "/proxy/jira/a%20b?q=1",
		"/proxy/jira/..", "/proxy/jira/%2e%2e/x", "/proxy/jira/%252e%252e/x", "/proxy/jira/..;/x",
		"/proxy/jira/a%2fb", "/proxy/jira/%5c..%5cx", "/proxy/jira/a\\..\\b", "/proxy/jira//evil",
		"/proxy/jira/http://evil/", "/proxy/jira/%00", "/proxy/%2e%2e/jira/x", "/proxy/../jira/x",
		"http://lab/proxy/jira/x", "http://lab/proxy/jira/../x", "//lab/proxy/jira/x",
		"/proxy/jira/.%20/x", "/proxy/jira/%c0%ae%c0%ae/x", "/proxy/jira/%25%32%65%25%32%65/x",
		"/proxy/jira/@evil/x", "/proxy/jira/x?../../y", "/proxy/jira/x#../y", "*",
		"/proxy/jir%61/\xc3\xbc/x", "/proxy/jira/\xc3\xbc/%2e%2e", "/proxy/j\\ira/x",
		"/proxy/jira/rest%2fapi%2f2%2fmyself|", "/proxy/jira/a%2fb\xc3\xbc", "http://lab/proxy/jira/a%2fb^",
	} {
		f.Add(s)
	}
	fake := &fakeUpstream{}
	p, err := New(Config{
		Upstreams: []Upstream{{Name: "jira", URL: &url.URL{Scheme: "https", Host: "jira.example.com:8443", Path: "/jira"}}},
		Hosts:     allowAll{},
	})
	if err != nil {
		f.Fatal(err)
	}
	p.transport.rt = fake
	f.Fuzz(func(t *testing.T, target string) {
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(
			"GET " + target + " HTTP/1.1\r\nHost: lab\r\nX-Jira-Lab: 1\r\n\r\n")))
		if err != nil {
			return
		}
		rec := httptest.NewRecorder()
		p.ServeHTTP(rec, req)
		out := fake.take()
		if len(out) == 0 {
			if rec.Code < 400 {
				t.Fatalf("%q: status %d without reaching the upstream", target, rec.Code)
			}
			return
		}
		if len(out) != 1 {
			t.Fatalf("%q: %d upstream requests", target, len(out))
		}
		u := out[0].URL
		if u.Scheme != "https" || u.Host != "jira.example.com:8443" || out[0].Host != "" && out[0].Host != u.Host {
			t.Fatalf("%q forwarded to %s://%s (Host %q)", target, u.Scheme, u.Host, out[0].Host)
		}
		if u.User != nil || u.Opaque != "" {
			t.Fatalf("%q forwarded as %#v", target, u)
		}
		if !strings.HasPrefix(u.Path, "/jira/") {
			t.Fatalf("%q forwarded to path %q", target, u.Path)
		}
		// Every '/' forwarded below the base was a '/' of the request
		// target: none comes from decoding an escape.
		raw, _, _ := strings.Cut(req.RequestURI, "?")
		if i := strings.Index(raw, "/proxy/jira"); i >= 0 {
			sent := max(1, strings.Count(raw[i+len("/proxy/jira"):], "/"))
			if got := strings.Count(u.EscapedPath(), "/") - 1; got != sent {
				t.Fatalf("%q forwarded as %q: %d separators below the base; the target had %d", target, u.EscapedPath(), got, sent)
			}
		}
		// Whatever a server behind does (decode once, twice, treat '\' as
		// '/', resolve dot segments), the path stays below /jira/.
		s := u.EscapedPath()
		for range 8 {
			if !strings.HasPrefix(s, "/jira/") {
				t.Fatalf("%q forwarded as %q, which decodes to %q", target, u.EscapedPath(), s)
			}
			for seg := range strings.SplitSeq(strings.ReplaceAll(s, "\\", "/"), "/") {
				if seg, _, _ = strings.Cut(seg, ";"); seg == "." || seg == ".." {
					t.Fatalf("%q forwarded as %q, with dot segment in %q", target, u.EscapedPath(), s)
				}
			}
			if c := path.Clean(s); c != "/jira" && !strings.HasPrefix(c, "/jira/") {
				t.Fatalf("%q forwarded as %q, which cleans to %q", target, u.EscapedPath(), c)
			}
			next := unescapeLenient(s)
			if next == s {
				break
			}
			s = next
		}
	})
}

// The proxy renames a response header to the name the page reads it by:
// the contract's, for the ones the contract names.
func TestRenamedResponseHeaderMatchesTheContract(t *testing.T) {
	tests := []struct{ upstream, want string }{
		{"Set-Cookie", contract.HeaderSetCookie},
		{"Www-Authenticate", contract.HeaderWWWAuthenticate},
		{"Location", contract.HeaderLocation},
		{"Content-Security-Policy", contract.HeaderPrefix + "Content-Security-Policy"},
		{"Access-Control-Allow-Private-Network", contract.HeaderPrefix + "Access-Control-Allow-Private-Network"},
		{"X-Ausername", ""},
		{"Content-Type", ""},
	}
	for _, tt := range tests {
		t.Run(tt.upstream, func(t *testing.T) {
			if got := renamedResponseHeader(tt.upstream); got != tt.want {
				t.Errorf("renamedResponseHeader(%q) = %q; want %q", tt.upstream, got, tt.want)
			}
		})
	}
}

// FuzzHeaderTranslation: whatever header names and values a browser sends
// and an upstream answers, the upstream never sees the browser's cookie,
// origin or a lab header, the browser never gets a Set-Cookie or a header
// that acts on the lab's origin, and the one Cookie sent is the page's.
func FuzzHeaderTranslation(f *testing.F) {
	f.Add("Cookie", "lab=1", "X-Jira-Cookie", "JSESSIONID=A", "Set-Cookie", "JSESSIONID=B; Path=/")
	f.Add("X_Jira_Cookie", "a=1", "x-jira-lab", "1", "X-Jira-Set-Cookie", "forged=1")
	f.Add("Origin", "http://evil", "Sec-Fetch-Site", "cross-site", "Location", "http://evil/")
	f.Add("X-Http-Method-Override", "DELETE", "User-Agent", "Mozilla/5.0 Chrome/1", "Strict-Transport-Security", "max-age=1")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, rk, rv string) {
		in := http.Header{}
		for _, kv := range [][2]string{{k1, v1}, {k2, v2}} {
			if k := http.CanonicalHeaderKey(kv[0]); k != "" {
				in[k] = append(in[k], kv[1])
			}
		}
		var page []string // what the page sent as X-Jira-Cookie, in any spelling the proxy takes
		for k, v := range in {
			if isHeader(k, contract.HeaderCookie) {
				page = append(page, v...)
			}
		}
		rewriteRequestHeaders(in, "JiraAuthLab/test", false)
		for k := range in {
			switch {
			case hasPrefixFold(k, contract.HeaderPrefix), isHeader(k, "Origin"), isHeader(k, "Referer"), isHeader(k, contract.HeaderSandboxVisitor),
				hasPrefixFold(k, "Sec-Fetch-"), isHeader(k, "X-Http-Method-Override"):
				t.Fatalf("the upstream would get %s: %q", k, in[k])
			}
		}
		c := in["Cookie"]
		if len(page) == 0 && c != nil || len(page) > 0 && len(c) != 1 {
			t.Fatalf("Cookie %q; want one line made of the page's X-Jira-Cookie %q", c, page)
		}
		if len(page) > 0 {
			got := strings.Split(c[0], "; ")
			slices.Sort(got)
			slices.Sort(page)
			if !slices.Equal(got, page) && strings.Join(got, "; ") != strings.Join(page, "; ") {
				t.Fatalf("Cookie %q; want the page's X-Jira-Cookie %q", c, page)
			}
		}
		if ua := in["User-Agent"]; len(ua) != 1 {
			t.Fatalf("User-Agent %q; want exactly one", ua)
		}

		res := &http.Response{Header: http.Header{}, ContentLength: 0}
		if k := http.CanonicalHeaderKey(rk); k != "" {
			res.Header[k] = []string{rv}
		}
		if err := modifyResponse(res); err != nil {
			return
		}
		for k := range res.Header {
			if renamedResponseHeader(k) != "" || isHeader(k, "Set-Cookie") {
				t.Fatalf("the browser would get %s: %q", k, res.Header[k])
			}
		}
	})
}
