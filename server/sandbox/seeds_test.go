package sandbox

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// seedCommand is one curl command of a seed document, verbatim (the API
// reference seeds flatten their multi-line examples into one line with
// " \ " where the line breaks were), and the answer the document promises.
type seedCommand struct {
	seed string
	curl string
	// data is the body supplied where the seed's template leaves it out.
	data string
	// cookieFile marks seed 003's cookie file, which the SSO login provides.
	cookieFile bool
	want       want
}

var seedCommands = []seedCommand{
	{seed: "000", curl: `curl -D- -u fred:fred -X GET -H "Content-Type: application/json" http://kelpie9:8081/rest/api/2/issue/createmeta`,
		want: want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred", "X-Seraph-LoginReason": "OK", "Content-Type": jsonContentType},
			body: []string{`{"expand":"projects","projects":[{`, `"key":"QA"`, `"issuetypes":[{`}}},
	{seed: "000", curl: `curl -D- -X GET -H "Authorization: Basic ZnJlZDpmcmVk" -H "Content-Type: application/json" "http://kelpie9:8081/rest/api/2/issue/QA-31"`,
		want: want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred"}, body: []string{`"key":"QA-31"`, `"fields":{`}}},
	{seed: "002", curl: `curl --request GET \ --url 'http://{baseurl}/rest/auth/1/session' \ --user 'email@example.com:<api_token>' \ --header 'Accept: application/json'`,
		want: want{status: 200, body: []string{`"name":"fred"`, `"loginInfo":{`, `/rest/api/latest/user?username=fred"`}}},
	// "A POST without body is 400 whatever the credentials" ...
	{seed: "002", curl: `curl --request POST \ --url 'http://{baseurl}/rest/auth/1/session' \ --user 'email@example.com:<api_token>' \ --header 'Accept: application/json' \ --header 'Content-Type: application/json'`,
		want: want{status: 400}},
	// ... and with the credentials supplied, the documented AuthSuccess.
	{seed: "002", curl: `curl --request POST \ --url 'http://{baseurl}/rest/auth/1/session' \ --user 'email@example.com:<api_token>' \ --header 'Accept: application/json' \ --header 'Content-Type: application/json'`,
		data: `{"username":"fred","password":"fred"}`,
		want: want{status: 200, match: map[string]string{"Set-Cookie": `^JSESSIONID=[0-9A-F]{32}; Path=/(jira)?; HttpOnly$`},
			body: []string{`{"session":{"name":"JSESSIONID","value":"`, `"loginInfo":{`}}},
	{seed: "002", curl: `curl --request DELETE \ --url 'http://{baseurl}/rest/auth/1/session' \ --user 'email@example.com:<api_token>'`,
		want: want{status: 204, headers: map[string]string{"X-Seraph-LoginReason": "OUT"}}},
	{seed: "003", curl: `curl -b path/of/file/cookie.txt -H "Content-Type: application/json"  -X GET https://example.atlassian.net/rest/api/2/issue/TEST-1`,
		cookieFile: true,
		want:       want{status: 200, headers: map[string]string{"X-AUSERNAME": "sso-user"}, body: []string{`"key":"TEST-1"`}}},
	{seed: "004", curl: `curl --request GET \ --url 'http://{baseurl}/rest/api/2/password/policy' \ --user 'email@example.com:<api_token>' \ --header 'Accept: application/json'`,
		want: want{status: 200, body: []string{`["The password must have at least 10 characters."`, `"The password must not be similar to the user's name or email address."]`}}},
	{seed: "004", curl: `curl --request POST \ --url 'http://{baseurl}/rest/api/2/password/policy/createUser' \ --user 'email@example.com:<api_token>' \ --header 'Accept: application/json' \ --header 'Content-Type: application/json'`,
		data: `{"username":"newbie","displayName":"New Bie","emailAddress":"newbie@example.com","password":"newbie1"}`,
		want: want{status: 200, body: []string{`["The password must have at least 10 characters."`, `"The password must not be similar to the user's name or email address."`}}},
	{seed: "004", curl: `curl --request POST \ --url 'http://{baseurl}/rest/api/2/password/policy/updateUser' \ --user 'email@example.com:<api_token>' \ --header 'Accept: application/json' \ --header 'Content-Type: application/json'`,
		data: `{"username":"fred","oldPassword":"Str0ng&Secret","newPassword":"Str0ng&Secret"}`,
		want: want{status: 200, body: []string{`["The password must be different from the old password."]`}}},
}

