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

// resourcePath is the path (and query) to send for what was typed in a
// path field. The seeds write full URLs (curl … http://kelpie9:8081/rest/
// api/2/issue/QA-31): pasted here, the lab takes the URL's path, sends it
// to the Jira chosen in the header, and says so in note.
func resourcePath(typed string) (path, note string) {
	path = strings.TrimSpace(typed)
	if i := strings.Index(path, "://"); i > 0 && !strings.ContainsAny(path[:i], "/?#") {
		rest := path[i+3:]
		host := rest
		if j := strings.IndexAny(rest, "/?#"); j >= 0 {
			host, path = rest[:j], rest[j:]
		} else {
			path = "/"
		}
		path, _, _ = strings.Cut(path, "#")
		note = "That is a URL: the lab sends its path, " + path + ", to the Jira chosen at the top, not to " + host + "."
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
