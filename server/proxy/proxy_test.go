package proxy_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"jiraauthlab/server/proxy"
)

// TestForwardTarget checks where requests go: the upstream's base path
// joined with {path}, and the raw query byte for byte.
func TestForwardTarget(t *testing.T) {
	up := newUpstream(t, nil)
	root := newUpstream(t, nil)
	l := newLab(t, proxy.Config{Upstreams: []proxy.Upstream{
		upstreamAt(t, "jira", up.URL+"/jira/"), // trailing slash dropped
		upstreamAt(t, "root", root.URL),
	}})
	tests := []struct {
		name, target string
		root         bool
		wantURI      string
	}{
		{"context path", "/proxy/jira/rest/api/2/myself", false, "/jira/rest/api/2/myself"},
		{"query byte for byte", "/proxy/jira/rest/api/2/search?jql=project%20%3D%20ABC%20ORDER%20BY%20key&fields=a,b&x=%zz;y=1&&empty=&plus=a+b", false,
			"/jira/rest/api/2/search?jql=project%20%3D%20ABC%20ORDER%20BY%20key&fields=a,b&x=%zz;y=1&&empty=&plus=a+b"},
		{"empty query kept", "/proxy/jira/rest?", false, "/jira/rest?"},
		{"base itself", "/proxy/jira/", false, "/jira/"},
		{"base without slash", "/proxy/jira", false, "/jira/"},
		{"trailing slash kept", "/proxy/jira/rest/api/2/", false, "/jira/rest/api/2/"},
		{"escapes kept", "/proxy/jira/rest/api/2/user/a%20b/%40me/%E2%82%AC", false, "/jira/rest/api/2/user/a%20b/%40me/%E2%82%AC"},
		{"dots inside names", "/proxy/jira/secure/attachment/1/a.b..c.png", false, "/jira/secure/attachment/1/a.b..c.png"},
		{"raw UTF-8 escaped once", "/proxy/jira/\xc3\xbc/%C3%BC", false, "/jira/%C3%BC/%C3%BC"},
		{"an @host stays a path", "/proxy/jira/@127.0.0.1:1/x", false, "/jira/@127.0.0.1:1/x"},
		{"colon scheme stays a path", "/proxy/jira/http:evil.example", false, "/jira/http:evil.example"},
		{"root upstream", "/proxy/root/rest/auth/1/session", true, "/rest/auth/1/session"},
		{"root upstream base", "/proxy/root/", true, "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := l.raw(t, "GET", tt.target)
			if res.StatusCode != 200 || string(body) != `{"ok":true}` {
				t.Fatalf("GET %q = %d %s; want 200", tt.target, res.StatusCode, body)
			}
			u := up
			if tt.root {
				u = root
			}
			got := u.last(t)
			if got.RequestURI != tt.wantURI {
				t.Errorf("GET %q reached upstream as %q; want %q", tt.target, got.RequestURI, tt.wantURI)
			}
			if got.Host != u.hostPort() {
				t.Errorf("upstream saw Host %q; want %q", got.Host, u.hostPort())
			}
			// No transparent gzip: the browser did not ask for it.
			if v, ok := got.Header["Accept-Encoding"]; ok {
				t.Errorf("upstream saw Accept-Encoding %q; want none", v)
			}
		})
	}
}

