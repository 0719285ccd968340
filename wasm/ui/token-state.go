package ui

import (
	"net/url"
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

// createToken makes a token: on Server/DC a personal access token through
// POST /rest/pat/latest/tokens (Jira 8.14+) with basic auth; on the
// sandbox's Cloud face an API token through its stand-in for
// id.atlassian.com (POST /_sandbox/api-tokens); a real Cloud site makes
// API tokens on id.atlassian.com only, so the page says where. The secret
// is shown this once, as Jira shows it.
func createToken(ctx app.Context) {
	s := tokens
	switch targets.cloudKind() {
	case "site":
		tokens.err = "Jira Cloud makes API tokens on id.atlassian.com (Account settings → Security → Create and manage API tokens), not through its REST API: make one there and type it in the API token field, then press Use."
		publish(ctx, keyToken)
		return
	case "face":
		tokens.err = ""
		send(ctx, call{Method: "POST", Path: "/_sandbox/api-tokens", Header: []contract.Header{jsonHeader, acceptJSON},
			Body: jsonString(map[string]string{"email": strings.TrimSpace(s.user), "label": s.name}), Busy: "token-create"},
			func(ctx app.Context, x contract.Exchange, _ diagnosis.Diagnosis) {
				var v cloudTokenView
				if x.Status != 201 || jsonUnmarshal(x.ResponseBody, &v) != nil || v.Token == "" {
					return // the diagnosis says why
				}
				tokens.raw, tokens.id = v.Token, v.ID
				publish(ctx, keyToken)
				listTokens(ctx)
			})
		return
	}
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

// cloudTokenView is an API token as the sandbox's stand-in for
// id.atlassian.com shows it.
type cloudTokenView struct {
	ID        int    `json:"id"`
	Label     string `json:"label"`
	CreatedAt string `json:"createdAt"`
	ExpiresAt string `json:"expiresAt"`
	Token     string `json:"token"`
}

// useToken calls who-am-I with the token: on Server/DC as Authorization:
// Bearer (Atlassian, "Using Personal Access Tokens"); on Cloud as the
// password of basic auth with the e-mail (Atlassian, "Basic auth for REST
// APIs") — on a real site the token typed in the API token field.
func useToken(ctx app.Context) {
	cloud := targets.cloudKind()
	raw := tokens.raw
	if cloud == "site" {
		raw = tokens.pass
	}
	if raw == "" {
		tokens.err = "Create a token first: Use sends the secret Jira showed when it created one."
		if cloud == "site" {
			tokens.err = "Type your e-mail and an API token made on id.atlassian.com first."
		}
		publish(ctx, keyToken)
		return
	}
	tokens.err = ""
	publish(ctx, keyToken)
	if cloud != "" {
		user := strings.TrimSpace(tokens.user)
		send(ctx, call{Method: "GET", Path: "/rest/api/3/myself",
			Header: []contract.Header{acceptJSON, {Name: "Authorization", Value: basicHeader(user, raw)}},
			Auth:   contract.AuthBasic, Username: user, Busy: "token-use"}, nil)
		return
	}
	send(ctx, call{Method: "GET", Path: "/rest/api/2/myself",
		Header: []contract.Header{acceptJSON, {Name: "Authorization", Value: "Bearer " + raw}},
		Auth:   contract.AuthBearer, Busy: "token-use"}, nil)
}

// revokeToken ends the token created last: DELETE
// /rest/pat/latest/tokens/{id} with basic auth, or on the Cloud face the
// stand-in for id.atlassian.com's revoke.
func revokeToken(ctx app.Context) {
	if tokens.id == 0 {
		tokens.err = "Create a token first: Revoke ends the token created last."
		publish(ctx, keyToken)
		return
	}
	tokens.err = ""
	publish(ctx, keyToken)
	c := call{Method: "DELETE", Path: "/rest/pat/latest/tokens/" + strconv.Itoa(tokens.id),
		Header: []contract.Header{tokens.patAuth()}, Auth: contract.AuthBasic, Username: tokens.user, Busy: "token-revoke"}
	if targets.cloudKind() == "face" {
		c = call{Method: "DELETE", Path: "/_sandbox/api-tokens/" + strconv.Itoa(tokens.id), Busy: "token-revoke"}
	}
	send(ctx, c, func(ctx app.Context, x contract.Exchange, _ diagnosis.Diagnosis) {
		if x.Status < 300 {
			listTokens(ctx) // the secret stays: Use now shows Jira's refusal
		}
	})
}

// listTokens reads the tokens: GET /rest/pat/latest/tokens, or the Cloud
// face's list of the e-mail's API tokens.
func listTokens(ctx app.Context) {
	if targets.cloudKind() == "face" {
		send(ctx, call{Method: "GET", Path: "/_sandbox/api-tokens?email=" + url.QueryEscape(strings.TrimSpace(tokens.user)), Header: []contract.Header{acceptJSON}},
			func(ctx app.Context, x contract.Exchange, _ diagnosis.Diagnosis) {
				var list []cloudTokenView
				if x.Status == 200 && jsonUnmarshal(x.ResponseBody, &list) == nil {
					tokens.tokens = tokens.tokens[:0]
					for _, t := range list {
						tokens.tokens = append(tokens.tokens, patView{ID: t.ID, Name: t.Label, CreatedAt: t.CreatedAt, ExpiringAt: t.ExpiresAt})
					}
					publish(ctx, keyToken)
				}
			})
		return
	}
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
