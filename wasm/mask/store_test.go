package mask

import (
	"strings"
	"testing"

	"jiraauthlab/contract"
)

func TestForStorage(t *testing.T) {
	login := contract.Exchange{Method: "POST", Path: "/rest/auth/1/session",
		RequestHeader:  []contract.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "Authorization", Value: "Basic ZnJlZDpodW50ZXIy"}},
		RequestBody:    `{"username":"fred","password":"hunter2"}`,
		ResponseHeader: []contract.Header{{Name: "content-type", Value: "application/json"}, {Name: "x-jira-set-cookie", Value: "JSESSIONID=C00K1E; Path=/; HttpOnly, atlassian.xsrf.token=XSRFT0K; Path=/"}},
		ResponseBody:   `{"session":{"name":"JSESSIONID","value":"C00K1E"}}`}
	call := contract.Exchange{Method: "GET", Path: "/rest/api/2/myself",
		RequestHeader: []contract.Header{{Name: "X-Jira-Cookie", Value: "JSESSIONID=C00K1E"}, {Name: "Authorization", Value: "Bearer T0KEN"}}}
	token := contract.Exchange{Method: "POST", Path: "/rest/pat/latest/tokens",
		RequestHeader:  []contract.Header{{Name: "Content-Type", Value: "application/json"}},
		RequestBody:    `{"name":"x","expirationDuration":1}`,
		ResponseHeader: []contract.Header{{Name: "content-type", Value: "application/json"}},
		ResponseBody:   `{"id":1,"rawToken":"T0KEN"}`}
	tests := []struct {
		name       string
		x          contract.Exchange
		keep       bool
		gone, kept []string
	}{
		{"login, default", login, false, []string{"hunter2", "ZnJlZDpodW50ZXIy", "C00K1E", "XSRFT0K"}, []string{"fred", "JSESSIONID=", "HttpOnly"}},
		{"login, keeping cookies", login, true, []string{"hunter2", "ZnJlZDpodW50ZXIy"}, []string{"C00K1E", "XSRFT0K"}},
		{"a call, default", call, false, []string{"C00K1E", "T0KEN"}, []string{"JSESSIONID=", "Bearer"}},
		{"a call, keeping", call, true, nil, []string{"C00K1E", "Bearer T0KEN"}},
		{"a token created, default", token, false, []string{"T0KEN"}, []string{"rawToken"}},
		{"a token created, keeping", token, true, nil, []string{"T0KEN"}},
		{"a page showing its cookie", contract.Exchange{Method: "POST", Path: "/plugins/servlet/sso/login",
			ResponseHeader: []contract.Header{{Name: "content-type", Value: "text/html"}, {Name: "x-jira-set-cookie", Value: "JSESSIONID=0123456789ABCDEF; Path=/; HttpOnly"}},
			ResponseBody:   `<code id="sso-cookie">JSESSIONID=0123456789ABCDEF</code>`}, false,
			[]string{"0123456789ABCDEF"}, []string{`<code id="sso-cookie">JSESSIONID=`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ForStorage(tt.x, tt.keep)
			var all strings.Builder
			for _, h := range append(got.RequestHeader, got.ResponseHeader...) {
				all.WriteString(h.Name + ": " + h.Value + "\n")
			}
			all.WriteString(got.RequestBody + "\n" + got.ResponseBody)
			for _, s := range tt.gone {
				if strings.Contains(all.String(), s) {
					t.Errorf("kept %q:\n%s", s, all.String())
				}
			}
			for _, s := range tt.kept {
				if !strings.Contains(all.String(), s) {
					t.Errorf("lost %q:\n%s", s, all.String())
				}
			}
		})
	}
	if login.RequestBody != `{"username":"fred","password":"hunter2"}` {
		t.Error("ForStorage changed the exchange it was given")
	}
}

func TestCompactAndSetCookie(t *testing.T) {
	compact := []struct{ name, ct, body, want string }{
		{"secret, one line", "application/json", `{"username":"fred", "password":"x"}`, `{"username":"fred","password":"` + Secret + `"}`},
		{"nothing to hide, bytes kept", "application/json", "{ \"jql\" : \"a\" }", "{ \"jql\" : \"a\" }"},
		{"form", "application/x-www-form-urlencoded", "os_username=fred&os_password=x", "os_username=fred&os_password=" + Secret},
	}
	for _, tt := range compact {
		t.Run(tt.name, func(t *testing.T) {
			if got := Compact(tt.ct, tt.body); got != tt.want {
				t.Errorf("Compact(%q) = %q; want %q", tt.body, got, tt.want)
			}
		})
	}
	setCookie := []struct{ in, want string }{
		{"JSESSIONID=A1; Path=/; HttpOnly", "JSESSIONID=" + Secret + "; Path=/; HttpOnly"},
		{"a=1", "a=" + Secret},
		{"empty=; Path=/", "empty=; Path=/"},
	}
	for _, tt := range setCookie {
		t.Run(tt.in, func(t *testing.T) {
			if got := SetCookie(tt.in); got != tt.want {
				t.Errorf("SetCookie(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
	if got := maskSetCookies("a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/, b=2"); got != "a="+Secret+"; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/, b="+Secret {
		t.Errorf("maskSetCookies kept a value or broke Expires: %q", got)
	}
}