// TestRequestHeaders checks what the proxy strips, translates and keeps.
func TestRequestHeaders(t *testing.T) {
	up := newUpstream(t, nil)
	l := newLab(t, proxy.Config{Upstreams: []proxy.Upstream{upstreamAt(t, "jira", up.URL)}})
	hdr := http.Header{
		"Cookie":              {"lab_session=browser-secret"},
		"X-Jira-Cookie":       {"JSESSIONID=6E3487971234567896704A9EB4AE501F; atlassian.xsrf.token=BWP3"},
		"Origin":              {"http://" + l.addr},
		"Referer":             {"http://" + l.addr + "/session"},
		"Authorization":       {"Basic ZnJlZDpmcmVk"},
		"X-Atlassian-Token":   {"no-check"},
		"Content-Type":        {"application/json"},
		"Accept":              {"application/json"},
		"User-Agent":          {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"},
		"Forwarded":           {"for=203.0.113.9"},
		"X-Forwarded-For":     {"203.0.113.9"},
		"X-Forwarded-Host":    {"visitor.example"},
		"X-Forwarded-Proto":   {"https"},
		"X-Forwarded-Port":    {"443"},
		"X-Real-Ip":           {"203.0.113.9"},
		"Via":                 {"1.1 corp-proxy"},
		"X-Jira-Target":       {"sandbox"},
		"X-Jira-Whatever":     {"x"},
		"Connection":          {"X-Hop"},
		"X-Hop":               {"hop"},
		"Sec-Fetch-Site":      {"same-origin"},
		"Sec-Fetch-Mode":      {"cors"},
		"Sec-Ch-Ua":           {`"Chromium";v="126"`},
		"Keep-Alive":          {"timeout=5"},
		"Proxy-Authorization": {"Basic c2VjcmV0"},
		"Upgrade":             {"websocket"},
		"Expect":              {"100-continue"},
		"Te":                  {"trailers"},
		// A framework behind may take these for the URL or method instead
		// of the ones the proxy checked.
		"X-Original-Url":         {"/secure/admin"},
		"X-Original-Uri":         {"/secure/admin"},
		"X-Rewrite-Url":          {"/secure/admin"},
		"X-Http-Method-Override": {"DELETE"},
		"X-Http-Method":          {"DELETE"},
		"X-Method-Override":      {"DELETE"},
		"X-Original-Method":      {"DELETE"},
		"X-Host":                 {"evil.example"},
		"X-Original-Host":        {"evil.example"},
	}
	res, body := l.do(t, "POST", "/proxy/jira/rest/auth/1/session", strings.NewReader(`{"username":"fred","password":"fred"}`), hdr)
	if res.StatusCode != 200 {
		t.Fatalf("status %d %s", res.StatusCode, body)
	}
	got := up.last(t)
	want := map[string][]string{
		"Cookie":            {"JSESSIONID=6E3487971234567896704A9EB4AE501F; atlassian.xsrf.token=BWP3"},
		"Authorization":     {"Basic ZnJlZDpmcmVk"},
		"X-Atlassian-Token": {"no-check"},
		"Content-Type":      {"application/json"},
		"Accept":            {"application/json"},
		"User-Agent":        {"JiraAuthLab/dev"}, // never the browser's: Jira's XSRF filter refuses it on a POST
	}
	for k, v := range want {
		if !slices.Equal(got.Header[k], v) {
			t.Errorf("upstream header %s = %q; want %q", k, got.Header[k], v)
		}
	}
	for _, k := range []string{"Origin", "Referer", "Forwarded", "X-Forwarded-For", "X-Forwarded-Host",
		"X-Forwarded-Proto", "X-Forwarded-Port", "X-Real-Ip", "Via", "X-Jira-Lab", "X-Jira-Cookie",
		"X-Jira-Target", "X-Jira-Whatever", "X-Hop", "Keep-Alive", "Proxy-Authorization", "Upgrade", "Expect", "Te",
		"Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Ch-Ua",
		"X-Original-Url", "X-Original-Uri", "X-Rewrite-Url", "X-Http-Method-Override", "X-Http-Method",
		"X-Method-Override", "X-Original-Method", "X-Host", "X-Original-Host"} {
		if v, ok := got.Header[k]; ok {
			t.Errorf("upstream received %s: %q; want it stripped", k, v)
		}
	}
	if got.Host != up.hostPort() {
		t.Errorf("upstream Host %q; want %q", got.Host, up.hostPort())
	}
	if string(got.Body) != `{"username":"fred","password":"fred"}` {
		t.Errorf("upstream body %q", got.Body)
	}

	t.Run("no X-Jira-Cookie, no Cookie", func(t *testing.T) {
		l.do(t, "GET", "/proxy/jira/x", nil, http.Header{"Cookie": {"lab=1"}})
		if c, ok := up.last(t).Header["Cookie"]; ok {
			t.Errorf("upstream received Cookie %q; want none", c)
		}
	})
	t.Run("several X-Jira-Cookie joined", func(t *testing.T) {
		l.do(t, "GET", "/proxy/jira/x", nil, http.Header{"X-Jira-Cookie": {"a=1", "b=2"}})
		if c := up.last(t).Header["Cookie"]; !slices.Equal(c, []string{"a=1; b=2"}) {
			t.Errorf("upstream Cookie %q; want one line a=1; b=2", c)
		}
	})
	t.Run("X-Jira-User-Agent sets the User-Agent", func(t *testing.T) {
		l.do(t, "POST", "/proxy/jira/x", strings.NewReader("{}"), http.Header{
			"User-Agent": {"Mozilla/5.0 Firefox/128.0"}, "X-Jira-User-Agent": {"Mozilla/5.0 Chrome/126.0", "second"}})
		if ua := up.last(t).Header["User-Agent"]; !slices.Equal(ua, []string{"Mozilla/5.0 Chrome/126.0"}) {
			t.Errorf("upstream User-Agent %q; want the page's X-Jira-User-Agent, once", ua)
		}
	})
	t.Run("no User-Agent at all still gets the lab's", func(t *testing.T) {
		l.raw(t, "GET", "/proxy/jira/x")
		if ua := up.last(t).Header["User-Agent"]; !slices.Equal(ua, []string{"JiraAuthLab/dev"}) {
			t.Errorf("upstream User-Agent %q; want JiraAuthLab/dev", ua)
		}
	})
	t.Run("underscore spelling stripped", func(t *testing.T) {
		l.raw(t, "GET", "/proxy/jira/x", "X_Jira_Secret: s", "X-Forwarded_For: 1.2.3.4",
			"X_HTTP_Method_Override: DELETE", "X_Original_URL: /secure/admin", "X_Real_IP: 1.2.3.4")
		h := up.last(t).Header
		for k := range h {
			if k := strings.ToLower(k); strings.Contains(k, "jira") || strings.Contains(k, "forwarded") ||
				strings.Contains(k, "override") || strings.Contains(k, "original") || strings.Contains(k, "real") {
				t.Errorf("upstream received %s", k)
			}
		}
	})
}

// TestRequestBody checks that bodies arrive byte for byte, with their
// length, or chunked when the browser sent them so.
func TestRequestBody(t *testing.T) {
	up := newUpstream(t, nil)
	l := newLab(t, proxy.Config{Upstreams: []proxy.Upstream{upstreamAt(t, "jira", up.URL)}, MaxBody: 1 << 20})
	binary := make([]byte, 256*64)
	for i := range binary {
		binary[i] = byte(i)
	}
	tests := []struct {
		name    string
		body    io.Reader
		want    []byte
		chunked bool
	}{
		{"json", strings.NewReader(`{"password":"x"}`), []byte(`{"password":"x"}`), false},
		{"binary", bytes.NewReader(binary), binary, false},
		{"chunked under the limit", io.MultiReader(bytes.NewReader(binary)), binary, true},
		{"exactly the limit", bytes.NewReader(make([]byte, 1<<20)), make([]byte, 1<<20), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := l.do(t, "PUT", "/proxy/jira/rest/api/2/x", tt.body, nil)
			if res.StatusCode != 200 {
				t.Fatalf("status %d %s", res.StatusCode, body)
			}
			got := up.last(t)
			if !bytes.Equal(got.Body, tt.want) {
				t.Errorf("upstream body: %d bytes, differs from the %d sent", len(got.Body), len(tt.want))
			}
			if !tt.chunked && got.Length != int64(len(tt.want)) {
				t.Errorf("upstream Content-Length %d; want %d", got.Length, len(tt.want))
			}
			if got.Chunked != tt.chunked {
				t.Errorf("upstream chunked = %v; want %v", got.Chunked, tt.chunked)
			}
		})
	}
}

