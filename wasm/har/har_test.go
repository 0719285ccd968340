package har

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/mask"
)

// The secrets of the sample log: none may show in a masked export.
const (
	password    = "s3cret-pw"
	sessionID   = "6E34A1B2C3D4E5F6"
	xsrfToken   = "BQ93-XYZ1-ABCD-EFGH_9c1d_lin"
	rawToken    = "NjE2ODk2MzQ2NzY5OkZ2aDJ3UXpUU2Nq"
	userAgent   = "JiraAuthLab/test"
	labTarget   = "http://127.0.0.1:8090"
	remoteJira  = "https://jira.example.com/jira"
	loginAnswer = `{"session":{"name":"JSESSIONID","value":"` + sessionID + `"},"loginInfo":{"failedLoginCount":1,"loginCount":12}}`
)

var basicCred = base64.StdEncoding.EncodeToString([]byte("fred:" + password))

// t0 is when the sample log starts, in a zone that is not UTC.
var t0 = time.Date(2026, 3, 14, 9, 26, 53, 589_000_000, time.FixedZone("CET", 3600))

// labOwn are the security headers the lab's server adds to every answer.
var labOwn = []contract.Header{
	{Name: "content-security-policy", Value: "default-src 'self'"},
	{Name: "x-content-type-options", Value: "nosniff"},
	{Name: "referrer-policy", Value: "no-referrer"},
	{Name: "cache-control", Value: "no-store"},
}

func hdr(kv ...string) []contract.Header {
	var h []contract.Header
	for i := 0; i+1 < len(kv); i += 2 {
		h = append(h, contract.Header{Name: kv[i], Value: kv[i+1]})
	}
	return h
}

// sample is a small log as the page holds it, newest first: a session
// login, a who-am-I with its cookie, a Seraph URL login answered by a
// redirect, a basic-auth call refused, a token created, and a fetch that
// failed.
func sample() []contract.Exchange {
	login := contract.Exchange{
		Method: "POST", Path: "/rest/auth/1/session", Target: "sandbox", TargetURL: labTarget, Sandbox: true,
		Auth: contract.AuthLogin, Username: "fred",
		RequestHeader: hdr("Content-Type", "application/json", "X-Jira-Lab", "1"),
		RequestBody:   `{"username":"fred","password":"` + password + `"}`,
		Status:        200,
		ResponseHeader: append(hdr(
			"content-type", "application/json;charset=UTF-8",
			"x-arequestid", "566x1x1",
			"x-ausername", "fred",
			"x-jira-cache-control", "no-cache, no-store, no-transform",
			// the browser's Headers join repeated lines with ", "
			"x-jira-set-cookie", "JSESSIONID="+sessionID+"; Path=/; HttpOnly, atlassian.xsrf.token="+xsrfToken+"; Path=/",
		), labOwn...),
		ResponseBody: loginAnswer,
		Duration:     41500 * time.Microsecond,
		Started:      t0,
	}
	whoami := contract.Exchange{
		Method: "GET", Path: "/rest/auth/1/session", Target: "sandbox", TargetURL: labTarget + "/", Sandbox: true,
		Auth:          contract.AuthSession,
		RequestHeader: hdr("Accept", "application/json", "X-Jira-Lab", "1", "X-Jira-Cookie", "JSESSIONID="+sessionID, "X-Jira-User-Agent", "curl/8.5.0"),
		Status:        200,
		ResponseHeader: append(hdr("content-type", "application/json;charset=UTF-8", "x-ausername", "fred"),
			labOwn...),
		ResponseBody: `{"self":"http://127.0.0.1:8090/rest/api/latest/user?username=fred","name":"fred"}`,
		Duration:     12 * time.Millisecond,
		Started:      t0.Add(2 * time.Second),
	}
	seraph := contract.Exchange{
		Method: "GET", Path: "/login.jsp?os_username=fred&os_password=" + password + "&os_destination=%2Fsecure%2FDashboard.jspa",
		Target: "prod", TargetURL: remoteJira, Auth: contract.AuthNone,
		RequestHeader: hdr("X-Jira-Lab", "1"),
		Status:        302,
		ResponseHeader: append(hdr("x-jira-location", "https://jira.example.com/jira/secure/Dashboard.jspa", "content-length", "0",
			"x-seraph-loginreason", "OK"), labOwn...),
		Duration: 80 * time.Millisecond,
		Started:  t0.Add(3 * time.Second),
	}
	basic := contract.Exchange{
		Method: "GET", Path: "/rest/api/2/myself?expand=groups", Target: "prod", TargetURL: remoteJira,
		Auth: contract.AuthBasic, Username: "fred",
		RequestHeader: hdr("Authorization", "Basic "+basicCred, "X-Jira-Lab", "1"),
		Status:        401,
		ResponseHeader: append(hdr("content-type", "text/html;charset=UTF-8",
			"x-jira-www-authenticate", `Basic realm="protected-area"`,
			"x-seraph-loginreason", "AUTHENTICATED_FAILED",
			"x-jira-set-cookie", "atlassian.xsrf.token="+xsrfToken+"; Expires=Thu, 01-Jan-1970 00:00:10 GMT; Path=/jira; Secure"),
			labOwn...),
		ResponseBody: "<html><body>Basic Authentication Failure - Reason : AUTHENTICATED_FAILED</body></html>",
		Duration:     95 * time.Millisecond,
		Started:      t0.Add(5 * time.Second),
	}
	token := contract.Exchange{
		Method: "POST", Path: "/rest/pat/latest/tokens", Target: "prod", TargetURL: remoteJira, Auth: contract.AuthSession,
		RequestHeader: hdr("Content-Type", "application/json", "X-Jira-Cookie", "JSESSIONID="+sessionID+"; atlassian.xsrf.token="+xsrfToken),
		RequestBody:   `{"name":"lab","expirationDuration":90}`,
		Status:        201,
		ResponseHeader: append(hdr("content-type", "application/json"),
			labOwn...),
		ResponseBody: `{"id":7,"name":"lab","createdAt":"2026-03-14T09:27:01.000+0100","rawToken":"` + rawToken + `"}`,
		Duration:     30 * time.Millisecond,
		Started:      t0.Add(7 * time.Second),
	}
	failed := contract.Exchange{
		Method: "GET", Path: "/rest/api/2/serverInfo", Target: "prod", TargetURL: remoteJira,
		RequestHeader: hdr("Authorization", "Bearer "+rawToken, "X-Jira-Lab", "1"),
		Err:           "TypeError: Failed to fetch",
		Duration:      3 * time.Millisecond,
		Started:       t0.Add(9 * time.Second),
	}
	return []contract.Exchange{failed, token, basic, seraph, whoami, login}
}

