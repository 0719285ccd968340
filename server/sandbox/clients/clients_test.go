// Package clients_test runs the most used Jira client libraries against the
// sandbox, as their users would: Go's andygrunwald/go-jira in process,
// npm's jira-client and Python's jira (Debian's python3-jira) as
// subprocesses, skipped with a message when their runtime or library is
// absent. It is its own module, so that client libraries stay out of the
// product's go.mod.
package clients_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"jiraauthlab/server/sandbox"
)

// startSandbox serves a fresh sandbox on 127.0.0.1:0 and returns its base
// URL and a personal access token of admin.
func startSandbox(t *testing.T) (string, string) {
	t.Helper()
	srv := httptest.NewServer(sandbox.New(sandbox.Options{}))
	t.Cleanup(srv.Close)
	tp := jira.BasicAuthTransport{Username: "admin", Password: "admin"}
	req, _ := http.NewRequest("POST", srv.URL+"/rest/pat/latest/tokens", strings.NewReader(`{"name":"clients"}`))
	req.Header.Set("Content-Type", "application/json")
	res, err := tp.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var tok struct{ RawToken string }
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || tok.RawToken == "" {
		t.Fatalf("create token: %d %v", res.StatusCode, err)
	}
	return srv.URL, tok.RawToken
}

// TestGoJira drives github.com/andygrunwald/go-jira, at the root and under /jira.
func TestGoJira(t *testing.T) {
	root, token := startSandbox(t)
	for _, base := range []string{root, root + "/jira"} {
		basic := newClient(t, base, (&jira.BasicAuthTransport{Username: "fred", Password: "fred"}).Client())
		steps := []struct {
			name string
			run  func() (string, error)
		}{
			{"basic auth: myself", func() (string, error) {
				u, _, err := basic.User.GetSelf()
				return name(u), err
			}},
			{"basic auth: search", func() (string, error) {
				issues, _, err := basic.Issue.Search("assignee = fred", nil)
				return plural(len(issues)), nonEmpty(len(issues), err)
			}},
			{"basic auth: issue", func() (string, error) {
				is, _, err := basic.Issue.Get("QA-31", nil)
				if err != nil {
					return "", err
				}
				return is.Key, nil
			}},
			{"cookie session: search", func() (string, error) {
				tp := &jira.CookieAuthTransport{Username: "fred", Password: "fred", AuthURL: base + "/rest/auth/1/session"}
				c := newClient(t, base, tp.Client())
				issues, _, err := c.Issue.Search("type = Bug AND status = Closed", nil)
				return plural(len(issues)), nonEmpty(len(issues), err)
			}},
			{"session resource: login, whoami, logout", func() (string, error) {
				c := newClient(t, base, nil)
				// Deprecated in go-jira, but what its users of the session
				// resource call (seeds 001 and 002's flow).
				//lint:ignore SA1019 the session resource flow is the point
				if ok, err := c.Authentication.AcquireSessionCookie("fred", "fred"); !ok || err != nil {
					return "", err
				}
				s, err := c.Authentication.GetCurrentUser()
				if err != nil {
					return "", err
				}
				//lint:ignore SA1019 the session resource flow is the point
				return s.Name, c.Authentication.Logout()
			}},
			{"bearer token: myself", func() (string, error) {
				c := newClient(t, base, (&jira.BearerAuthTransport{Token: token}).Client())
				u, _, err := c.User.GetSelf()
				return name(u), err
			}},
			{"wrong password is refused", func() (string, error) {
				c := newClient(t, base, (&jira.BasicAuthTransport{Username: "sso-user", Password: "nope"}).Client())
				_, res, err := c.User.GetSelf()
				if err == nil || res == nil || res.StatusCode != http.StatusUnauthorized {
					return "", fmt.Errorf("want a 401, got %v", err)
				}
				return "401", nil
			}},
		}
		for _, s := range steps {
			t.Run(strings.TrimPrefix(base, root)+"/"+s.name, func(t *testing.T) {
				got, err := s.run()
				if err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				t.Logf("%s: %s", s.name, got)
			})
		}
	}
}

// newClient makes a go-jira client; a nil hc is a plain http.Client (go-jira
// would take a typed nil for a client).
func newClient(t *testing.T, base string, hc *http.Client) *jira.Client {
	t.Helper()
	if hc == nil {
		hc = &http.Client{}
	}
	c, err := jira.NewClient(hc, base)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func name(u *jira.User) string {
	if u == nil {
		return ""
	}
	return u.Name
}

func plural(n int) string { return strings.Repeat("I", min(n, 20)) + " issues" }

func nonEmpty(n int, err error) error {
	if err == nil && n == 0 {
		return fmt.Errorf("no issues found")
	}
	return err
}

// TestJiraClientJS drives npm's jira-client (node js/run.js).
func TestJiraClientJS(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: apt-get install nodejs npm, then npm ci in server/sandbox/clients/js")
	}
	if _, err := os.Stat(filepath.Join("js", "node_modules", "jira-client")); err != nil {
		t.Skip("jira-client is not installed: run npm ci in server/sandbox/clients/js")
	}
	base, token := startSandbox(t)
	runScript(t, node, filepath.Join("js", "run.js"), base, token)
}

