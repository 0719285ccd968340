package tours

import (
	"slices"
	"strings"
	"testing"

	"jiraauthlab/contract"
)

// Exchanges shaped as the lab's pages log them (wasm/ui: basic-state.go,
// session-state.go, password-state.go, token-state.go, console-state.go).
func ex(method, path string, status int, opts ...func(*contract.Exchange)) contract.Exchange {
	x := contract.Exchange{Method: method, Path: path, Status: status, Target: "sandbox", TargetURL: "http://127.0.0.1:8090", Sandbox: true}
	for _, o := range opts {
		o(&x)
	}
	return x
}

func header(name, value string) func(*contract.Exchange) {
	return func(x *contract.Exchange) {
		x.RequestHeader = append(x.RequestHeader, contract.Header{Name: name, Value: value})
	}
}

func answer(name, value string) func(*contract.Exchange) {
	return func(x *contract.Exchange) {
		x.ResponseHeader = append(x.ResponseHeader, contract.Header{Name: name, Value: value})
	}
}

func auth(k contract.AuthKind) func(*contract.Exchange) {
	return func(x *contract.Exchange) { x.Auth = k }
}
func user(u string) func(*contract.Exchange) { return func(x *contract.Exchange) { x.Username = u } }
func body(b string) func(*contract.Exchange) {
	return func(x *contract.Exchange) { x.ResponseBody = b }
}
func onCloud(x *contract.Exchange) {
	x.Target, x.TargetURL = CloudTarget, "http://127.0.0.1:8090/cloud"
}

var (
	basicFred = header("Authorization", "Basic ZnJlZDpmcmVk")
	basicMask = header("Authorization", "Basic ••••••••") // as the stored history keeps it
	bearer    = header("Authorization", "Bearer NjM2MjQ0NTQ4NzQ5OmQ4")
	noCheck   = header("X-Atlassian-Token", "no-check")
	jiraID    = answer("x-arequestid", "652x1x1") // the browser's Headers spell names in lower case
	failed    = answer("x-seraph-loginreason", "AUTHENTICATED_FAILED")
	denied    = answer("x-seraph-loginreason", "AUTHENTICATION_DENIED")
	rateLeft  = answer("x-ratelimit-remaining", "2")
)

func step(t *testing.T, tour string, i int) Step {
	t.Helper()
	for _, tr := range All {
		if tr.ID == tour {
			if i >= len(tr.Steps) {
				t.Fatalf("tour %q has %d steps, no step %d", tour, len(tr.Steps), i)
			}
			return tr.Steps[i]
		}
	}
	t.Fatalf("no tour %q", tour)
	return Step{}
}