func export(t testing.TB, xs []contract.Exchange, reveal bool) []byte {
	t.Helper()
	out, err := Export(xs, Options{Reveal: reveal, UserAgent: userAgent, Creator: "Jira Auth Lab", Version: "1.4.0"})
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	if problems := validate(out); len(problems) > 0 {
		t.Fatalf("Export wrote an invalid HAR 1.2:\n%s\n%s", strings.Join(problems, "\n"), out)
	}
	return out
}

func decode(t *testing.T, data []byte) document {
	t.Helper()
	var d document
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("the export is not JSON: %v", err)
	}
	return d
}

func nv(kv ...string) []nameValue {
	out := []nameValue{}
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, nameValue{kv[i], kv[i+1]})
	}
	return out
}

func TestExport(t *testing.T) {
	d := decode(t, export(t, sample(), true))
	if len(d.Log.Entries) != 6 {
		t.Fatalf("got %d entries; want 6", len(d.Log.Entries))
	}
	// Oldest first: the reverse of the page's order.
	login, whoami, seraph, basic, token, failed := d.Log.Entries[0], d.Log.Entries[1], d.Log.Entries[2], d.Log.Entries[3], d.Log.Entries[4], d.Log.Entries[5]
	tests := []struct {
		name      string
		got, want any
	}{
		{"version", d.Log.Version, "1.2"},
		{"creator", d.Log.Creator, creator{"Jira Auth Lab", "1.4.0"}},
		{"order", []string{login.Request.URL, whoami.Request.URL, seraph.Request.Method, basic.Request.URL, token.Request.Method, failed.Request.URL},
			[]string{labTarget + "/rest/auth/1/session", labTarget + "/rest/auth/1/session", "GET", remoteJira + "/rest/api/2/myself?expand=groups", "POST", remoteJira + "/rest/api/2/serverInfo"}},
		{"startedDateTime keeps ms and zone", login.StartedDateTime, "2026-03-14T09:26:53.589+01:00"},
		{"time in ms", login.Time, 41.5},
		{"timings add up to time", login.Timings, timings{Send: 0, Wait: 41.5, Receive: 0}},
		{"lab fields", []any{login.Target, login.TargetURL, login.Sandbox, basic.Target, basic.Sandbox}, []any{"sandbox", labTarget, true, "prod", false}},
		{"login method", login.Request.Method, "POST"},
		{"http version over http", []string{login.Request.HTTPVersion, login.Response.HTTPVersion}, []string{"HTTP/1.1", "HTTP/1.1"}},
		{"http version over https is not known", basic.Request.HTTPVersion, ""},
		{"X-Jira-Lab dropped, proxy's User-Agent added", login.Request.Headers, nv("Content-Type", "application/json", "User-Agent", userAgent)},
		{"post data", login.Request.PostData, &postData{"application/json", `{"username":"fred","password":"` + password + `"}`}},
		{"request body size", login.Request.BodySize, len(`{"username":"fred","password":"` + password + `"}`)},
		{"no post data without a body", whoami.Request.PostData, (*postData)(nil)},
		{"request sizes", []int{login.Request.HeadersSize, login.Response.HeadersSize}, []int{-1, -1}},
		{"status", []any{login.Response.Status, login.Response.StatusText}, []any{200, "OK"}},
		{"Set-Cookie one line each, lab headers left out, x-jira- names as Jira sent them", login.Response.Headers,
			nv("content-type", "application/json;charset=UTF-8", "x-arequestid", "566x1x1", "x-ausername", "fred",
				"cache-control", "no-cache, no-store, no-transform",
				"Set-Cookie", "JSESSIONID="+sessionID+"; Path=/; HttpOnly", "Set-Cookie", "atlassian.xsrf.token="+xsrfToken+"; Path=/")},
		{"response cookies", login.Response.Cookies, []cookie{
			{Name: "JSESSIONID", Value: sessionID, Path: "/", HTTPOnly: true},
			{Name: "atlassian.xsrf.token", Value: xsrfToken, Path: "/"}}},
		{"content", login.Response.Content, content{Size: len(loginAnswer), MimeType: "application/json;charset=UTF-8", Text: loginAnswer}},
		{"response body size", login.Response.BodySize, len(loginAnswer)},
		{"redirect URL empty", login.Response.RedirectURL, ""},
		{"X-Jira-Cookie is Cookie, X-Jira-User-Agent is User-Agent", whoami.Request.Headers,
			nv("Accept", "application/json", "Cookie", "JSESSIONID="+sessionID, "User-Agent", "curl/8.5.0")},
		{"request cookies", whoami.Request.Cookies, []cookie{{Name: "JSESSIONID", Value: sessionID}}},
		{"no query", whoami.Request.QueryString, []nameValue{}},
		{"base with a trailing slash", whoami.Request.URL, labTarget + "/rest/auth/1/session"},
		{"query string decoded, in order", seraph.Request.QueryString,
			nv("os_username", "fred", "os_password", password, "os_destination", "/secure/Dashboard.jspa")},
		{"Location and redirectURL", []any{seraph.Response.Headers[0], seraph.Response.RedirectURL, seraph.Response.StatusText},
			[]any{nameValue{"Location", remoteJira + "/secure/Dashboard.jspa"}, remoteJira + "/secure/Dashboard.jspa", "Found"}},
		{"no content", seraph.Response.Content, content{Size: 0, MimeType: ""}},
		{"Authorization as sent", basic.Request.Headers, nv("Authorization", "Basic "+basicCred, "User-Agent", userAgent)},
		{"WWW-Authenticate", basic.Response.Headers[1], nameValue{"WWW-Authenticate", `Basic realm="protected-area"`}},
		{"Expires in ISO 8601", basic.Response.Cookies, []cookie{{Name: "atlassian.xsrf.token", Value: xsrfToken, Path: "/jira", Expires: "1970-01-01T00:00:10.000Z", Secure: true}}},
		{"created token", token.Response.Content.Text, sample()[1].ResponseBody},
		{"failed fetch", []any{failed.Response.Status, failed.Response.StatusText, failed.Response.Error, failed.Response.Headers, failed.Response.HTTPVersion},
			[]any{0, "", "TypeError: Failed to fetch", []nameValue{}, ""}},
		{"failed fetch time", []float64{failed.Time, failed.Timings.Wait}, []float64{3, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %#v\nwant %#v", tt.got, tt.want)
			}
		})
	}
}

