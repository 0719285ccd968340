package sandbox

import (
	"net"
	"strconv"
	"strings"
	"testing"
)

func TestHostPolicy(t *testing.T) {
	addr := func(s string) net.Addr {
		a, err := net.ResolveTCPAddr("tcp", s)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	tests := []struct {
		name   string
		listen net.Addr
		extra  func(string) bool
		allow  []string
		refuse []string
	}{
		{"listener unknown: names DNS cannot rebind", nil, nil,
			[]string{"127.0.0.1:8090", "127.0.0.1:1", "10.1.2.3:8090", "[::1]:8090", "localhost:8090", "LOCALHOST:9", "127.0.0.1", "[::1]"},
			[]string{"evil.example", "evil.example:8090", "localhost.:8090", "127.0.0.1.nip.io:8090", "", ":8090", "127.0.0.1:0", "127.0.0.1:x", "127.0.0.1:99999", "[fe80::1%25eth0]:8090"}},
		{"loopback listener", addr("127.0.0.1:8090"), nil,
			[]string{"127.0.0.1:8090", "localhost:8090", "LocalHost:8090"},
			[]string{"127.0.0.1:8091", "localhost:8091", "[::1]:8090", "10.1.2.3:8090", "evil.example:8090", "evil.example", "127.0.0.1"}},
		{"listener on port 80: the port may be left out", addr("127.0.0.1:80"), nil,
			[]string{"127.0.0.1", "127.0.0.1:80", "localhost", "localhost:80"},
			[]string{"evil.example"}},
		{"every IPv4 address", addr("0.0.0.0:8090"), nil,
			[]string{"0.0.0.0:8090", "127.0.0.1:8090", "192.168.1.20:8090", "[::1]:8090", "localhost:8090"},
			[]string{"192.168.1.20:8091", "lab.example:8090", "evil.example:8090"}},
		{"every IPv6 address", addr("[::]:8090"), nil,
			[]string{"[::1]:8090", "127.0.0.1:8090", "localhost:8090"},
			[]string{"evil.example:8090"}},
		{"a further name", addr("127.0.0.1:8090"), func(h string) bool { return h == "jira.lab.example" },
			[]string{"jira.lab.example", "127.0.0.1:8090"},
			[]string{"evil.example", "jira.lab.example:8090"}},
	}
	for _, tt := range tests {
		hp := newHostPolicy(tt.listen, tt.extra)
		for _, h := range tt.allow {
			if !hp.allow(h) {
				t.Errorf("%s: Host %q refused; want allowed", tt.name, h)
			}
		}
		for _, h := range tt.refuse {
			if hp.allow(h) {
				t.Errorf("%s: Host %q allowed; want refused", tt.name, h)
			}
		}
	}
}

// TestForeignHostRefused replays the DNS-rebinding finding of issue 14: a
// page on evil.example, whose name now resolves to the sandbox's address,
// could reset the sandbox (its Origin matched its own Host) and had its
// Host reflected into Location and login-url. Every answer to a foreign
// Host is now a Jira-shaped 403 that changes nothing and echoes nothing.
func TestForeignHostRefused(t *testing.T) {
	h := newHarness(t, Options{})
	sid := h.login("fred", "fred")
	const evil = "evil.example"
	foreign := func(r req) req {
		r.host = evil
		header := map[string]string{"Origin": "http://" + evil}
		for k, v := range r.header { // a copy: jsonHeader is shared
			header[k] = v
		}
		r.header = header
		return r
	}
	tests := []struct {
		name string
		req  req
	}{
		{"reset", req{method: "POST", path: "/_sandbox/reset"}},
		{"expire sessions", req{method: "POST", path: "/_sandbox/expire-sessions"}},
		{"state", req{path: "/_sandbox/state"}},
		{"root redirect", req{path: "/"}},
		{"login page", req{path: "/login.jsp"}},
		{"browser login", formPost("/login.jsp", "os_username=fred&os_password=x")},
		{"basic auth", req{path: "/rest/api/2/myself", basic: "fred:x"}},
		{"session login", req{method: "POST", path: "/rest/auth/1/session", header: jsonHeader, body: `{"username":"fred","password":"x"}`}},
		{"serverInfo", req{path: "/rest/api/2/serverInfo"}},
		{"session resource with a cookie", req{path: "/rest/auth/1/session", cookie: sid}},
		{"unknown path", req{path: "/jira/nothing"}},
	}
	for _, tt := range tests {
		res := h.do(foreign(tt.req))
		want{status: 403, headers: map[string]string{"Location": "", "X-Authentication-Denied-Reason": "", "Set-Cookie": "", "X-AUSERNAME": "anonymous"},
			notBody: []string{evil}}.check(t, tt.name, res)
		res.jiraError(t)
	}
	// Nothing happened: fred's session lives, and no failure was counted.
	if st := h.state(t); st.Sessions != 1 || accountIn(t, st, "fred").ConsecutiveFailedLogins != 0 {
		t.Errorf("state after: %d sessions, fred %+v; want 1 session, no failure", st.Sessions, accountIn(t, st, "fred"))
	}
	want{status: 200}.check(t, "fred's session", h.do(req{path: "/rest/api/2/myself", cookie: sid}))

	// The listener's other name works, and is the one echoed back.
	port := h.srv.Listener.Addr().(*net.TCPAddr).Port
	local := "localhost:" + strconv.Itoa(port)
	res := h.do(req{path: "/", host: local})
	want{status: 302, headers: map[string]string{"Location": "http://" + local + "/secure/Dashboard.jspa"}}.check(t, "localhost", res)
	for range 3 {
		h.do(req{path: "/rest/api/2/myself", basic: "admin:x", host: local})
	}
	res = h.do(req{path: "/rest/api/2/myself", basic: "admin:admin", host: local})
	want{status: 403, headers: map[string]string{"X-Authentication-Denied-Reason": "CAPTCHA_CHALLENGE; login-url=http://" + local + "/login.jsp"}}.check(t, "login-url", res)
	if strings.Contains(res.body, evil) {
		t.Errorf("answer names %s: %s", evil, res.body)
	}
}
