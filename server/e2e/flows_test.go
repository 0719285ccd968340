package e2e

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

var cookieLine = regexp.MustCompile(`^Cookie: JSESSIONID=([0-9A-F]{32})$`)

func TestSessionLoginWhoamiSearchLogout(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("session"))
	x := b.login("fred", "fred")
	if !strings.Contains(x, "POST") || !strings.Contains(x, "/rest/auth/1/session") || !strings.Contains(x, "200") {
		t.Errorf("newest exchange = %q; want the 200 POST /rest/auth/1/session", x)
	}
	if strings.Contains(x, `"password": "fred"`) || !strings.Contains(x, "••••••") {
		t.Errorf("the log shows the password: %q", x)
	}
	b.waitText("session-json", `"JSESSIONID"`)
	sessionJSON := b.text("session-json")
	for _, want := range []string{`"session": {`, `"loginInfo": {`, `"failedLoginCount"`} {
		if !strings.Contains(sessionJSON, want) {
			t.Errorf("#session-json lacks %s (pretty-printed JSON as Jira returned it): %s", want, sessionJSON)
		}
	}
	setCookie := strings.Split(strings.TrimSpace(b.text("set-cookie")), "\n")
	if len(setCookie) != 2 || !strings.HasPrefix(setCookie[0], "Set-Cookie: JSESSIONID=") || !strings.Contains(setCookie[0], "HttpOnly") ||
		!strings.HasPrefix(setCookie[1], "Set-Cookie: atlassian.xsrf.token=") {
		t.Errorf("#set-cookie = %q; want both Set-Cookie lines with their attributes", setCookie)
	}
	m := cookieLine.FindStringSubmatch(strings.TrimSpace(b.text("cookie-header")))
	if m == nil || !strings.Contains(sessionJSON, `"value": "`+m[1]+`"`) {
		t.Fatalf("#cookie-header = %q; want Cookie: JSESSIONID=<session.value>", b.text("cookie-header"))
	}

	b.click("whoami")
	if x := b.waitExchange(2); !strings.Contains(x, "GET") || !strings.Contains(x, `"name": "fred"`) {
		t.Errorf("who am I: %q", x)
	}
	b.click("search")
	b.waitJS("search results", `document.querySelectorAll('#search-results table tbody tr').length > 0`)
	if res := b.text("search-results"); !strings.Contains(res, "Bug") || !strings.Contains(res, "Closed") {
		t.Errorf("#search-results = %q; want Bug/Closed issues", res)
	}

	b.click("logout")
	if x := b.waitExchange(4); !strings.Contains(x, "DELETE") || !strings.Contains(x, "204") {
		t.Errorf("logout: %q", x)
	}
	b.click("whoami")
	if x := b.waitExchange(5); !strings.Contains(x, "401") {
		t.Errorf("who am I after logout: %q; want 401", x)
	}
	b.waitJS("re-login offer", `document.getElementById('relogin') !== null`)
	if d := strings.ToLower(b.text("diagnosis")); !strings.Contains(d, "session") {
		t.Errorf("diagnosis after logout = %q; want it to say the session ended", d)
	}
	// The log is one for all pages.
	b.click("nav-basic")
	b.waitJS("basic page", `document.getElementById('basic-header') !== null`)
	if n := b.exchanges(); n != 5 {
		t.Errorf("on /basic the log holds %d exchanges; want the 5 made on /session", n)
	}
}

func TestFailedLoginsTriggerCaptchaThenReset(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("session"))
	if x := b.login("fred", "wrong"); !strings.Contains(x, "401") {
		t.Fatalf("wrong password: %q", x)
	}
	if d := b.text("diagnosis"); !strings.Contains(d, "AUTHENTICATED_FAILED") {
		t.Errorf("diagnosis of a wrong password = %q; want AUTHENTICATED_FAILED explained", d)
	}
	b.login("fred", "wrong")
	b.login("fred", "wrong")
	if x := b.login("fred", "fred"); !strings.Contains(x, "403") {
		t.Fatalf("the right password after 3 failures: %q; want 403 (CAPTCHA)", x)
	}
	if d := b.text("diagnosis"); !strings.Contains(d, "CAPTCHA") {
		t.Errorf("diagnosis = %q; want CAPTCHA explained", d)
	}
	b.click("captcha-reset")
	b.waitText("diagnosis", "CAPTCHA cleared")
	if x := b.login("fred", "fred"); !strings.Contains(x, "200") {
		t.Errorf("login after the reset: %q; want 200", x)
	}
}

