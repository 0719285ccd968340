package sandbox

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz targets for every JSON request decoder, the JQL parser, the Host
// policy, the form token and the whole handler. `go test` runs their seed
// corpora; `go test -fuzz=FuzzX` explores.

// checkDecodeErr asserts that a decoder's error is a requestError with
// messages, so badRequest can always answer with Jira's error body.
func checkDecodeErr(t *testing.T, err error) {
	t.Helper()
	var re requestError
	if !errors.As(err, &re) || len(re) == 0 {
		t.Fatalf("decoder error %T %v is not a requestError with messages", err, err)
	}
	for _, m := range re {
		if m == "" {
			t.Fatalf("empty message in %q", re)
		}
	}
}

func addJSONSeeds(f *testing.F, seeds ...string) {
	for _, s := range append(seeds, ``, `null`, `[]`, `{}`, `{"a":`, `"x"`, `1`, `{} {}`, "\xff", `{"username":{"a":1}}`) {
		f.Add([]byte(s))
	}
}

func FuzzDecodeLogin(f *testing.F) {
	addJSONSeeds(f, `{"username":"fred","password":"fred"}`, `{"username":"fred"}`, `{"username":1,"password":2}`, `{"username":"","password":""}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := decodeLogin(data)
		if err != nil {
			checkDecodeErr(t, err)
			return
		}
		_ = req
	})
}

func FuzzDecodeSearch(f *testing.F) {
	addJSONSeeds(f, `{"jql":"type=Bug AND status=Closed"}`, `{"jql":"","startAt":5,"maxResults":-1,"fields":["summary"]}`, `{"startAt":1e99}`, `{"maxResults":"5"}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := decodeSearch(data); err != nil {
			checkDecodeErr(t, err)
		}
	})
}

func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{"jql=assignee%3Dfred", "startAt=2&maxResults=3", "startAt=x", "maxResults=99999999999999999999", "%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw)
		if _, err := searchFromQuery(q); err != nil {
			checkDecodeErr(t, err)
		}
	})
}

func FuzzDecodeTokenRequest(f *testing.F) {
	addJSONSeeds(f, `{"name":"lab","expirationDuration":90}`, `{"name":"x"}`, `{"name":"","expirationDuration":0}`, `{"name":"x","expirationDuration":366}`, `{"name":"x","expirationDuration":9.5}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := decodeTokenRequest(data)
		if err != nil {
			checkDecodeErr(t, err)
			return
		}
		if req.Name == "" || utf8.RuneCountInString(req.Name) > maxTokenName {
			t.Fatalf("accepted name %q", req.Name)
		}
		if req.Days != nil && (*req.Days < 1 || *req.Days > maxTokenDays) {
			t.Fatalf("accepted duration %d", *req.Days)
		}
	})
}

func FuzzDecodeCreateUser(f *testing.F) {
	addJSONSeeds(f, `{"username":"bob","displayName":"Bob","emailAddress":"bob@example.com","password":"Secret#2024x"}`, `{"password":"x"}`, `{"username":"bob"}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := decodeCreateUser(data)
		if err != nil {
			checkDecodeErr(t, err)
			return
		}
		if req.Username == "" || req.Password == "" {
			t.Fatalf("accepted %+v", req)
		}
		who := passwordSubject{username: req.Username, displayName: req.DisplayName, email: req.EmailAddress}
		for _, preset := range []string{presetDisabled, presetBasic, presetSecure, presetCustom} {
			if msgs := presetPolicy(preset).check(req.Password, who); msgs == nil {
				t.Fatal("check returned nil; want a (possibly empty) list")
			}
		}
	})
}