// seedCommandOf returns the first command of a seed.
func seedCommandOf(t *testing.T, seed string) seedCommand {
	for _, sc := range seedCommands {
		if sc.seed == seed {
			return sc
		}
	}
	t.Fatalf("no command of seed %s", seed)
	return seedCommand{}
}

// adaptSeed points a seed's curl command at the sandbox: host, scheme and
// context path, fred:fred for placeholder credentials, the cookie file, and
// the body where the template has none. It returns curl's arguments.
func adaptSeed(t *testing.T, sc seedCommand, base, cookieFile string) []string {
	t.Helper()
	cmd := strings.ReplaceAll(sc.curl, ` \ `, " ")
	r := strings.NewReplacer(
		"http://kelpie9:8081", base,
		"http://{baseurl}", base,
		"https://example.atlassian.net", base,
		"email@example.com:<api_token>", "fred:fred",
		"path/of/file/cookie.txt", cookieFile,
	)
	args, err := shellWords(r.Replace(cmd))
	if err != nil || len(args) == 0 || args[0] != "curl" {
		t.Fatalf("cannot split %q: %v", cmd, err)
	}
	args = args[1:]
	if sc.data != "" {
		args = append(args, "--data", sc.data)
	}
	return args
}

// shellWords splits a command line as a POSIX shell would (quotes and
// backslashes; no expansions).
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case ch == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, io.ErrUnexpectedEOF
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case ch == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, io.ErrUnexpectedEOF
			}
			inWord = true
		case ch == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		default:
			cur.WriteByte(ch)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// runner executes curl arguments and returns the response.
type runner struct {
	name string
	run  func(t *testing.T, args []string) resp
}

// runners are net/http (always) and the real curl (when installed).
func runners(t *testing.T) []runner {
	rs := []runner{{"net/http", runHTTP}}
	if _, err := exec.LookPath("curl"); err == nil {
		rs = append(rs, runner{"curl", runCurl})
	} else {
		t.Log("curl is not installed: running only the net/http equivalent")
	}
	return rs
}

// runCurl runs the real curl with args, adding only output options.
func runCurl(t *testing.T, args []string) resp {
	t.Helper()
	return runCurlIn(t, "", args)
}

// runCurlIn runs curl in the working directory dir ("" = the test's).
func runCurlIn(t *testing.T, dir string, args []string) resp {
	t.Helper()
	out := t.TempDir()
	bodyFile, headerFile := filepath.Join(out, "body"), filepath.Join(out, "headers")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	full := append(append([]string{}, args...), "-sS", "-o", bodyFile, "-D", headerFile, "-w", "%{http_code}")
	cmd := exec.CommandContext(ctx, "curl", full...)
	cmd.Dir = dir
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("curl %q: %v (%s)", full, err, stdout)
	}
	status, _ := strconv.Atoi(strings.TrimSpace(string(stdout)))
	body, _ := os.ReadFile(bodyFile)
	raw, _ := os.ReadFile(headerFile)
	// The last header block is the final response's.
	blocks := strings.Split(strings.TrimSpace(strings.ReplaceAll(string(raw), "\r\n", "\n")), "\n\n")
	tp := textproto.NewReader(bufio.NewReader(strings.NewReader(blocks[len(blocks)-1] + "\n\n")))
	tp.ReadLine() // status line
	hdr, err := tp.ReadMIMEHeader()
	if err != nil && err != io.EOF {
		t.Fatalf("curl headers %q: %v", raw, err)
	}
	return resp{status: status, header: http.Header(hdr), body: string(body)}
}