func TestExpiredSessionOffersLoginAgain(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("session"))
	b.login("fred", "fred")
	b.waitText("cookie-header", "Cookie: JSESSIONID=")
	expireSessions(t, lab, b.visitor())
	b.click("whoami")
	if x := b.waitExchange(2); !strings.Contains(x, "401") {
		t.Fatalf("who am I with an expired session: %q", x)
	}
	b.waitJS("re-login offer", `document.getElementById('relogin') !== null`)
	b.click("relogin")
	b.waitJS("password focused", `document.activeElement && document.activeElement.id === 'password'`)
	if x := b.login("fred", "fred"); !strings.Contains(x, "200") {
		t.Errorf("login again: %q", x)
	}
}

func TestUnverifiedEmailIs409(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("session"))
	if x := b.login("unverified", "unverified"); !strings.Contains(x, "409") {
		t.Fatalf("unverified login: %q; want 409", x)
	}
	if d := strings.ToLower(b.text("diagnosis")); !strings.Contains(d, "email") {
		t.Errorf("diagnosis = %q; want the unverified email explained", d)
	}
}

func TestSSOUserFailsThenWorksWithCookie(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("session"))
	if x := b.login("sso-user", "sso-user"); !strings.Contains(x, "401") {
		t.Fatalf("sso-user password login: %q; want 401", x)
	}
	if d := b.text("diagnosis"); !strings.Contains(d, "SSO") {
		t.Errorf("diagnosis = %q; want the SSO case (seed 003)", d)
	}

	// The sandbox's simulated SSO login, walked through the proxy.
	b.click("sso-login")
	b.waitJS("cookie pasted", `document.getElementById('cookie-paste').value.startsWith('JSESSIONID=')`)
	if n := b.count("#sso-steps li"); n < 4 {
		t.Errorf("the SSO walk shows %d steps; want each step", n)
	}
	before := b.exchanges()
	b.click("whoami")
	if x := b.waitExchange(before + 1); !strings.Contains(x, "200") || !strings.Contains(x, `"name": "sso-user"`) {
		t.Errorf("who am I with the SSO cookie: %q", x)
	}

	// A Netscape cookie file, as `curl -c` writes it, pasted by hand.
	file := ssoCookieFile(t, lab.SandboxURL, b.visitor())
	b.setInput("cookie-paste", file)
	b.waitText("cookie-header", "Cookie: JSESSIONID=")
	before = b.exchanges()
	b.click("whoami")
	if x := b.waitExchange(before + 1); !strings.Contains(x, "200") || !strings.Contains(x, `"name": "sso-user"`) {
		t.Errorf("who am I with a pasted cookies.txt: %q", x)
	}
	b.setInput("cookie-paste", "this is not a cookie")
	b.waitJS("paste error", `document.getElementById('cookie-paste-error') !== null`)
}

