package lab

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"jiraauthlab/contract"
)

// TestCloudFaceUpstream: the built-in sandbox is listed twice, its Server
// face first (the default) and its Cloud face under /cloud, and the proxy
// reaches each face through its own name.
func TestCloudFaceUpstream(t *testing.T) {
	s := startTestServer(t, Config{SandboxAddr: "127.0.0.1:0"})
	resp, err := http.Get(s.AppURL + "api/upstreams")
	if err != nil {
		t.Fatal(err)
	}
	var list []contract.Upstream
	err = json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	want := []contract.Upstream{
		{Name: "sandbox", URL: strings.TrimSuffix(s.SandboxURL, "/"), Sandbox: true},
		{Name: "sandbox-cloud", URL: s.SandboxURL + "cloud", Sandbox: true},
	}
	if err != nil || len(list) != len(want) || list[0] != want[0] || list[1] != want[1] {
		t.Fatalf("/api/upstreams = %+v (%v); want %+v", list, err, want)
	}

	for _, tc := range []struct {
		upstream, deployment string
	}{
		{"sandbox", "Server"},
		{"sandbox-cloud", "Cloud"},
	} {
		t.Run(tc.upstream, func(t *testing.T) {
			resp, body := labCall(t, "GET", s.AppURL+"proxy/"+tc.upstream+"/rest/api/2/serverInfo", "")
			var info struct{ DeploymentType, BaseURL string }
			if err := json.Unmarshal([]byte(body), &info); resp.StatusCode != 200 || err != nil || info.DeploymentType != tc.deployment {
				t.Errorf("serverInfo through /proxy/%s = %d %s; want deploymentType %q", tc.upstream, resp.StatusCode, body, tc.deployment)
			}
		})
	}

	// A Server face's session login is no credential on the Cloud face.
	resp, body := labCall(t, "POST", s.AppURL+"proxy/sandbox-cloud/rest/auth/1/session", `{"username":"fred","password":"fred"}`)
	if resp.StatusCode != http.StatusUnauthorized || len(resp.Header.Values("X-Jira-Set-Cookie")) != 0 {
		t.Errorf("Cloud session login through the proxy = %d, cookies %q; want 401 and no cookie (%s)", resp.StatusCode, resp.Header.Values("X-Jira-Set-Cookie"), body)
	}
}