func TestExportEmptyLog(t *testing.T) {
	out, err := Export(nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if problems := validate(out); len(problems) > 0 {
		t.Fatalf("invalid HAR: %v\n%s", problems, out)
	}
	d := decode(t, out)
	if got, want := d.Log.Creator, (creator{DefaultCreator, "dev"}); got != want {
		t.Errorf("creator = %+v; want %+v", got, want)
	}
	if !strings.Contains(string(out), `"entries": []`) {
		t.Errorf("entries is not an empty array:\n%s", out)
	}
}

func TestExportMasks(t *testing.T) {
	masked, revealed := string(export(t, sample(), false)), string(export(t, sample(), true))
	secrets := []struct{ name, secret string }{
		{"password in a URL", "os_password=" + password},
		{"password anywhere", password},
		{"session cookie", sessionID},
		{"XSRF token cookie", xsrfToken},
		{"Basic credentials", basicCred},
		{"created token and Bearer", rawToken},
	}
	for _, tt := range secrets {
		t.Run("masked/"+tt.name, func(t *testing.T) {
			if strings.Contains(masked, tt.secret) {
				t.Errorf("the masked export shows %q", tt.secret)
			}
			if !strings.Contains(revealed, tt.secret) {
				t.Errorf("the revealed export lacks %q", tt.secret)
			}
		})
	}
	d := decode(t, []byte(masked))
	e := d.Log.Entries
	s := mask.Secret
	shown := []struct {
		name      string
		got, want any
	}{
		{"login body on one line", e[0].Request.PostData.Text, `{"username":"fred","password":"` + s + `"}`},
		{"body size is the real one", e[0].Request.BodySize, len(`{"username":"fred","password":"` + password + `"}`)},
		{"session value in the answer", e[0].Response.Content.Text, `{"session":{"name":"JSESSIONID","value":"` + s + `"},"loginInfo":{"failedLoginCount":1,"loginCount":12}}`},
		{"Set-Cookie keeps name and attributes", e[0].Response.Headers[4], nameValue{"Set-Cookie", "JSESSIONID=" + s + "; Path=/; HttpOnly"}},
		{"response cookies", e[0].Response.Cookies[0], cookie{Name: "JSESSIONID", Value: s, Path: "/", HTTPOnly: true}},
		{"Cookie keeps names", e[1].Request.Headers[1], nameValue{"Cookie", "JSESSIONID=" + s}},
		{"request cookies", e[1].Request.Cookies, []cookie{{Name: "JSESSIONID", Value: s}}},
		{"query", e[2].Request.URL, remoteJira + "/login.jsp?os_username=fred&os_password=" + s + "&os_destination=%2Fsecure%2FDashboard.jspa"},
		{"query string", e[2].Request.QueryString[1], nameValue{"os_password", s}},
		{"Basic keeps its scheme", e[3].Request.Headers[0], nameValue{"Authorization", "Basic " + s}},
		{"body without secrets kept as sent", e[4].Request.PostData.Text, `{"name":"lab","expirationDuration":90}`},
		{"rawToken", e[4].Response.Content.Text, `{"id":7,"name":"lab","createdAt":"2026-03-14T09:27:01.000+0100","rawToken":"` + s + `"}`},
		{"Bearer keeps its scheme", e[5].Request.Headers[0], nameValue{"Authorization", "Bearer " + s}},
		{"other headers as they were", e[0].Response.Headers[2], nameValue{"x-ausername", "fred"}},
	}
	for _, tt := range shown {
		t.Run("shown/"+tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %#v\nwant %#v", tt.got, tt.want)
			}
		})
	}
}