func FuzzDecodeUpdateUser(f *testing.F) {
	addJSONSeeds(f, `{"username":"fred","oldPassword":"a","newPassword":"a"}`, `{"username":"fred"}`, `{"newPassword":"x"}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := decodeUpdateUser(data)
		if err != nil {
			checkDecodeErr(t, err)
			return
		}
		if req.Username == "" || req.NewPassword == "" {
			t.Fatalf("accepted %+v", req)
		}
		presetPolicy(presetSecure).check(req.NewPassword, passwordSubject{username: req.Username, oldPassword: req.OldPassword})
	})
}

func FuzzDecodePolicy(f *testing.F) {
	addJSONSeeds(f, `{"preset":"secure"}`, `{"preset":"custom","minLength":8,"maxLength":255,"minUppercase":0,"minLowercase":0,"minDigits":0,"minSpecial":0,"notSimilarToUser":true}`,
		`{"preset":"custom","minLength":300}`, `{"preset":"basic","minLength":3}`, `{"preset":"nope"}`, `{"preset":"custom","maxLength":1,"minDigits":1}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := decodePolicy(data)
		if err != nil {
			checkDecodeErr(t, err)
			return
		}
		switch p.Preset {
		case presetDisabled, presetBasic, presetSecure, presetCustom:
		default:
			t.Fatalf("accepted preset %q", p.Preset)
		}
		if p.Preset != presetDisabled && (p.MinLength < 1 || p.MinLength > p.MaxLength || p.MaxLength > customMaxLength) {
			t.Fatalf("accepted inconsistent policy %+v", p)
		}
		p.describe(true)
		p.check("Tr0ub4dor&3x", passwordSubject{username: "fred", oldPassword: "x"})
	})
}

func FuzzDecodeCaptchaReset(f *testing.F) {
	addJSONSeeds(f, `{"username":"fred"}`, `{"username":""}`, `{"user":"fred"}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		name, err := decodeCaptchaReset(data)
		if err != nil {
			checkDecodeErr(t, err)
			return
		}
		if name == "" {
			t.Fatal("accepted an empty username")
		}
	})
}

func FuzzDecodeBasicAuth(f *testing.F) {
	addJSONSeeds(f, `{"enabled":false,"allowedUsers":["admin"]}`, `{"enabled":true}`, `{"allowedUsers":["FRED","fred"]}`,
		`{"allowedUsers":["bob"]}`, `{"enabled":null}`, `{"allowedUsers":[1]}`, `{"enabled":"no"}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := decodeBasicAuth(data)
		if err != nil {
			checkDecodeErr(t, err)
			return
		}
		if p.enabled == nil && p.allowedUsers == nil {
			t.Fatal("accepted a body that changes nothing")
		}
		seen := map[string]bool{}
		for _, u := range p.allowedUsers {
			if a := accountByName(u); a == nil || a.Name != u || seen[u] {
				t.Fatalf("accepted allow-list %q", p.allowedUsers)
			}
			seen[u] = true
		}
	})
}

func FuzzDecodeRateLimit(f *testing.F) {
	addJSONSeeds(f, `{"enabled":true,"capacity":10,"fillRate":1,"intervalSeconds":1}`, `{"capacity":0}`, `{"fillRate":-1}`,
		`{"intervalSeconds":86401}`, `{"capacity":1.5}`, `{"capacity":99999999999999999999}`, `{"capacity":2,"fillRate":5}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := decodeRateLimit(data)
		if err != nil {
			checkDecodeErr(t, err)
			return
		}
		rl := p.over(defaultRateLimit)
		if err := checkRateLimit(rl); err != nil {
			checkDecodeErr(t, err)
			return
		}
		if rl.Capacity < 1 || rl.FillRate < 1 || rl.FillRate > rl.Capacity || rl.IntervalSeconds < 1 || rl.IntervalSeconds > maxRateLimitInterval || rl.Capacity > maxRateLimitTokens {
			t.Fatalf("accepted %+v", rl)
		}
		// A bucket under these settings never panics nor overflows, whatever the clock.
		now := time.Unix(0, 0)
		b := &bucket{tokens: int64(rl.Capacity), filled: now}
		for _, d := range []time.Duration{0, time.Second, -time.Hour, 1 << 62} {
			now = now.Add(d)
			b.refill(now, rl)
			if b.tokens < 0 || b.tokens > int64(rl.Capacity) || b.secondsUntilToken(now, rl) < 0 {
				t.Fatalf("bucket %+v under %+v at %v", b, rl, now)
			}
		}
	})
}

func FuzzJQL(f *testing.F) {
	for _, s := range []string{
		"", "assignee=fred", "type=Bug AND status=Closed", `status = "In Progress" ORDER BY key DESC`,
		"project = QA AND (status = Open OR key = TEST-1) ORDER BY created, key asc",
		"assignee = currentUser()", "assignee != EMPTY", "summary ~ x", "status in (Open)", "(((", ")",
		`"unterminated`, "a = b = c", "ORDER BY", "order by foo", "key = 31", "status = and", "x!y", "é = ü",
		"project = QA\nAND status = 'Closed'", "assignee = membersOf(x)", "NOT a = b", "\x00", "\xff",
	} {
		f.Add(s)
	}
	viewers := []*account{nil, accountByName("fred")}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := parseJQL(s)
		if err != nil {
			var je *jqlError
			if !errors.As(err, &je) || je.msg == "" {
				t.Fatalf("parseJQL(%q) error %T %v; want a *jqlError", s, err, err)
			}
			return
		}
		for _, v := range viewers {
			checkJQL(q, v, nil)
			for _, is := range q.run(v) {
				if !is.Project.visibleTo(v) {
					t.Fatalf("parseJQL(%q) returned %s to a viewer who may not browse it", s, is.Key)
				}
			}
		}
	})
}

