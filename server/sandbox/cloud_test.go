package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"jiraauthlab/contract"
)

// createAPIToken creates an API token through the Cloud face's control
// endpoint and returns it with its id.
func (h *harness) createAPIToken(t *testing.T, email, label string) (string, int) {
	t.Helper()
	res := h.doT(t, req{method: "POST", path: "/cloud/_sandbox/api-tokens", header: jsonHeader,
		body: `{"email":"` + email + `","label":"` + label + `"}`})
	if res.status != http.StatusCreated {
		t.Fatalf("create API token for %s: %d %s", email, res.status, res.body)
	}
	var v apiTokenView
	res.decode(t, &v)
	return v.Token, v.ID
}

// runCloudCases runs the rows as subtests. A JSON error answer of Jira
// must be one of its error bodies; the gateway's Bearer refusal (not
// Jira's Content-Type) has its own shape, which its row checks.
func (h *harness) runCloudCases(cases []httpCase) {
	h.t.Helper()
	for _, tc := range cases {
		h.t.Run(tc.name, func(t *testing.T) {
			res := h.doT(t, tc.req)
			tc.want.check(t, tc.name, res)
			if res.status >= 400 && strings.HasPrefix(res.header.Get("Content-Type"), jsonContentType) {
				res.errorBody(t)
			}
		})
	}
}

var (
	fredID  = cloudAccountByEmail("fred@example.com").AccountID
	adminID = cloudAccountByEmail("admin@example.com").AccountID
	// Headers of every answer Jira Cloud itself writes (stampCloud).
	cloudJiraHeaders = map[string]string{
		"Server":         "AtlassianEdge",
		"X-AREQUESTID":   "^[0-9a-f]{32}$",
		"Atl-Traceid":    "^[0-9a-f]{32}$",
		"Atl-Request-Id": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
		"Cache-Control":  "^no-cache, no-store, no-transform$",
	}
)

