package lab

import (
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// hostSet holds the names the app is served under: the listener's real host
// and port, localhost on that port, and -public-url's host. Requests naming
// any other Host are refused: that is the defence against DNS rebinding, where
// a foreign page makes its own hostname resolve to the lab's address.
type hostSet struct {
	names map[string]bool // lower-case host:port
	port  string
	// anyIP is set when the listener has no specific address (0.0.0.0, ::):
	// then every IP literal on the port is a Host the app is served under
	// (IP literals cannot be rebound, only host names can), and an IP
	// literal Origin is the app's own only when it names the request's own
	// Host — a page served from any other address is another site.
	anyIP bool
}

func newHostSet(listen net.Addr, public *url.URL) *hostSet {
	s := &hostSet{names: map[string]bool{}}
	host, port, _ := net.SplitHostPort(listen.String())
	s.port = port
	if ip, err := netip.ParseAddr(host); err == nil && ip.IsUnspecified() {
		s.anyIP = true
	}
	s.add(net.JoinHostPort(host, port))
	s.add(net.JoinHostPort("localhost", port))
	if public != nil {
		s.add(public.Host)
		switch public.Port() {
		case "": // https://lab.example.com: also :443 spelled out
			s.add(net.JoinHostPort(public.Hostname(), defaultPort(public.Scheme)))
		case defaultPort(public.Scheme): // https://lab.example.com:443: browsers send the bare name
			s.add(public.Hostname())
		}
	}
	return s
}

func (s *hostSet) add(hostport string) { s.names[strings.ToLower(hostport)] = true }

func defaultPort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// allowed reports whether hostport names the app. A name without a port
// means the scheme's default port; a Host header may also match a bare
// -public-url host as given, an Origin always compares with its port. On an
// any-address listener an IP literal is allowed when ipOK says so.
func (s *hostSet) allowed(hostport, scheme string, bareOK bool, ipOK func(hostport string) bool) bool {
	h := strings.ToLower(hostport)
	if h == "" {
		return false
	}
	host, port, err := net.SplitHostPort(h)
	if err != nil { // no port
		if bareOK && s.names[h] {
			return true
		}
		host, port = strings.Trim(h, "[]"), defaultPort(scheme)
	}
	if s.names[net.JoinHostPort(host, port)] {
		return true
	}
	if s.anyIP && port == s.port {
		if _, err := netip.ParseAddr(host); err == nil {
			return ipOK(net.JoinHostPort(host, port))
		}
	}
	return false
}

// AllowHost reports whether a Host header names the app.
func (s *hostSet) AllowHost(host string) bool {
	return s.allowed(host, "http", true, func(string) bool { return true })
}

// AllowOrigin reports whether an Origin header is the app's own, for a
// request whose Host is host.
func (s *hostSet) AllowOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return false
	}
	sameHost := func(hostport string) bool {
		h, p, err := net.SplitHostPort(strings.ToLower(host))
		if err != nil {
			h, p = strings.Trim(strings.ToLower(host), "[]"), defaultPort(u.Scheme)
		}
		return net.JoinHostPort(h, p) == hostport
	}
	return s.allowed(u.Host, u.Scheme, false, sameHost)
}
