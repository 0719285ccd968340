package curl

import (
	"net/url"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/cookies"
)

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://127.0.0.1:8090/rest/api/2/myself", "http://127.0.0.1:8090/rest/api/2/myself"},
		{"fred:fred", "fred:fred"},
		{"", "''"},
		{"Content-Type: application/json", "'Content-Type: application/json'"},
		{`{"jql":"a b"}`, `'{"jql":"a b"}'`},
		{"it's", `'it'\''s'`},
		{"two\nlines", "'two\nlines'"},
		{"ünïcode", "'ünïcode'"},
		{"$HOME `x` !", "'$HOME `x` !'"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Quote(tt.in); got != tt.want {
				t.Errorf("Quote(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestQuoteSurvivesTheShell: what Quote writes, a real shell reads back as
// the same single word.
func TestQuoteSurvivesTheShell(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, s := range []string{"", "a b", "it's", `"q"`, "two\nlines", "ünïcode €", "$HOME `id` \\ ! * ? [a] ~", "''''", "\t"} {
		out, err := exec.Command(sh, "-c", "printf %s "+Quote(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("sh read Quote(%q) = %s back as %q (%v)", s, Quote(s), out, err)
		}
	}
}

func login() contract.Exchange {
	return contract.Exchange{Method: "POST", Path: "/rest/auth/1/session", TargetURL: "http://127.0.0.1:8090",
		RequestHeader: []contract.Header{{Name: "Content-Type", Value: "application/json"}},
		RequestBody:   `{"username":"fred","password":"fred"}`}
}

func TestCommand(t *testing.T) {
	whoami := contract.Exchange{Method: "GET", Path: "/rest/auth/1/session", TargetURL: "http://127.0.0.1:8090/",
		RequestHeader: []contract.Header{{Name: "X-Jira-Cookie", Value: "JSESSIONID=6E34"}}}
	basic := contract.Exchange{Method: "GET", Path: "/rest/api/2/myself", TargetURL: "https://jira.example.com/jira",
		RequestHeader: []contract.Header{{Name: "Authorization", Value: "Basic ZnJlZDpmcmVk"}, {Name: "Accept", Value: "application/json"}}}
	browser := contract.Exchange{Method: "POST", Path: "/rest/api/2/search", TargetURL: "http://127.0.0.1:8090",
		RequestHeader: []contract.Header{{Name: "X-Jira-User-Agent", Value: "Mozilla/5.0 Chrome/126.0"}, {Name: "X-Jira-Lab", Value: "1"}}}
	// The lab's log of a built-in sandbox's exchange: the page sent its
	// visitor id, which the sandbox received as X-Sandbox-Visitor.
	visitor := []contract.Header{{Name: "X-Jira-Lab", Value: "1"}, {Name: contract.HeaderVisitor, Value: "0123456789abcdef0123456789abcdef"}}
	sandbox := contract.Exchange{Method: "GET", Path: "/rest/api/2/myself", TargetURL: "http://127.0.0.1:8090", Sandbox: true,
		RequestHeader: append([]contract.Header{{Name: "Authorization", Value: "Basic ZnJlZDpmcmVk"}}, visitor...)}
	cloud := contract.Exchange{Method: "GET", Path: "/rest/api/3/myself", TargetURL: "http://127.0.0.1:8090/cloud", Sandbox: true, RequestHeader: visitor}
	elsewhere := contract.Exchange{Method: "GET", Path: "/rest/api/2/myself", TargetURL: "https://jira.example.com", RequestHeader: visitor}
	opt := Options{UserAgent: "JiraAuthLab/dev"}
	reveal := Options{UserAgent: "JiraAuthLab/dev", Reveal: true}
	tests := []struct {
		name string
		x    contract.Exchange
		opt  Options
		want string
	}{
		{"login, masked", login(), opt,
			`curl -D- -c cookies.txt -X POST --data '{"username":"fred","password":"••••••"}' -H 'Content-Type: application/json' -A JiraAuthLab/dev http://127.0.0.1:8090/rest/auth/1/session`},
		{"login, revealed", login(), reveal,
			`curl -D- -c cookies.txt -X POST --data '{"username":"fred","password":"fred"}' -H 'Content-Type: application/json' -A JiraAuthLab/dev http://127.0.0.1:8090/rest/auth/1/session`},
		{"session cookie", whoami, reveal, `curl -D- -X GET -H 'Cookie: JSESSIONID=6E34' -A JiraAuthLab/dev http://127.0.0.1:8090/rest/auth/1/session`},
		{"session cookie, masked", whoami, opt, `curl -D- -X GET -H 'Cookie: JSESSIONID=••••••' -A JiraAuthLab/dev http://127.0.0.1:8090/rest/auth/1/session`},
		{"basic auth as -u", basic, reveal, `curl -D- -u fred:fred -X GET -H 'Accept: application/json' -A JiraAuthLab/dev https://jira.example.com/jira/rest/api/2/myself`},
		{"basic auth masked", basic, opt, `curl -D- -u 'fred:••••••' -X GET -H 'Accept: application/json' -A JiraAuthLab/dev https://jira.example.com/jira/rest/api/2/myself`},
		{"the page's User-Agent, no lab header", browser, reveal, `curl -D- -X POST -A 'Mozilla/5.0 Chrome/126.0' http://127.0.0.1:8090/rest/api/2/search`},
		{"sandbox: the visitor's state", sandbox, reveal,
			`curl -D- -u fred:fred -X GET -H 'X-Sandbox-Visitor: 0123456789abcdef0123456789abcdef' -A JiraAuthLab/dev http://127.0.0.1:8090/rest/api/2/myself`},
		{"sandbox, masked: the id is no secret", sandbox, opt,
			`curl -D- -u 'fred:••••••' -X GET -H 'X-Sandbox-Visitor: 0123456789abcdef0123456789abcdef' -A JiraAuthLab/dev http://127.0.0.1:8090/rest/api/2/myself`},
		{"the sandbox's Cloud face", cloud, reveal,
			`curl -D- -X GET -H 'X-Sandbox-Visitor: 0123456789abcdef0123456789abcdef' -A JiraAuthLab/dev http://127.0.0.1:8090/cloud/rest/api/3/myself`},
		{"another Jira never gets the id", elsewhere, reveal, `curl -D- -X GET -A JiraAuthLab/dev https://jira.example.com/rest/api/2/myself`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Command(tt.x, tt.opt); got != tt.want {
				t.Errorf("Command =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, cmd string
		want      Request
	}{
		{"seed 000", `curl -D- -u fred:fred -X GET -H "Content-Type: application/json" http://kelpie9:8081/rest/api/2/issue/createmeta`,
			Request{Method: "GET", URL: "http://kelpie9:8081/rest/api/2/issue/createmeta", User: "fred", Password: "fred", HasUser: true,
				Header: []contract.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "Authorization", Value: "Basic ZnJlZDpmcmVk"}}}},
		{"seed 001 login, continued lines", "curl -i -H \"Content-Type: application/json\" -X POST \\\n  -d '{\"username\":\"fred\",\"password\":\"fred\"}' \\\n  http://localhost:8080/jira/rest/auth/1/session",
			Request{Method: "POST", URL: "http://localhost:8080/jira/rest/auth/1/session", Body: `{"username":"fred","password":"fred"}`,
				Header: []contract.Header{{Name: "Content-Type", Value: "application/json"}}}},
		{"Chrome's copy as cURL", `curl 'http://127.0.0.1:8090/rest/api/2/search' -H 'accept: application/json' -H 'content-type: application/json' --data-raw $'{"jql":"it\'s"}' --compressed`,
			Request{Method: "POST", URL: "http://127.0.0.1:8090/rest/api/2/search", Body: `{"jql":"it's"}`,
				Header: []contract.Header{{Name: "accept", Value: "application/json"}, {Name: "content-type", Value: "application/json"}}}},
		{"-d without a type is a form", `curl -d a=1 -d b=2 https://j/x`, Request{Method: "POST", URL: "https://j/x", Body: "a=1&b=2",
			Header: []contract.Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}}}},
		{"-G puts data in the query", `curl -G -d jql=a https://j/rest/api/2/search`, Request{Method: "GET", URL: "https://j/rest/api/2/search?jql=a"}},
		{"cookie and glued -X", `curl -XDELETE -b 'JSESSIONID=6E34' http://j/rest/auth/1/session`, Request{Method: "DELETE", URL: "http://j/rest/auth/1/session",
			Header: []contract.Header{{Name: "Cookie", Value: "JSESSIONID=6E34"}}}},
		{"--json", `curl --json '{"a":1}' http://j/x`, Request{Method: "POST", URL: "http://j/x", Body: `{"a":1}`,
			Header: []contract.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "Accept", Value: "application/json"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.cmd)
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q) =\n%+v, %v\nwant\n%+v", tt.cmd, got, err, tt.want)
			}
		})
	}
}

