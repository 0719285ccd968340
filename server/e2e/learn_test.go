package e2e

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// learnState is what /learn shows of one tour.
type learnState struct {
	ID    string   `json:"id"`
	Count string   `json:"count"`
	Steps []string `json:"steps"` // each step's class: "step", "step done", "step next"
	Links []string `json:"links"` // each step's link, as the browser resolves it
}

// learnTours reads every .tour of #tours.
func (b *browser) learnTours() []learnState {
	b.t.Helper()
	var out []learnState
	b.eval(`[...document.querySelectorAll('#tours .tour')].map(t => ({
		id: t.id,
		count: t.querySelector('.tour-count').textContent,
		steps: [...t.querySelectorAll('.step')].map(s => s.className),
		links: [...t.querySelectorAll('.step a')].map(a => a.href),
	}))`, &out)
	return out
}

// doneSteps lists the done steps as "tour-id/index".
func doneSteps(tours []learnState) []string {
	var out []string
	for _, t := range tours {
		for i, c := range t.Steps {
			if strings.Contains(" "+c+" ", " done ") {
				out = append(out, fmt.Sprintf("%s/%d", t.ID, i))
			}
		}
	}
	return out
}

func tourByID(t *testing.T, tours []learnState, id string) learnState {
	t.Helper()
	for _, s := range tours {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no #%s among the tours", id)
	return learnState{}
}

// A newcomer opens /learn, follows the basic-auth step's link, sends the
// request, logs in on the session page, and comes back: exactly those two
// steps are ticked, the counts and the next steps follow, and the ticks
// survive a reload (the log comes back from the browser's storage).
func TestLearnToursTickFromTheLog(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("learn"))
	b.waitJS("the tours", `document.querySelectorAll('#tours .tour').length > 0`)

	tours := b.learnTours()
	var ids []string
	for _, tr := range tours {
		ids = append(ids, tr.ID)
	}
	wantIDs := []string{"tour-basic", "tour-cookie", "tour-session", "tour-sso", "tour-password", "tour-form-token", "tour-tokens", "tour-cloud", "tour-basic-off", "tour-rate-limit"}
	if strings.Join(ids, " ") != strings.Join(wantIDs, " ") {
		t.Fatalf("tours = %v; want %v", ids, wantIDs)
	}
	for _, tr := range tours {
		if n := len(tr.Steps); n < 2 || n > 5 {
			t.Errorf("%s has %d steps; want 2 to 5", tr.ID, n)
		}
		if want := fmt.Sprintf("0 of %d", len(tr.Steps)); tr.Count != want {
			t.Errorf("%s count = %q; want %q", tr.ID, tr.Count, want)
		}
		if len(tr.Steps) > 0 && tr.Steps[0] != "step next" {
			t.Errorf("%s first step class = %q; want the next step marked", tr.ID, tr.Steps[0])
		}
		if len(tr.Links) != len(tr.Steps) {
			t.Errorf("%s: %d links for %d steps; want one each", tr.ID, len(tr.Links), len(tr.Steps))
		}
	}
	if done := doneSteps(tours); len(done) != 0 {
		t.Fatalf("a fresh visitor has done %v; want nothing", done)
	}

	// The first basic-auth step's link leads to /basic, at its Send button.
	b.run("follow the basic-auth step", chromedp.Click(`#tour-basic .step a`, chromedp.ByQuery))
	b.waitJS("/basic#basic-send", `location.pathname.endsWith('/basic') && location.hash === '#basic-send' && document.getElementById('basic-send') !== null`)
	b.run("wait for the page", waitBooted())
	b.setInput("basic-username", "fred")
	b.setInput("basic-password", "fred")
	b.click("basic-send")
	if x := b.waitExchange(1); !strings.Contains(x, "/rest/api/2/myself") || !strings.Contains(x, "200") {
		t.Fatalf("basic send: %q; want the 200 of GET /rest/api/2/myself", x)
	}

	b.run("go to the session page", chromedp.Click("#nav-session", chromedp.ByID))
	b.waitJS("/session", `document.getElementById('login') !== null`)
	if x := b.login("fred", "fred"); !strings.Contains(x, "/rest/auth/1/session") || !strings.Contains(x, "200") {
		t.Fatalf("login: %q", x)
	}

	b.run("back to /learn", chromedp.Click("#nav-learn", chromedp.ByID))
	b.waitJS("/learn", `document.getElementById('tours') !== null`)
	check := func(when string) {
		t.Helper()
		tours := b.learnTours()
		if got, want := doneSteps(tours), []string{"tour-basic/0", "tour-cookie/0"}; strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: done steps = %v; want %v", when, got, want)
		}
		basic, cookie := tourByID(t, tours, "tour-basic"), tourByID(t, tours, "tour-cookie")
		if basic.Count != "1 of 3" || cookie.Count != "1 of 4" {
			t.Errorf("%s: counts %q and %q; want 1 of 3 and 1 of 4", when, basic.Count, cookie.Count)
		}
		if len(basic.Steps) > 1 && basic.Steps[1] != "step next" || len(cookie.Steps) > 1 && cookie.Steps[1] != "step next" {
			t.Errorf("%s: second steps %q, %q; want both marked next", when, basic.Steps, cookie.Steps)
		}
	}
	check("after navigating back")
	b.open(lab.Page("learn"))
	b.waitJS("the restored log", `document.querySelectorAll('#exchanges li.exchange').length >= 2`)
	check("after a reload")
}