func TestStepDone(t *testing.T) {
	tests := []struct {
		name string
		tour string
		step int
		x    contract.Exchange
		want bool
	}{
		{"basic myself as fred", "basic", 0, ex("GET", "/rest/api/2/myself", 200, basicFred, auth(contract.AuthBasic), user("fred")), true},
		{"basic myself, history-masked header", "basic", 0, ex("GET", "/rest/api/2/myself", 200, basicMask), true},
		{"basic under the seeds' /jira context", "basic", 0, ex("GET", "/jira/rest/api/2/myself", 200, basicFred), true},
		{"basic myself refused is not done", "basic", 0, ex("GET", "/rest/api/2/myself", 401, basicFred), false},
		{"myself with a cookie is not basic", "basic", 0, ex("GET", "/rest/api/2/myself", 200, auth(contract.AuthSession)), false},
		{"myself with bearer is not basic", "basic", 0, ex("GET", "/rest/api/2/myself", 200, bearer), false},
		{"basic on the Cloud face is the Cloud tour's", "basic", 0, ex("GET", "/rest/api/2/myself", 200, basicFred, onCloud), false},
		{"basic to a non-REST page", "basic", 0, ex("GET", "/secure/Dashboard.jspa", 200, basicFred), false},
		{"network failure", "basic", 0, ex("GET", "/rest/api/2/myself", 0, basicFred), false},
		{"seed issue QA-31", "basic", 1, ex("GET", "/rest/api/2/issue/QA-31", 200, basicFred), true},
		{"seed issue with a query", "basic", 1, ex("GET", "/rest/api/2/issue/QA-31?fields=summary", 200, basicFred), true},
		{"another issue", "basic", 1, ex("GET", "/rest/api/2/issue/QA-29", 200, basicFred), false},
		{"wrong password 401", "basic", 2, ex("GET", "/rest/api/2/myself", 401, basicFred, failed), true},
		{"401 without a login reason (not a password check)", "basic", 2, ex("GET", "/rest/api/2/myself", 401, basicFred), false},
		{"CAPTCHA 401 is not a wrong password", "basic", 2, ex("GET", "/rest/api/2/myself", 401, basicFred, denied), false},
		{"anonymous 401 is not a wrong password", "basic", 2, ex("GET", "/rest/api/2/myself", 401), false},

		{"login 200", "cookie", 0, ex("POST", "/rest/auth/1/session", 200, auth(contract.AuthLogin), user("fred")), true},
		{"login 401", "cookie", 0, ex("POST", "/rest/auth/1/session", 401, auth(contract.AuthLogin)), false},
		{"who am I is not a login", "cookie", 0, ex("GET", "/rest/auth/1/session", 200, auth(contract.AuthSession)), false},
		{"search with the cookie", "cookie", 1, ex("POST", "/rest/api/2/search", 200, auth(contract.AuthSession)), true},
		{"search under /jira with the cookie", "cookie", 1, ex("POST", "/jira/rest/api/2/search", 200, auth(contract.AuthSession)), true},
		{"myself with the cookie is not Search", "cookie", 1, ex("GET", "/rest/api/2/myself", 200, auth(contract.AuthSession)), false},
		{"anonymous search", "cookie", 1, ex("POST", "/rest/api/2/search", 200), false},
		{"search with a pasted cookie is the SSO tour's", "cookie", 1, ex("POST", "/rest/api/2/search", 200, auth(contract.AuthPasted)), false},
		{"password policy with the cookie is not the step", "cookie", 1, ex("GET", "/rest/api/2/password/policy?hasOldPassword=false", 200, auth(contract.AuthSession)), false},
		{"logout 204", "cookie", 2, ex("DELETE", "/rest/auth/1/session", 204, auth(contract.AuthSession)), true},
		{"logout without a session 401", "cookie", 2, ex("DELETE", "/rest/auth/1/session", 401), false},
		{"ended session 401", "cookie", 3, ex("GET", "/rest/auth/1/session", 401, auth(contract.AuthSession)), true},
		{"ended session search 401", "cookie", 3, ex("POST", "/rest/api/2/search", 401, auth(contract.AuthSession)), true},
		{"anonymous 401 is no ended session", "cookie", 3, ex("GET", "/rest/auth/1/session", 401), false},

		{"anonymous who am I", "session", 0, ex("GET", "/rest/auth/1/session", 401), true},
		{"ended session who am I is not anonymous", "session", 0, ex("GET", "/rest/auth/1/session", 401, auth(contract.AuthSession)), false},
		{"who am I logged in", "session", 1, ex("GET", "/rest/auth/1/session", 200, auth(contract.AuthSession)), true},
		{"login is not who am I", "session", 1, ex("POST", "/rest/auth/1/session", 200, auth(contract.AuthLogin)), false},
		{"unverified 409", "session", 2, ex("POST", "/rest/auth/1/session", 409, auth(contract.AuthLogin), user("unverified")), true},
		{"409 elsewhere", "session", 2, ex("PUT", "/rest/api/2/issue/QA-31", 409), false},
		{"CAPTCHA", "session", 3, ex("POST", "/rest/auth/1/session", 403, user("fred"), answer("x-seraph-loginreason", "AUTHENTICATION_DENIED")), true},
		{"403 without CAPTCHA (XSRF)", "session", 3, ex("POST", "/rest/auth/1/session", 403, body("XSRF check failed")), false},
		{"wrong password is not CAPTCHA yet", "session", 3, ex("POST", "/rest/auth/1/session", 401, failed), false},

		{"sso-user login 401", "sso", 0, ex("POST", "/rest/auth/1/session", 401, auth(contract.AuthLogin), user("sso-user"), failed), true},
		{"sso-user basic 401", "sso", 0, ex("GET", "/rest/api/2/myself", 401, basicFred, user("sso-user"), failed), true},
		{"fred 401 is not the SSO user", "sso", 0, ex("POST", "/rest/auth/1/session", 401, user("fred"), failed), false},
		{"identity provider post", "sso", 1, ex("POST", "/plugins/servlet/sso/login", 200, user("sso-user")), true},
		{"identity provider form only", "sso", 1, ex("GET", "/plugins/servlet/sso/login", 200), false},
		{"pasted cookie who am I", "sso", 2, ex("GET", "/rest/auth/1/session", 200, auth(contract.AuthPasted)), true},
		{"pasted cookie refused", "sso", 2, ex("GET", "/rest/auth/1/session", 401, auth(contract.AuthPasted)), false},
		{"login cookie is not pasted", "sso", 2, ex("GET", "/rest/auth/1/session", 200, auth(contract.AuthSession)), false},

		{"policy read", "password", 0, ex("GET", "/rest/api/2/password/policy?hasOldPassword=false", 200, body(`["The password must have at least 10 characters."]`)), true},
		{"policy read failed", "password", 0, ex("GET", "/rest/api/2/password/policy", 403), false},
		{"check refused", "password", 1, ex("POST", "/rest/api/2/password/policy/createUser", 200, body(`["The password must have at least 10 characters."]`)), true},
		{"update check refused", "password", 1, ex("POST", "/rest/api/2/password/policy/updateUser", 200, body(`["The password must not be similar to the user's name or email address."]`)), true},
		{"check passing is not a refusal", "password", 1, ex("POST", "/rest/api/2/password/policy/createUser", 200, body("[]")), false},
		{"check 400 is no verdict", "password", 1, ex("POST", "/rest/api/2/password/policy/createUser", 400, body(`["x"]`)), false},
		{"check passing", "password", 2, ex("POST", "/rest/api/2/password/policy/createUser", 200, body("[ ]\n")), true},
		{"check refused is not passing", "password", 2, ex("POST", "/rest/api/2/password/policy/createUser", 200, body(`["x"]`)), false},
		{"check 400 empty body", "password", 2, ex("POST", "/rest/api/2/password/policy/createUser", 400), false},

		{"XSRF refusal", "form-token", 0, ex("POST", "/rest/api/2/issue/QA-31/attachments", 403, basicFred, body("XSRF check failed")), true},
		{"browser User-Agent refusal", "form-token", 0, ex("POST", "/rest/api/2/search", 403, header(contract.HeaderUserAgent, "Mozilla/5.0 Chrome/120"), body("XSRF check failed")), true},
		{"other 403", "form-token", 0, ex("POST", "/rest/api/2/issue/QA-31/attachments", 403, body(`{"errorMessages":["forbidden"]}`)), false},
		{"no-check passes to the resource", "form-token", 1, ex("POST", "/rest/api/2/issue/QA-31/attachments", 400, basicFred, noCheck, jiraID), true},
		{"no-check with a file", "form-token", 1, ex("POST", "/rest/api/2/issue/QA-31/attachments", 200, basicFred, noCheck, jiraID), true},
		{"deprecated nocheck", "form-token", 1, ex("POST", "/rest/api/2/issue/QA-31/attachments", 200, header("x-atlassian-token", "nocheck"), jiraID), true},
		{"no-check, still refused (browser)", "form-token", 1, ex("POST", "/rest/api/2/issue/QA-31/attachments", 403, noCheck, jiraID, body("XSRF check failed")), false},
		{"no-check, 415 before the filter", "form-token", 1, ex("POST", "/rest/api/2/issue/QA-31/attachments", 415, noCheck, jiraID), false},
		{"no-check, not authenticated", "form-token", 1, ex("POST", "/rest/api/2/issue/QA-31/attachments", 401, noCheck, jiraID), false},
		{"no-check on a GET", "form-token", 1, ex("GET", "/rest/api/2/issue/QA-31", 200, noCheck, jiraID), false},
		{"without no-check", "form-token", 1, ex("POST", "/rest/api/2/search", 200, jiraID), false},
		{"no-check, the proxy's own error", "form-token", 1, ex("POST", "/rest/api/2/search", 400, noCheck, body(`{"error":"bad_path","detail":"…"}`)), false},

		{"PAT created", "tokens", 0, ex("POST", "/rest/pat/latest/tokens", 201, basicFred), true},
		{"PAT refused", "tokens", 0, ex("POST", "/rest/pat/latest/tokens", 401, basicFred), false},
		{"PAT list is not create", "tokens", 0, ex("GET", "/rest/pat/latest/tokens", 200, basicFred), false},
		{"PAT used", "tokens", 1, ex("GET", "/rest/api/2/myself", 200, bearer, auth(contract.AuthBearer)), true},
		{"bearer on Cloud is the Cloud tour's", "tokens", 1, ex("GET", "/rest/api/2/myself", 200, bearer, onCloud), false},
		{"PAT revoked", "tokens", 2, ex("DELETE", "/rest/pat/latest/tokens/7", 204, basicFred), true},
		{"PAT revoke of an unknown id", "tokens", 2, ex("DELETE", "/rest/pat/latest/tokens/99", 404, basicFred), false},
		{"revoked PAT refused", "tokens", 3, ex("GET", "/rest/api/2/myself", 401, bearer), true},
		{"basic refused is not a PAT", "tokens", 3, ex("GET", "/rest/api/2/myself", 401, basicFred), false},

		{"Cloud refuses the account password", "cloud", 0, ex("GET", "/rest/api/3/myself", 401, header("Authorization", "Basic ZnJlZEBleGFtcGxlLmNvbTpmcmVk"), onCloud), true},
		{"a real Cloud site", "cloud", 0, ex("GET", "/rest/api/3/myself", 401, basicFred, func(x *contract.Exchange) {
			x.Target, x.TargetURL = "work", "https://example.atlassian.net"
		}), true},
		{"Server's 401 is not Cloud's", "cloud", 0, ex("GET", "/rest/api/3/myself", 401, basicFred), false},
		{"API token created", "cloud", 1, ex("POST", "/_sandbox/api-tokens", 201, onCloud), true},
		{"API token refused", "cloud", 1, ex("POST", "/_sandbox/api-tokens", 400, onCloud), false},
		{"e-mail:token accepted", "cloud", 2, ex("GET", "/rest/api/3/myself", 200, basicFred, onCloud), true},
		{"e-mail:token on API 2", "cloud", 2, ex("GET", "/rest/api/2/myself", 200, basicFred, onCloud), true},
		{"Server basic 200 is not Cloud's", "cloud", 2, ex("GET", "/rest/api/3/myself", 200, basicFred), false},
		{"bearer on Cloud is no API token", "cloud", 2, ex("GET", "/rest/api/3/myself", 200, bearer, onCloud), false},
	}
	for _, tt := range tests {
		t.Run(tt.tour+"/"+tt.name, func(t *testing.T) {
			s := step(t, tt.tour, tt.step)
			if got := s.Done(tt.x); got != tt.want {
				t.Errorf("step %d of %q (%q) done by %s %s %d = %v; want %v", tt.step, tt.tour, s.Text, tt.x.Method, tt.x.Path, tt.x.Status, got, tt.want)
			}
		})
	}
}