// runHTTP does with net/http what curl would do with args: the options the
// seeds use (-D, -u/--user, -X/--request, -H/--header, --url, -b/--cookie,
// -c/--cookie-jar, -d/--data, -s/-S). Any other option fails the test, so the
// two runners cannot silently diverge.
func runHTTP(t *testing.T, args []string) resp {
	t.Helper()
	var method, target, user, data, cookieArg string
	hasData := false
	header := http.Header{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() string {
			i++
			if i >= len(args) {
				t.Fatalf("option %s needs a value", a)
			}
			return args[i]
		}
		switch a {
		case "-D", "--dump-header", "-c", "--cookie-jar":
			next()
		case "-D-", "-s", "-S", "-sS":
		case "-u", "--user":
			user = next()
		case "-X", "--request":
			method = next()
		case "-H", "--header":
			k, v, _ := strings.Cut(next(), ":")
			header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
		case "--url":
			target = next()
		case "-b", "--cookie":
			cookieArg = next()
		case "-d", "--data", "--data-raw":
			data, hasData = next(), true
		default:
			if strings.HasPrefix(a, "-") {
				t.Fatalf("runHTTP does not know curl option %q", a)
			}
			target = a
		}
	}
	if method == "" {
		method = "GET"
		if hasData {
			method = "POST"
		}
	}
	var body io.Reader
	if hasData {
		body = strings.NewReader(data)
		if header.Get("Content-Type") == "" {
			header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	r, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatalf("request %s %s: %v", method, target, err)
	}
	r.Header = header
	if user != "" {
		u, p, _ := strings.Cut(user, ":")
		r.SetBasicAuth(u, p)
	}
	switch {
	case strings.Contains(cookieArg, "="):
		r.Header.Set("Cookie", cookieArg)
	case cookieArg != "":
		for _, c := range readCookieFile(t, cookieArg) {
			r.AddCookie(c)
		}
	}
	res, err := noRedirect.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: string(b)}
}

// readCookieFile reads a Netscape cookie file as curl -b does.
func readCookieFile(t *testing.T, path string) []*http.Cookie {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("cookie file: %v", err)
	}
	var out []*http.Cookie
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimPrefix(strings.TrimSpace(line), "#HttpOnly_")
		f := strings.Split(line, "\t")
		if strings.HasPrefix(line, "#") || len(f) != 7 {
			continue
		}
		out = append(out, &http.Cookie{Name: f[5], Value: f[6]})
	}
	return out
}

