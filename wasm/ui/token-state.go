package ui

import (
	"strconv"
	"strings"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/diagnosis"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// tokenState is the token page's: the account that creates tokens (basic
// auth, as Jira wants for POST /rest/pat/latest/tokens), the new token's
// name and lifetime, and the token created last — shown once, as Jira
// shows it, and kept for Use and the console.
type tokenState struct {
	user, pass, name, days string
	raw                    string // the secret, as created
	id                     int    // its id, for Revoke
	tokens                 []patView
	err                    string
}

// patView is a personal access token as Jira lists it.
type patView struct {
	ID         int    `json:"id"`
	Name       string `json:"name"`
	CreatedAt  string `json:"createdAt"`
	ExpiringAt string `json:"expiringAt"`
	RawToken   string `json:"rawToken"`
}

// tokens is the store of the token page.
var tokens = tokenState{name: "lab token", days: "30"}

// forget drops the password and the token.
func (s *tokenState) forget() { s.pass, s.raw = "", "" }

// patAuth is the basic auth Jira wants for its token resource.
func (s tokenState) patAuth() contract.Header {
	return contract.Header{Name: "Authorization", Value: basicHeader(s.user, s.pass)}
}

// createToken sends POST /rest/pat/latest/tokens (Jira 8.14+) with basic
// auth, and keeps the rawToken Jira shows this once.
func createToken(ctx app.Context) {
	s := tokens
	days, err := strconv.Atoi(strings.TrimSpace(s.days))
	if err != nil || days < 1 {
		tokens.err = "The lifetime is a whole number of days, 1 or more."
		publish(ctx, keyToken)
		return
	}
	tokens.err = ""
	body := jsonString(map[string]any{"name": s.name, "expirationDuration": days})
	send(ctx, call{Method: "POST", Path: "/rest/pat/latest/tokens", Header: []contract.Header{jsonHeader, acceptJSON, s.patAuth()},
		Body: body, Auth: contract.AuthBasic, Username: s.user, Busy: "token-create"},
		func(ctx app.Context, x contract.Exchange, _ diagnosis.Diagnosis) {
			var v patView
			if x.Status != 201 || jsonUnmarshal(x.ResponseBody, &v) != nil || v.RawToken == "" {
				return // the diagnosis says why
			}
			tokens.raw, tokens.id = v.RawToken, v.ID
			publish(ctx, keyToken)
			listTokens(ctx)
		})
}

// useToken calls GET /rest/api/2/myself with Authorization: Bearer.
func useToken(ctx app.Context) {
	if tokens.raw == "" {
		tokens.err = "Create a token first: Use sends the secret Jira showed when it created one."
		publish(ctx, keyToken)
		return
	}
	tokens.err = ""
	publish(ctx, keyToken)
	send(ctx, call{Method: "GET", Path: "/rest/api/2/myself",
		Header: []contract.Header{acceptJSON, {Name: "Authorization", Value: "Bearer " + tokens.raw}},
		Auth:   contract.AuthBearer, Busy: "token-use"}, nil)
}

// revokeToken sends DELETE /rest/pat/latest/tokens/{id} with basic auth.
func revokeToken(ctx app.Context) {
	if tokens.id == 0 {
		tokens.err = "Create a token first: Revoke ends the token created last."
		publish(ctx, keyToken)
		return
	}
	tokens.err = ""
	publish(ctx, keyToken)
	send(ctx, call{Method: "DELETE", Path: "/rest/pat/latest/tokens/" + strconv.Itoa(tokens.id),
		Header: []contract.Header{tokens.patAuth()}, Auth: contract.AuthBasic, Username: tokens.user, Busy: "token-revoke"},
		func(ctx app.Context, x contract.Exchange, _ diagnosis.Diagnosis) {
			if x.Status < 300 {
				listTokens(ctx) // the secret stays: Use now shows Jira's 401
			}
		})
}

// listTokens reads GET /rest/pat/latest/tokens.
func listTokens(ctx app.Context) {
	send(ctx, call{Method: "GET", Path: "/rest/pat/latest/tokens", Header: []contract.Header{acceptJSON, tokens.patAuth()},
		Auth: contract.AuthBasic, Username: tokens.user},
		func(ctx app.Context, x contract.Exchange, _ diagnosis.Diagnosis) {
			var list []patView
			if x.Status == 200 && jsonUnmarshal(x.ResponseBody, &list) == nil {
				tokens.tokens = list
				publish(ctx, keyToken)
			}
		})
}
