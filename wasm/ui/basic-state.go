package ui

import (
	"encoding/base64"
	"net/url"
	"strings"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/curl"

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

// resourcePath is the path (and query) to send for what was typed in a
// path field. The seeds write full URLs (curl … http://kelpie9:8081/rest/
// api/2/issue/QA-31): pasted here, the lab takes the URL's path, sends it
// to the Jira chosen in the header, and says so in note.
func resourcePath(typed string) (path, note string) {
	path = strings.TrimSpace(typed)
	if u, err := url.Parse(path); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		path = curl.Request{URL: path}.Path() // the console's curl import takes a URL's path the same way
		note = "That is a URL: the lab sends its path, " + path + ", to the Jira chosen at the top, not to " + u.Host + "."
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return path, note
}

// sendBasic sends a GET of the page's path with basic auth.
func sendBasic(ctx app.Context) {
	b := basic
	path, _ := resourcePath(b.path)
	send(ctx, call{Method: "GET", Path: path,
		Header:   []contract.Header{{Name: "Authorization", Value: basicHeader(b.user, b.pass)}, acceptJSON},
		Auth:     contract.AuthBasic,
		Username: b.user,
		Busy:     "basic-send"}, nil)
}