func TestMaskSession(t *testing.T) {
	s := `"` + mask.Secret + `"`
	tests := []struct{ name, body, want string }{
		{"login answer", `{"session":{"name":"JSESSIONID","value":"abc"},"loginInfo":{}}`, `{"session":{"name":"JSESSIONID","value":` + s + `},"loginInfo":{}}`},
		{"spacing kept", "{ \"session\" : {\n  \"value\" : \"abc\" } }", "{ \"session\" : {\n  \"value\" : " + s + " } }"},
		{"nested", `[{"a":{"session":{"value":12}}}]`, `[{"a":{"session":{"value":` + s + `}}}]`},
		{"empty and null show", `{"session":{"value":""},"x":{"session":{"value":null}}}`, `{"session":{"value":""},"x":{"session":{"value":null}}}`},
		{"value elsewhere is not a secret", `{"value":"v","other":{"value":"v"},"session":"s"}`, `{"value":"v","other":{"value":"v"},"session":"s"}`},
		{"inner object is not session", `{"session":{"x":{"value":"v"}}}`, `{"session":{"x":{"value":"v"}}}`},
		{"not JSON", "value=abc", "value=abc"},
		{"truncated JSON masked as far as it goes", `{"session":{"value":"abc"`, `{"session":{"value":` + s},
		{"invalid JSON after the secret", `{"session":{"value":"abc"}}}`, `{"session":{"value":` + s + `}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := maskSession(tt.body); got != tt.want {
				t.Errorf("maskSession(%q) = %q; want %q", tt.body, got, tt.want)
			}
		})
	}
}

func TestResponseCookie(t *testing.T) {
	started := time.Date(2026, 3, 14, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		line string
		want cookie
	}{
		{"JSESSIONID=abc; Path=/; HttpOnly", cookie{Name: "JSESSIONID", Value: "abc", Path: "/", HTTPOnly: true}},
		{"a=b; Domain=example.com; Secure; SameSite=None", cookie{Name: "a", Value: "b", Domain: "example.com", Secure: true}},
		{"a=b; Expires=Wed, 21 Oct 2026 07:28:00 GMT", cookie{Name: "a", Value: "b", Expires: "2026-10-21T07:28:00.000Z"}},
		{"a=b; expires=Thu, 01-Jan-1970 00:00:10 GMT", cookie{Name: "a", Value: "b", Expires: "1970-01-01T00:00:10.000Z"}},
		{"a=b; Max-Age=60; Expires=Thu, 01-Jan-1970 00:00:10 GMT", cookie{Name: "a", Value: "b", Expires: "2026-03-14T08:01:00.000Z"}},
		{"a=; Max-Age=0", cookie{Name: "a", Value: "", Expires: "2026-03-14T08:00:00.000Z"}},
		{"a=b; Expires=soon", cookie{Name: "a", Value: "b"}},
		{"novalue", cookie{Name: "novalue"}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			if got := responseCookie(tt.line, started); got != tt.want {
				t.Errorf("responseCookie(%q) = %+v; want %+v", tt.line, got, tt.want)
			}
		})
	}
}

// asJiraSaw is x's request headers as Jira received them: what Import of
// an export gives back.
func asJiraSaw(x contract.Exchange) []contract.Header {
	var out []contract.Header
	agent := false
	for _, h := range x.RequestHeader {
		switch h.Name {
		case "X-Jira-Lab":
		case "X-Jira-Cookie":
			out = append(out, contract.Header{Name: "Cookie", Value: h.Value})
		case "X-Jira-User-Agent":
			out, agent = append(out, contract.Header{Name: "User-Agent", Value: h.Value}), true
		default:
			out = append(out, h)
		}
	}
	if !agent {
		out = append(out, contract.Header{Name: "User-Agent", Value: userAgent})
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	in := sample()
	got, err := Import(export(t, in, true))
	if err != nil {
		t.Fatalf("Import(Export(sample)): %v", err)
	}
	if len(got) != len(in) {
		t.Fatalf("got %d exchanges; want %d", len(got), len(in))
	}
	for i, want := range in {
		g := got[i]
		t.Run(fmt.Sprintf("%d %s %s", i, want.Method, want.Path), func(t *testing.T) {
			checks := []struct {
				name      string
				got, want any
			}{
				{"method", g.Method, want.Method},
				{"URL", g.TargetURL + "|" + g.Path, want.TargetURL + "|" + want.Path},
				{"target", []any{g.Target, g.Sandbox}, []any{want.Target, want.Sandbox}},
				{"status", g.Status, want.Status},
				{"request headers as Jira saw them", g.RequestHeader, asJiraSaw(want)},
				{"request body", g.RequestBody, want.RequestBody},
				{"response body", g.ResponseBody, want.ResponseBody},
				{"error", g.Err, want.Err},
				{"duration", g.Duration, want.Duration},
				{"started", g.Started.Format(time.RFC3339Nano), want.Started.Format(time.RFC3339Nano)},
				{"id, newest highest", g.ID, len(in) - i},
			}
			for _, c := range checks {
				if !reflect.DeepEqual(c.got, c.want) {
					t.Errorf("%s: got %#v\nwant %#v", c.name, c.got, c.want)
				}
			}
		})
	}
	t.Run("response headers as Jira sent them", func(t *testing.T) {
		want := hdr("content-type", "application/json;charset=UTF-8", "x-arequestid", "566x1x1", "x-ausername", "fred",
			"cache-control", "no-cache, no-store, no-transform",
			"Set-Cookie", "JSESSIONID="+sessionID+"; Path=/; HttpOnly", "Set-Cookie", "atlassian.xsrf.token="+xsrfToken+"; Path=/")
		if g := got[len(got)-1].ResponseHeader; !reflect.DeepEqual(g, want) {
			t.Errorf("got %#v\nwant %#v", g, want)
		}
	})
	t.Run("masked export imports too", func(t *testing.T) {
		xs, err := Import(export(t, in, false))
		if err != nil || len(xs) != len(in) {
			t.Fatalf("Import(masked) = %d exchanges, %v", len(xs), err)
		}
		if g, w := xs[len(xs)-1].RequestBody, `{"username":"fred","password":"`+mask.Secret+`"}`; g != w {
			t.Errorf("login body = %q; want %q", g, w)
		}
	})
}

func TestImportChromium(t *testing.T) {
	data, err := os.ReadFile("testdata/chromium.har")
	if err != nil {
		t.Fatal(err)
	}
	xs, err := Import(data)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if len(xs) != 4 {
		t.Fatalf("got %d exchanges; want 4", len(xs))
	}
	failed, myself, login, dashboard := xs[0], xs[1], xs[2], xs[3]
	ms := func(f float64) time.Duration { return time.Duration(f * 1e6) }
	tests := []struct {
		name      string
		got, want any
	}{
		{"newest first, sorted though saved out of order", []string{failed.Path, myself.Path, login.Path, dashboard.Path},
			[]string{"/rest/api/2/serverInfo", "/rest/api/2/myself?expand=groups", "/rest/auth/1/session", "/secure/Dashboard.jspa"}},
		{"ids", []int{failed.ID, myself.ID, login.ID, dashboard.ID}, []int{4, 3, 2, 1}},
		{"target is scheme and host", []string{login.TargetURL, failed.TargetURL}, []string{"https://jira.example.com", "http://jira.example.com:8080"}},
		{"target name is the host", []any{login.Target, login.Sandbox}, []any{"jira.example.com", false}},
		{"method", login.Method, "POST"},
		{"pseudo-headers left out", login.RequestHeader, hdr("accept", "application/json", "content-type", "application/json", "origin", "https://jira.example.com",
			"user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/134.0.0.0 Safari/537.36")},
		{"request body", login.RequestBody, `{"username":"fred","password":"fred"}`},
		{"status", []int{failed.Status, myself.Status, login.Status, dashboard.Status}, []int{0, 200, 200, 302}},
		{"set-cookie lines as given", login.ResponseHeader[1:3], hdr("set-cookie", "JSESSIONID=8F1D3C0A2B4E; Path=/; Secure; HttpOnly",
			"set-cookie", "atlassian.xsrf.token=B7QX-4JHV-9PLM-T2RA_0f3c_lin; Path=/; Secure; SameSite=None")},
		{"response body", login.ResponseBody, `{"session":{"name":"JSESSIONID","value":"8F1D3C0A2B4E"},"loginInfo":{"failedLoginCount":1,"loginCount":12}}`},
		{"base64 body decoded", myself.ResponseBody, `{"self":"https://jira.example.com/rest/api/2/user?username=fred","name":"fred","displayName":"Fred Flintstone"}`},
		{"cookie header", myself.SentHeader("cookie"), "JSESSIONID=8F1D3C0A2B4E; atlassian.xsrf.token=B7QX-4JHV-9PLM-T2RA_0f3c_lin"},
		{"durations", []time.Duration{failed.Duration, myself.Duration, login.Duration, dashboard.Duration}, []time.Duration{ms(3.2), ms(42.5), ms(187.347), ms(61)}},
		{"started in UTC", login.Started.Format(time.RFC3339Nano), "2026-03-14T08:30:01Z"},
		{"started in a zone", dashboard.Started.Format(time.RFC3339Nano), "2026-03-14T09:30:00.9+01:00"},
		{"Chromium's _error", []string{failed.Err, login.Err}, []string{"net::ERR_CONNECTION_REFUSED", ""}},
		{"fragment left out", dashboard.Path, "/secure/Dashboard.jspa"},
		{"Location as given", dashboard.Header("location"), "https://jira.example.com/login.jsp?os_destination=%2Fsecure%2FDashboard.jspa"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %#v\nwant %#v", tt.got, tt.want)
			}
		})
	}
	t.Run("re-export", func(t *testing.T) {
		out := export(t, xs, false)
		for _, secret := range []string{"8F1D3C0A2B4E", "B7QX-4JHV"} {
			if strings.Contains(string(out), secret) {
				t.Errorf("the masked re-export shows %q", secret)
			}
		}
		d := decode(t, out)
		if got, want := d.Log.Entries[1].Request.Headers[3], (nameValue{"user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/134.0.0.0 Safari/537.36"}); got != want || len(d.Log.Entries[1].Request.Headers) != 4 {
			t.Errorf("login headers = %+v; want the browser's user-agent, once", d.Log.Entries[1].Request.Headers)
		}
		if got := d.Log.Entries[3].Response.Error; got != "net::ERR_CONNECTION_REFUSED" {
			t.Errorf("_error = %q", got)
		}
	})
}

func TestImportIgnoresOtherToolsCustomFields(t *testing.T) {
	data := `{"log":{"version":"1.2","creator":{"name":"Other","version":"1"},"entries":[{"startedDateTime":"2026-03-14T08:30:01.000Z","time":1,
		"request":{"method":"GET","url":"https://h.example/jira/rest/x","headers":[]},"response":{"status":0,"headers":[],"content":{},"_error":"theirs"},
		"_target":"t","_targetURL":"https://h.example/jira","_sandbox":true}]}}`
	xs, err := Import([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	x := xs[0]
	if got, want := []any{x.Target, x.TargetURL, x.Path, x.Sandbox, x.Err}, []any{"h.example", "https://h.example", "/jira/rest/x", false, "The file records no answer to this request."}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v; want %#v", got, want)
	}
}

func TestImportErrors(t *testing.T) {
	entry := func(req string) string {
		return `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[` +
			`{"startedDateTime":"2026-03-14T08:30:01.000Z","time":1,"request":{"method":"GET","url":"http://h/"},"response":{"status":200}},` +
			`{"startedDateTime":"2026-03-14T08:30:02.000Z","time":1,` + req + `}]}}`
	}
	tests := []struct {
		name, data, want string
		maxBytes, max    int
	}{
		{name: "not JSON", data: "<html>HAR</html>", want: "This file is not JSON: invalid character '<' looking for beginning of value."},
		{name: "truncated", data: `{"log":{"entries":[`, want: "This file is not JSON: unexpected end of JSON input."},
		{name: "empty", data: "", want: "This file is not JSON: unexpected end of JSON input."},
		{name: "an array", data: `[{"log":{}}]`, want: "This file is not a HAR: it is an array, not an object."},
		{name: "no log", data: `{"entries":[]}`, want: "This file is not a HAR: it has no log."},
		{name: "no entries", data: `{"log":{"version":"1.2"}}`, want: "This file is not a HAR: it has no log.entries."},
		{name: "entries not an array", data: `{"log":{"entries":"none"}}`, want: "This file is not a HAR: log.entries is a string."},
		{name: "version 2", data: `{"log":{"version":"2.0","entries":[]}}`, want: "This HAR is version 2.0: the lab reads version 1.x."},
		{name: "entry without request", data: entry(`"response":{"status":200}`), want: "Entry 2 has no request."},
		{name: "entry without response", data: entry(`"request":{"method":"GET","url":"http://h/"}`), want: "Entry 2 has no response."},
		{name: "entry without url", data: entry(`"request":{"method":"GET"},"response":{"status":200}`), want: "Entry 2 has no request.url."},
		{name: "entry without method", data: entry(`"request":{"url":"http://h/"},"response":{"status":200}`), want: "Entry 2 has no request.method."},
		{name: "relative url", data: entry(`"request":{"method":"GET","url":"/rest/api/2/myself"},"response":{"status":200}`), want: `Entry 2 has a request.url that is not an absolute URL: "/rest/api/2/myself".`},
		{name: "url of the wrong type", data: entry(`"request":{"method":"GET","url":5},"response":{"status":200}`), want: "Entry 2 is not a HAR entry: request.url is a number."},
		{name: "no status", data: entry(`"request":{"method":"GET","url":"http://h/"},"response":{}`), want: "Entry 2 has no response.status."},
		{name: "bad status", data: entry(`"request":{"method":"GET","url":"http://h/"},"response":{"status":20.5}`), want: "Entry 2 has a response.status that is not an HTTP status: 20.5."},
		{name: "entry not an object", data: `{"log":{"entries":[7]}}`, want: "Entry 1 is not a HAR entry: it is a number, not an object."},
		{name: "bad date", data: `{"log":{"entries":[{"startedDateTime":"yesterday","request":{"method":"GET","url":"http://h/"},"response":{"status":200}}]}}`,
			want: `Entry 1 has a startedDateTime that is not an ISO 8601 date: "yesterday".`},
		{name: "too large", data: entry(`"request":{"method":"GET","url":"http://h/"},"response":{"status":200}`), maxBytes: 100,
			want: fmt.Sprintf("This file is too large (%d bytes): the lab reads HAR files up to 100 bytes.", len(entry(`"request":{"method":"GET","url":"http://h/"},"response":{"status":200}`)))},
		{name: "too many entries", data: entry(`"request":{"method":"GET","url":"http://h/"},"response":{"status":200}`), max: 1,
			want: "This file has 2 entries: the lab reads at most 1."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.maxBytes > 0 {
				defer func(old int) { maxBytes = old }(maxBytes)
				maxBytes = tt.maxBytes
			}
			if tt.max > 0 {
				defer func(old int) { maxEntries = old }(maxEntries)
				maxEntries = tt.max
			}
			xs, err := Import([]byte(tt.data))
			if err == nil || err.Error() != tt.want {
				t.Errorf("Import error = %v\nwant %s", err, tt.want)
			}
			if xs != nil {
				t.Errorf("Import gave %d exchanges with its error; want nil", len(xs))
			}
		})
	}
}

func TestImportAccepts(t *testing.T) {
	tests := []struct {
		name, data string
		n          int
	}{
		{"empty log", `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[]}}`, 0},
		{"HAR 1.1 with a BOM", "\uFEFF" + `{"log":{"version":"1.1","creator":{"name":"Firebug","version":"1.5"},"entries":[{"startedDateTime":"2010-01-02T10:00:00.000+01:00","time":5,"request":{"method":"POST","url":"http://h/login.jsp","headers":[],"postData":{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"os_username","value":"fred"},{"name":"os_password","value":"a&b"}]}},"response":{"status":200,"headers":[],"content":{"size":0,"mimeType":"text/html"}}}]}}`, 1},
		{"date without zone", `{"log":{"entries":[{"startedDateTime":"2026-03-14T08:30:01.5","request":{"method":"GET","url":"http://h"},"response":{"status":204}}]}}`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			xs, err := Import([]byte(tt.data))
			if err != nil || len(xs) != tt.n {
				t.Fatalf("Import = %d exchanges, %v; want %d", len(xs), err, tt.n)
			}
			export(t, xs, false) // and valid once written again
		})
	}
	xs, _ := Import([]byte(tests[1].data[len("\uFEFF"):]))
	if got, want := xs[0].RequestBody, "os_username=fred&os_password=a%26b"; got != want {
		t.Errorf("form params body = %q; want %q", got, want)
	}
	xs, _ = Import([]byte(tests[2].data))
	if got, want := xs[0].Path, "/"; got != want {
		t.Errorf("path of a bare host = %q; want %q", got, want)
	}
}

// The wasm must stay small: the package links no net/http.
func TestNoNetHTTP(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Skipf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg == "net/http" || pkg == "net" || strings.HasPrefix(pkg, "jiraauthlab/") && !strings.HasPrefix(pkg, "jiraauthlab/contract") &&
			pkg != "jiraauthlab/wasm/mask" && pkg != "jiraauthlab/wasm/cookies" && pkg != "jiraauthlab/wasm/har" {
			t.Errorf("wasm/har links %s", pkg)
		}
	}
}

// compact is a seed on one line: small seeds keep the fuzzer's
// minimizing short.
func compact(t testing.TB, data []byte) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func FuzzImport(f *testing.F) {
	// One entry in the form Chromium saves (TestImportChromium reads the
	// whole file).
	f.Add([]byte(`{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[{"startedDateTime":"2026-03-14T08:30:00.120Z","id":"page_1","title":"t","pageTimings":{"onContentLoad":812.4,"onLoad":-1}}],` +
		`"entries":[{"_initiator":{"type":"other"},"_priority":"High","cache":{},"connection":"443","pageref":"page_1","serverIPAddress":"[::1]",` +
		`"request":{"method":"GET","url":"https://jira.example.com/rest/api/2/myself?expand=groups#x","httpVersion":"http/2.0","headers":[{"name":":path","value":"/"},{"name":"cookie","value":"JSESSIONID=8F; a=b"}],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},` +
		`"response":{"status":200,"statusText":"","httpVersion":"http/2.0","headers":[{"name":"set-cookie","value":"JSESSIONID=8F; Path=/; Max-Age=60"},{"name":"location","value":"/x"}],"cookies":[{"name":"JSESSIONID","value":"8F","expires":null}],` +
		`"content":{"size":2,"mimeType":"application/json","text":"e30=","encoding":"base64"},"redirectURL":"","headersSize":-1,"bodySize":-1,"_error":null},` +
		`"startedDateTime":"2026-03-14T08:30:01.000Z","time":42.5,"timings":{"blocked":2.1,"dns":-1,"send":0.2,"wait":40,"receive":0.2,"_blocked_queueing":1}}]}}`))
	f.Add(compact(f, export(f, sample()[4:], true)))  // the lab's own: a login and a who-am-I
	f.Add(compact(f, export(f, sample()[:2], false))) // a failed fetch and a token, masked
	f.Add([]byte(`{"log":{"_jiraAuthLab":true,"entries":[{"request":{"method":"POST","url":"http://h/a?b#c","postData":{"params":[{"name":"p","value":"v"}]}},"response":{"status":0,"_error":"x"},"_targetURL":"http://h/a"}]}}`))
	f.Add([]byte(`{"log":{"version":"1.2","entries":[{"startedDateTime":"2026-03-14T08:30:01.5+23:59","time":1e300,"request":{"method":"GET","url":"http://h"},"response":{"status":999,"content":{"text":"{\"session\":{\"value\":1}}"}}}]}}`))
	f.Add([]byte(`{"log":{"entries":null}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		xs, err := Import(data)
		if err != nil {
			if xs != nil {
				t.Fatalf("Import gave exchanges with its error %q", err)
			}
			if msg := err.Error(); !strings.HasSuffix(msg, ".") || msg[0] < 'A' || msg[0] > 'Z' {
				t.Fatalf("error %q is not a sentence", msg)
			}
			return
		}
		// One export an input (masked or not, as its length falls), valid
		// HAR and read back whole.
		out := export(t, xs, len(data)%2 == 0)
		again, err := Import(out)
		if err != nil || len(again) != len(xs) {
			t.Fatalf("Import(Export(Import(data))) = %d exchanges, %v; want %d", len(again), err, len(xs))
		}
	})
}