// TestResponseTranslation checks what the browser gets back.
func TestResponseTranslation(t *testing.T) {
	cookies := []string{
		"JSESSIONID=6E3487971234567896704A9EB4AE501F; Path=/jira; HttpOnly",
		"atlassian.xsrf.token=BWP3-NZB2-6EDY-6C7K|7b3e|lin; Path=/jira",
		"seraph.rememberme.cookie=1%3A2; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/; Secure",
	}
	binary := make([]byte, 256*16)
	for i := range binary {
		binary[i] = byte(255 - i%256)
	}
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, c := range cookies {
			h.Add("Set-Cookie", c)
		}
		h.Add("WWW-Authenticate", `Basic realm="protected-area"`)
		h.Add("WWW-Authenticate", `OAuth realm="https://jira.example.com"`)
		h.Set("Location", "https://jira.example.com/login.jsp?os_destination=%2F")
		h.Set("Strict-Transport-Security", "max-age=31536000")
		h.Set("Clear-Site-Data", `"cookies"`)
		h.Set("Alt-Svc", `h3=":443"`)
		h.Set("Content-Security-Policy", "default-src 'none'")
		h.Set("Content-Security-Policy-Report-Only", "default-src 'self'")
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Allow-Credentials", "true")
		h.Set("Access-Control-Allow-Private-Network", "true")
		h.Set("NEL", `{"report_to":"x","max_age":1}`)
		h.Set("Report-To", `{"group":"x"}`)
		h.Set("X-Seraph-LoginReason", "AUTHENTICATED_FAILED")
		h.Set("X-AUSERNAME", "anonymous")
		h.Set("Server-Timing", "db;dur=5")
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Length", fmt.Sprint(len(binary)))
		w.WriteHeader(http.StatusFound)
		w.Write(binary)
	})
	l := newLab(t, proxy.Config{Upstreams: []proxy.Upstream{upstreamAt(t, "jira", up.URL)}})
	res, body := l.do(t, "GET", "/proxy/jira/secure/Dashboard.jspa", nil, nil)
	if res.StatusCode != http.StatusFound {
		t.Errorf("status %d; want 302 kept", res.StatusCode)
	}
	if !bytes.Equal(body, binary) {
		t.Errorf("body differs (%d bytes; want %d)", len(body), len(binary))
	}
	h := res.Header
	want := map[string][]string{
		"X-Jira-Set-Cookie":                           cookies,
		"X-Jira-Www-Authenticate":                     {`Basic realm="protected-area"`, `OAuth realm="https://jira.example.com"`},
		"X-Jira-Location":                             {"https://jira.example.com/login.jsp?os_destination=%2F"},
		"X-Jira-Strict-Transport-Security":            {"max-age=31536000"},
		"X-Jira-Clear-Site-Data":                      {`"cookies"`},
		"X-Jira-Alt-Svc":                              {`h3=":443"`},
		"X-Jira-Content-Security-Policy":              {"default-src 'none'"},
		"X-Jira-Content-Security-Policy-Report-Only":  {"default-src 'self'"},
		"X-Jira-Access-Control-Allow-Origin":          {"*"},
		"X-Jira-Access-Control-Allow-Credentials":     {"true"},
		"X-Jira-Access-Control-Allow-Private-Network": {"true"},
		"X-Jira-Nel":                                  {`{"report_to":"x","max_age":1}`},
		"X-Jira-Report-To":                            {`{"group":"x"}`},
		"X-Seraph-Loginreason":                        {"AUTHENTICATED_FAILED"},
		"X-Ausername":                                 {"anonymous"},
		"Content-Type":                                {"application/octet-stream"},
		"Cache-Control":                               {"no-store"},
		"X-Jira-Cache-Control":                        {"no-cache"},
		"Content-Length":                              {fmt.Sprint(len(binary))},
	}
	for k, v := range want {
		if !slices.Equal(h[k], v) {
			t.Errorf("response %s = %q; want %q", k, h[k], v)
		}
	}
	for _, k := range []string{"Set-Cookie", "Www-Authenticate", "Location", "Strict-Transport-Security",
		"Clear-Site-Data", "Alt-Svc", "Content-Security-Policy", "Content-Security-Policy-Report-Only",
		"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Private-Network",
		"Nel", "Report-To"} {
		if v, ok := h[k]; ok {
			t.Errorf("response carries %s: %q", k, v)
		}
	}
	st := h["Server-Timing"]
	if len(st) != 2 || st[0] != "db;dur=5" || !regexp.MustCompile(`^upstream;dur=\d+\.\d$`).MatchString(st[1]) {
		t.Errorf("Server-Timing %q; want the upstream's, then upstream;dur=<ms>", st)
	}

	t.Run("statuses kept", func(t *testing.T) {
		for _, status := range []int{200, 201, 204, 301, 303, 307, 308, 400, 401, 403, 404, 409, 429, 500, 503} {
			up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", "/x")
				w.WriteHeader(status)
			})
			l := newLab(t, proxy.Config{Upstreams: []proxy.Upstream{upstreamAt(t, "u", up.URL)}})
			res, _ := l.do(t, "GET", "/proxy/u/x", nil, nil)
			if res.StatusCode != status || res.Header.Get("X-Jira-Location") != "/x" || res.Header.Get("Location") != "" {
				t.Errorf("upstream %d: got %d, X-Jira-Location %q, Location %q", status, res.StatusCode,
					res.Header.Get("X-Jira-Location"), res.Header.Get("Location"))
			}
		}
	})
}

