package sandbox

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// hostPolicy decides which Host header values name the sandbox
// (CONTRACT.md: "The sandbox answers only to a Host that names its own
// listener"). A request naming any other host is refused before anything
// else happens: that is the defence against DNS rebinding, where a page on
// a foreign name that its DNS then points at the sandbox's address could
// otherwise reset the sandbox, post its login form or read its answers as
// its own origin. A Host that passes is also the only one self links,
// Location, login-url= and the cookie file are ever built from.
type hostPolicy struct {
	// known is false when the listener's address was not given: then the
	// sandbox answers to the names DNS cannot rebind, IP literals and
	// localhost, on any port.
	known bool
	names map[string]bool // lower-case host:port
	port  string
	// anyIP: the listener has no specific address (0.0.0.0, ::), so every
	// IP literal on its port reaches it. IP literals cannot be rebound.
	anyIP bool
	extra func(host string) bool // Options.AllowHost
}

func newHostPolicy(listen net.Addr, extra func(string) bool) *hostPolicy {
	hp := &hostPolicy{names: map[string]bool{}, extra: extra}
	if listen == nil {
		return hp
	}
	host, port, err := net.SplitHostPort(listen.String())
	if err != nil {
		return hp
	}
	hp.known, hp.port = true, port
	if ip, err := netip.ParseAddr(host); err == nil && ip.IsUnspecified() {
		hp.anyIP = true
	}
	hp.names[strings.ToLower(net.JoinHostPort(host, port))] = true
	hp.names[net.JoinHostPort("localhost", port)] = true
	return hp
}

// allow reports whether a Host header value names the sandbox. A value
// without a port means port 80, as for an http:// URL.
func (hp *hostPolicy) allow(hostport string) bool {
	if hp.extra != nil && hp.extra(hostport) {
		return true
	}
	h := strings.ToLower(hostport)
	host, port, err := net.SplitHostPort(h)
	if err != nil {
		if strings.HasSuffix(h, "]") || !strings.Contains(h, ":") {
			host, port = strings.Trim(h, "[]"), "80"
		} else {
			return false
		}
	}
	if host == "" || !validPort(port) {
		return false
	}
	_, ipErr := netip.ParseAddr(host)
	isIP := ipErr == nil && !strings.Contains(host, "%") // no IPv6 zones
	if !hp.known {
		return isIP || host == "localhost"
	}
	if hp.names[net.JoinHostPort(host, port)] {
		return true
	}
	return hp.anyIP && isIP && port == hp.port
}

// validPort reports whether p is a port number (1 to 65535, digits only).
func validPort(p string) bool {
	n, err := strconv.ParseUint(p, 10, 16)
	return err == nil && n > 0
}