// validate checks a HAR 1.2 document against the spec: every required
// field present with its type, optional ones typed when present, nothing
// but custom fields ("_…") beyond the spec's, timings that add up to time
// and entries oldest first. It returns what is wrong.
func validate(data []byte) []string {
	var root any
	if err := json.Unmarshal(data, &root); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	v := validator{}
	v.object(root, "har", "")
	doc, _ := root.(map[string]any)
	lg, _ := doc["log"].(map[string]any)
	if lg["version"] != "1.2" {
		v.fail("log.version", "is %v; want 1.2", lg["version"])
	}
	entries, _ := lg["entries"].([]any)
	var last time.Time
	for i, e := range entries {
		e, _ := e.(map[string]any)
		p := fmt.Sprintf("log.entries[%d]", i)
		tm, _ := e["timings"].(map[string]any)
		sum := 0.0
		for k, t := range tm {
			if f, ok := t.(float64); ok && k != "comment" && k[0] != '_' && f != -1 {
				sum += f
			}
		}
		if total, _ := e["time"].(float64); math.Abs(total-sum) > 1e-9 {
			v.fail(p+".time", "is %v; the timings add up to %v", total, sum)
		}
		started, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(e["startedDateTime"]))
		if i > 0 && started.Before(last) {
			v.fail(p, "starts before the entry above it")
		}
		last = started
		if pd, ok := e["request"].(map[string]any)["postData"].(map[string]any); ok && pd["text"] == nil && pd["params"] == nil {
			v.fail(p+".request.postData", "has neither text nor params")
		}
	}
	return v.problems
}

