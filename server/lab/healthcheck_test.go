package lab

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The operations flags: -metrics-addr and -healthcheck.
func TestParseOpsFlags(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		env         func(string) string
		wantMetrics string
		wantHealth  string
	}{
		{"metrics off by default", nil, env(), "", ""},
		{"metrics flag", []string{"-metrics-addr", "127.0.0.1:9090"}, env(), "127.0.0.1:9090", ""},
		{"metrics from the environment", nil, env("JIRA_AUTH_LAB_METRICS_ADDR", "0.0.0.0:9090"), "0.0.0.0:9090", ""},
		{"metrics off spelled out", []string{"-metrics-addr", "OFF"}, env("JIRA_AUTH_LAB_METRICS_ADDR", "0.0.0.0:9090"), "", ""},
		{"healthcheck of the default address", []string{"-healthcheck"}, env(), "", "http://127.0.0.1:8080/readyz"},
		{"healthcheck of the address and base path from the environment", []string{"-healthcheck"},
			env("JIRA_AUTH_LAB_ADDR", "0.0.0.0:8080", "JIRA_AUTH_LAB_BASE_PATH", "/lab/"), "", "http://127.0.0.1:8080/lab/readyz"},
		{"healthcheck of an IPv6 any-address listener", []string{"-addr", "[::]:8080", "-healthcheck"}, env(), "", "http://[::1]:8080/readyz"},
		{"healthcheck of a host name", []string{"-addr", "localhost:8081", "-healthcheck"}, env(), "", "http://localhost:8081/readyz"},
		{"healthcheck of an empty host", []string{"-addr", ":8082", "-healthcheck"}, env(), "", "http://127.0.0.1:8082/readyz"},
		{"healthcheck URL after =", []string{"-healthcheck=http://127.0.0.1:9/readyz"}, env(), "", "http://127.0.0.1:9/readyz"},
		{"healthcheck URL as the argument", []string{"-healthcheck", "http://127.0.0.1:9/readyz"}, env(), "", "http://127.0.0.1:9/readyz"},
		{"healthcheck is never read from the environment", nil, env("JIRA_AUTH_LAB_HEALTHCHECK", "true"), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseFlags(tt.args, tt.env, io.Discard)
			if err != nil {
				t.Fatalf("ParseFlags(%q): %v", tt.args, err)
			}
			if cfg.MetricsAddr != tt.wantMetrics || cfg.HealthCheck != tt.wantHealth {
				t.Errorf("ParseFlags(%q): MetricsAddr %q, HealthCheck %q; want %q, %q",
					tt.args, cfg.MetricsAddr, cfg.HealthCheck, tt.wantMetrics, tt.wantHealth)
			}
		})
	}
}

func TestParseOpsFlagsErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     func(string) string
		wantErr string
	}{
		{"metrics address without a port", []string{"-metrics-addr", "9090"}, env(), "-metrics-addr"},
		{"metrics address from the environment", nil, env("JIRA_AUTH_LAB_METRICS_ADDR", "localhost"), "-metrics-addr"},
		{"healthcheck of a listener on port 0", []string{"-addr", "127.0.0.1:0", "-healthcheck"}, env(), "-healthcheck"},
		{"healthcheck URL without a scheme", []string{"-healthcheck=127.0.0.1:8080/readyz"}, env(), "-healthcheck"},
		{"healthcheck URL of another scheme", []string{"-healthcheck=ftp://127.0.0.1/readyz"}, env(), "-healthcheck"},
		{"two arguments after -healthcheck", []string{"-healthcheck", "http://a/readyz", "more"}, env(), "unexpected argument"},
		{"an argument without -healthcheck", []string{"http://a/readyz"}, env(), "unexpected argument"},
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

func TestCheckHealth(t *testing.T) {
	s := startTestServer(t, Config{SandboxAddr: "127.0.0.1:0", BasePath: "/lab"})
	redirect := httptest.NewServer(http.RedirectHandler(s.AppURL+"readyz", http.StatusFound))
	defer redirect.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/readyz"
	ln.Close()
	tests := []struct {
		name     string
		url      string
		draining bool
		wantErr  string // "" for healthy
	}{
		{"ready", s.AppURL + "readyz", false, ""},
		{"draining", s.AppURL + "readyz", true, "503"},
		{"outside the base path", strings.TrimSuffix(s.AppURL, "lab/") + "readyz", false, "404"},
		{"nothing listening", closed, false, "refused"},
		{"a redirect is not ready", redirect.URL, false, "302"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.draining.Store(tt.draining)
			defer s.draining.Store(false)
			err := CheckHealth(context.Background(), tt.url, 5*time.Second)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("CheckHealth(%s) = %v; want nil", tt.url, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("CheckHealth(%s) = %v; want an error mentioning %q", tt.url, err, tt.wantErr)
			}
		})
	}
}

// A lab that does not answer within the timeout is not healthy.
func TestCheckHealthTimeout(t *testing.T) {
	stuck := stuckServer(t)
	start := time.Now()
	err := CheckHealth(context.Background(), stuck.URL+"/readyz", 200*time.Millisecond)
	if err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("CheckHealth of a stuck server = %v after %s; want an error after about 200ms", err, time.Since(start))
	}
}