// with returns m and extra merged, for want.match.
func with(m map[string]string, extra map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// TestCloudAuthentication: what each credential gets on the Cloud face.
func TestCloudAuthentication(t *testing.T) {
	h := newHarness(t, Options{})
	fredTok, _ := h.createAPIToken(t, "fred@example.com", "lab")
	adminTok, _ := h.createAPIToken(t, "admin@example.com", "lab")
	ssoTok, _ := h.createAPIToken(t, "sso-user@example.com", "lab")
	// A token with a broken checksum: one character of its random part changed.
	i := len(apiTokenPrefix) + 5
	flip := byte('A')
	if fredTok[i] == 'A' {
		flip = 'B'
	}
	badSum := fredTok[:i] + string(flip) + fredTok[i+1:]
	serverSession := h.login("fred", "fred")
	pat := newRawToken() // the shape of a Data Center personal access token

	anonymous401 := want{status: 401,
		headers: map[string]string{"Content-Type": "text/html;charset=UTF-8", "X-AACCOUNTID": "", "X-AUSERNAME": ""},
		match:   with(cloudJiraHeaders, map[string]string{"WWW-Authenticate": `^OAuth realm="http%3A%2F%2F127\.0\.0\.1%3A[0-9]+%2Fcloud"$`}),
		body:    []string{msgClientMustAuth}}
	failed401 := anonymous401
	failed401.headers = with(anonymous401.headers, map[string]string{"X-Seraph-LoginReason": reasonFailed})
	failed401.match = with(anonymous401.match, map[string]string{"Set-Cookie": `^atlassian\.xsrf\.token=[A-Z0-9-]{19}_[0-9a-f]{40}_lout; Path=/cloud$`})
	fredOK := want{status: 200,
		headers: map[string]string{"X-AACCOUNTID": url.QueryEscape(fredID), "X-AUSERNAME": "", "X-Seraph-LoginReason": "", "Set-Cookie": ""},
		match:   cloudJiraHeaders,
		body:    []string{`"accountId":"` + fredID + `"`, `"emailAddress":"fred@example.com"`, `"accountType":"atlassian"`, `"displayName":"Fred F. User"`},
		notBody: []string{`"name"`, `"key"`}}
	passwordRefused := want{status: 401,
		headers: map[string]string{"Content-Type": "text/plain", "Server": "AtlassianEdge", "X-AREQUESTID": "", "X-AACCOUNTID": "", "X-Seraph-LoginReason": "", "Set-Cookie": "", "WWW-Authenticate": ""},
		match:   map[string]string{"Atl-Traceid": "^[0-9a-f]{32}$"},
		body:    []string{msgPasswordDeprecated}}
	bearerRefused := want{status: 403,
		headers: map[string]string{"Content-Type": "application/json", "Server": "AtlassianEdge", "X-AREQUESTID": "", "WWW-Authenticate": ""},
		body:    []string{bodyBearerRefused}}
	myself := "/cloud/rest/api/2/myself"

	h.runCloudCases([]httpCase{
		{"e-mail and API token", req{path: myself, basic: "fred@example.com:" + fredTok}, fredOK},
		{"v3 myself", req{path: "/cloud/rest/api/3/myself", basic: "fred@example.com:" + fredTok},
			want{status: 200, body: []string{`"self":"http://127.0.0.1`, `/cloud/rest/api/3/user?accountId=` + url.QueryEscape(fredID)}}},
		{"latest is v2", req{path: "/cloud/rest/api/latest/myself", basic: "fred@example.com:" + fredTok},
			want{status: 200, body: []string{`/cloud/rest/api/2/user?accountId=`}}},
		{"e-mail in capitals", req{path: myself, basic: "FRED@Example.COM:" + fredTok}, fredOK},
		{"SSO account with an API token", req{path: myself, basic: "sso-user@example.com:" + ssoTok},
			want{status: 200, headers: map[string]string{"X-AACCOUNTID": url.QueryEscape(cloudAccountByEmail("sso-user@example.com").AccountID)}}},
		{"account password", req{path: myself, basic: "fred@example.com:fred"}, passwordRefused},
		{"admin's password on search", req{path: "/cloud/rest/api/3/search/jql?jql=project=TEST", basic: "admin@example.com:admin"}, passwordRefused},
		{"wrong token", req{path: myself, basic: "fred@example.com:nope"}, failed401},
		{"empty password", req{path: myself, basic: "fred@example.com:"}, failed401},
		{"token of another account", req{path: myself, basic: "admin@example.com:" + fredTok}, failed401},
		{"unknown e-mail", req{path: myself, basic: "nobody@example.com:" + fredTok}, failed401},
		{"user name instead of e-mail", req{path: myself, basic: "fred:fred"}, failed401},
		{"user name with a token", req{path: myself, basic: "fred:" + fredTok}, failed401},
		{"checksum broken", req{path: myself, basic: "fred@example.com:" + badSum}, failed401},
		{"Data Center PAT as password", req{path: myself, basic: "fred@example.com:" + pat}, failed401},
		{"SSO account's listed password", req{path: myself, basic: "sso-user@example.com:sso-user"}, failed401},
		{"not base64", req{path: myself, header: map[string]string{"Authorization": "Basic !!!"}}, failed401},
		{"no colon", req{path: myself, header: map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("fred@example.com"))}}, failed401},
		{"anonymous", req{path: myself}, anonymous401},
		{"unknown scheme is no credential", req{path: myself, header: map[string]string{"Authorization": "Token abc"}}, anonymous401},
		{"Server face's session cookie", req{path: myself, cookie: serverSession}, anonymous401},
		{"API token as Bearer", req{path: myself, header: map[string]string{"Authorization": "Bearer " + fredTok}}, bearerRefused},
		{"PAT as Bearer", req{path: myself, header: map[string]string{"Authorization": "bearer " + pat}}, bearerRefused},
		{"Bearer on an anonymous resource", req{path: "/cloud/rest/api/2/serverInfo", header: map[string]string{"Authorization": "Bearer x"}}, bearerRefused},
		{"Bearer on a path Cloud lacks", req{path: "/cloud/rest/pat/latest/tokens", header: map[string]string{"Authorization": "Bearer " + pat}}, bearerRefused},
		{"admin", req{path: myself, basic: "admin@example.com:" + adminTok},
			want{status: 200, headers: map[string]string{"X-AACCOUNTID": url.QueryEscape(adminID)}, body: []string{`"emailAddress":"admin@example.com"`}}},
		{"Cloud token on the Server face", req{path: "/rest/api/2/myself", basic: "fred:" + fredTok},
			want{status: 401, headers: map[string]string{"X-Seraph-LoginReason": reasonFailed}}},
		{"Cloud token as Bearer on the Server face", req{path: "/rest/api/2/myself", header: map[string]string{"Authorization": "Bearer " + fredTok}},
			want{status: 401, body: []string{"Client must be authenticated to access this resource."}}},
	})
}