// TestStreaming checks that the body reaches the browser while the
// upstream is still writing it.
func TestStreaming(t *testing.T) {
	release := make(chan struct{})
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first\n")
		w.(http.Flusher).Flush()
		<-release
		io.WriteString(w, "second\n")
	})
	defer close(release)
	l := newLab(t, proxy.Config{Upstreams: []proxy.Upstream{upstreamAt(t, "u", up.URL)}})
	req, _ := http.NewRequest("GET", l.URL+"/proxy/u/stream", nil)
	req.Header.Set("X-Jira-Lab", "1")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	buf := make([]byte, 6)
	done := make(chan error, 1)
	go func() { _, err := io.ReadFull(res.Body, buf); done <- err }()
	select {
	case err := <-done:
		if err != nil || string(buf) != "first\n" {
			t.Fatalf("read %q, %v", buf, err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("first chunk did not arrive before the upstream finished: the proxy buffers")
	}
}

// TestTrailersAndInformational checks the two less obvious ways a
// Set-Cookie could reach the browser: trailers and 1xx responses.
func TestTrailersAndInformational(t *testing.T) {
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/unannounced-trailer":
			io.WriteString(w, "body")
			w.(http.Flusher).Flush()
			w.Header().Set(http.TrailerPrefix+"Set-Cookie", "sneaky=1")
		case "/trailer":
			w.Header().Set("Trailer", "Set-Cookie, X-Checksum")
			io.WriteString(w, "body")
			w.Header().Set("Set-Cookie", "late=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT")
			w.Header().Set("X-Checksum", "abc")
		case "/early-hints":
			w.Header().Set("Set-Cookie", "early=1")
			w.Header().Set("Link", "</style.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			w.Header().Del("Set-Cookie")
			w.Header().Del("Link")
			io.WriteString(w, "final")
		}
	})
	own := http.Header{"Content-Security-Policy": {"default-src 'self'"}, "X-Content-Type-Options": {"nosniff"}}
	l := newLabWith(t, proxy.Config{Upstreams: []proxy.Upstream{upstreamAt(t, "u", up.URL)}}, own)

	t.Run("unannounced trailer", func(t *testing.T) {
		res, body := l.do(t, "GET", "/proxy/u/unannounced-trailer", nil, nil)
		if string(body) != "body" {
			t.Errorf("body %q", body)
		}
		if v, ok := res.Trailer["Set-Cookie"]; ok {
			t.Errorf("unannounced trailer Set-Cookie %q reached the browser", v)
		}
		if v := res.Trailer["X-Jira-Set-Cookie"]; !slices.Equal(v, []string{"sneaky=1"}) {
			t.Errorf("trailer X-Jira-Set-Cookie %q; want [sneaky=1]", v)
		}
	})
	t.Run("trailer", func(t *testing.T) {
		res, body := l.do(t, "GET", "/proxy/u/trailer", nil, nil)
		if string(body) != "body" {
			t.Errorf("body %q", body)
		}
		if v, ok := res.Trailer["Set-Cookie"]; ok {
			t.Errorf("trailer Set-Cookie %q reached the browser", v)
		}
		if v := res.Trailer["X-Jira-Set-Cookie"]; !slices.Equal(v, []string{"late=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT"}) {
			t.Errorf("trailer X-Jira-Set-Cookie %q", v)
		}
		if v := res.Trailer.Get("X-Checksum"); v != "abc" {
			t.Errorf("trailer X-Checksum %q; want abc", v)
		}
	})
	t.Run("1xx", func(t *testing.T) {
		var got1xx []int
		trace := &httptrace.ClientTrace{Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
			got1xx = append(got1xx, code)
			return nil
		}}
		req, _ := http.NewRequest("GET", l.URL+"/proxy/u/early-hints", nil)
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
		req.Header.Set("X-Jira-Lab", "1")
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || string(body) != "final" {
			t.Errorf("got %d %q; want 200 final", res.StatusCode, body)
		}
		if len(got1xx) != 0 {
			t.Errorf("browser received informational responses %v", got1xx)
		}
		if res.Header["Set-Cookie"] != nil {
			t.Errorf("Set-Cookie of the 103 reached the browser")
		}
		// ReverseProxy clears the header map after a 1xx: the headers the
		// lab set before proxying must survive it.
		for k, v := range own {
			if got := res.Header[k]; !slices.Equal(got, v) {
				t.Errorf("after a 103, %s = %q; want %q", k, got, v)
			}
		}
	})
}

