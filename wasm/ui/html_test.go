package ui

import "testing"

func TestAttrOfAndTextOf(t *testing.T) {
	page := `<p><a id="sso-link" href="http://127.0.0.1:8090/plugins/servlet/sso/login?a=1&amp;b=2">Log in</a></p>
<form id="idp-form" method="post" action="/jira/plugins/servlet/sso/login"><input id="idp-username" name="username" value="sso-user"></form>
<code id="sso-cookie">JSESSIONID=ABC</code>`
	tests := []struct {
		name, got, want string
	}{
		{"href unescaped", attrOf(page, `id="sso-link"`, "href"), "http://127.0.0.1:8090/plugins/servlet/sso/login?a=1&b=2"},
		{"action", attrOf(page, `id="idp-form"`, "action"), "/jira/plugins/servlet/sso/login"},
		{"value", attrOf(page, `id="idp-username"`, "value"), "sso-user"},
		{"missing attr", attrOf(page, `id="idp-username"`, "href"), ""},
		{"missing marker", attrOf(page, `id="nope"`, "href"), ""},
		{"text", textOf(page, `id="sso-cookie"`), "JSESSIONID=ABC"},
		{"no text", textOf(page, `id="nope"`), ""},
		{"truncated", attrOf(`<a id="x" href="abc`, `id="x"`, "href"), ""},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q; want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestUpstreamPath(t *testing.T) {
	tests := []struct {
		base, link, want string
		ok               bool
	}{
		{"http://127.0.0.1:8090", "http://127.0.0.1:8090/plugins/servlet/sso/login", "/plugins/servlet/sso/login", true},
		{"https://jira.example.com/jira/", "https://jira.example.com/jira/login.jsp", "/login.jsp", true},
		{"http://127.0.0.1:8090", "/login.jsp", "/login.jsp", true},
		{"http://127.0.0.1:8090", "http://evil.example/x", "", false},
		{"http://127.0.0.1:8090", "//evil.example/x", "", false},
		{"http://127.0.0.1:8090", "http://127.0.0.1:80901/x", "", false},
		{"http://127.0.0.1:8090", "", "", false},
	}
	for _, tt := range tests {
		got, ok := upstreamPath(tt.base, tt.link)
		if got != tt.want || ok != tt.ok {
			t.Errorf("upstreamPath(%q, %q) = %q, %v; want %q, %v", tt.base, tt.link, got, ok, tt.want, tt.ok)
		}
	}
}
