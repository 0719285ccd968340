package ui

import (
	"strings"
	"testing"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/diagnosis"
	"jiraauthlab/wasm/typing"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// render mounts c with go-app's server tester and returns its HTML.
func render(t *testing.T, c app.UI) string {
	t.Helper()
	d := app.NewServerTester(c)
	defer d.Close()
	d.Consume()
	return app.HTMLString(c)
}

// labState is every store's value, for a test to set up.
type labState struct {
	target   *targetState
	log      *logState
	session  *sessionState
	basic    *basicState
	password *passwordState
}

// withState runs f with fresh stores (two Jiras, the sandbox chosen),
// restoring the shared ones after.
func withState(t *testing.T, f func(s labState)) {
	t.Helper()
	t0, l0, b0, s0, ba0, p0 := targets, journal, busy, session, basic, password
	t.Cleanup(func() { targets, journal, busy, session, basic, password = t0, l0, b0, s0, ba0, p0 })
	targets = targetState{status: loaded, target: "sandbox",
		upstreams: []contract.Upstream{{Name: "sandbox", URL: "http://127.0.0.1:8090", Sandbox: true}, {Name: "corp", URL: "https://jira.corp"}}}
	journal, busy = logState{}, busyState{on: map[string]bool{}}
	session, basic = sessionState{jql: "type=Bug"}, basicState{path: "/rest/api/2/myself"}
	password = passwordState{mode: "create", gate: &typing.Gate{}}
	f(labState{&targets, &journal, &session, &basic, &password})
}

func TestSessionPageShowsTheThreeCookieViews(t *testing.T) {
	withState(t, func(m labState) {
		m.session.sessionJSON = "{\n  \"session\": {}\n}"
		m.session.setCookie = []string{"JSESSIONID=ABC; Path=/; HttpOnly", "atlassian.xsrf.token=X_lin; Path=/"}
		m.session.useCookie("sandbox", "JSESSIONID=ABC", contract.AuthSession)
		html := render(t, &sessionPage{})
		for _, want := range []string{
			"Set-Cookie: JSESSIONID=ABC; Path=/; HttpOnly\nSet-Cookie: atlassian.xsrf.token=X_lin; Path=/",
			`id="cookie-header">Cookie: JSESSIONID=ABC<`,
			`id="sso-login"`,
		} {
			if !strings.Contains(html, want) {
				t.Errorf("session page lacks %q", want)
			}
		}
		m.target.target = "corp" // #sso-login is for the sandbox only
		if html := render(t, &sessionPage{}); strings.Contains(html, `id="sso-login"`) {
			t.Error("#sso-login shown for a real Jira")
		}
	})
}

func TestDiagnosisPanelOffersOnlyWhatApplies(t *testing.T) {
	tests := []struct {
		name    string
		target  string
		diag    diagnosis.Diagnosis
		want    []string
		notWant []string
	}{
		{"captcha on sandbox", "sandbox", diagnosis.Diagnosis{Level: diagnosis.LevelBad, Title: "CAPTCHA", Lines: []string{"l"}, OfferCaptchaReset: true, CaptchaUser: "fred"},
			[]string{`id="captcha-reset"`, "Reset CAPTCHA for fred", `class="panel diagnosis bad"`}, []string{`id="relogin"`}},
		{"captcha on real jira", "corp", diagnosis.Diagnosis{Level: diagnosis.LevelBad, Title: "CAPTCHA", Lines: []string{"l"}, OfferCaptchaReset: true, CaptchaUser: "fred"},
			nil, []string{`id="captcha-reset"`}},
		{"session ended", "sandbox", diagnosis.Diagnosis{Level: diagnosis.LevelWarn, Title: "ended", Lines: []string{"l"}, OfferRelogin: true},
			[]string{`id="relogin"`}, []string{`id="captcha-reset"`}},
		{"sso", "corp", diagnosis.Diagnosis{Title: "sso", Lines: []string{"l"}, OfferSSO: true}, []string{`id="sso-help"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withState(t, func(m labState) {
				m.target.target, m.log.diag = tt.target, &tt.diag
				html := render(t, &diagnosisPanel{})
				for _, w := range tt.want {
					if !strings.Contains(html, w) {
						t.Errorf("diagnosis panel lacks %q:\n%s", w, html)
					}
				}
				for _, w := range tt.notWant {
					if strings.Contains(html, w) {
						t.Errorf("diagnosis panel shows %q", w)
					}
				}
			})
		})
	}
}

func TestExchangeLogMasksAndSplitsCookies(t *testing.T) {
	withState(t, func(m labState) {
		m.log.add(contract.Exchange{Method: "POST", Path: "/rest/auth/1/session", TargetURL: "http://127.0.0.1:8090", Status: 200,
			RequestHeader: []contract.Header{{Name: "Authorization", Value: "Basic ZnJlZDpmcmVk"}, {Name: "X-Jira-Cookie", Value: "JSESSIONID=SECRET"}},
			RequestBody:   `{"username":"fred","password":"hunter2"}`,
			ResponseHeader: []contract.Header{
				{Name: "x-jira-set-cookie", Value: "JSESSIONID=A; Path=/; HttpOnly, b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/"},
				{Name: "content-security-policy", Value: "default-src 'self'"},
				{Name: "x-ausername", Value: "fred"},
			},
			ResponseBody: `{"a":1}`})
		html := render(t, &exchangeLog{})
		for _, bad := range []string{"ZnJlZDpmcmVk", "SECRET", "hunter2", "x-jira-set-cookie"} {
			if strings.Contains(html, bad) {
				t.Errorf("the log shows %q", bad)
			}
		}
		// Jira's answer under its own names after its status line; the
		// lab's own headers apart.
		jiraPart, _, _ := strings.Cut(html[strings.Index(html, `class="resp-headers"`):], "</pre>")
		// go-app writes attributes in any order: find the lab's block by its class.
		labPart, _, _ := strings.Cut(html[strings.Index(html, `class="lab-headers"`):], "</pre>")
		if !strings.Contains(labPart, "Content-Security-Policy: default-src") {
			t.Errorf("the lab's own headers are not apart: %s", labPart)
		}
		if strings.Contains(jiraPart, "default-src") {
			t.Errorf("the lab's CSP is shown as Jira's: %s", jiraPart)
		}
		for _, want := range []string{"HTTP/1.1 200 OK\nSet-Cookie: JSESSIONID=A; Path=/; HttpOnly\nSet-Cookie: b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/",
			"Set-Cookie as X-Jira-Set-Cookie", `>Content-Security-Policy: default-src`,
			"POST /rest/auth/1/session HTTP/1.1\nAuthorization: Basic",
			"http://127.0.0.1:8090/rest/auth/1/session", "&#34;a&#34;: 1", "X-AUSERNAME: fred",
			`data-exchange="1"`, `class="curl"`, "-c cookies.txt -X POST", "copy-curl"} {
			if !strings.Contains(html, want) {
				t.Errorf("the log lacks %q:\n%s", want, html)
			}
		}
		m.log.reveal = true
		html = render(t, &exchangeLog{})
		if !strings.Contains(html, "Basic ZnJlZDpmcmVk") {
			t.Error("Reveal secrets does not reveal the Authorization header")
		}
		if !strings.Contains(html, "-u fred:fred") || !strings.Contains(html, "hunter2") {
			t.Error("Reveal secrets does not reveal the secrets of the curl command")
		}
	})
}

func TestPasswordResult(t *testing.T) {
	tests := []struct {
		name string
		set  func(p *passwordState)
		want string
	}{
		{"empty", func(p *passwordState) {}, "Type a new password"},
		{"checking", func(p *passwordState) { p.new, p.status = "x", loading }, "Checking"},
		{"passes", func(p *passwordState) { p.new, p.status = "x", loaded }, "passes the policy"},
		{"refused", func(p *passwordState) {
			p.new, p.status, p.messages = "x", loaded, []string{"The password must have at least 10 characters."}
		}, "at least 10 characters"},
		{"error", func(p *passwordState) { p.new, p.status, p.err = "x", loadingErr, "HTTP 404: user not found" }, "HTTP 404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withState(t, func(m labState) {
				tt.set(m.password)
				if html := render(t, &passwordPage{}); !strings.Contains(html, tt.want) {
					t.Errorf("#pw-result lacks %q:\n%s", tt.want, html)
				}
			})
		})
	}
}

func TestBasicHeader(t *testing.T) {
	if got := basicHeader("fred", "fred"); got != "Basic ZnJlZDpmcmVk" {
		t.Errorf("basicHeader(fred, fred) = %q; want Basic ZnJlZDpmcmVk (seed 000)", got)
	}
	withState(t, func(m labState) {
		m.basic.user, m.basic.pass = "fred", "fred"
		html := render(t, &basicPage{})
		if !strings.Contains(html, "Authorization: Basic ZnJlZDpmcmVk") || strings.Contains(html, "fred:fred") {
			t.Errorf("basic page: header missing or the pair shown in clear")
		}
	})
}

func TestForgetSecrets(t *testing.T) {
	withState(t, func(m labState) {
		m.session.password, m.basic.pass, m.password.old, m.password.new = "a", "b", "c", "d"
		m.session.applyPaste("sandbox", "JSESSIONID=1")
		m.log.add(contract.Exchange{Method: "GET"})
		before := epoch
		d := app.NewServerTester(&exchangeLog{})
		defer d.Close()
		forgetSecrets(d.Context())
		if got := m.session.password + m.basic.pass + m.password.old + m.password.new + m.session.cookie + m.session.cookiePaste; got != "" || len(m.log.exchanges) != 0 {
			t.Errorf("secrets left after forgetSecrets: %q, %d exchanges", got, len(m.log.exchanges))
		}
		if epoch == before {
			t.Error("forgetSecrets left the epoch: answers in flight would still land")
		}
	})
}

func TestLogIsBounded(t *testing.T) {
	withState(t, func(m labState) {
		for i := 0; i < maxExchanges+10; i++ {
			m.log.add(contract.Exchange{Method: "GET"})
		}
		if len(m.log.exchanges) != maxExchanges || m.log.exchanges[0].ID != maxExchanges+10 {
			t.Errorf("log holds %d, newest #%d; want %d, newest first", len(m.log.exchanges), m.log.exchanges[0].ID, maxExchanges)
		}
	})
}

// A cookie of one Jira must never be sent to another.
func TestCookieStaysWithItsJira(t *testing.T) {
	withState(t, func(m labState) {
		m.session.useCookie("sandbox", "JSESSIONID=ABC", contract.AuthSession)
		if m.session.authFor("sandbox") != contract.AuthSession || m.session.cookieFor("sandbox", contract.AuthSession) != "JSESSIONID=ABC" {
			t.Fatal("the cookie is not used on its own Jira")
		}
		m.target.target = "corp"
		if m.session.authFor("corp") != contract.AuthNone || m.session.cookieFor("corp", contract.AuthSession) != "" {
			t.Error("the sandbox's cookie would be sent to corp")
		}
		if html := render(t, &sessionPage{}); !strings.Contains(html, `id="cookie-other-jira"`) {
			t.Error("the page does not say the cookie belongs to another Jira")
		}
	})
}

// When GET /api/upstreams failed, the picker offers Retry and nothing waits
// silently: the policy, the password check and any request say why.
func TestUpstreamListFailureIsExplained(t *testing.T) {
	withState(t, func(m labState) {
		m.target.upstreams, m.target.target = nil, ""
		m.target.status, m.target.err = loadingErr, "GET /api/upstreams: connection refused"
		m.password.policyStatus, m.password.policyWanted = loading, true
		m.password.new, m.password.status = "secret", loading
		picker := render(t, &upstreamPicker{})
		for _, want := range []string{`id="target-error"`, "connection refused", `id="target-retry"`} {
			if !strings.Contains(picker, want) {
				t.Errorf("picker lacks %q:\n%s", want, picker)
			}
		}
		page := render(t, &passwordPage{})
		if strings.Contains(page, "Loading the policy") || strings.Contains(page, "Checking…") {
			t.Errorf("the password page waits silently:\n%s", page)
		}
		if strings.Count(page, "could not load its list of Jiras") != 2 {
			t.Errorf("the policy and the check do not both say the list failed:\n%s", page)
		}
		if d := noTargetDiagnosis(*m.target); !strings.Contains(d.Title, "could not load its list") {
			t.Errorf("a request without a list is diagnosed as %q", d.Title)
		}
	})
}

// An empty or broken paste withdraws a pasted cookie, never a login's.
func TestPasteWithdrawsOnlyPastedCookies(t *testing.T) {
	withState(t, func(m labState) {
		s := m.session
		s.applyPaste("sandbox", "JSESSIONID=ABC")
		if s.cookie != "JSESSIONID=ABC" {
			t.Fatalf("cookie %q after a paste", s.cookie)
		}
		s.applyPaste("sandbox", "not a cookie at all ;;")
		if s.cookie != "" || s.pasteErr == "" {
			t.Errorf("after a broken paste: cookie %q, error %q; want none and an error", s.cookie, s.pasteErr)
		}
		s.useCookie("sandbox", "JSESSIONID=LOGIN", contract.AuthSession)
		s.applyPaste("sandbox", "")
		if s.cookie != "JSESSIONID=LOGIN" {
			t.Errorf("an empty paste withdrew the login's cookie: %q", s.cookie)
		}
	})
}

// The policy is no secret: Forget secrets drops a policy request in flight
// and asks again, and a policy wanted before the list of Jiras arrived is
// loaded when it does — never "Loading the policy…" for good.
func TestPolicyNeverStuckLoading(t *testing.T) {
	withState(t, func(m labState) {
		d := app.NewServerTester(&passwordPage{})
		defer d.Close()
		m.password.policyStatus, m.password.policySeq = loading, 1
		forgetSecrets(d.Context())
		if m.password.policyStatus != loading || m.password.policySeq != 2 {
			t.Errorf("after Forget secrets: policy %v, request #%d; want loading, asked again (#2)", m.password.policyStatus, m.password.policySeq)
		}
		m.password.policyStatus, m.password.policyWanted = neverLoaded, true
		passwordTargetChanged(d.Context())
		if m.password.policyWanted || m.password.policySeq != 3 {
			t.Errorf("a policy wanted before the list arrived was not asked for (wanted %v, request #%d)", m.password.policyWanted, m.password.policySeq)
		}
	})
}

// The log shows the User-Agent the proxy sent, and only for requests that
// left the proxy.
func TestLogShowsTheUserAgentSent(t *testing.T) {
	jiraAnswer := contract.Exchange{Status: 200, ResponseHeader: []contract.Header{{Name: "x-arequestid", Value: "1"}}}
	tests := []struct {
		name string
		x    contract.Exchange
		want string // "" for no User-Agent line
	}{
		{"the proxy's own", jiraAnswer, "User-Agent: JiraAuthLab/dev\n"},
		{"the page's choice", contract.Exchange{Status: 403, RequestHeader: []contract.Header{{Name: "X-Jira-User-Agent", Value: "Mozilla/5.0 Chrome/126.0"}}},
			"User-Agent: Mozilla/5.0 Chrome/126.0\n"},
		{"never sent: fetch failed", contract.Exchange{Err: "TypeError: Failed to fetch"}, ""},
		{"never sent: the proxy refused", contract.Exchange{Status: 400, ResponseBody: `{"error":"bad_path","detail":"x"}`}, ""},
		{"a Jira body that looks like the proxy's", contract.Exchange{Status: 400, ResponseBody: `{"error":"nope","detail":"x"}`}, "User-Agent: JiraAuthLab/dev\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sentHeaders(tt.x, false)
			if tt.want == "" && strings.Contains(got, "User-Agent") || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("sentHeaders = %q; want %q", got, tt.want)
			}
		})
	}
}