// harSpec lists the fields of each HAR 1.2 object: its type, "!" when
// required. Types: string, number, int (a whole number), bool, date
// (ISO 8601 with ms and zone), url (absolute), ms (number ≥ 0), timing
// (number ≥ -1), size (int ≥ -1), []X (array of X), or an object type;
// "?" allows null.
var harSpec = map[string]map[string]string{
	"har":         {"log": "log!"},
	"log":         {"version": "string!", "creator": "creator!", "browser": "creator", "pages": "[]page", "entries": "[]entry!", "comment": "string"},
	"creator":     {"name": "string!", "version": "string!", "comment": "string"},
	"page":        {"startedDateTime": "date!", "id": "string!", "title": "string!", "pageTimings": "pageTimings!", "comment": "string"},
	"pageTimings": {"onContentLoad": "timing", "onLoad": "timing", "comment": "string"},
	"entry": {"pageref": "string", "startedDateTime": "date!", "time": "ms!", "request": "request!", "response": "response!",
		"cache": "cache!", "timings": "timings!", "serverIPAddress": "string", "connection": "string", "comment": "string"},
	"request": {"method": "string!", "url": "url!", "httpVersion": "string!", "cookies": "[]cookie!", "headers": "[]pair!",
		"queryString": "[]pair!", "postData": "postData", "headersSize": "size!", "bodySize": "size!", "comment": "string"},
	"response": {"status": "int!", "statusText": "string!", "httpVersion": "string!", "cookies": "[]cookie!", "headers": "[]pair!",
		"content": "content!", "redirectURL": "string!", "headersSize": "size!", "bodySize": "size!", "comment": "string"},
	"cookie": {"name": "string!", "value": "string!", "path": "string", "domain": "string", "expires": "date",
		"httpOnly": "bool", "secure": "bool", "comment": "string"},
	"pair":     {"name": "string!", "value": "string!", "comment": "string"},
	"postData": {"mimeType": "string!", "params": "[]param", "text": "string", "comment": "string"},
	"param":    {"name": "string!", "value": "string", "fileName": "string", "contentType": "string", "comment": "string"},
	"content": {"size": "int!", "compression": "number", "mimeType": "string!", "text": "string", "encoding": "string",
		"comment": "string"},
	"cache":      {"beforeRequest": "cacheEntry?", "afterRequest": "cacheEntry?", "comment": "string"},
	"cacheEntry": {"expires": "string", "lastAccess": "string!", "eTag": "string!", "hitCount": "int!", "comment": "string"},
	"timings": {"blocked": "timing", "dns": "timing", "connect": "timing", "send": "ms!", "wait": "ms!", "receive": "ms!",
		"ssl": "timing", "comment": "string"},
}

