package sandbox

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"jiraauthlab/contract"
)

// The Cloud face's control endpoints, under /cloud/_sandbox/. API tokens
// are created here because on Cloud they are not a Jira resource at all:
// a user creates them on id.atlassian.com ("Manage API tokens for your
// Atlassian account": Create API token, a label, Create, Copy — the token
// is shown once).

// handleCloudControlReset handles POST /cloud/_sandbox/reset: no API tokens.
func handleCloudControlReset(c *call) {
	c.cst.reset()
	c.writeJSON(http.StatusOK, map[string]bool{"reset": true})
}

// handleCloudControlState handles GET /cloud/_sandbox/state: the Cloud
// face's accounts, named by their e-mail address (the name they log in
// with), in the one state type of page and sandbox. Cloud has no sessions,
// CAPTCHA, password policy or Data Center switches: those read zero, and
// basicAuth reads disabled, since no password is taken for basic auth.
func handleCloudControlState(c *call) {
	st := contract.SandboxState{
		Face:      "cloud",
		Tokens:    c.cst.count(),
		Users:     make([]contract.SandboxAccount, 0, len(cloudAccounts)),
		BasicAuth: contract.SandboxBasicAuth{Enabled: false, AllowedUsers: []string{}},
	}
	for _, a := range cloudAccounts {
		st.Users = append(st.Users, contract.SandboxAccount{
			Name:      a.Email(),
			Password:  a.server.listedPassword(),
			Kind:      a.server.kind(),
			AccountID: a.AccountID,
		})
	}
	c.writeJSON(http.StatusOK, st)
}

// apiTokenRequest is the body of POST /cloud/_sandbox/api-tokens.
type apiTokenRequest struct {
	Email string `json:"email"`
	Label string `json:"label"`
}

const beanAPITokenRequest = "sandbox.ApiTokenRequest"

// decodeAPITokenRequest decodes and checks {"email":…,"label":…}: both are
// required, as id.atlassian.com's form requires a label.
func decodeAPITokenRequest(data []byte) (apiTokenRequest, error) {
	var req apiTokenRequest
	if err := decodeJSON(data, &req, beanAPITokenRequest, true); err != nil {
		return req, err
	}
	req.Email, req.Label = strings.TrimSpace(req.Email), strings.TrimSpace(req.Label)
	var msgs requestError
	if req.Email == "" {
		msgs = append(msgs, `The body must name the account's "email".`)
	}
	switch n := utf8.RuneCountInString(req.Label); {
	case n == 0:
		msgs = append(msgs, `The body must give the token a "label".`)
	case n > maxTokenLabel:
		msgs = append(msgs, fmt.Sprintf(`The "label" must be at most %d characters.`, maxTokenLabel))
	}
	return req, msgs.orNil()
}

// handleCloudTokenCreate handles POST /cloud/_sandbox/api-tokens
// {"email":"fred@example.com","label":"…"} → 201 with the raw token, shown
// this once.
func handleCloudTokenCreate(c *call) {
	body, ok := c.jsonBody()
	if !ok {
		return
	}
	req, err := decodeAPITokenRequest(body)
	if err != nil {
		c.badRequest(err)
		return
	}
	a := cloudAccountByEmail(req.Email)
	if a == nil {
		c.errorJSON(http.StatusNotFound, fmt.Sprintf("No Atlassian account of this site has the e-mail address '%s'.", req.Email))
		return
	}
	view, raw, ok := c.cst.createToken(a, req.Label)
	if !ok {
		c.errorJSON(http.StatusBadRequest, fmt.Sprintf("%s has %d API tokens already: revoke one first.", a.Email(), maxAPITokensPerUser))
		return
	}
	view.Token = raw
	c.writeJSON(http.StatusCreated, view)
}

// handleCloudTokenList handles GET /cloud/_sandbox/api-tokens?email=…: one
// account's live tokens, without their secrets.
func handleCloudTokenList(c *call) {
	email := c.r.URL.Query().Get("email")
	a := cloudAccountByEmail(email)
	if a == nil {
		c.errorJSON(http.StatusNotFound, fmt.Sprintf("No Atlassian account of this site has the e-mail address '%s'.", email))
		return
	}
	c.writeJSON(http.StatusOK, c.cst.tokensOf(a))
}

// handleCloudTokenDelete handles DELETE /cloud/_sandbox/api-tokens/{id}:
// revokes a token, which stops working at once.
func handleCloudTokenDelete(c *call) {
	id, err := strconv.Atoi(c.param(0))
	if err != nil || !c.cst.revoke(id) {
		c.errorJSON(http.StatusNotFound, fmt.Sprintf("There is no API token with id '%s'.", c.param(0)))
		return
	}
	c.emptyStatus(http.StatusNoContent)
}
