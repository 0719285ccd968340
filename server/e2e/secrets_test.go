package e2e

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Secrets never reach the server's output, nor the browser's storage: every
// flow runs once with secrets nobody else uses, then the lab's whole log and
// the page's storage are searched for them (issue 14, "Secrets").
func TestSecretsNeverLogged(t *testing.T) {
	lab, b := flowBrowser(t)
	const (
		wrongPassword   = "Wr0ng-Secret-Pw-7731"
		policyPassword  = "Zq9!vLm#Secret-2024x"
		basicPassword   = "Basic-Secret-Pw-4410"
		consolePassword = "Console-Secret-Pw-9921"
	)
	secrets := map[string]string{
		"wrong login password":  wrongPassword,
		"policy password":       policyPassword,
		"basic password":        basicPassword,
		"console password":      consolePassword,
		"basic header":          base64.StdEncoding.EncodeToString([]byte("fred:" + basicPassword)),
		"good basic header":     base64.StdEncoding.EncodeToString([]byte("fred:fred")),
		"fred's login password": `"password":"fred"`,
	}

	// Session: a failed login, a good one, who am I, search, log out.
	b.open(lab.Page("session"))
	b.login("fred", wrongPassword)
	b.login("fred", "fred")
	secrets["session cookie"] = b.sessionCookie()
	for _, id := range []string{"whoami", "search", "logout"} {
		before := b.exchanges()
		b.click(id)
		b.waitExchange(before + 1)
	}

	// SSO paste: the browser session's cookie pasted by hand.
	file := ssoCookieFile(t, lab.SandboxURL, b.visitor())
	b.setInput("cookie-paste", file)
	secrets["pasted cookie"] = b.sessionCookie()
	before := b.exchanges()
	b.click("whoami")
	b.waitExchange(before + 1)

	// Basic auth, right and wrong.
	b.click("nav-basic")
	b.waitJS("basic page", `document.getElementById('basic-send') !== null`)
	for _, pw := range []string{basicPassword, "fred"} {
		b.setInput("basic-username", "fred")
		b.setInput("basic-password", pw)
		before := b.exchanges()
		b.click("basic-send")
		b.waitExchange(before + 1)
	}

	// Password policy: the password typed is checked as it is typed.
	b.click("nav-password")
	b.waitText("policy", "at least 10 characters")
	b.setInput("pw-username", "fred")
	b.setInput("pw-new", policyPassword)
	b.waitText("pw-result", "passes")

	// The console, with the basic auth of the Basic auth page (fred:fred
	// by now) and a pasted curl carrying a password of its own.
	b.click("nav-console")
	b.waitJS("console page", `document.getElementById('console-send') !== null`)
	b.setInput("curl-import", "curl -u fred:"+consolePassword+" http://jira.example.com/rest/api/2/myself")
	b.click("curl-import-apply")
	b.waitJS("the form filled", `document.getElementById('console-auth').value === 'basic'`)
	before = b.exchanges()
	b.click("console-send")
	b.waitExchange(before + 1)

	// A personal access token, created and used through the proxy as a
	// page would.
	token := createToken(t, lab)
	secrets["token"] = token
	proxied(t, lab, "GET", "rest/api/2/myself", "", "Authorization", "Bearer "+token)

	var storage string
	b.eval(`JSON.stringify({local: {...localStorage}, session: {...sessionStorage}, cookie: document.cookie})`, &storage)
	logs := lab.Logs()
	for what, s := range secrets {
		if s == "" {
			t.Fatalf("the %s was not captured", what)
		}
		if strings.Contains(logs, s) {
			t.Errorf("the server's output holds the %s", what)
		}
		if strings.Contains(storage, s) {
			t.Errorf("the browser's storage holds the %s: %s", what, storage)
		}
	}
	if !strings.Contains(logs, "/rest/auth/1/session") {
		t.Fatalf("the server logged no request at all: the search above proves nothing\n%s", logs)
	}
}

// proxied sends one request through the lab's proxy to the sandbox, as the
// page does, and returns the body.
func proxied(t *testing.T, lab *labProcess, method, path, body string, header ...string) string {
	t.Helper()
	req, err := http.NewRequest(method, lab.URL+"proxy/sandbox/"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Jira-Lab", "1")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s = %d %s", method, path, resp.StatusCode, b)
	}
	return string(b)
}

// createToken creates fred's personal access token through the proxy.
func createToken(t *testing.T, lab *labProcess) string {
	t.Helper()
	body := proxied(t, lab, "POST", "rest/pat/latest/tokens", `{"name":"secrets test","expirationDuration":1}`,
		"Content-Type", "application/json", "Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("fred:fred")))
	var v struct {
		RawToken string `json:"rawToken"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil || v.RawToken == "" {
		t.Fatalf("token: %v %s", err, body)
	}
	return v.RawToken
}
