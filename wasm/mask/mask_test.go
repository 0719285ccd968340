package mask

import (
	"strings"
	"testing"
)

func TestBody(t *testing.T) {
	tests := []struct {
		name, contentType, body, want string
	}{
		{"login", "application/json", `{"username":"fred","password":"fred"}`,
			"{\n  \"username\": \"fred\",\n  \"password\": \"" + Secret + "\"\n}"},
		{"key order kept", "application/json", `{"z":1,"password":"x","a":2}`,
			"{\n  \"z\": 1,\n  \"password\": \"" + Secret + "\",\n  \"a\": 2\n}"},
		{"update user", "application/json;charset=UTF-8", `{"username":"fred","oldPassword":"old","newPassword":"new"}`,
			"{\n  \"username\": \"fred\",\n  \"oldPassword\": \"" + Secret + "\",\n  \"newPassword\": \"" + Secret + "\"\n}"},
		{"case-insensitive and nested", "application/json", `{"a":{"PASSWORD":"x","list":[{"Token":"t"},{"rawToken":"r"}]}}`,
			"{\n  \"a\": {\n    \"PASSWORD\": \"" + Secret + "\",\n    \"list\": [\n      {\n        \"Token\": \"" + Secret + "\"\n      },\n      {\n        \"rawToken\": \"" + Secret + "\"\n      }\n    ]\n  }\n}"},
		{"secret object and array", "application/json", `{"token":{"a":"b"},"password":[1,2],"x":"y"}`,
			"{\n  \"token\": \"" + Secret + "\",\n  \"password\": \"" + Secret + "\",\n  \"x\": \"y\"\n}"},
		{"secret number", "application/json", `{"password":12345}`, "{\n  \"password\": \"" + Secret + "\"\n}"},
		{"empty password shown", "application/json", `{"username":"fred","password":""}`,
			"{\n  \"username\": \"fred\",\n  \"password\": \"\"\n}"},
		{"null shown", "", `{"password":null}`, "{\n  \"password\": null\n}"},
		{"value named password is not a key", "application/json", `{"field":"password","list":["token"]}`,
			"{\n  \"field\": \"password\",\n  \"list\": [\n    \"token\"\n  ]\n}"},
		{"escapes and spacing kept", "application/json", "{ \"p\\u0061ssword\" : \"a\\\"b\" , \"n\":\"<&>\"}",
			"{\n  \"p\\u0061ssword\": \"" + Secret + "\",\n  \"n\": \"<&>\"\n}"},
		{"no content type but JSON", "", `{"password":"x"}`, "{\n  \"password\": \"" + Secret + "\"\n}"},
		{"array top level", "application/json", `[{"password":"x"}]`, "[\n  {\n    \"password\": \"" + Secret + "\"\n  }\n]"},
		{"websudo form", "application/x-www-form-urlencoded", "webSudoPassword=admin&webSudoDestination=%2Fsecure",
			"webSudoPassword=" + Secret + "&webSudoDestination=%2Fsecure"},
		{"login.jsp form", "application/x-www-form-urlencoded; charset=UTF-8", "os_username=fred&os_password=fred&os_captcha=kelpie",
			"os_username=fred&os_password=" + Secret + "&os_captcha=kelpie"},
		{"form escaped key", "application/x-www-form-urlencoded", "pass%77ord=x&a", "pass%77ord=" + Secret + "&a"},
		{"form empty secret", "application/x-www-form-urlencoded", "password=&u=1", "password=&u=1"},
		{"plain text", "text/plain", "password=fred", "password=fred"},
		{"invalid JSON unchanged", "application/json", `{"password":"x"`, `{"password":"x"`},
		{"empty", "application/json", "", ""},
		{"multipart unchanged", "multipart/form-data; boundary=x", "--x\r\n\r\npassword\r\n--x--", "--x\r\n\r\npassword\r\n--x--"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Body(tt.contentType, tt.body); got != tt.want {
				t.Errorf("Body(%q, %q) = %q; want %q", tt.contentType, tt.body, got, tt.want)
			}
		})
	}
}

func TestHeader(t *testing.T) {
	tests := []struct {
		name, header, value, want string
	}{
		{"basic", "Authorization", "Basic ZnJlZDpmcmVk", "Basic " + Secret},
		{"bearer lower case", "authorization", "Bearer NjE2ODk", "Bearer " + Secret},
		{"no scheme", "Authorization", "ZnJlZDpmcmVk", Secret},
		{"empty", "Authorization", "", ""},
		{"cookie", "Cookie", "JSESSIONID=6E34; atlassian.xsrf.token=T_lin", "JSESSIONID=" + Secret + "; atlassian.xsrf.token=" + Secret},
		{"lab cookie", "X-Jira-Cookie", "JSESSIONID=6E34", "JSESSIONID=" + Secret},
		{"cookie without name", "cookie", "6E34", Secret},
		{"other", "Content-Type", "application/json", "application/json"},
		{"token header", "X-Atlassian-Token", "no-check", "no-check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Header(tt.header, tt.value); got != tt.want {
				t.Errorf("Header(%q, %q) = %q; want %q", tt.header, tt.value, got, tt.want)
			}
		})
	}
}

func TestPrettyJSON(t *testing.T) {
	tests := []struct {
		name, body, want string
		ok               bool
	}{
		{"object", `{"b":1,"a":[true,null]}`, "{\n  \"b\": 1,\n  \"a\": [\n    true,\n    null\n  ]\n}", true},
		{"empty array", " [] \n", "[]", true},
		{"not json", "XSRF check failed", "", false},
		{"html", "<html></html>", "", false},
		{"empty", "", "", false},
		{"truncated", `{"a":`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := PrettyJSON(tt.body)
			if got != tt.want || ok != tt.ok {
				t.Errorf("PrettyJSON(%q) = %q, %v; want %q, %v", tt.body, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzBody(f *testing.F) {
	f.Add("application/json", `{"username":"fred","password":"secret-pw"}`)
	f.Add("application/json", `[{"a":{"token":["secret-pw"]}}]`)
	f.Add("application/x-www-form-urlencoded", "os_password=secret-pw&x=1")
	f.Add("", `{"password":"secret-pw" "x"}`)
	f.Fuzz(func(t *testing.T, contentType, body string) {
		got := Body(contentType, body)
		// A valid JSON body stays valid JSON, and its secret is gone.
		if _, ok := PrettyJSON(body); ok && strings.HasPrefix(strings.TrimSpace(body), "{") {
			if _, ok := PrettyJSON(got); !ok {
				t.Fatalf("Body(%q, %q) = %q; not JSON any more", contentType, body, got)
			}
		}
		if strings.Contains(body, `"password":"secret-pw"`) && strings.Contains(got, "secret-pw") && strings.Count(body, "secret-pw") == 1 {
			if _, ok := PrettyJSON(body); ok {
				t.Fatalf("Body(%q, %q) = %q; the password shows", contentType, body, got)
			}
		}
	})
}