// Every step has at least one exchange in TestStepDone that does it and
// one that does not: a step nobody can tick, or that anything ticks, is
// caught here.
func TestEveryStepIsTested(t *testing.T) {
	// The rows of TestStepDone are not reachable from here; a second,
	// smaller table of one doing exchange per step keeps the two honest.
	doing := map[string][]contract.Exchange{
		"basic":      {ex("GET", "/rest/api/2/myself", 200, basicFred), ex("GET", "/rest/api/2/issue/QA-31", 200, basicFred), ex("GET", "/rest/api/2/myself", 401, basicFred, failed)},
		"cookie":     {ex("POST", "/rest/auth/1/session", 200), ex("POST", "/rest/api/2/search", 200, auth(contract.AuthSession)), ex("DELETE", "/rest/auth/1/session", 204), ex("GET", "/rest/auth/1/session", 401, auth(contract.AuthSession))},
		"session":    {ex("GET", "/rest/auth/1/session", 401), ex("GET", "/rest/auth/1/session", 200, auth(contract.AuthSession)), ex("POST", "/rest/auth/1/session", 409), ex("POST", "/rest/auth/1/session", 403, denied)},
		"sso":        {ex("POST", "/rest/auth/1/session", 401, user("sso-user"), failed), ex("POST", "/plugins/servlet/sso/login", 200), ex("GET", "/rest/auth/1/session", 200, auth(contract.AuthPasted))},
		"password":   {ex("GET", "/rest/api/2/password/policy", 200), ex("POST", "/rest/api/2/password/policy/createUser", 200, body(`["x"]`)), ex("POST", "/rest/api/2/password/policy/createUser", 200, body(`[]`))},
		"form-token": {ex("POST", "/rest/api/2/issue/QA-31/attachments", 403, body("XSRF check failed")), ex("POST", "/rest/api/2/issue/QA-31/attachments", 400, noCheck, jiraID)},
		"tokens":     {ex("POST", "/rest/pat/latest/tokens", 201), ex("GET", "/rest/api/2/myself", 200, bearer), ex("DELETE", "/rest/pat/latest/tokens/1", 204), ex("GET", "/rest/api/2/myself", 401, bearer)},
		"cloud":      {ex("GET", "/rest/api/3/myself", 401, basicFred, onCloud), ex("POST", "/_sandbox/api-tokens", 201, onCloud), ex("GET", "/rest/api/3/myself", 200, basicFred, onCloud), ex("GET", "/rest/api/2/myself", 403, bearer, onCloud)},
		"basic-off":  {ex("PUT", "/_sandbox/basic-auth", 200), ex("GET", "/rest/api/2/myself", 403, basicFred, body(`{"message":"Basic Authentication has been disabled on this instance."}`)), ex("GET", "/rest/api/2/myself", 200, bearer)},
		"rate-limit": {ex("PUT", "/_sandbox/rate-limit", 200), ex("GET", "/rest/api/2/myself", 200, basicFred, rateLeft), ex("GET", "/rest/api/2/myself", 429, basicFred)},
	}
	// Overlaps by design: the seed's issue fetch is also a basic-auth call
	// under /rest/api/ (tour "basic": step 1's exchange does step 0).
	overlap := map[string][2]int{"basic": {0, 1}}
	if len(doing) != len(All) {
		t.Fatalf("%d tours tested; want the %d of All", len(doing), len(All))
	}
	for _, tr := range All {
		t.Run(tr.ID, func(t *testing.T) {
			xs, ok := doing[tr.ID]
			if !ok || len(xs) != len(tr.Steps) {
				t.Fatalf("tour %q: %d exchanges for %d steps", tr.ID, len(xs), len(tr.Steps))
			}
			for i, s := range tr.Steps {
				// Each step is done by its own exchange and by no other
				// step's (but the overlaps above), so the ticks tell the
				// steps apart.
				for j, x := range xs {
					want := i == j
					if o, ok := overlap[tr.ID]; ok && o == [2]int{i, j} {
						want = true
					}
					if got := s.Done(x); got != want {
						t.Errorf("step %d (%q) done by the exchange of step %d = %v; want %v", i, s.Text, j, got, want)
					}
				}
			}
		})
	}
}

