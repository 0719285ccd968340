package sandbox

import (
	"fmt"
	"net/http"
	"strings"

	"jiraauthlab/contract"
)

// A Data Center administrator can switch off basic authentication with
// passwords on API calls (Jira 8.16 and later; Atlassian, "Disabling basic
// authentication", confluence.atlassian.com/enterprise/disabling-basic-authentication-1044776464.html)
// and keep it for an allow-list of users ("Creating an allowlist when basic
// authentication is disabled", …/creating-an-allowlist-when-basic-authentication-is-disabled-1044106574.html,
// whose REST form is {"block-requests","allowed-paths","allowed-users"}).
// PUT /_sandbox/basic-auth is that switch; the sandbox keeps the users'
// allow-list only (the allowed-paths list is not imitated).

// msgBasicAuthDisabled is the refusal recorded from real instances: 403,
// Content-Type application/json;charset=UTF-8, and this one-field body
// (codeclou.io, "Disabling Basic Auth in Jira Data Center and allowlisting
// REST APIs", 2021, a curl -i against Jira 8.16; the same words in
// atlassian/data-center-helm-charts pull request 1101 for Bitbucket 10).
const msgBasicAuthDisabled = "Basic Authentication has been disabled on this instance."

// defaultBasicAuth is Jira 8.x's default: basic authentication allowed.
func defaultBasicAuth() contract.SandboxBasicAuth {
	return contract.SandboxBasicAuth{Enabled: true, AllowedUsers: []string{}}
}

// basicAuthLocked returns a copy of the switch, so that no caller holds the
// store's slice.
func (st *store) basicAuthLocked() contract.SandboxBasicAuth {
	v := st.basicAuth
	v.AllowedUsers = append([]string{}, v.AllowedUsers...)
	return v
}

// basicAuthSetting returns the basic-auth switch.
func (st *store) basicAuthSetting() contract.SandboxBasicAuth {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.basicAuthLocked()
}

// patchBasicAuth applies p to the basic-auth switch and returns the result;
// one lock for both, so that two changes at once never lose a field.
func (st *store) patchBasicAuth(p basicAuthPatch) contract.SandboxBasicAuth {
	st.mu.Lock()
	defer st.mu.Unlock()
	if p.enabled != nil {
		st.basicAuth.Enabled = *p.enabled
	}
	if p.allowedUsers != nil {
		st.basicAuth.AllowedUsers = append([]string{}, p.allowedUsers...)
	}
	return st.basicAuthLocked()
}

// basicAuthAllows reports whether a basic-auth login as name may go on to
// the password check: always while basic auth is on; while it is off, only
// for the allow-listed users. An unknown name is never on the list.
func (st *store) basicAuthAllows(name string) bool {
	a := accountByName(name)
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.basicAuth.Enabled {
		return true
	}
	if a == nil {
		return false
	}
	for _, u := range st.basicAuth.AllowedUsers {
		if u == a.Name {
			return true
		}
	}
	return false
}

// basicAuthPasses refuses a request that carries Basic credentials while an
// administrator has disabled basic authentication, unless its user is
// allow-listed, and reports whether the request may go on.
//
// The refusal comes before Seraph looks at the credentials: the same 403
// answers a right and a wrong password (with the switch forced open, the
// helm-charts pull request above saw the wrong password's 401 instead), no
// X-Seraph-LoginReason is set, and no failed login is counted towards
// CAPTCHA. It also comes before a session cookie is looked at — the check
// reads the Authorization header alone. That order is the sandbox's
// reading of a filter that runs ahead of the login (not pinned down by a
// source). Everything without Basic credentials — personal access tokens,
// session cookies, the session resource's login, the browser's login form —
// is untouched: the switch is "Allow basic authentication on API calls",
// and the login form has a switch of its own ("Show default login form").
func (c *call) basicAuthPasses() bool {
	scheme, _, _ := strings.Cut(c.r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Basic") {
		return true
	}
	name, _, _ := c.r.BasicAuth() // undecodable: "", which no allow-list holds
	if c.st.basicAuthAllows(name) {
		return true
	}
	c.writeJSON(http.StatusForbidden, struct {
		Message string `json:"message"`
	}{msgBasicAuthDisabled})
	return false
}

// basicAuthRequest is the body of PUT /_sandbox/basic-auth. An absent field
// keeps its current value, so a checkbox can send {"enabled":false} alone.
type basicAuthRequest struct {
	Enabled      *bool     `json:"enabled"`
	AllowedUsers *[]string `json:"allowedUsers"`
}

// basicAuthPatch is a validated basicAuthRequest: nil fields stay as they are.
type basicAuthPatch struct {
	enabled      *bool
	allowedUsers []string
}

// decodeBasicAuth decodes and validates a basic-auth switch. The allow-list
// names built-in accounts only (any case; kept as the account spells its
// name, each once).
func decodeBasicAuth(data []byte) (basicAuthPatch, error) {
	var req basicAuthRequest
	if err := decodeJSON(data, &req, beanBasicAuth, true); err != nil {
		return basicAuthPatch{}, err
	}
	if req.Enabled == nil && req.AllowedUsers == nil {
		return basicAuthPatch{}, requestError{`The body must name "enabled" (true or false), "allowedUsers" (a list of user names), or both.`}
	}
	p := basicAuthPatch{enabled: req.Enabled}
	if req.AllowedUsers != nil {
		users, err := allowList(*req.AllowedUsers)
		if err != nil {
			return basicAuthPatch{}, err
		}
		p.allowedUsers = users
	}
	return p, nil
}

// allowList resolves names to built-in accounts, refusing unknown ones.
func allowList(names []string) ([]string, error) {
	var msgs requestError
	users := []string{}
	seen := map[string]bool{}
	for _, n := range names {
		a := accountByName(n)
		if a == nil {
			if len(msgs) < 5 { // enough to say what is wrong; the body is capped anyway
				msgs = append(msgs, fmt.Sprintf(`"allowedUsers": the user named '%s' does not exist; use %s.`, n, accountNames()))
			}
			continue
		}
		if !seen[a.Name] {
			seen[a.Name] = true
			users = append(users, a.Name)
		}
	}
	return users, msgs.orNil()
}

// accountNames lists the built-in accounts for messages: "fred, admin, … or sso-user".
func accountNames() string {
	names := make([]string, len(accounts))
	for i, a := range accounts {
		names[i] = a.Name
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// handleControlBasicAuth handles GET and PUT /_sandbox/basic-auth.
func handleControlBasicAuth(c *call) {
	if c.r.Method != http.MethodPut {
		c.writeJSON(http.StatusOK, c.st.basicAuthSetting())
		return
	}
	body, ok := c.jsonBody()
	if !ok {
		return
	}
	p, err := decodeBasicAuth(body)
	if err != nil {
		c.badRequest(err)
		return
	}
	c.writeJSON(http.StatusOK, c.st.patchBasicAuth(p))
}