// Every step's link names a page of the lab and an element that page has.
func TestLearnStepLinksExist(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("learn"))
	b.waitJS("the tours", `document.querySelectorAll('#tours .tour').length > 0`)
	anchors := map[string][]string{} // page path → ids
	for _, tr := range b.learnTours() {
		for _, l := range tr.Links {
			u, err := url.Parse(l)
			if err != nil || u.Fragment == "" {
				t.Errorf("%s: link %q has no element to use", tr.ID, l)
				continue
			}
			anchors[u.Path] = append(anchors[u.Path], u.Fragment)
		}
	}
	var pages []string
	for p := range anchors {
		pages = append(pages, p)
	}
	sort.Strings(pages)
	if len(pages) < 5 {
		t.Errorf("the steps link to %v; want the session, basic, password, token and console pages", pages)
	}
	for _, p := range pages {
		b.open(lab.Page(p))
		for _, id := range anchors[p] {
			// Some appear once the list of Jiras says the target is the
			// sandbox (#sso-login): wait, do not just look.
			b.waitJS(p+" to show #"+id+", which a step links to", fmt.Sprintf(`document.querySelectorAll('#%s').length === 1`, id))
		}
	}
}

// At phone width the page does not scroll sideways.
func TestLearnPhoneWidth(t *testing.T) {
	lab, b := flowBrowser(t)
	b.run("phone viewport", chromedp.EmulateViewport(390, 844))
	b.open(lab.Page("learn"))
	b.waitJS("the tours", `document.querySelectorAll('#tours .tour').length > 0`)
	var w struct{ Scroll, Inner int }
	b.eval(`({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})`, &w)
	if w.Inner != 390 || w.Scroll > w.Inner {
		t.Errorf("at 390 px: scrollWidth %d, innerWidth %d; want no horizontal scroll at 390", w.Scroll, w.Inner)
	}
}

// The form-token and SSO tours done as their steps say, in the console and
// on the session page: their steps are ticked — and the one other step
// these exchanges also do (Who am I answering 200) — and nothing else.
func TestLearnFormTokenAndSSOTours(t *testing.T) {
	lab, b := flowBrowser(t)
	b.open(lab.Page("console"))
	b.setInput("console-method", "POST")
	b.setInput("console-path", "/rest/api/2/issue/QA-31/attachments")
	headers := "Authorization: Basic ZnJlZDpmcmVk\nContent-Type: multipart/form-data; boundary=x"
	b.setInput("console-headers", headers)
	b.click("console-send")
	if x := b.waitExchange(1); !strings.Contains(x, "403") || !strings.Contains(x, "XSRF check failed") {
		t.Fatalf("form post without the token: %q; want 403 XSRF check failed", x)
	}
	b.setInput("console-headers", headers+"\nX-Atlassian-Token: no-check")
	b.click("console-send")
	if x := b.waitExchange(2); !strings.Contains(x, "400") || !strings.Contains(x, "No file was attached") {
		t.Fatalf("form post with no-check: %q; want the resource's own 400", x)
	}

	b.run("go to the session page", chromedp.Click("#nav-session", chromedp.ByID))
	b.waitJS("/session", `document.getElementById('login') !== null`)
	if x := b.login("sso-user", "sso-user"); !strings.Contains(x, "401") {
		t.Fatalf("sso-user login: %q; want 401", x)
	}
	b.click("sso-login")
	b.waitJS("the pasted SSO cookie", `document.getElementById('cookie-paste').value.startsWith('JSESSIONID=')`)
	before := b.exchanges()
	b.click("whoami")
	if x := b.waitExchange(before + 1); !strings.Contains(x, "200") || !strings.Contains(x, "sso-user") {
		t.Fatalf("who am I with the pasted cookie: %q; want 200 as sso-user", x)
	}

	b.run("back to /learn", chromedp.Click("#nav-learn", chromedp.ByID))
	b.waitJS("/learn", `document.getElementById('tours') !== null`)
	tours := b.learnTours()
	want := []string{"tour-session/1", "tour-sso/0", "tour-sso/1", "tour-sso/2", "tour-form-token/0", "tour-form-token/1"}
	got := doneSteps(tours)
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("done steps = %v; want %v", got, want)
	}
	if c := tourByID(t, tours, "tour-sso").Count; c != "3 of 3" {
		t.Errorf("SSO tour count = %q; want 3 of 3", c)
	}
	if n := b.count("#tour-sso.complete"); n != 1 {
		t.Errorf("the finished SSO tour is not marked complete")
	}
}