func TestProgress(t *testing.T) {
	var basic Tour
	for _, tr := range All {
		if tr.ID == "basic" {
			basic = tr
		}
	}
	tests := []struct {
		name      string
		log       []contract.Exchange
		want      []bool
		wantCount int
		wantNext  int
	}{
		{"empty log", nil, []bool{false, false, false}, 0, 0},
		{"first step", []contract.Exchange{ex("GET", "/rest/api/2/myself", 200, basicFred)}, []bool{true, false, false}, 1, 1},
		{"out of order", []contract.Exchange{ex("GET", "/rest/api/2/myself", 401, basicFred, failed)}, []bool{false, false, true}, 1, 0},
		{"all, newest first, with noise", []contract.Exchange{
			ex("GET", "/rest/api/2/myself", 401, basicFred, failed),
			ex("GET", "/rest/api/2/serverInfo", 200),
			ex("GET", "/rest/api/2/issue/QA-31", 200, basicFred),
			ex("GET", "/rest/api/2/myself", 200, basicFred),
		}, []bool{true, true, true}, 3, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := basic.Progress(tt.log)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Progress = %v; want %v", got, tt.want)
			}
			if c := Count(got); c != tt.wantCount {
				t.Errorf("Count = %d; want %d", c, tt.wantCount)
			}
			if n := Next(got); n != tt.wantNext {
				t.Errorf("Next = %d; want %d", n, tt.wantNext)
			}
		})
	}
}

