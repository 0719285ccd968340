package jira

import (
	"reflect"
	"strings"
	"testing"
)

func TestReadSession(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    string
		wantErr string
	}{
		{"seed 001", `{"session":{"name":"JSESSIONID","value":"6E3487971234567896704A9EB4AE501F"},"loginInfo":{"failedLoginCount":1,"loginCount":12}}`, "JSESSIONID=6E3487971234567896704A9EB4AE501F", ""},
		{"seed example name", `{"session":{"name":"example.cookie.name","value":"6E34"}}`, "example.cookie.name=6E34", ""},
		{"not json", `<html>`, "", "not the session JSON"},
		{"no session", `{"errorMessages":["Login failed"],"errors":{}}`, "", `no "session"`},
		{"empty value", `{"session":{"name":"JSESSIONID","value":""}}`, "", "lacks"},
		{"injection", `{"session":{"name":"JSESSIONID","value":"a\r\nX-Evil: 1"}}`, "", "cannot carry"},
		{"bad name", `{"session":{"name":"a b","value":"c"}}`, "", "cannot carry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ReadSession(tt.body)
			if tt.wantErr == "" {
				if err != nil || s.Cookie() != tt.want {
					t.Errorf("ReadSession(%q) = %q, %v; want %q", tt.body, s.Cookie(), err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ReadSession(%q) = %+v, %v; want an error containing %q", tt.body, s, err, tt.wantErr)
			}
		})
	}
}

func TestMessages(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string
	}{
		{"error messages", `{"errorMessages":["Login failed"],"errors":{}}`, []string{"Login failed"}},
		{"field errors sorted", `{"errorMessages":[],"errors":{"z":"last","a":"first","n":{"x":1}}}`, []string{"a: first", "n: {\"x\":1}", "z: last"}},
		{"rest plugin message", `{"message":"This resource requires WebSudo.","status-code":401}`, []string{"This resource requires WebSudo."}},
		{"not json", "XSRF check failed", nil},
		{"empty", "", nil},
		{"numbers in errors", `{"errors":{"n":3,"f":1.5,"b":true,"z":null}}`, []string{"b: true", "f: 1.5", "n: 3", "z: (none)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Messages(tt.body); !reflect.DeepEqual(got, tt.want) && len(got)+len(tt.want) > 0 {
				t.Errorf("Messages(%q) = %q; want %q", tt.body, got, tt.want)
			}
		})
	}
}

func TestLoginURL(t *testing.T) {
	tests := []struct{ name, denied, want string }{
		{"captcha", "CAPTCHA_CHALLENGE; login-url=http://127.0.0.1:8090/login.jsp", "http://127.0.0.1:8090/login.jsp"},
		{"spaces", " CAPTCHA_CHALLENGE ;  login-url= https://jira/jira/login.jsp ", "https://jira/jira/login.jsp"},
		{"none", "CAPTCHA_CHALLENGE", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LoginURL(tt.denied); got != tt.want {
				t.Errorf("LoginURL(%q) = %q; want %q", tt.denied, got, tt.want)
			}
		})
	}
}

func TestPathOnly(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/rest/api/2/search?jql=a", "/rest/api/2/search"},
		{"/rest/auth/1/session/", "/rest/auth/1/session"},
		{"/", "/"},
		{"/x#frag", "/x"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := PathOnly(tt.in); got != tt.want {
				t.Errorf("PathOnly(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCloudHost(t *testing.T) {
	tests := []struct {
		base, host string
		cloud      bool
	}{
		{"https://acme.atlassian.net", "acme.atlassian.net", true},
		{"https://ACME.Atlassian.NET:443/", "acme.atlassian.net", true},
		{"https://atlassian.net.evil.example", "atlassian.net.evil.example", false},
		{"http://127.0.0.1:8090", "127.0.0.1", false},
		{"::bad", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			host, cloud := CloudHost(tt.base)
			if cloud != tt.cloud || (cloud && host != tt.host) {
				t.Errorf("CloudHost(%q) = %q, %v; want %q, %v", tt.base, host, cloud, tt.host, tt.cloud)
			}
		})
	}
}

func TestBrowserAgent(t *testing.T) {
	tests := []struct {
		name, ua string
		want     bool
	}{
		{"chrome", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36", true},
		{"firefox", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", true},
		{"mozilla alone", "Mozilla/5.0", false},
		{"curl", "curl/8.5.0", false},
		{"go", "Go-http-client/1.1", false},
		{"lab", "JiraAuthLab/dev", false},
		{"python", "python-requests/2.31.0", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := BrowserAgent(tt.ua); got != tt.want {
				t.Errorf("BrowserAgent(%q) = %v; want %v", tt.ua, got, tt.want)
			}
		})
	}
}

func TestErrorPageReason(t *testing.T) {
	page := func(reason string) string {
		return `<html><head><title>Unauthorized (401)</title></head><body><div class="aui-message aui-message-warning warning">
<p>Encountered a <code>&quot;401 - Unauthorized&quot;</code> error while loading this page.</p>
<p>` + reason + `</p>
<p><a href="/secure/MyJiraHome.jspa">Go to Jira home</a></p>
</div></body></html>`
	}
	tests := []struct{ name, body, want string }{
		{"basic failure", page("Basic Authentication Failure - Reason : AUTHENTICATED_FAILED"), "Basic Authentication Failure - Reason : AUTHENTICATED_FAILED"},
		{"invalid cookie, escaped", page("os_authType was &#39;any&#39; and an invalid cookie was sent."), "os_authType was 'any' and an invalid cookie was sent."},
		{"no reason", page(""), ""},
		{"plain text", "XSRF check failed", ""},
		{"json", `{"errorMessages":[]}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorPageReason(tt.body); got != tt.want {
				t.Errorf("ErrorPageReason(%q) = %q; want %q", tt.body, got, tt.want)
			}
		})
	}
}

func TestSpelled(t *testing.T) {
	tests := []struct{ in, want string }{
		{"x-ausername", "X-AUSERNAME"},
		{"X-Ausername", "X-AUSERNAME"},
		{"x-seraph-loginreason", "X-Seraph-LoginReason"},
		{"x-authentication-denied-reason", "X-Authentication-Denied-Reason"},
		{"content-type", "content-type"},
		{"x-jira-set-cookie", "x-jira-set-cookie"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Spelled(tt.in); got != tt.want {
				t.Errorf("Spelled(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}