var isoMs = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$`)

type validator struct{ problems []string }

func (v *validator) fail(path, format string, args ...any) {
	v.problems = append(v.problems, path+" "+fmt.Sprintf(format, args...))
}

func (v *validator) object(x any, kind, path string) {
	m, ok := x.(map[string]any)
	if !ok {
		v.fail(path, "is %T; want a %s object", x, kind)
		return
	}
	fields := harSpec[kind]
	for name, typ := range fields {
		val, present := m[name]
		if !present {
			if strings.HasSuffix(typ, "!") {
				v.fail(path+"."+name, "is missing")
			}
			continue
		}
		v.value(val, strings.TrimSuffix(typ, "!"), strings.TrimPrefix(path+"."+name, "."))
	}
	for name := range m {
		if _, known := fields[name]; !known && !strings.HasPrefix(name, "_") {
			v.fail(path+"."+name, "is not a HAR 1.2 field, and custom fields start with _")
		}
	}
}

func (v *validator) value(x any, typ, path string) {
	if strings.HasSuffix(typ, "?") {
		if x == nil {
			return
		}
		typ = strings.TrimSuffix(typ, "?")
	}
	f, isNum := x.(float64)
	s, isStr := x.(string)
	switch {
	case strings.HasPrefix(typ, "[]"):
		list, ok := x.([]any)
		if !ok {
			v.fail(path, "is %T; want an array", x)
		}
		for i, e := range list {
			v.object(e, typ[2:], fmt.Sprintf("%s[%d]", path, i))
		}
	case typ == "string" && !isStr, typ == "bool" && x != true && x != false, typ == "number" && !isNum:
		v.fail(path, "is %#v; want a %s", x, typ)
	case typ == "int" && (!isNum || f != math.Trunc(f)):
		v.fail(path, "is %#v; want a whole number", x)
	case typ == "ms" && (!isNum || f < 0), typ == "timing" && (!isNum || f < -1):
		v.fail(path, "is %#v; want a number of ms", x)
	case typ == "size" && (!isNum || f < -1 || f != math.Trunc(f)):
		v.fail(path, "is %#v; want a size or -1", x)
	case typ == "date":
		if _, err := time.Parse(time.RFC3339Nano, s); !isStr || !isoMs.MatchString(s) || err != nil {
			v.fail(path, "is %#v; want an ISO 8601 date with ms and zone", x)
		}
	case typ == "url":
		if u, err := url.Parse(s); !isStr || err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" {
			v.fail(path, "is %#v; want an absolute URL without fragment", x)
		}
	case harSpec[typ] != nil:
		v.object(x, typ, path)
	}
}