// ssoCookieFile walks the SSO login with net/http and writes the cookies.txt
// the final page shows, as a user would save it from the browser.
func ssoCookieFile(t *testing.T, h *harness) string {
	t.Helper()
	idp := attr(t, h.do(req{path: "/login.jsp"}).body, "sso-link", "href")
	action := attr(t, h.do(req{path: h.relative(t, idp)}).body, "idp-form", "action")
	done := h.do(formPost(h.relative(t, action), "username=sso-user"))
	path := filepath.Join(t.TempDir(), "cookie.txt")
	if err := os.WriteFile(path, []byte(text(t, done.body, "sso-cookie-file")), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSeedCurlCommands runs every curl command of the seeds against the
// sandbox, at its root and under /jira, with net/http and the real curl.
func TestSeedCurlCommands(t *testing.T) {
	for _, rn := range runners(t) {
		for _, prefix := range []string{"", "/jira"} {
			h := newHarness(t, Options{})
			cookieFile := ssoCookieFile(t, h)
			for _, sc := range seedCommands {
				args := adaptSeed(t, sc, h.srv.URL+prefix, cookieFile)
				res := rn.run(t, args)
				sc.want.check(t, rn.name+" "+prefix+" seed "+sc.seed+": "+strings.Join(args, " "), res)
				if ct := res.header.Get("Cache-Control"); ct != "no-cache, no-store, no-transform" {
					t.Errorf("%s seed %s: Cache-Control %q", rn.name, sc.seed, ct)
				}
			}
		}
	}
}

// TestSeed001ExampleCode follows seed 001's steps: POST the credentials to the
// session resource under /jira, build the cookie from the session object,
// and POST the search of the Node.js example with it. Then let it expire.
func TestSeed001ExampleCode(t *testing.T) {
	for _, rn := range runners(t) {
		h := newHarness(t, Options{})
		base := h.srv.URL + "/jira" // http://jira.example.com:8090/jira, http://localhost:8090/jira
		res := rn.run(t, []string{"-X", "POST", "-H", "Content-Type: application/json",
			"-d", `{ "username": "fred", "password": "fred" }`, base + "/rest/auth/1/session"})
		want{status: 200}.check(t, rn.name+" step 1", res)
		var data struct{ Session struct{ Name, Value string } }
		res.decode(t, &data)
		// The cookie is rooted at the context path (Path=/jira, JIRA-FACTS.md).
		if want := data.Session.Name + "=" + data.Session.Value + "; Path=/jira; HttpOnly"; res.header.Get("Set-Cookie") != want {
			t.Errorf("%s: Set-Cookie %q; want %q (the cookie equals the session object)", rn.name, res.header.Get("Set-Cookie"), want)
		}
		cookie := data.Session.Name + "=" + data.Session.Value // session.name + '=' + session.value
		search := []string{"-X", "POST", "-b", cookie, "-H", "Content-Type: application/json",
			"-d", `{"jql":"type=Bug AND status=Closed"}`, base + "/rest/api/2/search"}
		res = rn.run(t, search)
		want{status: 200, headers: map[string]string{"X-AUSERNAME": "fred"}, body: []string{`"total":3`, `"key":"QA-29"`}}.check(t, rn.name+" step 2", res)

		// "If you use REST with a cookie that has expired, you will receive a 401."
		h.clock.Advance(defaultIdleTimeout)
		res = rn.run(t, []string{"-b", cookie, base + "/rest/api/2/myself"})
		want{status: 401}.check(t, rn.name+" expired cookie", res)
		res = rn.run(t, []string{"-b", cookie, base + "/rest/auth/1/session"})
		want{status: 401, body: []string{"You are not authenticated"}}.check(t, rn.name+" expired cookie, session resource", res)

		// CAPTCHA: "you cannot use Jira's REST API to authenticate" once triggered.
		for range 3 {
			rn.run(t, []string{"-X", "POST", "-H", "Content-Type: application/json", "-d", `{"username":"fred","password":"no"}`, base + "/rest/auth/1/session"})
		}
		res = rn.run(t, []string{"-X", "POST", "-H", "Content-Type: application/json", "-d", `{"username":"fred","password":"fred"}`, base + "/rest/auth/1/session"})
		want{status: 403, headers: map[string]string{"X-Seraph-LoginReason": "AUTHENTICATION_DENIED",
			"X-Authentication-Denied-Reason": "CAPTCHA_CHALLENGE; login-url=" + base + "/login.jsp"}}.check(t, rn.name+" CAPTCHA", res)

		// Form token checking: attachments with a session cookie need the header.
		sid := h.login("admin", "admin")
		file := filepath.Join(t.TempDir(), "note.txt")
		os.WriteFile(file, []byte("hello"), 0o600)
		if rn.name == "curl" {
			attach := []string{"-X", "POST", "-b", "JSESSIONID=" + sid, "-F", "file=@" + file, base + "/rest/api/2/issue/TEST-1/attachments"}
			want{status: 403, body: []string{"XSRF check failed"}}.check(t, "curl attachment without token", runCurl(t, attach))
			attach = append(attach, "-H", "X-Atlassian-Token: no-check")
			want{status: 200, body: []string{`"filename":"note.txt"`, `"size":5`}}.check(t, "curl attachment with token", runCurl(t, attach))
		}
	}
}

// TestSeed003CookieJarWalk walks the simulated SSO login with curl -c jar -b
// jar, as a script would, and then uses the jar for seed 003's REST call.
func TestSeed003CookieJarWalk(t *testing.T) {
	h := newHarness(t, Options{})
	jarFile := filepath.Join(t.TempDir(), "jar")
	walkCurl := func(args ...string) resp { return runCurl(t, append([]string{"-c", jarFile, "-b", jarFile}, args...)) }

	// net/http with a cookie jar, the same steps.
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: noRedirect.CheckRedirect}
	fetch := func(r *http.Request) resp {
		res, err := client.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return resp{status: res.StatusCode, header: res.Header, body: string(b)}
	}
	walkHTTP := func(args ...string) resp {
		if args[0] == "-d" {
			r, _ := http.NewRequest("POST", args[2], strings.NewReader(args[1]))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return fetch(r)
		}
		r, _ := http.NewRequest("GET", args[0], nil)
		return fetch(r)
	}
	// A walker does the steps (a URL, or "-d", form, URL) and then seed 003's call.
	type walker struct {
		name string
		walk func(args ...string) resp
		then func() resp
	}
	walks := []walker{
		{"net/http", walkHTTP, func() resp {
			r, _ := http.NewRequest("GET", h.srv.URL+"/rest/api/2/issue/TEST-1", nil)
			r.Header.Set("Content-Type", "application/json")
			return fetch(r)
		}},
	}
	if _, err := exec.LookPath("curl"); err == nil {
		walks = append(walks, walker{"curl", walkCurl, func() resp {
			// Seed 003's command, verbatim but for the host and the file.
			return runCurl(t, adaptSeed(t, seedCommandOf(t, "003"), h.srv.URL, jarFile))
		}})
	} else {
		t.Log("curl is not installed: walking with net/http only")
	}
	for _, w := range walks {
		login := w.walk(h.srv.URL + "/login.jsp")
		idp := w.walk(attr(t, login.body, "sso-link", "href"))
		done := w.walk("-d", "username="+attr(t, idp.body, "idp-username", "value"), attr(t, idp.body, "idp-form", "action"))
		want{status: 200, body: []string{`id="sso-cookie">JSESSIONID=`}}.check(t, w.name+" sso page", done)
		res := w.then()
		want{status: 200, headers: map[string]string{"X-AUSERNAME": "sso-user"}, body: []string{`"key":"TEST-1"`}}.check(t, w.name+" TEST-1 with the jar", res)
	}
}

// TestSeedsAreCovered checks, when the seed documents are at hand, that every
// curl command in them is in seedCommands.
func TestSeedsAreCovered(t *testing.T) {
	dir := os.Getenv("JIRA_LAB_SEEDS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "seeds")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) == 0 {
		t.Skipf("no seed documents in %s (set JIRA_LAB_SEEDS)", dir)
	}
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	known := map[string]bool{}
	for _, sc := range seedCommands {
		known[norm(sc.curl)] = true
	}
	curlAt := regexp.MustCompile(`curl -`)
	found := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(raw), "\n") {
			loc := curlAt.FindStringIndex(line)
			if loc == nil {
				continue
			}
			found++
			if cmd := norm(line[loc[0]:]); !known[cmd] {
				t.Errorf("%s: curl command not tested: %s", filepath.Base(f), cmd)
			}
		}
	}
	if found != 9 {
		t.Errorf("found %d curl commands in the seeds; the table was written for 9", found)
	}
}