// FuzzServeHTTP sends arbitrary requests to the whole handler: it must never
// answer 500 (the recover middleware's last resort), and JSON must be JSON.
func FuzzServeHTTP(f *testing.F) {
	for _, s := range []struct{ method, path, ct, auth, body string }{
		{"GET", "/rest/api/2/search", "", "", ""},
		{"POST", "/rest/api/2/search", "application/json", "Basic ZnJlZDpmcmVk", `{"jql":"assignee=fred"}`},
		{"POST", "/rest/auth/1/session", "application/json", "", `{"username":"fred","password":"fred"}`},
		{"POST", "/jira/rest/auth/1/session", "text/plain", "", `x`},
		{"POST", "/rest/api/2/issue/QA-31/attachments", "multipart/form-data; boundary=B", "Basic ZnJlZDpmcmVk", "--B\r\n\r\n--B--"},
		{"PUT", "/_sandbox/password-policy", "application/json", "", `{"preset":"custom","minLength":1}`},
		{"POST", "/login.jsp", "application/x-www-form-urlencoded", "", "os_username=fred&os_password=x&os_captcha=kelpie"},
		{"POST", "/plugins/servlet/sso/login", "application/x-www-form-urlencoded", "", "username=sso-user"},
		{"GET", "/rest/pat/latest/tokens/1", "", "Bearer x", ""},
		{"DELETE", "/rest/auth/1/session", "", "Basic !!", ""},
		{"GET", "/secure/admin/WebSudoAuthenticate.jspa", "", "", ""},
		{"OPTIONS", "//..//", "a/b;;", "Basic", "\x00"},
	} {
		f.Add(s.method, s.path, s.ct, s.auth, s.body)
	}
	sb := New(Options{MaxSessions: 50})
	f.Fuzz(func(t *testing.T, method, path, contentType, auth, body string) {
		if method == "" || strings.ContainsAny(method, " \t\r\n()<>@,;:\\\"/[]?={}") || !utf8.ValidString(method) {
			return
		}
		r := &http.Request{
			Method:        method,
			URL:           &url.URL{Path: path, RawQuery: "jql=" + url.QueryEscape(body)},
			Header:        http.Header{},
			Host:          "127.0.0.1:8090", // a name of the sandbox (hostPolicy)
			Body:          io.NopCloser(strings.NewReader(body)),
			ContentLength: int64(len(body)),
		}
		r = r.WithContext(t.Context())
		r.Header.Set("Content-Type", contentType)
		r.Header.Set("Authorization", auth)
		r.Header.Set("Cookie", "JSESSIONID="+body)
		w := httptest.NewRecorder()
		sb.ServeHTTP(w, r)
		if w.Code == http.StatusInternalServerError {
			t.Fatalf("%s %q: 500 %s", method, path, w.Body)
		}
		if strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") && !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %q: invalid JSON %q", method, path, w.Body)
		}
		// Jira's spelling: the key is not canonical, so read it raw.
		if getRaw(w.Header(), hdrRequestID) == "" {
			t.Fatalf("%s %q: no X-AREQUESTID", method, path)
		}
	})
}

