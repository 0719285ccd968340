package ui

import (
	"strings"
	"testing"

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

// withModel runs f with a fresh model, restoring the shared one after.
func withModel(t *testing.T, f func(m *labModel)) {
	t.Helper()
	saved := model
	t.Cleanup(func() { model = saved })
	model = &labModel{busy: map[string]bool{}, jql: "type=Bug", basicPath: "/rest/api/2/myself", pwMode: "create",
		upstreams: []Upstream{{Name: "sandbox", URL: "http://127.0.0.1:8090", Sandbox: true}, {Name: "corp", URL: "https://jira.corp"}},
		target:    "sandbox"}
	f(model)
}

func TestSessionPageShowsTheThreeCookieViews(t *testing.T) {
	withModel(t, func(m *labModel) {
		m.sessionJSON = "{\n  \"session\": {}\n}"
		m.setCookie = []string{"JSESSIONID=ABC; Path=/; HttpOnly", "atlassian.xsrf.token=X_lin; Path=/"}
		m.cookie = "JSESSIONID=ABC"
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
		m.target = "corp" // #sso-login is for the sandbox only
		if html := render(t, &sessionPage{}); strings.Contains(html, `id="sso-login"`) {
			t.Error("#sso-login shown for a real Jira")
		}
	})
}

func TestDiagnosisPanelOffersOnlyWhatApplies(t *testing.T) {
	tests := []struct {
		name    string
		target  string
		diag    Diagnosis
		want    []string
		notWant []string
	}{
		{"captcha on sandbox", "sandbox", Diagnosis{Level: LevelBad, Title: "CAPTCHA", Lines: []string{"l"}, OfferCaptchaReset: true, CaptchaUser: "fred"},
			[]string{`id="captcha-reset"`, "Reset CAPTCHA for fred", `class="panel diagnosis bad"`}, []string{`id="relogin"`}},
		{"captcha on real jira", "corp", Diagnosis{Level: LevelBad, Title: "CAPTCHA", Lines: []string{"l"}, OfferCaptchaReset: true, CaptchaUser: "fred"},
			nil, []string{`id="captcha-reset"`}},
		{"session ended", "sandbox", Diagnosis{Level: LevelWarn, Title: "ended", Lines: []string{"l"}, OfferRelogin: true},
			[]string{`id="relogin"`}, []string{`id="captcha-reset"`}},
		{"sso", "corp", Diagnosis{Title: "sso", Lines: []string{"l"}, OfferSSO: true}, []string{`id="sso-help"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withModel(t, func(m *labModel) {
				m.target, m.diag = tt.target, &tt.diag
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
	withModel(t, func(m *labModel) {
		m.log(Exchange{Method: "POST", Path: "/rest/auth/1/session", TargetURL: "http://127.0.0.1:8090", Status: 200,
			RequestHeader: []Header{{Name: "Authorization", Value: "Basic ZnJlZDpmcmVk"}, {Name: "X-Jira-Cookie", Value: "JSESSIONID=SECRET"}},
			RequestBody:   `{"username":"fred","password":"hunter2"}`,
			ResponseHeader: []Header{
				{Name: "x-jira-set-cookie", Value: "JSESSIONID=A; Path=/; HttpOnly, b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/"},
				{Name: "content-security-policy", Value: "default-src 'self'"},
			},
			ResponseBody: `{"a":1}`})
		html := render(t, &exchangeLog{})
		for _, bad := range []string{"ZnJlZDpmcmVk", "SECRET", "hunter2", "default-src"} {
			if strings.Contains(html, bad) {
				t.Errorf("the log shows %q", bad)
			}
		}
		for _, want := range []string{"Cookie: JSESSIONID=", "x-jira-set-cookie: JSESSIONID=A; Path=/; HttpOnly\nx-jira-set-cookie: b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/",
			"http://127.0.0.1:8090/rest/auth/1/session", "&#34;a&#34;: 1"} {
			if !strings.Contains(html, want) {
				t.Errorf("the log lacks %q:\n%s", want, html)
			}
		}
		m.reveal = true
		if html := render(t, &exchangeLog{}); !strings.Contains(html, "Basic ZnJlZDpmcmVk") {
			t.Error("Reveal secrets does not reveal the Authorization header")
		}
	})
}

func TestPasswordResult(t *testing.T) {
	tests := []struct {
		name string
		set  func(m *labModel)
		want string
	}{
		{"empty", func(m *labModel) {}, "Type a new password"},
		{"checking", func(m *labModel) { m.pwNew, m.pwStatus = "x", loading }, "Checking"},
		{"passes", func(m *labModel) { m.pwNew, m.pwStatus = "x", loaded }, "passes the policy"},
		{"refused", func(m *labModel) {
			m.pwNew, m.pwStatus, m.pwMessages = "x", loaded, []string{"The password must have at least 10 characters."}
		}, "at least 10 characters"},
		{"error", func(m *labModel) { m.pwNew, m.pwStatus, m.pwErr = "x", loadingErr, "HTTP 404: user not found" }, "HTTP 404"},
	}
	for _, tt := range tests {
		withModel(t, func(m *labModel) {
			tt.set(m)
			if html := render(t, &passwordPage{}); !strings.Contains(html, tt.want) {
				t.Errorf("%s: #pw-result lacks %q", tt.name, tt.want)
			}
		})
	}
}

func TestBasicHeader(t *testing.T) {
	if got := basicHeader("fred", "fred"); got != "Basic ZnJlZDpmcmVk" {
		t.Errorf("basicHeader(fred, fred) = %q; want Basic ZnJlZDpmcmVk (seed 000)", got)
	}
	withModel(t, func(m *labModel) {
		m.basicUser, m.basicPass = "fred", "fred"
		html := render(t, &basicPage{})
		if !strings.Contains(html, "Authorization: Basic ZnJlZDpmcmVk") || strings.Contains(html, "fred:fred") {
			t.Errorf("basic page: header missing or the pair shown in clear")
		}
	})
}

func TestForgetSecrets(t *testing.T) {
	withModel(t, func(m *labModel) {
		m.password, m.basicPass, m.pwOld, m.pwNew, m.cookie, m.cookiePaste = "a", "b", "c", "d", "JSESSIONID=1", "JSESSIONID=1"
		m.log(Exchange{Method: "GET"})
		m.forgetSecrets()
		if m.password+m.basicPass+m.pwOld+m.pwNew+m.cookie+m.cookiePaste != "" || len(m.exchanges) != 0 {
			t.Errorf("secrets left after forgetSecrets: %+v", m)
		}
	})
}

func TestLogIsBounded(t *testing.T) {
	withModel(t, func(m *labModel) {
		for i := 0; i < maxExchanges+10; i++ {
			m.log(Exchange{Method: "GET"})
		}
		if len(m.exchanges) != maxExchanges || m.exchanges[0].ID != maxExchanges+10 {
			t.Errorf("log holds %d, newest #%d; want %d, newest first", len(m.exchanges), m.exchanges[0].ID, maxExchanges)
		}
	})
}

// A cookie of one Jira must never be sent to another.
func TestCookieStaysWithItsJira(t *testing.T) {
	withModel(t, func(m *labModel) {
		m.useCookie("sandbox", "JSESSIONID=ABC", AuthSession)
		if m.authFor() != AuthSession {
			t.Fatal("the cookie is not used on its own Jira")
		}
		m.target = "corp"
		if m.authFor() != AuthNone {
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
	withModel(t, func(m *labModel) {
		m.upstreams, m.target = nil, ""
		m.upstreamsStatus, m.upstreamsErr = loadingErr, "GET /api/upstreams: connection refused"
		m.policyStatus, m.policyWanted = loading, true
		m.pwNew, m.pwStatus = "secret", loading
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
		if d := noTargetDiagnosis(); !strings.Contains(d.Title, "could not load its list") {
			t.Errorf("a request without a list is diagnosed as %q", d.Title)
		}
	})
}

// An empty or broken paste withdraws a pasted cookie, never a login's.
func TestPasteWithdrawsOnlyPastedCookies(t *testing.T) {
	withModel(t, func(m *labModel) {
		applyPastedCookie("sandbox", "JSESSIONID=ABC")
		if m.cookie != "JSESSIONID=ABC" {
			t.Fatalf("cookie %q after a paste", m.cookie)
		}
		applyPastedCookie("sandbox", "not a cookie at all ;;")
		if m.cookie != "" || m.pasteErr == "" {
			t.Errorf("after a broken paste: cookie %q, error %q; want none and an error", m.cookie, m.pasteErr)
		}
		m.useCookie("sandbox", "JSESSIONID=LOGIN", AuthSession)
		applyPastedCookie("sandbox", "")
		if m.cookie != "JSESSIONID=LOGIN" {
			t.Errorf("an empty paste withdrew the login's cookie: %q", m.cookie)
		}
	})
}
