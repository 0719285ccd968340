package ui

import (
	"encoding/base64"
	"strings"

	"jiraauthlab/contract"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// basicState is the basic-auth page's fields.
type basicState struct {
	user, pass, path string
}

// basic is the store of the basic-auth page.
var basic = basicState{path: "/rest/api/2/myself"}

// forget drops the password.
func (b *basicState) forget() { b.pass = "" }

// basicHeader builds the header value of seed 000: base64("user:password").
func basicHeader(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// sendBasic sends a GET of the page's path with basic auth.
func sendBasic(ctx app.Context) {
	b := basic
	path := strings.TrimSpace(b.path)
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	send(ctx, call{Method: "GET", Path: path,
		Header:   []contract.Header{{Name: "Authorization", Value: basicHeader(b.user, b.pass)}, acceptJSON},
		Auth:     contract.AuthBasic,
		Username: b.user,
		Busy:     "basic-send"}, nil)
}