// TestCloudResources: the resources of the Cloud face, as anonymous, with a
// failed credential, and with fred's API token.
func TestCloudResources(t *testing.T) {
	h := newHarness(t, Options{})
	fredTok, _ := h.createAPIToken(t, "fred@example.com", "lab")
	adminTok, _ := h.createAPIToken(t, "admin@example.com", "lab")
	fred := "fred@example.com:" + fredTok
	searchJQL := func(v, jql string) string {
		return "/cloud/rest/api/" + v + "/search/jql?jql=" + url.QueryEscape(jql)
	}
	removed := want{status: 410, match: cloudJiraHeaders,
		body: []string{"The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"}}

	h.runCloudCases([]httpCase{
		{"serverInfo", req{path: "/cloud/rest/api/2/serverInfo"},
			want{status: 200, match: cloudJiraHeaders, body: []string{`"deploymentType":"Cloud"`, `"version":"1001.0.0-SNAPSHOT"`, `"baseUrl":"http://127.0.0.1:`}}},
		{"serverInfo v3", req{path: "/cloud/rest/api/3/serverInfo", basic: fred}, want{status: 200, body: []string{`"deploymentType":"Cloud"`, `/cloud"`}}},
		{"Server face still Server", req{path: "/rest/api/2/serverInfo"}, want{status: 200, body: []string{`"deploymentType":"Server"`}}},

		{"v2 search removed", req{path: "/cloud/rest/api/2/search?jql=project=TEST", basic: fred}, removed},
		{"v3 search removed", req{path: "/cloud/rest/api/3/search?jql=project=TEST"}, removed},
		{"POST v2 search removed", req{method: "POST", path: "/cloud/rest/api/2/search", header: jsonHeader, body: `{"jql":"project=TEST"}`}, removed},

		{"anonymous sees public ids", req{path: searchJQL("3", "project = TEST")},
			want{status: 200, headers: map[string]string{"X-AACCOUNTID": ""},
				body: []string{`{"issues":[{"id":"10203"},{"id":"10202"},{"id":"10201"},{"id":"10200"}],"isLast":true}`}}},
		{"failed credential searches as anonymous", req{path: searchJQL("3", "project = TEST"), basic: "fred@example.com:wrong"},
			want{status: 200, headers: map[string]string{"X-Seraph-LoginReason": reasonFailed, "X-AACCOUNTID": ""}, body: []string{`"id":"10200"`}}},
		{"anonymous cannot name QA", req{path: searchJQL("2", "project = QA")},
			want{status: 400, body: []string{"The value 'QA' does not exist for the field 'project'."}}},
		{"fred can", req{path: searchJQL("2", "project = QA") + "&fields=summary", basic: fred},
			want{status: 200, headers: map[string]string{"X-AACCOUNTID": url.QueryEscape(fredID)},
				body: []string{`"key":"QA-32"`, `"fields":{"summary":"Session cookie survives logout"}`, `/cloud/rest/api/2/issue/10103"`}, notBody: []string{`"status"`}}},
		{"empty JQL", req{path: "/cloud/rest/api/3/search/jql", basic: fred}, want{status: 400, body: []string{msgUnbounded}}},
		{"ORDER BY only", req{path: searchJQL("3", "ORDER BY created DESC"), basic: fred}, want{status: 400, body: []string{msgUnbounded}}},
		{"user name is no Cloud user", req{path: searchJQL("3", "assignee = fred"), basic: fred},
			want{status: 400, body: []string{"The value 'fred' does not exist for the field 'assignee'."}}},
		{"accountId", req{path: searchJQL("3", `assignee = "`+fredID+`"`) + "&fields=*all", basic: fred},
			want{status: 200, body: []string{`"key":"TEST-2"`, `"assignee":{"self":`, `"accountId":"` + fredID + `"`, `"emailAddress":"fred@example.com"`}, notBody: []string{`"name":"fred"`}}},
		{"e-mail address, seen by admin", req{path: searchJQL("3", "assignee = fred@example.com") + "&fields=assignee", basic: "admin@example.com:" + adminTok},
			want{status: 200, body: []string{`"accountId":"` + fredID + `"`}, notBody: []string{`fred@example.com`}}},
		{"currentUser()", req{path: searchJQL("2", "assignee = currentUser() AND type = Bug"), basic: fred},
			want{status: 200, body: []string{`"isLast":true`, `"id":"10100"`}}},
		{"bad JQL", req{path: searchJQL("3", "project = = TEST"), basic: fred}, want{status: 400}},
		{"maxResults not a number", req{path: searchJQL("3", "project = TEST") + "&maxResults=x"}, want{status: 400, body: []string{"maxResults"}}},
		{"forged nextPageToken", req{path: searchJQL("3", "project = TEST") + "&nextPageToken=%25%25"}, want{status: 400, body: []string{"nextPageToken"}}},
		{"POST first page", req{method: "POST", path: "/cloud/rest/api/3/search/jql", header: jsonHeader, body: `{"jql":"project = TEST","maxResults":3}`},
			want{status: 200, body: []string{`{"issues":[{"id":"10203"},{"id":"10202"},{"id":"10201"}],"nextPageToken":"` + pageToken(3) + `","isLast":false}`}}},
		{"POST next page", req{method: "POST", path: "/cloud/rest/api/3/search/jql", header: jsonHeader, body: `{"jql":"project = TEST","maxResults":3,"nextPageToken":"` + pageToken(3) + `"}`},
			want{status: 200, body: []string{`{"issues":[{"id":"10200"}],"isLast":true}`}}},
		{"POST form-encoded", req{method: "POST", path: "/cloud/rest/api/3/search/jql", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, body: "jql=project%3DTEST"},
			want{status: 415}},
		{"POST malformed JSON", req{method: "POST", path: "/cloud/rest/api/3/search/jql", header: jsonHeader, body: `{"jql":`}, want{status: 400}},
		{"PUT not allowed", req{method: "PUT", path: "/cloud/rest/api/3/search/jql"}, want{status: 405, headers: map[string]string{"Allow": "GET, HEAD, POST"}}},

		{"issue as fred", req{path: "/cloud/rest/api/3/issue/QA-31", basic: fred},
			want{status: 200, body: []string{`"key":"QA-31"`, `"self":"http://127.0.0.1`, `/cloud/rest/api/3/issue/10102"`, `"reporter":{`, `"accountId":"` + adminID + `"`},
				notBody: []string{`admin@example.com`, `"name":"fred"`, `"name":"admin"`, `"key":"fred"`}}},
		{"issue anonymous", req{path: "/cloud/rest/api/2/issue/QA-31"},
			want{status: 404, body: []string{"Issue does not exist or you do not have permission to see it."}}},
		{"public issue anonymous", req{path: "/cloud/rest/api/2/issue/TEST-1"}, want{status: 200, body: []string{`"key":"TEST-1"`}}},
		{"no such issue", req{path: "/cloud/rest/api/2/issue/NOPE-1", basic: fred},
			want{status: 404, body: []string{"Issue does not exist or you do not have permission to see it."}}},

		{"session login", req{method: "POST", path: "/cloud/rest/auth/1/session", header: jsonHeader, body: `{"username":"fred@example.com","password":"fred"}`},
			want{status: 401, headers: map[string]string{"Content-Type": "text/html;charset=UTF-8", "Set-Cookie": ""}, body: []string{"Unauthorized (401)"}}},
		{"session GET", req{path: "/cloud/rest/auth/1/session", basic: fred}, want{status: 401, body: []string{"Unauthorized (401)"}}},
		{"password policy", req{path: "/cloud/rest/api/2/password/policy"}, want{status: 404, body: []string{"null for uri: http://127.0.0.1"}}},
		{"password policy POST", req{method: "POST", path: "/cloud/rest/api/2/password/policy/createUser", header: jsonHeader, body: `{}`}, want{status: 404}},
		{"PAT resource", req{path: "/cloud/rest/pat/latest/tokens", basic: fred}, want{status: 404}},
		{"Server control under /cloud", req{method: "POST", path: "/cloud/_sandbox/captcha/reset", header: jsonHeader, body: `{"username":"fred"}`},
			want{status: 404, body: []string{"/cloud/_sandbox/api-tokens"}}},
		{"the face's root", req{path: "/cloud"}, want{status: 404}},
	})
}