// TestRefused checks the proxy's own 403, 404 and 413 answers, and that
// the upstream never hears of those requests.
func TestRefused(t *testing.T) {
	up := newUpstream(t, nil)
	l := newLab(t, proxy.Config{Upstreams: []proxy.Upstream{upstreamAt(t, "jira", up.URL)}, MaxBody: 1024})
	tests := []struct {
		name       string
		method     string
		target     string
		hdr        http.Header
		body       io.Reader
		wantStatus int
		wantCode   string
	}{
		{"unknown upstream", "GET", "/proxy/nope/rest", nil, nil, 404, "unknown_upstream"},
		{"unknown upstream, encoded name", "GET", "/proxy/jir%61/rest", nil, nil, 404, "unknown_upstream"},
		{"no name", "GET", "/proxy/", nil, nil, 404, "unknown_upstream"},
		{"missing lab header", "GET", "/proxy/jira/rest", http.Header{"X-Jira-Lab": nil}, nil, 403, "missing_lab_header"},
		{"wrong lab header", "GET", "/proxy/jira/rest", http.Header{"X-Jira-Lab": {"0"}}, nil, 403, "missing_lab_header"},
		{"foreign origin", "POST", "/proxy/jira/rest", http.Header{"Origin": {"http://evil.example"}}, nil, 403, "foreign_origin"},
		{"null origin", "POST", "/proxy/jira/rest", http.Header{"Origin": {"null"}}, nil, 403, "foreign_origin"},
		{"foreign origin, same host other scheme-less form", "POST", "/proxy/jira/rest", http.Header{"Origin": {"127.0.0.1"}}, nil, 403, "foreign_origin"},
		{"foreign host (DNS rebinding)", "GET", "/proxy/jira/rest", http.Header{"Host": {"rebind.evil.example:80"}}, nil, 403, "foreign_host"},
		{"foreign host beats everything", "GET", "/proxy/nope/..", http.Header{"Host": {"evil.example"}, "X-Jira-Lab": nil}, nil, 403, "foreign_host"},
		{"body over the limit", "POST", "/proxy/jira/rest", nil, bytes.NewReader(make([]byte, 1025)), 413, "body_too_large"},
		{"not a proxy path", "GET", "/elsewhere", nil, nil, 400, "bad_path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := l.do(t, tt.method, tt.target, tt.body, tt.hdr)
			wantError(t, tt.name, res, body, tt.wantStatus, tt.wantCode)
		})
	}
	if n := len(up.requests()); n != 0 {
		t.Errorf("upstream received %d refused requests", n)
	}

	t.Run("allowed origin", func(t *testing.T) {
		res, body := l.do(t, "POST", "/proxy/jira/rest", nil, http.Header{"Origin": {"http://" + l.addr}})
		if res.StatusCode != 200 {
			t.Errorf("status %d %s", res.StatusCode, body)
		}
		up.last(t)
	})
	t.Run("nil Hosts fails closed", func(t *testing.T) {
		p, err := proxy.New(proxy.Config{Upstreams: []proxy.Upstream{upstreamAt(t, "jira", up.URL)}})
		if err != nil {
			t.Fatal(err)
		}
		for _, target := range []string{"/proxy/jira/rest", "/proxy/nope/x"} {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("GET", target, nil)
			req.Header.Set("X-Jira-Lab", "1")
			p.ServeHTTP(rec, req)
			wantError(t, "nil Hosts", rec.Result(), rec.Body.Bytes(), 403, "foreign_host")
		}
		if n := len(up.requests()); n != 0 {
			t.Errorf("upstream received %d requests", n)
		}
	})
	t.Run("path changed before the proxy", func(t *testing.T) {
		// The proxy checks and forwards the request target as the client
		// sent it; a path some handler before it decoded or rewrote (here
		// "a%2fb" into "a/b") is refused, as is a request no server read.
		changed := httptest.NewRequest("GET", "/proxy/jira/a%2fb", nil)
		changed.URL.RawPath = ""
		changed.URL.Path = "/proxy/jira/a/b"
		unread, _ := http.NewRequest("GET", "http://"+l.addr+"/proxy/jira/x", nil)
		for _, r := range []*http.Request{changed, unread} {
			r.Host = l.addr
			r.Header.Set("X-Jira-Lab", "1")
			rec := httptest.NewRecorder()
			l.proxy.ServeHTTP(rec, r)
			wantError(t, r.URL.Path, rec.Result(), rec.Body.Bytes(), 400, "bad_path")
		}
		if n := len(up.requests()); n != 0 {
			t.Errorf("upstream received %d requests", n)
		}
	})
	t.Run("chunked body over the limit", func(t *testing.T) {
		chunked := io.MultiReader(bytes.NewReader(make([]byte, 4096))) // no length: sent chunked
		res, body := l.do(t, "POST", "/proxy/jira/rest", chunked, nil)
		wantError(t, "chunked", res, body, 413, "body_too_large")
		for _, r := range up.requests() {
			if len(r.Body) > 1024 {
				t.Errorf("upstream received %d bytes; limit 1024", len(r.Body))
			}
		}
		up.mu.Lock()
		up.reqs = nil
		up.mu.Unlock()
	})
}

