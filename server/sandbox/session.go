package sandbox

import (
	"net/http"
	"net/url"
)

// loginRequest is the body of POST /rest/auth/1/session.
type loginRequest struct {
	Username string
	Password string
}

// decodeLogin decodes and validates a session login body. Absent fields are
// a malformed body (400); empty strings are credentials that will not match (401).
func decodeLogin(data []byte) (loginRequest, error) {
	var body struct {
		Username *string `json:"username"`
		Password *string `json:"password"`
	}
	if err := decodeJSON(data, &body, beanAuthParams, false); err != nil {
		return loginRequest{}, err
	}
	if body.Username == nil || body.Password == nil {
		return loginRequest{}, requestError{`The body must be a JSON object with "username" and "password".`}
	}
	return loginRequest{Username: *body.Username, Password: *body.Password}, nil
}

// sessionJSON is the answer to a session login (AuthSuccess).
type sessionJSON struct {
	Session   cookieJSON `json:"session"`
	LoginInfo loginInfo  `json:"loginInfo"`
}

type cookieJSON struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// currentUserJSON is the answer to GET /rest/auth/1/session (CurrentUser).
type currentUserJSON struct {
	Self      string    `json:"self"`
	Name      string    `json:"name"`
	LoginInfo loginInfo `json:"loginInfo"`
}

// handleSessionPost handles POST /rest/auth/1/session: the cookie login of
// seeds 001 and 002. The body is the credentials, so header authentication
// does not apply, and a POST without body is 400 whatever else it carries.
func handleSessionPost(c *call) {
	body, ok := c.jsonBody()
	if !ok {
		return
	}
	req, err := decodeLogin(body)
	if err != nil {
		c.badRequest(err)
		return
	}
	a, outcome := c.st.authenticate(req.Username, req.Password, false)
	switch outcome {
	case loginDenied:
		c.captchaDenied()
		c.errorJSON(http.StatusForbidden, "Login denied")
		return
	case loginFailed:
		c.loginReason = reasonFailed
		c.w.Header().Set("WWW-Authenticate", "JIRA REST POST")
		c.errorJSON(http.StatusUnauthorized, "Login failed")
		return
	}
	if a.Unverified {
		// Seed 001: the email must be verified through a browser login first.
		c.errorJSON(http.StatusConflict, "Your email address is not verified. Log in through the browser to get a verification email, then try again.")
		return
	}
	info := c.startSession(a)
	c.writeJSON(http.StatusOK, sessionJSON{Session: cookieJSON{Name: sessionCookie, Value: c.sess.id}, LoginInfo: info})
}

// handleSessionGet handles GET /rest/auth/1/session: the current user, from
// a session cookie or basic auth (seed 002).
func handleSessionGet(c *call) {
	if !c.requireUser() {
		return
	}
	c.writeJSON(http.StatusOK, currentUserJSON{
		Self:      c.base + "/rest/api/latest/user?username=" + url.QueryEscape(c.user.Name),
		Name:      c.user.Name,
		LoginInfo: c.st.loginInfo(c.user),
	})
}

// handleSessionDelete handles DELETE /rest/auth/1/session: logout. With basic
// auth there is no session to end, and Jira still answers 204 (seed 002).
func handleSessionDelete(c *call) {
	if !c.requireUser() {
		return
	}
	if c.sess != nil {
		c.st.endSession(c.sess.id)
	}
	// The headers describe the state after the logout.
	c.user, c.sess, c.loginReason = nil, nil, reasonOut
	c.w.WriteHeader(http.StatusNoContent)
}

// handleWebSudoDelete handles DELETE /rest/auth/1/websudo: it ends the
// session's administrator access window.
func handleWebSudoDelete(c *call) {
	if !c.requireUser() {
		return
	}
	if c.sess != nil {
		c.st.setWebSudo(c.sess.id, false)
	}
	c.w.WriteHeader(http.StatusNoContent)
}