// TestSectionExamples runs every curl line of the README's "Sandbox Jira"
// section, in order, against
// one sandbox (the documented http://127.0.0.1:8090 replaced by the test
// server's address), and checks the status each line's "# → NNN" promises.
func TestSectionExamples(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed; the same flows are covered with net/http above")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Sandbox Jira\n")
	if !ok {
		t.Fatal(`README.md has no "## Sandbox Jira" section`)
	}
	raw, _, _ := strings.Cut(section, "\n## ")
	h := newHarness(t, Options{})
	dir := t.TempDir()
	statusNote := regexp.MustCompile(`\s+# → (\d{3})\s*$`)
	n := 0
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "curl ") {
			continue
		}
		m := statusNote.FindStringSubmatchIndex(line)
		if m == nil {
			t.Errorf("README line has no \"# → status\": %s", line)
			continue
		}
		wantStatus, _ := strconv.Atoi(line[m[2]:m[3]])
		cmd := strings.ReplaceAll(line[:m[0]], "http://127.0.0.1:8090", h.srv.URL)
		args, err := shellWords(cmd)
		if err != nil {
			t.Fatalf("split %q: %v", cmd, err)
		}
		res := runCurlIn(t, dir, args[1:])
		want{status: wantStatus}.check(t, "SECTION.md: "+line, res)
		n++
	}
	if n < 15 {
		t.Errorf("ran %d curl lines of SECTION.md; want the whole set", n)
	}
}