// evilPaths must all be refused with 400 bad_path: each tries to leave the
// upstream's base path or host, or to smuggle something through it.
var evilPaths = []string{
	"/proxy/jira/..",
	"/proxy/jira/../secret",
	"/proxy/jira/rest/../../secret",
	"/proxy/jira/rest/..",
	"/proxy/jira/.",
	"/proxy/jira/./rest",
	"/proxy/jira/rest/.",
	"/proxy/jira/...",
	"/proxy/jira/%2e%2e/secret",
	"/proxy/jira/%2E%2E/secret",
	"/proxy/jira/.%2e/secret",
	"/proxy/jira/%2e./secret",
	"/proxy/jira/%2e/secret",
	"/proxy/jira/a%2e",
	"/proxy/jira/a%2fb",
	"/proxy/jira/a%2F..%2Fsecret",
	"/proxy/jira/..%2fsecret",
	"/proxy/jira/%5c..%5csecret",
	"/proxy/jira/%5C",
	"/proxy/jira/a\\..\\secret",
	"/proxy/jira/..\\secret",
	"/proxy/jira/..;/secret",
	"/proxy/jira/..;jsessionid=1/secret",
	"/proxy/jira/rest;jsessionid=1/x",
	"/proxy/jira/rest%3b/x",
	"/proxy/jira/%3B",
	"/proxy/jira/%252e%252e/secret",
	"/proxy/jira/%252E%252E/secret",
	"/proxy/jira/%25252e%25252e/secret",
	"/proxy/jira/%252f",
	"/proxy/jira/%255c",
	"/proxy/jira/%25%32%65%25%32%65/secret",
	"/proxy/jira/%2525252525252e",
	"/proxy/jira/%25u002e%25u002e/secret",
	"/proxy/jira/%c0%ae%c0%ae/secret",
	"/proxy/jira/%ef%bc%8e%ef%bc%8e/secret",
	"/proxy/jira/..%ef%bc%8fsecret",
	"/proxy/jira/.%20",
	"/proxy/jira/..%20/secret",
	"/proxy/jira//secret",
	"/proxy/jira/rest//x",
	"/proxy/jira///127.0.0.1/",
	"/proxy/jira/http://127.0.0.1/",
	"/proxy/jira/http:%2f%2f127.0.0.1/",
	"/proxy/jira/%00",
	"/proxy/jira/a%00b",
	"/proxy/jira/a%0d%0aX-Injected:%201",
	"/proxy/jira/a%09b",
	"/proxy/jira/a%7f",
	"/proxy/%2e%2e/secret",
	"/proxy/../secret",
	"/proxy/./jira/x",
	"/proxy//jira/x",
	"/proxy/jira%2f..%2fx/y",
	"/proxy%2fjira/x",
	"http:%2f%2f127.0.0.1/x",
	// A byte Go does not count as valid in an escaped path makes
	// URL.EscapedPath re-escape the decoded path, turning %2f into '/':
	// the raw request target is what is checked.
	"/proxy/jira/rest%2fapi%2f2%2fmyself|",
	"/proxy/jira/a%2fb^",
	"/proxy/jira/a%2Fb`",
	"/proxy/jira/a%2fb{",
	"/proxy/jira/a%2fb\"",
	"/proxy/jira/a%2fb\xc3\xbc",
	"/proxy/jira/a%5cb|",
	"/proxy/jira/a%3bb|",
	"/proxy/jira/%2e%2e|",
	"/proxy/jira/x/%2e%2e|/secret",
	"/proxy/jira%2fx|/y",
}

