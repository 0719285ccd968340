package lab

import (
	"io"
	"strings"
	"testing"
	"time"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestParseFlagsDefaults(t *testing.T) {
	cfg, err := ParseFlags(nil, env(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:8080" || cfg.SandboxAddr != "127.0.0.1:8090" || cfg.MaxBody != 10<<20 ||
		cfg.UpstreamTimeout != 30*time.Second || cfg.BasePath != "" || cfg.FrameAncestors != "'self'" ||
		len(cfg.Upstreams) != 0 || cfg.PublicURL != nil || cfg.SandboxIdleTimeout != 300*time.Minute {
		t.Errorf("defaults = %+v", cfg)
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		env   func(string) string
		check func(Config) bool
	}{
		{"sandbox off", []string{"-sandbox-addr", "off"}, env(), func(c Config) bool { return c.SandboxAddr == "" }},
		{"env sandbox off", nil, env("JIRA_AUTH_LAB_SANDBOX_ADDR", "off"), func(c Config) bool { return c.SandboxAddr == "" }},
		{"upstreams in order", []string{"-upstream", "a=http://a.example/jira", "-upstream", "b=https://b.example"}, env(),
			func(c Config) bool {
				return len(c.Upstreams) == 2 && c.Upstreams[0].Name == "a" && c.Upstreams[0].URL.Path == "/jira" && c.Upstreams[1].Name == "b"
			}},
		{"env upstream list", nil, env("JIRA_AUTH_LAB_UPSTREAM", "a=http://a.example, b=http://b.example"),
			func(c Config) bool { return len(c.Upstreams) == 2 && c.Upstreams[1].Name == "b" }},
		{"flag beats env", []string{"-addr", "127.0.0.1:9999"}, env("JIRA_AUTH_LAB_ADDR", "127.0.0.1:1111"),
			func(c Config) bool { return c.Addr == "127.0.0.1:9999" }},
		{"env used when flag absent", nil, env("JIRA_AUTH_LAB_MAX_BODY", "512KiB", "JIRA_AUTH_LAB_UPSTREAM_TIMEOUT", "5s"),
			func(c Config) bool { return c.MaxBody == 512<<10 && c.UpstreamTimeout == 5*time.Second }},
		{"max body units", []string{"-max-body", "2MB"}, env(), func(c Config) bool { return c.MaxBody == 2000000 }},
		{"base path cleaned", []string{"-base-path", "/portal/lab/"}, env(), func(c Config) bool { return c.BasePath == "/portal/lab" }},
		{"root base path", []string{"-base-path", "/"}, env(), func(c Config) bool { return c.BasePath == "" }},
		{"public url", []string{"-public-url", "https://lab.example.com"}, env(),
			func(c Config) bool { return c.PublicURL != nil && c.PublicURL.Host == "lab.example.com" }},
		{"frame ancestors list", []string{"-frame-ancestors", "'self' https://portal.example.com *.corp.example"}, env(),
			func(c Config) bool { return c.FrameAncestors == "'self' https://portal.example.com *.corp.example" }},
		{"sandbox visitors default", nil, env(), func(c Config) bool { return c.SandboxVisitors == 1000 }},
		{"sandbox visitors", []string{"-sandbox-visitors", "25"}, env(), func(c Config) bool { return c.SandboxVisitors == 25 }},
		{"env sandbox visitors", nil, env("JIRA_AUTH_LAB_SANDBOX_VISITORS", "7"), func(c Config) bool { return c.SandboxVisitors == 7 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseFlags(tt.args, tt.env, io.Discard)
			if err != nil {
				t.Fatalf("ParseFlags(%q) error: %v", tt.args, err)
			}
			if !tt.check(cfg) {
				t.Errorf("ParseFlags(%q) = %+v", tt.args, cfg)
			}
		})
	}
}

func TestParseFlagsErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     func(string) string
		wantErr string
	}{
		{"bad addr", []string{"-addr", "8080"}, env(), "-addr"},
		{"bad size", []string{"-max-body", "lots"}, env(), "size"},
		{"zero size", []string{"-max-body", "0"}, env(), "size"},
		{"bad env size", nil, env("JIRA_AUTH_LAB_MAX_BODY", "-1"), "JIRA_AUTH_LAB_MAX_BODY"},
		{"base path with dots", []string{"-base-path", "/a/../b"}, env(), "-base-path"},
		{"base path relative", []string{"-base-path", "lab"}, env(), "-base-path"},
		{"public url not origin", []string{"-public-url", "lab.example.com"}, env(), "-public-url"},
		{"public url with query", []string{"-public-url", "https://lab.example.com/?x=1"}, env(), "-public-url"},
		{"csp injection", []string{"-frame-ancestors", "'self'; script-src *"}, env(), "-frame-ancestors"},
		{"empty frame ancestors", []string{"-frame-ancestors", " "}, env(), "-frame-ancestors"},
		{"duplicate upstream", []string{"-upstream", "a=http://x", "-upstream", "a=http://y"}, env(), "twice"},
		{"negative timeout", []string{"-upstream-timeout", "-1s"}, env(), "-upstream-timeout"},
		{"stray argument", []string{"serve"}, env(), "unexpected argument"},
		{"zero visitors", []string{"-sandbox-visitors", "0"}, env(), `-sandbox-visitors "0": want a positive integer`},
		{"negative visitors", []string{"-sandbox-visitors", "-3"}, env(), `-sandbox-visitors "-3": want a positive integer`},
		{"visitors not a number", []string{"-sandbox-visitors", "lots"}, env(), `-sandbox-visitors "lots": want a positive integer`},
		{"visitors a fraction", []string{"-sandbox-visitors", "1.5"}, env(), `-sandbox-visitors "1.5": want a positive integer`},
		{"visitors overflow", []string{"-sandbox-visitors", "99999999999999999999"}, env(), `-sandbox-visitors "99999999999999999999": want a positive integer`},
		{"bad env visitors", nil, env("JIRA_AUTH_LAB_SANDBOX_VISITORS", "none"), `-sandbox-visitors "none": want a positive integer`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFlags(tt.args, tt.env, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseFlags(%q) error = %v; want one mentioning %q", tt.args, err, tt.wantErr)
			}
		})
	}
}