// TestPythonJira drives Python's jira library (python3 py/run.py). Debian
// packages it as python3-jira; $JIRA_LAB_PYTHON names another interpreter.
func TestPythonJira(t *testing.T) {
	python := pythonWithJira()
	if python == "" {
		t.Skip("no python3 with the jira library: apt-get install python3-jira (or set JIRA_LAB_PYTHON)")
	}
	base, token := startSandbox(t)
	runScript(t, python, filepath.Join("py", "run.py"), base, token)
}

// pythonWithJira returns the first interpreter that imports jira.
func pythonWithJira() string {
	candidates := []string{os.Getenv("JIRA_LAB_PYTHON"), "python3", "/usr/bin/python3"}
	for _, py := range candidates {
		if py == "" {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := exec.CommandContext(ctx, py, "-c", "import jira").Run()
		cancel()
		if err == nil {
			return py
		}
	}
	return ""
}

// runScript runs a client script against base and reports each step it
// prints ({"step","ok","detail"} a line) as a subtest.
func runScript(t *testing.T, interpreter, script, base, token string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, interpreter, script, base, token)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	steps := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var s struct {
			Step   string `json:"step"`
			OK     bool   `json:"ok"`
			Detail string `json:"detail"`
		}
		if json.Unmarshal(sc.Bytes(), &s) != nil {
			continue
		}
		steps++
		t.Run(s.Step, func(t *testing.T) {
			if !s.OK {
				t.Fatalf("%s: %s", s.Step, s.Detail)
			}
			t.Logf("%s: %s", s.Step, s.Detail)
		})
	}
	if steps == 0 || (err != nil && !t.Failed()) {
		t.Fatalf("%s %s: %v\nstdout: %s\nstderr: %s", interpreter, script, err, out, stderr.String())
	}
}

// TestGoJiraCloud drives go-jira's BasicAuthTransport against the Cloud
// face with an e-mail and an API token, as Atlassian's "Basic auth for REST
// APIs" tells Cloud users to, and checks what the same library meets there
// that works on Server: a password, a Bearer token, and the search
// resource Cloud removed (go-jira 1.16 still calls /rest/api/2/search).
func TestGoJiraCloud(t *testing.T) {
	srv := httptest.NewServer(sandbox.New(sandbox.Options{}))
	t.Cleanup(srv.Close)
	res, err := http.Post(srv.URL+"/cloud/_sandbox/api-tokens", "application/json",
		strings.NewReader(`{"email":"fred@example.com","label":"go-jira"}`))
	if err != nil {
		t.Fatal(err)
	}
	var tok struct{ Token string }
	err = json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusCreated || tok.Token == "" {
		t.Fatalf("create API token: %d %v", res.StatusCode, err)
	}
	base := srv.URL + "/cloud"
	cloud := newClient(t, base, (&jira.BasicAuthTransport{Username: "fred@example.com", Password: tok.Token}).Client())
	status := func(want int, res *jira.Response, err error) (string, error) {
		if err == nil || res == nil || res.StatusCode != want {
			return "", fmt.Errorf("want %d, got %v", want, err)
		}
		return fmt.Sprint(want), nil
	}
	steps := []struct {
		name string
		run  func() (string, error)
	}{
		{"e-mail and API token: myself", func() (string, error) {
			u, _, err := cloud.User.GetSelf()
			if err != nil {
				return "", err
			}
			if u.AccountID == "" || u.EmailAddress != "fred@example.com" || u.Name != "" {
				return "", fmt.Errorf("myself = %+v; want an accountId, fred's e-mail and no user name", u)
			}
			return u.AccountID, nil
		}},
		{"e-mail and API token: issue", func() (string, error) {
			is, _, err := cloud.Issue.Get("QA-31", nil)
			if err != nil {
				return "", err
			}
			if is.Fields == nil || is.Fields.Assignee == nil || is.Fields.Assignee.AccountID == "" {
				return "", fmt.Errorf("issue %s has no assignee accountId", is.Key)
			}
			return is.Key, nil
		}},
		{"search resource removed from Cloud", func() (string, error) {
			_, res, err := cloud.Issue.Search("project = QA", nil)
			return status(http.StatusGone, res, err)
		}},
		{"password refused", func() (string, error) {
			c := newClient(t, base, (&jira.BasicAuthTransport{Username: "fred@example.com", Password: "fred"}).Client())
			_, res, err := c.User.GetSelf()
			return status(http.StatusUnauthorized, res, err)
		}},
		{"API token as Bearer refused", func() (string, error) {
			c := newClient(t, base, (&jira.BearerAuthTransport{Token: tok.Token}).Client())
			_, res, err := c.User.GetSelf()
			return status(http.StatusForbidden, res, err)
		}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			got, err := s.run()
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			t.Logf("%s: %s", s.name, got)
		})
	}
}
