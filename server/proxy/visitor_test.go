package proxy_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"jiraauthlab/contract"
	"jiraauthlab/server/proxy"
)

// TestVisitorHeader: the page's X-Jira-Lab-Visitor reaches a built-in
// sandbox face (Upstream.Sandbox) as X-Sandbox-Visitor, and nothing else:
// another upstream — also one named "sandbox" that an -upstream put in
// the built-in one's place — never gets the id, and an X-Sandbox-Visitor
// the page forges itself never passes, in any spelling.
func TestVisitorHeader(t *testing.T) {
	sandbox, cloud, prod, replaced := newUpstream(t, nil), newUpstream(t, nil), newUpstream(t, nil), newUpstream(t, nil)
	builtIn := func(name string, u *recordingUpstream, path string) proxy.Upstream {
		up := upstreamAt(t, name, u.URL+path)
		up.Sandbox = true
		return up
	}
	l := newLab(t, proxy.Config{Upstreams: []proxy.Upstream{
		builtIn("sandbox", sandbox, ""),
		builtIn("sandbox-cloud", cloud, "/cloud"),
		upstreamAt(t, "prod", prod.URL),
	}})
	// A second lab whose "sandbox" is an -upstream sandbox=… (ParseUpstream:
	// not built in).
	l2 := newLab(t, proxy.Config{Upstreams: []proxy.Upstream{upstreamAt(t, "sandbox", replaced.URL)}})

	const id = "0123456789abcdef0123456789abcdef"
	tests := []struct {
		name     string
		lab      *lab
		upstream *recordingUpstream
		path     string
		hdr      http.Header
		want     []string // the X-Sandbox-Visitor lines the upstream gets; nil: none
	}{
		{"sandbox gets the visitor", l, sandbox, "/proxy/sandbox/rest/api/2/myself",
			http.Header{contract.HeaderVisitor: {id}}, []string{id}},
		{"the Cloud face too", l, cloud, "/proxy/sandbox-cloud/rest/api/3/myself",
			http.Header{contract.HeaderVisitor: {id}}, []string{id}},
		{"sandbox without a visitor: the default state", l, sandbox, "/proxy/sandbox/rest/api/2/myself",
			nil, nil},
		{"a malformed id is passed for the sandbox to refuse", l, sandbox, "/proxy/sandbox/rest/api/2/myself",
			http.Header{contract.HeaderVisitor: {"a b", "c"}}, []string{"a b", "c"}},
		{"another upstream never gets it", l, prod, "/proxy/prod/rest/api/2/myself",
			http.Header{contract.HeaderVisitor: {id}}, nil},
		{"nor an -upstream that replaced the sandbox", l2, replaced, "/proxy/sandbox/rest/api/2/myself",
			http.Header{contract.HeaderVisitor: {id}}, nil},
		{"forged by the page, to the sandbox", l, sandbox, "/proxy/sandbox/rest/api/2/myself",
			http.Header{contract.HeaderSandboxVisitor: {"someone-else"}}, nil},
		{"forged beside the real one", l, sandbox, "/proxy/sandbox/rest/api/2/myself",
			http.Header{contract.HeaderSandboxVisitor: {"someone-else"}, contract.HeaderVisitor: {id}}, []string{id}},
		{"forged with underscores", l, sandbox, "/proxy/sandbox/rest/api/2/myself",
			http.Header{"X_Sandbox_Visitor": {"someone-else"}}, nil},
		{"forged to another upstream", l, prod, "/proxy/prod/rest/api/2/myself",
			http.Header{contract.HeaderSandboxVisitor: {"someone-else"}, contract.HeaderVisitor: {id}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := tt.lab.do(t, http.MethodGet, tt.path, nil, tt.hdr)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d %s", tt.path, res.StatusCode, body)
			}
			got := tt.upstream.last(t).Header
			var lines []string
			for k, v := range got {
				// Any spelling a server behind might read as the header.
				if strings.EqualFold(strings.ReplaceAll(k, "_", "-"), contract.HeaderSandboxVisitor) {
					lines = append(lines, v...)
				}
				if http.CanonicalHeaderKey(k) == contract.HeaderVisitor {
					t.Errorf("the upstream got the lab's own %s: %q", k, v)
				}
			}
			if !slices.Equal(lines, tt.want) {
				t.Errorf("GET %s with %v: upstream's X-Sandbox-Visitor = %q; want %q", tt.path, tt.hdr, lines, tt.want)
			}
		})
	}
}