// ssoCookieFile logs sso-user in on the sandbox as a browser would and
// returns the session as a Netscape cookie file. It logs in within the
// sandbox state of visitor (its X-Sandbox-Visitor, as the lab's curl
// commands carry it): a session of another state is unknown to the lab's
// browser.
func ssoCookieFile(t *testing.T, sandbox, visitor string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	req, _ := http.NewRequest(http.MethodPost, sandbox+"plugins/servlet/sso/login", strings.NewReader(url.Values{"username": {"sso-user"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Sandbox-Visitor", visitor)
	resp, err := c.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("SSO login: %v %v", resp, err)
	}
	resp.Body.Close()
	u, _ := url.Parse(sandbox)
	var b strings.Builder
	b.WriteString("# Netscape HTTP Cookie File\n# This file was generated by libcurl! Edit at your own risk.\n\n")
	for _, ck := range jar.Cookies(u) {
		fmt.Fprintf(&b, "#HttpOnly_%s\tFALSE\t/\tFALSE\t0\t%s\t%s\n", u.Hostname(), ck.Name, ck.Value)
	}
	return b.String()
}

func TestBasicHeaderAsYouType(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("basic"))
	b.run("type credentials",
		chromedp.SendKeys("#basic-username", "fred", chromedp.ByID),
		chromedp.SendKeys("#basic-password", "fred", chromedp.ByID))
	b.waitText("basic-header", "Authorization: Basic ZnJlZDpmcmVk")
	if got := strings.TrimSpace(b.text("basic-header")); got != "Authorization: Basic ZnJlZDpmcmVk" {
		t.Errorf("#basic-header = %q", got)
	}
	b.click("basic-send")
	if x := b.waitExchange(1); !strings.Contains(x, "200") || !strings.Contains(x, "/rest/api/2/myself") || !strings.Contains(x, `"name": "fred"`) {
		t.Errorf("basic GET /rest/api/2/myself: %q", x)
	}
	if x := b.waitExchange(1); strings.Contains(x, "ZnJlZDpmcmVk") {
		t.Error("the log shows the Authorization value before Reveal secrets")
	}
	b.setInput("basic-password", "nope")
	b.click("basic-send")
	if x := b.waitExchange(2); !strings.Contains(x, "401") {
		t.Errorf("wrong password: %q", x)
	}
	if d := b.text("diagnosis"); !strings.Contains(d, "AUTHENTICATED_FAILED") {
		t.Errorf("diagnosis = %q", d)
	}
}

func TestPasswordPolicyLiveChecks(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("password"))
	b.waitText("policy", "at least 10 characters")
	b.setInput("pw-username", "fred")
	// Typing key by key: debounced, so far fewer checks than keystrokes.
	b.run("type a short password", chromedp.SendKeys("#pw-new", "short1", chromedp.ByID))
	b.waitText("pw-result", "at least 10 characters")
	var checks int
	b.eval(`Array.from(document.querySelectorAll('#exchanges li.exchange')).filter(li => li.textContent.includes('createUser')).length`, &checks)
	if checks < 1 || checks > 3 {
		t.Errorf("%d createUser checks for 6 keystrokes; want a debounced handful", checks)
	}
	b.setInput("pw-new", "Zq9!vLm#2024x")
	b.waitText("pw-result", "passes")

	b.setInput("pw-mode", "update")
	b.waitJS("update fields", `!document.getElementById('pw-old').closest('.hidden')`)
	b.setInput("pw-old", "Zq9!vLm#2024x")
	b.setInput("pw-new", "Zq9!vLm#2024x")
	b.waitJS("reuse reported", `(() => { const t = document.getElementById('pw-result').textContent; return t.includes('refuse') })()`)
	b.setInput("pw-new", "Another$Strong9pass")
	b.waitText("pw-result", "passes")
	var updates int
	b.eval(`Array.from(document.querySelectorAll('#exchanges li.exchange')).filter(li => li.textContent.includes('updateUser')).length`, &updates)
	if updates == 0 {
		t.Error("update mode never called updateUser")
	}
}

func TestForgetSecrets(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("session"))
	b.login("fred", "fred")
	b.waitText("cookie-header", "Cookie: JSESSIONID=")
	b.click("forget-secrets")
	b.waitJS("secrets gone", `document.getElementById('password').value === '' && document.getElementById('cookie-header').textContent === '' && document.querySelectorAll('#exchanges li.exchange').length === 0`)
}

// Leaving a page while its request runs must lose nothing: the answer still
// lands in the log and the page is usable again when the user comes back.
func TestAnswersLandAfterLeavingThePage(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("password"))
	b.waitText("policy", "at least 10 characters")
	b.setInput("pw-username", "fred")
	b.setInput("pw-new", "short1")
	b.run("leave at once", chromedp.Click("#nav-session", chromedp.ByID))
	b.waitJS("session page", `document.getElementById('login') !== null`)
	b.setInput("username", "fred")
	b.setInput("password", "fred")
	b.click("login")
	b.run("leave during the login", chromedp.Click("#nav-basic", chromedp.ByID))
	b.waitJS("the login's answer in the log", `Array.from(document.querySelectorAll('#exchanges li.exchange')).some(li => li.textContent.includes('/rest/auth/1/session'))`)
	b.click("nav-session")
	b.waitJS("login usable and the cookie kept", `!document.getElementById('login').disabled && document.getElementById('cookie-header').textContent.startsWith('Cookie: JSESSIONID=')`)
	b.click("nav-password")
	b.waitText("pw-result", "at least 10 characters")
}
