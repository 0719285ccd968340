package lab

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"
)

// TestBehindHTTPSPortal: the lab behind a reverse proxy that terminates TLS
// for https://portal.example.com and forwards /lab/ with the browser's Host
// (deploy/nginx/jira-auth-lab.conf). Requests arrive as nginx sends them —
// plain HTTP on the lab's listener, Host and Origin naming the portal — and
// the Host and Origin checks must take the portal's https origin, and only
// it.
func TestBehindHTTPSPortal(t *testing.T) {
	public, err := url.Parse("https://portal.example.com")
	if err != nil {
		t.Fatal(err)
	}
	// Where the reverse proxy reaches the lab: its listener, not the public
	// name (which AppURL now says).
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := startTestServer(t, Config{Addr: addr, SandboxAddr: "127.0.0.1:0", BasePath: "/lab", PublicURL: public})
	if s.AppURL != "https://portal.example.com/lab/" {
		t.Errorf("AppURL = %q; want the public origin with the base path", s.AppURL)
	}
	listener := "http://" + addr
	tests := []struct {
		name       string
		path       string
		host       string
		origin     string
		wantStatus int
		wantCode   string // the proxy's error code, "" when Jira answered
	}{
		{"page under the portal's name", "/lab/session", "portal.example.com", "", 200, ""},
		{"page, port 443 spelled out", "/lab/session", "portal.example.com:443", "", 200, ""},
		{"proxy, the portal's https origin", "/lab/proxy/sandbox/rest/api/2/myself", "portal.example.com", "https://portal.example.com", 401, ""},
		{"proxy, the https origin with its default port", "/lab/proxy/sandbox/rest/api/2/myself", "portal.example.com", "https://portal.example.com:443", 401, ""},
		{"proxy, same name over plain http", "/lab/proxy/sandbox/rest/api/2/myself", "portal.example.com", "http://portal.example.com", 403, "foreign_origin"},
		{"proxy, same name on another port", "/lab/proxy/sandbox/rest/api/2/myself", "portal.example.com", "https://portal.example.com:8443", 403, "foreign_origin"},
		{"proxy, another page of the portal's domain", "/lab/proxy/sandbox/rest/api/2/myself", "portal.example.com", "https://wiki.portal.example.com", 403, "foreign_origin"},
		{"proxy, Host on http's port", "/lab/proxy/sandbox/rest/api/2/myself", "portal.example.com:80", "https://portal.example.com", 403, "foreign_host"},
		{"page, a rebinding name", "/lab/session", "evil.example", "", 403, "foreign_host"},
		{"proxy, a rebinding name", "/lab/proxy/sandbox/rest/api/2/myself", "evil.example", "https://evil.example", 403, "foreign_host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, listener+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = tt.host
			req.Header.Set("X-Jira-Lab", "1")
			req.Header.Set("X-Forwarded-Proto", "https")
			req.Header.Set("X-Forwarded-For", "203.0.113.7")
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d; want %d (%s)", resp.StatusCode, tt.wantStatus, body)
			}
			if tt.wantCode == "" {
				return
			}
			var e struct{ Error string }
			if err := json.Unmarshal(body, &e); err != nil || e.Error != tt.wantCode {
				t.Errorf("body %s; want error %q", body, tt.wantCode)
			}
		})
	}
}