// TestCloudTokenControls: creating, listing, revoking and expiring API
// tokens, the state and the reset, and refused bodies.
func TestCloudTokenControls(t *testing.T) {
	h := newHarness(t, Options{})
	tok, id := h.createAPIToken(t, "fred@example.com", "my script")
	if !regexp.MustCompile(`^ATATT3xFfGF0[A-Za-z0-9_-]{171}=[0-9A-F]{8}$`).MatchString(tok) || !wellFormedAPIToken(tok) {
		t.Fatalf("token %q has not the shape of an Atlassian API token", tok)
	}
	other, _ := h.createAPIToken(t, "fred@example.com", "other")
	if other == tok {
		t.Fatal("two tokens are equal")
	}
	myself := func(t *testing.T, token string) int {
		return h.doT(t, req{path: "/cloud/rest/api/2/myself", basic: "fred@example.com:" + token}).status
	}

	h.runCloudCases([]httpCase{
		{"list", req{path: "/cloud/_sandbox/api-tokens?email=fred@example.com"},
			want{status: 200, body: []string{`"id":` + strconv.Itoa(id) + `,"label":"my script","email":"fred@example.com","createdAt":"2024-03-01T09:30:00.000+0000","expiresAt":"2025-03-01T09:30:00.000+0000"`, `"label":"other"`},
				notBody: []string{tok, `"token"`}}},
		{"list unknown e-mail", req{path: "/cloud/_sandbox/api-tokens?email=x@example.com"}, want{status: 404}},
		{"empty body", req{method: "POST", path: "/cloud/_sandbox/api-tokens", header: jsonHeader}, want{status: 400}},
		{"no label", req{method: "POST", path: "/cloud/_sandbox/api-tokens", header: jsonHeader, body: `{"email":"fred@example.com"}`},
			want{status: 400, body: []string{`\"label\"`}}},
		{"blank e-mail and label", req{method: "POST", path: "/cloud/_sandbox/api-tokens", header: jsonHeader, body: `{"email":" ","label":" "}`},
			want{status: 400, body: []string{`\"email\"`, `\"label\"`}}},
		{"label too long", req{method: "POST", path: "/cloud/_sandbox/api-tokens", header: jsonHeader, body: `{"email":"fred@example.com","label":"` + strings.Repeat("é", maxTokenLabel+1) + `"}`},
			want{status: 400, body: []string{"at most 255"}}},
		{"unknown field", req{method: "POST", path: "/cloud/_sandbox/api-tokens", header: jsonHeader, body: `{"email":"fred@example.com","label":"x","days":3}`},
			want{status: 400, body: []string{"days"}}},
		{"malformed JSON", req{method: "POST", path: "/cloud/_sandbox/api-tokens", header: jsonHeader, body: `{"email":`}, want{status: 400}},
		{"wrong type", req{method: "POST", path: "/cloud/_sandbox/api-tokens", header: jsonHeader, body: `{"email":1,"label":"x"}`}, want{status: 400}},
		{"unknown e-mail", req{method: "POST", path: "/cloud/_sandbox/api-tokens", header: jsonHeader, body: `{"email":"nobody@example.com","label":"x"}`},
			want{status: 404, body: []string{"nobody@example.com"}}},
		{"Server user name", req{method: "POST", path: "/cloud/_sandbox/api-tokens", header: jsonHeader, body: `{"email":"fred","label":"x"}`}, want{status: 404}},
		{"cross-origin browser", req{method: "POST", path: "/cloud/_sandbox/api-tokens", header: map[string]string{"Content-Type": "application/json", "Origin": "https://evil.example"}, body: `{"email":"fred@example.com","label":"x"}`},
			want{status: 403}},
		{"revoke unknown", req{method: "DELETE", path: "/cloud/_sandbox/api-tokens/999"}, want{status: 404}},
		{"revoke not a number", req{method: "DELETE", path: "/cloud/_sandbox/api-tokens/abc"}, want{status: 404}},
	})

	t.Run("state", func(t *testing.T) {
		res := h.doT(t, req{path: "/cloud/_sandbox/state"})
		var st contract.SandboxState
		dec := json.NewDecoder(strings.NewReader(res.body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&st); err != nil || res.status != 200 {
			t.Fatalf("state = %d %s (%v)", res.status, res.body, err)
		}
		if st.Face != "cloud" || st.Tokens != 2 || st.Sessions != 0 || st.BasicAuth.Enabled || len(st.Users) != len(cloudAccounts) {
			t.Errorf("state = %+v; want face cloud, 2 tokens, no sessions, password basic auth off, %d users", st, len(cloudAccounts))
		}
		fred := accountIn(t, st, "fred@example.com")
		if fred.AccountID != fredID || fred.Password != "fred" || fred.Kind != "user" {
			t.Errorf("fred in state = %+v", fred)
		}
		if server := h.state(t); server.Face != "server" || accountIn(t, server, "fred").AccountID != "" {
			t.Errorf("Server face's state = %+v; want face server without accountIds", server)
		}
	})
	t.Run("revoke", func(t *testing.T) {
		if got := myself(t, other); got != 200 {
			t.Fatalf("myself with a live token = %d", got)
		}
		if res := h.doT(t, req{method: "DELETE", path: "/cloud/_sandbox/api-tokens/" + strconv.Itoa(id+1)}); res.status != 204 || res.body != "" {
			t.Fatalf("revoke = %d %q; want 204", res.status, res.body)
		}
		if got := myself(t, other); got != 401 {
			t.Errorf("myself with a revoked token = %d; want 401", got)
		}
		if got := myself(t, tok); got != 200 {
			t.Errorf("myself with the other, live token = %d; want 200", got)
		}
	})
	t.Run("expiry", func(t *testing.T) {
		h.clock.Advance(apiTokenLifetime - time.Second)
		if got := myself(t, tok); got != 200 {
			t.Fatalf("myself a second before expiry = %d", got)
		}
		h.clock.Advance(time.Second)
		if got := myself(t, tok); got != 401 {
			t.Errorf("myself with an expired token = %d; want 401", got)
		}
	})
	t.Run("reset", func(t *testing.T) {
		fresh, _ := h.createAPIToken(t, "fred@example.com", "fresh")
		if res := h.doT(t, req{method: "POST", path: "/cloud/_sandbox/reset"}); res.status != 200 {
			t.Fatalf("reset = %d %s", res.status, res.body)
		}
		if got := myself(t, fresh); got != 401 {
			t.Errorf("myself after reset = %d; want 401", got)
		}
		if res := h.doT(t, req{path: "/cloud/_sandbox/api-tokens?email=fred@example.com"}); res.body != "[]" {
			t.Errorf("tokens after reset = %s; want []", res.body)
		}
	})
}

// TestCloudTokenLimit: one account cannot grow the store without bound.
func TestCloudTokenLimit(t *testing.T) {
	h := newHarness(t, Options{})
	for i := 0; i < maxAPITokensPerUser; i++ {
		h.createAPIToken(t, "admin@example.com", "t")
	}
	res := h.do(req{method: "POST", path: "/cloud/_sandbox/api-tokens", header: jsonHeader, body: `{"email":"admin@example.com","label":"one more"}`})
	if res.status != 400 {
		t.Errorf("token %d = %d %s; want 400", maxAPITokensPerUser+1, res.status, res.body)
	}
	h.createAPIToken(t, "fred@example.com", "fred's own")
}

// TestWellFormedAPIToken checks the shape check on its own.
func TestWellFormedAPIToken(t *testing.T) {
	good := newAPIToken()
	for _, tc := range []struct {
		name string
		raw  string
		want bool
	}{
		{"new token", good, true},
		{"lower-case checksum", good[:len(good)-8] + strings.ToLower(good[len(good)-8:]), true},
		{"empty", "", false},
		{"short", good[:len(good)-1], false},
		{"wrong prefix", "X" + good[1:], false},
		{"no = before the checksum", good[:len(good)-9] + "A" + good[len(good)-8:], false},
		{"checksum off", good[:len(good)-1] + map[bool]string{true: "0", false: "1"}[good[len(good)-1] != '0'], false},
		{"PAT", newRawToken(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := wellFormedAPIToken(tc.raw); got != tc.want {
				t.Errorf("wellFormedAPIToken(%q) = %v; want %v", tc.raw, got, tc.want)
			}
		})
	}
}

// FuzzCloudAuthorization: no Authorization header, path or body makes the
// Cloud face panic or answer outside its statuses.
func FuzzCloudAuthorization(f *testing.F) {
	f.Add("Basic ZnJlZEBleGFtcGxlLmNvbTpmcmVk", "/cloud/rest/api/2/myself", "")
	f.Add("Bearer x", "/cloud/rest/api/3/search/jql?jql=project=TEST", "")
	f.Add("Basic !!!", "/cloud/_sandbox/api-tokens", `{"email":"fred@example.com","label":"x"}`)
	f.Add("basic "+base64.StdEncoding.EncodeToString([]byte(":")), "/cloud/rest/api/3/search/jql", `{"jql":"assignee = x"}`)
	sb := New(Options{})
	f.Fuzz(func(t *testing.T, auth, path, body string) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		u, err := url.ParseRequestURI("http://127.0.0.1" + "/cloud" + path)
		if err != nil {
			return
		}
		method := http.MethodGet
		if body != "" {
			method = http.MethodPost
		}
		r := httptest.NewRequest(method, u.String(), strings.NewReader(body))
		r.Header.Set("Authorization", auth)
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		sb.ServeHTTP(w, r)
		switch w.Code {
		case 200, 201, 400, 401, 403, 404, 405, 410, 413, 415:
		default:
			t.Errorf("%s %s with %q = %d %s", method, u, auth, w.Code, w.Body)
		}
	})
}
