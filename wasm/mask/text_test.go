package mask

import "testing"

func TestText(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"cookie line", "From now on the lab sends Cookie: JSESSIONID=6E3487971234567896704A9EB4AE501F with every call.",
			"From now on the lab sends Cookie: JSESSIONID=" + Secret + " with every call."},
		{"set-cookie", "Set-Cookie: JSESSIONID=ABC123; Path=/; HttpOnly", "Set-Cookie: JSESSIONID=" + Secret + "; Path=/; HttpOnly"},
		{"session json", `{"session":{"name":"JSESSIONID","value":"ABC"}}`, `{"session":{"name":"JSESSIONID","value":"` + Secret + `"}}`},
		{"basic", "Authorization: Basic ZnJlZDpmcmVk was sent", "Authorization: Basic " + Secret + " was sent"},
		{"bearer", "Authorization: Bearer NjQ0MjM2OTEzNzk2OqJk", "Authorization: Bearer " + Secret},
		{"placeholders stay", "Authorization: Bearer <token>, or Basic base64(user:password)", "Authorization: Bearer <token>, or Basic base64(user:password)"},
		{"other cookies stay", "atlassian.xsrf.token=BWP3; a=b", "atlassian.xsrf.token=BWP3; a=b"},
		{"renamed session cookie", "Cookie: SESSIONID=x1; JIRA_SESSIONID=y2", "Cookie: SESSIONID=" + Secret + "; JIRA_SESSIONID=" + Secret},
		{"cloud", "cloud.session.token=eyJraWQ", "cloud.session.token=" + Secret},
		{"plain prose", "Jira answered 401 = refused.", "Jira answered 401 = refused."},
		{"empty", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Text(c.in, false); got != c.want {
				t.Errorf("Text(%q) = %q; want %q", c.in, got, c.want)
			}
			if got := Text(c.in, true); got != c.in {
				t.Errorf("Text(%q, reveal) = %q; want it unchanged", c.in, got)
			}
		})
	}
}
