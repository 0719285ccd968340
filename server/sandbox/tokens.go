package sandbox

import (
	"fmt"
	"net/http"
	"strconv"
	"unicode/utf8"
)

// tokenRequest is the body of POST /rest/pat/latest/tokens.
type tokenRequest struct {
	Name string
	Days *int // nil: the token never expires
}

const maxTokenName = 255

// decodeTokenRequest decodes and validates a token creation body:
// {"name":"...","expirationDuration":90}, the duration in days.
func decodeTokenRequest(data []byte) (tokenRequest, error) {
	var body struct {
		Name               string `json:"name"`
		ExpirationDuration *int   `json:"expirationDuration"`
	}
	if err := decodeJSON(data, &body, beanTokenRequest, false); err != nil {
		return tokenRequest{}, err
	}
	var msgs requestError
	if body.Name == "" {
		msgs = append(msgs, "The token name must not be empty.")
	}
	if utf8.RuneCountInString(body.Name) > maxTokenName {
		msgs = append(msgs, fmt.Sprintf("The token name must not be longer than %d characters.", maxTokenName))
	}
	if d := body.ExpirationDuration; d != nil && (*d < 1 || *d > maxTokenDays) {
		msgs = append(msgs, fmt.Sprintf("The expiration duration must be between 1 and %d days.", maxTokenDays))
	}
	return tokenRequest{Name: body.Name, Days: body.ExpirationDuration}, msgs.orNil()
}

// handleTokenCreate handles POST /rest/pat/latest/tokens: a personal access
// token for the caller, answered once with its rawToken (201).
func handleTokenCreate(c *call) {
	if !c.requireUser() {
		return
	}
	body, ok := c.jsonBody()
	if !ok {
		return
	}
	req, err := decodeTokenRequest(body)
	if err != nil {
		c.badRequest(err)
		return
	}
	view, raw, ok := c.st.createToken(c.user, req.Name, req.Days)
	if !ok {
		c.errorJSON(http.StatusBadRequest, fmt.Sprintf("You already have %d personal access tokens: revoke one first.", maxTokensPerUser))
		return
	}
	view.RawToken = raw
	c.writeJSON(http.StatusCreated, view)
}

// handleTokenList handles GET /rest/pat/latest/tokens: the caller's tokens,
// without their raw values.
func handleTokenList(c *call) {
	if !c.requireUser() {
		return
	}
	c.writeJSON(http.StatusOK, c.st.tokensOf(c.user))
}

// handleTokenDelete handles DELETE /rest/pat/latest/tokens/{id}: revokes one
// of the caller's tokens.
func handleTokenDelete(c *call) {
	if !c.requireUser() {
		return
	}
	id, err := strconv.Atoi(c.param(0))
	if err != nil || !c.st.deleteToken(c.user, id) {
		c.errorJSON(http.StatusNotFound, "No such personal access token.")
		return
	}
	c.w.WriteHeader(http.StatusNoContent)
}
