package lab

import (
	"encoding/json"
	"net/http"
	"testing"

	"jiraauthlab/contract"
	"jiraauthlab/server/sandbox"
)

// The sandbox counts what the metrics' gauges show (watchSandbox).
var (
	_ visitorCounter = (*sandbox.Sandbox)(nil)
	_ sessionCounter = (*sandbox.Sandbox)(nil)
)

// TestSandboxVisitorsThroughTheProxy: the page's visitor id reaches the
// built-in sandbox through the proxy, each visitor's session is its own,
// and -sandbox-visitors bounds how many states the sandbox keeps: with
// room for one, a second visitor pushes the first one's state out.
func TestSandboxVisitorsThroughTheProxy(t *testing.T) {
	tests := []struct {
		name          string
		visitors      int
		wantKeptAfter int // status of the first visitor's session after the second visitor came
	}{
		{"room for both", 2, http.StatusOK},
		{"room for one", 1, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startTestServer(t, Config{SandboxAddr: "127.0.0.1:0", SandboxVisitors: tt.visitors})
			proxied := s.AppURL + "proxy/sandbox"
			resp, body := labCall(t, "POST", proxied+"/rest/auth/1/session", `{"username":"fred","password":"fred"}`, contract.HeaderVisitor, "first")
			var login struct{ Session struct{ Name, Value string } }
			if err := json.Unmarshal([]byte(body), &login); resp.StatusCode != http.StatusOK || err != nil {
				t.Fatalf("login as the first visitor: %d %s", resp.StatusCode, body)
			}
			cookie := login.Session.Name + "=" + login.Session.Value
			myself := func(visitor string) int {
				resp, _ := labCall(t, "GET", proxied+"/rest/api/2/myself", "", contract.HeaderCookie, cookie, contract.HeaderVisitor, visitor)
				return resp.StatusCode
			}
			if got := myself("first"); got != http.StatusOK {
				t.Errorf("the first visitor's session, as the first visitor: %d; want 200", got)
			}
			if got := myself("second"); got != http.StatusUnauthorized {
				t.Errorf("the first visitor's session, as the second visitor: %d; want 401", got)
			}
			if got := myself("first"); got != tt.wantKeptAfter {
				t.Errorf("with -sandbox-visitors %d, the first visitor's session after the second came: %d; want %d", tt.visitors, got, tt.wantKeptAfter)
			}
		})
	}
}
