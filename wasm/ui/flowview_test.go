package ui

import (
	"strings"
	"testing"

	"jiraauthlab/contract"
)

func TestReadSessionStatus(t *testing.T) {
	const cookie = "JSESSIONID=ABC"
	mine := sessionState{cookie: cookie, cookieTarget: "sandbox", cookieAuth: contract.AuthSession, cookieUser: "admin"}
	pasted := sessionState{cookie: cookie, cookieTarget: "sandbox", cookieAuth: contract.AuthPasted}
	withCookie := []contract.Header{{Name: contract.HeaderCookie, Value: cookie}}
	login := contract.Exchange{ID: 1, Method: "POST", Path: "/rest/auth/1/session", Target: "sandbox", Status: 200, Username: "admin",
		ResponseBody: `{"session":{"name":"JSESSIONID","value":"ABC"}}`}
	ask := func(id, status int, user string) contract.Exchange {
		return contract.Exchange{ID: id, Method: "GET", Path: "/rest/api/2/myself", Target: "sandbox", Status: status, RequestHeader: withCookie,
			ResponseHeader: []contract.Header{{Name: "X-AUSERNAME", Value: user}}}
	}
	logout := contract.Exchange{ID: 5, Method: "DELETE", Path: "/rest/auth/1/session", Target: "sandbox", Status: 204, RequestHeader: withCookie}
	failedOther := contract.Exchange{ID: 6, Method: "POST", Path: "/rest/auth/1/session", Target: "sandbox", Status: 409, Username: "unverified"}
	expire := contract.Exchange{ID: 7, Method: "POST", Path: "/_sandbox/expire-sessions", Target: "sandbox", Sandbox: true, Status: 200}
	for _, tt := range []struct {
		name       string
		s          sessionState
		target     string
		log        []contract.Exchange // newest first
		state, who string
	}{
		{"no cookie", sessionState{}, "sandbox", nil, sessionNone, ""},
		{"another Jira's cookie", mine, "other", []contract.Exchange{login}, sessionNone, ""},
		{"just logged in", mine, "sandbox", []contract.Exchange{login}, sessionAlive, "admin"},
		{"another user's failed login changes nothing", mine, "sandbox", []contract.Exchange{failedOther, login}, sessionAlive, "admin"},
		{"who am I answered", mine, "sandbox", []contract.Exchange{ask(2, 200, "admin"), login}, sessionAlive, "admin"},
		{"logged out", mine, "sandbox", []contract.Exchange{logout, ask(2, 200, "admin"), login}, sessionEnded, "admin"},
		{"401 with the cookie", mine, "sandbox", []contract.Exchange{ask(3, 401, "anonymous"), login}, sessionEnded, "admin"},
		{"answered as anonymous", mine, "sandbox", []contract.Exchange{ask(3, 200, "anonymous"), login}, sessionEnded, "admin"},
		{"sandbox expired every session", mine, "sandbox", []contract.Exchange{expire, login}, sessionEnded, "admin"},
		{"pasted, not used yet", pasted, "sandbox", nil, sessionUnchecked, ""},
		{"pasted, Jira named its user", pasted, "sandbox", []contract.Exchange{ask(2, 200, "sso-user")}, sessionAlive, "sso-user"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := readSessionStatus(tt.s, tt.target, tt.log)
			if got.State != tt.state || got.User != tt.who {
				t.Errorf("got %s of %q (%s); want %s of %q", got.State, got.User, got.Why, tt.state, tt.who)
			}
		})
	}
}