// A password typed into a flag by mistake is never echoed: not in the
// error, not in the usage text the flag package prints on a bad value.
func TestParseFlagsNeverEchoPasswords(t *testing.T) {
	const secret = "S3cretPW"
	tests := []struct {
		name string
		args []string
		env  func(string) string
	}{
		{"upstream URL with credentials", []string{"-upstream", "prod=https://fred:" + secret + "@jira.example.com"}, env()},
		{"upstream without a scheme", []string{"-upstream", "prod=fred:" + secret + "@jira.example.com"}, env()},
		{"upstream without a name", []string{"-upstream", "https://fred:" + secret + "@jira.example.com"}, env()},
		{"upstream from the environment", nil, env("JIRA_AUTH_LAB_UPSTREAM", "a=http://x,prod=https://fred:"+secret+"@jira.example.com")},
		{"public URL with credentials", []string{"-public-url", "https://fred:" + secret + "@lab.example.com"}, env()},
		{"public URL that does not parse", []string{"-public-url", "https://fred:" + secret + "@lab example.com"}, env()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			_, err := ParseFlags(tt.args, tt.env, &out)
			if err == nil {
				t.Fatalf("ParseFlags(%q) accepted credentials", tt.args)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(out.String(), secret) {
				t.Errorf("the password is echoed:\nerror: %v\noutput: %s", err, out.String())
			}
		})
	}
}

func TestWithoutEnv(t *testing.T) {
	got := WithoutEnv([]string{"PATH=/bin", "JIRA_AUTH_LAB_ADDR=:1", "HOME=/root", "JIRA_AUTH_LAB_UPSTREAM=a=http://x", "JIRA_AUTH_LABX=1"})
	want := []string{"PATH=/bin", "HOME=/root", "JIRA_AUTH_LABX=1"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("WithoutEnv = %q; want %q", got, want)
	}
}