// The tours are what a newcomer reads: each has a title, a why and 2 to 5
// steps, each step a sentence with a link to a lab page and an element.
func TestToursShape(t *testing.T) {
	pages := map[string]bool{pageSession: true, pageBasic: true, pagePassword: true, pageToken: true, pageConsole: true, pageSandbox: true}
	seen := map[string]bool{}
	for _, tr := range All {
		t.Run(tr.ID, func(t *testing.T) {
			if tr.ID == "" || seen[tr.ID] {
				t.Errorf("tour id %q empty or repeated", tr.ID)
			}
			seen[tr.ID] = true
			if tr.Flow == "" || tr.Title == "" || tr.Source == "" || tr.Why == "" {
				t.Errorf("tour %q: flow %q, title %q, source %q, why %q: none may be empty", tr.ID, tr.Flow, tr.Title, tr.Source, tr.Why)
			}
			if n := len(tr.Steps); n < 2 || n > 5 {
				t.Errorf("tour %q has %d steps; want 2 to 5", tr.ID, n)
			}
			for i, s := range tr.Steps {
				if !pages[s.Page] || s.Anchor == "" || s.Label == "" || s.Want == (Want{}) {
					t.Errorf("step %d: page %q, anchor %q, label %q, want %+v: none may be empty", i, s.Page, s.Anchor, s.Label, s.Want)
				}
				if !strings.HasSuffix(s.Text, ".") || strings.Count(s.Text, ". ") > 0 {
					t.Errorf("step %d is not one sentence: %q", i, s.Text)
				}
			}
		})
	}
	if len(All) != 10 {
		t.Errorf("%d tours; want the 8 flows of CONTRACT.md's /learn and Data Center's two switches", len(All))
	}
}