// FuzzJacksonWording: whatever the body, a refusal speaks Jackson's words,
// never Go's.
func FuzzJacksonWording(f *testing.F) {
	addJSONSeeds(f, `{"username":x}`, "{\n\"a\":\"\x01\"}", `{"username":"a\q"}`, `[1,2 3]`, `{"password":{"a":[1.5e3]}}`, `{"username":"fred","password":"fred"} ]`)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := decodeLogin(data)
		if err == nil {
			return
		}
		checkDecodeErr(t, err)
		for _, goText := range []string{"json:", "Go ", "unmarshal", "struct", "invalid character"} {
			if strings.Contains(err.Error(), goText) {
				t.Fatalf("decodeLogin(%q) = %q: Go's wording %q", data, err, goText)
			}
		}
	})
}

// FuzzXSRFHelpers: the header parsers of the XSRF filter never panic, and
// only http(s) origins can be Jira's own.
func FuzzXSRFHelpers(f *testing.F) {
	for _, s := range []struct{ origin, ua, ct string }{
		{"http://127.0.0.1:8090", "Mozilla/5.0 (X11) Gecko/20100101 Firefox/128.0", "text/plain"},
		{"chrome-extension://abc", "curl/8.5.0", "multipart/form-data; boundary=x"},
		{"null", "", "application/x-www-form-urlencoded;;"},
		{"chrome-extension:opaque", "MSIE 6.0", ""},
		{"http://[::1", "\xff", "text/plain; charset=\"x"},
	} {
		f.Add(s.origin, s.ua, s.ct)
	}
	f.Fuzz(func(t *testing.T, origin, ua, ct string) {
		browserFamily(ua)
		isIE(ua)
		xsrfable(ct)
		browserExtension(origin)
		if sameOrigin(origin, "http://127.0.0.1:8090") && !strings.HasPrefix(strings.ToLower(origin), "http") {
			t.Fatalf("sameOrigin(%q) with a non-http scheme", origin)
		}
	})
}

// FuzzHostPolicy: whatever the Host header, the policy never panics, a
// sandbox that does not know its listener allows only IP literals and
// localhost, and one that does allows nothing on another port.
func FuzzHostPolicy(f *testing.F) {
	for _, s := range []string{"127.0.0.1:8090", "localhost:8090", "[::1]:8090", "evil.example", "evil.example:8090",
		"127.0.0.1", "[::1", "::1", "127.0.0.1:+80", "127.0.0.1:0080", "[fe80::1%25eth0]:8090", "LOCALHOST.:8090", ":", ""} {
		f.Add(s)
	}
	unknown := newHostPolicy(nil, nil)
	known := newHostPolicy(&net.TCPAddr{IP: net.IPv4zero, Port: 8090}, nil)
	f.Fuzz(func(t *testing.T, host string) {
		if unknown.allow(host) {
			h, _, err := net.SplitHostPort(host)
			if err != nil {
				h = strings.Trim(host, "[]")
			}
			if _, err := netip.ParseAddr(h); err != nil && !strings.EqualFold(h, "localhost") {
				t.Fatalf("unknown listener allows %q", host)
			}
		}
		if known.allow(host) {
			if _, port, err := net.SplitHostPort(host); err != nil || strings.TrimLeft(port, "0") != "8090" {
				t.Fatalf("listener on :8090 allows %q", host)
			}
		}
	})
}

// FuzzFormToken: only tokens this sandbox minted are taken for its own.
func FuzzFormToken(f *testing.F) {
	sb := New(Options{})
	minted := sb.mintFormToken()
	f.Add(minted)
	f.Add(strings.Replace(minted, "_lout", "_lin", 1))
	f.Add("ABCD-EFGH-IJKL-MNOP_" + strings.Repeat("0", 40) + "_lout")
	f.Add("_lout")
	f.Fuzz(func(t *testing.T, tok string) {
		if sb.signedFormToken(tok) && tok != minted {
			t.Fatalf("signedFormToken(%q) without minting it", tok)
		}
	})
}