func TestParseErrorsNameThePart(t *testing.T) {
	tests := []struct{ cmd, want string }{
		{"wget http://j/", "starts with curl"},
		{"curl -H", "-H needs a value"},
		{"curl --proxy http://p http://j/", "--proxy"},
		{"curl -d @body.json http://j/", "@body.json"},
		{"curl -b cookies.txt http://j/", "cookie file"},
		{"curl 'http://j/", "single quote"},
		{`curl "http://j/`, "double quote"},
		{"curl -X GET", "no URL"},
		{"curl ftp://j/x", "not an http"},
		{"curl -H nocolon http://j/", "has no name"},
		{"curl http://a/ http://b/", "Two URLs"},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			_, err := Parse(tt.cmd)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) error = %v; want one naming %q", tt.cmd, err, tt.want)
			}
		})
	}
}

// FuzzRoundTrip: what Command writes (revealed), Parse reads back as the
// same request; and Parse never panics on anything.
func FuzzRoundTrip(f *testing.F) {
	f.Add("POST", "/rest/auth/1/session", "Content-Type", "application/json", `{"username":"fred","password":"it's"}`)
	f.Add("GET", "/rest/api/2/search?jql=a%20b", "X-Jira-Cookie", "JSESSIONID=6E34", "")
	f.Add("PUT", "/x", "X-Atlassian-Token", "no-check", "line1\nline2 ü $HOME `id`")
	f.Fuzz(func(t *testing.T, method, path, hname, hvalue, body string) {
		_, _ = Parse("curl " + method + " " + path + " " + hvalue + " " + body) // never panics
		if method == "" || strings.ContainsAny(method, " \t\r\n'\"\\$`") || !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \t\r\n#") ||
			hname == "" || strings.ContainsAny(hname, ": \t\r\n'\"\\") || strings.ContainsAny(hvalue, "\r\n") ||
			strings.HasPrefix(body, "@") || strings.TrimSpace(hvalue) != hvalue || strings.EqualFold(hname, "Authorization") ||
			strings.EqualFold(hname, "X-Jira-Lab") || strings.EqualFold(hname, "X-Jira-User-Agent") || strings.EqualFold(hname, "X-Jira-Cookie") {
			return
		}
		if !cookies.ValidName(hname) { // a header name is a token, as a cookie name is
			return
		}
		if _, err := url.Parse("http://127.0.0.1:8090" + path); err != nil {
			return // not a path a page can send
		}
		x := contract.Exchange{Method: strings.ToUpper(method), Path: path, TargetURL: "http://127.0.0.1:8090",
			RequestHeader: []contract.Header{{Name: hname, Value: hvalue}}, RequestBody: body}
		cmd := Command(x, Options{Reveal: true})
		r, err := Parse(cmd)
		if err != nil {
			t.Fatalf("Parse(Command) = %v\n%s", err, cmd)
		}
		if r.Method != x.Method || r.Path() != x.Path && r.URL != x.TargetURL+x.Path || r.Body != body {
			t.Fatalf("round trip: %+v\nfrom %s", r, cmd)
		}
		if got := contract.HeaderValue(r.Header, hname); got != hvalue {
			t.Fatalf("round trip header %s = %q; want %q\n%s", hname, got, hvalue, cmd)
		}
	})
}