func TestSequenceOf(t *testing.T) {
	login := contract.Exchange{ID: 1, Method: "POST", Path: "/rest/auth/1/session", Target: "sandbox", Status: 200, Auth: contract.AuthLogin, Username: "fred",
		ResponseHeader: []contract.Header{{Name: "X-AREQUESTID", Value: "1"}, {Name: contract.HeaderSetCookie, Value: "JSESSIONID=ABC; Path=/; HttpOnly"}}}
	expired := contract.Exchange{ID: 2, Method: "GET", Path: "/rest/api/2/myself?expand=groups", Target: "sandbox", Status: 401,
		RequestHeader:  []contract.Header{{Name: contract.HeaderCookie, Value: "JSESSIONID=ABC"}},
		ResponseHeader: []contract.Header{{Name: "X-AREQUESTID", Value: "2"}, {Name: "X-Seraph-LoginReason", Value: "AUTHENTICATED_FAILED"}}}
	refused := contract.Exchange{ID: 3, Method: "GET", Path: "/rest//x", Target: "sandbox", Status: 400,
		ResponseBody: `{"error":"bad_path","detail":"…"}`}
	other := contract.Exchange{ID: 4, Method: "GET", Path: "/x", Target: "other", Status: 200}
	got := sequenceOf([]contract.Exchange{other, refused, expired, login}, "sandbox", false)
	want := []string{
		"1 0→1 POST /rest/auth/1/session",
		`1 1→2 {"username":"fred","password":…}`,
		"1 2→1 200 Set-Cookie: JSESSIONID=••••••",
		"1 1→0 200 + X-Jira-Set-Cookie",
		"2 0→1 GET /rest/api/2/myself + X-Jira-Cookie",
		"2 1→2 Cookie: JSESSIONID=••••••",
		"2 2→1 401 X-Seraph-LoginReason: AUTHENTICATED_FAILED",
		"2 1→0 401",
		"3 0→1 GET /rest//x",
		"3 1→0 400 from the proxy itself",
	}
	var lines []string
	for _, m := range got {
		lines = append(lines, itoa(m.ID)+" "+itoa(m.From)+"→"+itoa(m.To)+" "+m.Label)
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("sequence:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	svg := sequenceSVG(got)
	if n := strings.Count(svg, `<g class="arrow`); n != len(want) {
		t.Errorf("the SVG draws %d arrows; want %d", n, len(want))
	}
	if !strings.Contains(svg, `data-exchange="2"`) || strings.Contains(svg, `"password":…}<`) {
		t.Errorf("the SVG lacks an exchange id, or does not escape its labels:\n%s", svg)
	}
}

func TestResourcePath(t *testing.T) {
	for _, tt := range []struct{ typed, path, note string }{
		{"/rest/api/2/myself", "/rest/api/2/myself", ""},
		{" rest/api/2/myself ", "/rest/api/2/myself", ""},
		{"http://kelpie9:8081/rest/api/2/issue/QA-31", "/rest/api/2/issue/QA-31", "kelpie9:8081"},
		{"https://jira.example.com/jira/rest/api/2/search?jql=a#frag", "/jira/rest/api/2/search?jql=a", "jira.example.com"},
		{"http://kelpie9:8081", "/", "kelpie9:8081"},
		{"/rest/api/2/search?jql=url%20is%20http://x", "/rest/api/2/search?jql=url%20is%20http://x", ""},
	} {
		t.Run(tt.typed, func(t *testing.T) {
			path, note := resourcePath(tt.typed)
			if path != tt.path || (tt.note == "") != (note == "") || !strings.Contains(note, tt.note) {
				t.Errorf("resourcePath(%q) = %q, %q; want %q and a note naming %q", tt.typed, path, note, tt.path, tt.note)
			}
		})
	}
}

func TestCanonicalHeader(t *testing.T) {
	for in, want := range map[string]string{
		"content-type": "Content-Type", "x-ausername": "X-AUSERNAME", "x-seraph-loginreason": "X-Seraph-LoginReason",
		"www-authenticate": "WWW-Authenticate", "x-xss-protection": "X-XSS-Protection", "set-cookie": "Set-Cookie",
	} {
		if got := canonicalHeader(in); got != want {
			t.Errorf("canonicalHeader(%q) = %q; want %q", in, got, want)
		}
	}
}