// TestEvilPaths sends every evil path on the raw request line and checks
// that neither the upstream nor a canary server outside the upstreams ever
// receives anything.
func TestEvilPaths(t *testing.T) {
	canary := newUpstream(t, nil)
	up := newUpstream(t, nil)
	l := newLab(t, proxy.Config{Upstreams: []proxy.Upstream{upstreamAt(t, "jira", up.URL+"/jira")}})
	canaryHost := canary.hostPort()
	for _, target := range evilPaths {
		for _, variant := range []string{target, strings.ReplaceAll(target, "127.0.0.1", canaryHost)} {
			res, body := l.raw(t, "GET", variant)
			if res.StatusCode != 400 {
				t.Errorf("GET %q = %d %s; want 400", variant, res.StatusCode, body)
				continue
			}
			wantError(t, variant, res, body, 400, "bad_path")
		}
	}
	// Absolute-form request targets name a host; the Host checks refuse
	// any host but the lab's, and the lab's own forwards to the upstream.
	res, body := l.raw(t, "GET", "http://"+canaryHost+"/proxy/jira/x")
	wantError(t, "absolute-form to the canary", res, body, 403, "foreign_host")
	if n := len(up.requests()); n != 0 {
		t.Errorf("upstream received %d evil requests: %+v", n, up.requests()[0].RequestURI)
	}
	if n := len(canary.requests()); n != 0 {
		t.Errorf("canary received %d requests", n)
	}
}
