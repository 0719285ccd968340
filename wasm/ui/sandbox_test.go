package ui

import (
	"strings"
	"testing"

	"jiraauthlab/contract"
)

// sandboxFixture is a Server face's state as GET /_sandbox/state writes it.
func sandboxFixture() contract.SandboxState {
	return contract.SandboxState{Face: "server", Sessions: 2, PasswordPolicy: "basic", CaptchaAfter: 3,
		Users: []contract.SandboxAccount{
			{Name: "fred", Password: "fred", Kind: "user", ConsecutiveFailedLogins: 2},
			{Name: "admin", Password: "admin", Kind: "admin"},
			{Name: "unverified", Password: "unverified", Kind: "unverified"},
			{Name: "sso-user", Password: "sso-user", Kind: "sso", ConsecutiveFailedLogins: 4},
		},
		BasicAuth: contract.SandboxBasicAuth{Enabled: true}}
}

// flat is rendered HTML on one line, its text unescaped as the learner
// reads it: go-app indents each element on a line of its own.
// Attributes come in go-app's map order: the one pair a test names is
// put in a fixed order.
func flat(html string) string {
	lines := strings.Split(html, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	html = strings.ReplaceAll(strings.Join(lines, ""), "&#39;", "'")
	return strings.ReplaceAll(html, `<option value="basic" selected>`, `<option selected value="basic">`)
}

func TestSandboxPanel(t *testing.T) {
	tests := []struct {
		name       string
		set        func(s *sandboxState, t *targetState)
		want, deny []string
	}{
		{"accounts", func(s *sandboxState, _ *targetState) {},
			[]string{"2 of 3", "REST logins always fail (seed 003)", "3 wrong passwords in a row turn CAPTCHA on",
				`id="sb-captcha-reset-fred"`, `<option selected value="basic">`, "2 session(s) open", "everyone but admin"},
			[]string{"4 of 3", "sb-not-sandbox"}},
		{"captcha on", func(s *sandboxState, _ *targetState) {
			s.data.Users[0].ConsecutiveFailedLogins, s.data.Users[0].CaptchaRequired = 3, true
		}, []string{"3 of 3", `class="sb-captcha on"`}, nil},
		{"nothing to reset", func(s *sandboxState, _ *targetState) { s.data.Users[0].ConsecutiveFailedLogins = 0 },
			[]string{"0 of 3"}, []string{`id="sb-captcha-reset-fred"`}},
		{"cloud face", func(s *sandboxState, _ *targetState) { s.data.Face, s.data.CaptchaAfter = "cloud", 0 },
			[]string{"belong to Jira Server / Data Center", "API token", `id="sb-reset"`},
			[]string{`id="sb-policy"`, `id="sb-basic-auth"`, `id="sb-expire"`, "logins work"}},
		{"read failed", func(s *sandboxState, _ *targetState) {
			s.status, s.err = loadingErr, "Could not read the sandbox's state (HTTP 404)."
		}, []string{"Could not read the sandbox's state (HTTP 404)."}, []string{"2 of 3"}},
		{"another Jira", func(_ *sandboxState, tg *targetState) { tg.target = "corp" },
			[]string{"corp, is not a built-in sandbox", `id="sb-switch"`, "Use the sandbox (sandbox)"},
			[]string{`id="sb-accounts"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withState(t, func(m labState) {
				s0 := sandbox
				defer func() { sandbox = s0 }()
				sandbox = sandboxState{of: "sandbox", status: loaded, data: sandboxFixture()}
				tt.set(&sandbox, m.target)
				html := flat(render(t, &sandboxPage{}))
				for _, w := range tt.want {
					if !strings.Contains(html, w) {
						t.Errorf("the panel lacks %q:\n%s", w, html)
					}
				}
				for _, d := range tt.deny {
					if strings.Contains(html, d) {
						t.Errorf("the panel shows %q:\n%s", d, html)
					}
				}
			})
		})
	}
}

func TestPolicyRulesMarked(t *testing.T) {
	rules := []string{"The password must have at least 10 characters.", "The password must not be similar to the user's name or email address."}
	tests := []struct {
		name       string
		set        func(p *passwordState)
		want, deny []string
	}{
		{"one unmet", func(p *passwordState) { p.status, p.judged, p.messages = loaded, true, rules[:1] },
			[]string{`class="rule unmet"><span class="rule-state">not met</span>The password must have at least 10`,
				`class="rule met"><span class="rule-state">met</span>The password must not be similar`}, nil},
		{"all met", func(p *passwordState) { p.status, p.judged, p.messages = loaded, true, []string{} },
			[]string{`class="rule met"`}, []string{`class="rule unmet"`}},
		{"checking: the last verdict, marked stale", func(p *passwordState) { p.status, p.judged, p.messages = loading, true, rules[:1] },
			[]string{`class="rule unmet stale"`}, nil},
		{"no verdict yet", func(p *passwordState) { p.status = loading },
			nil, []string{`class="rule`}},
		{"a verdict of another policy", func(p *passwordState) {
			p.status, p.judged, p.messages = loaded, true, []string{"The password must have at least 8 characters."}
		}, nil, []string{`class="rule`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withState(t, func(m labState) {
				p := m.password
				p.policy, p.policyStatus, p.new = rules, loaded, "short1"
				tt.set(p)
				html := flat(render(t, &passwordPage{}))
				for _, w := range tt.want {
					if !strings.Contains(html, w) {
						t.Errorf("#policy lacks %q:\n%s", w, html)
					}
				}
				for _, d := range tt.deny {
					if strings.Contains(html, d) {
						t.Errorf("#policy shows %q:\n%s", d, html)
					}
				}
			})
		})
	}
}
