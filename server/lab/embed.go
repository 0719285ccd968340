package lab

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
)

// ancestorSource is one source expression of -frame-ancestors, parsed.
type ancestorSource struct {
	keyword string // "'self'" or "'none'"; "" for the other kinds
	scheme  string // lower case; "" when absent
	host    string // lower case; "" for a scheme-source
	port    string // "" (the scheme's default), digits or "*"
	path    string
}

// wildcard reports whether the expression names more than one origin:
// a scheme-source, "*", "*.example.com" or a port "*".
func (s ancestorSource) wildcard() bool {
	return s.keyword == "" && (s.host == "" || s.host == "*" || strings.HasPrefix(s.host, "*.") || s.port == "*")
}

// parseFrameAncestors reads -frame-ancestors by the grammar of CSP Level 3
// (W3C: "Source Lists" and the frame-ancestors directive):
//
//	ancestor-source-list = ( ancestor-source *( RWS ancestor-source ) ) / "'none'"
//	ancestor-source      = scheme-source / host-source / "'self'"
//	scheme-source        = scheme-part ":"
//	host-source          = [ scheme-part "://" ] host-part [ ":" port-part ] [ path-part ]
//	host-part            = "*" / [ "*." ] 1*host-char *( "." 1*host-char ) [ "." ]
//	port-part            = 1*DIGIT / "*"
//
// A browser drops what does not parse and keeps the rest, so a typo would
// silently forbid (or allow) a portal; the lab refuses to start instead.
// Being strict also keeps ";" and "," (which start another directive or
// policy) and line breaks out of the header. A port above 65535 fits the
// grammar but can never match, and could not be a postMessage target.
func parseFrameAncestors(v string) ([]ancestorSource, error) {
	fields := strings.Fields(v)
	if len(fields) == 0 {
		return nil, errors.New("empty: use 'none' to forbid framing, 'self' for the lab's own pages")
	}
	var out []ancestorSource
	for _, f := range fields {
		s, err := parseAncestorSource(f)
		if err != nil {
			return nil, errors.New(strconv.Quote(f) + " " + err.Error())
		}
		if s.keyword == "'none'" && len(fields) > 1 {
			return nil, errors.New("'none' must stand alone (CSP ignores it beside other sources)")
		}
		out = append(out, s)
	}
	return out, nil
}

func parseAncestorSource(f string) (ancestorSource, error) {
	if strings.ContainsAny(f, ";,") {
		return ancestorSource{}, errors.New("holds ; or , which would end the directive (or the policy): give the sources alone, separated by spaces")
	}
	switch lf := strings.ToLower(f); lf {
	case "'self'", "'none'":
		return ancestorSource{keyword: lf}, nil
	}
	if strings.HasPrefix(f, "'") {
		return ancestorSource{}, errors.New("is not a keyword frame-ancestors takes (only 'self' and 'none')")
	}
	var s ancestorSource
	rest := f
	if i := strings.Index(rest, ":"); i > 0 && isScheme(rest[:i]) {
		switch {
		case i == len(rest)-1: // scheme-source: "https:"
			return ancestorSource{scheme: strings.ToLower(rest[:i])}, nil
		case strings.HasPrefix(rest[i:], "://"):
			s.scheme, rest = strings.ToLower(rest[:i]), rest[i+3:]
		}
	}
	hostEnd := strings.IndexAny(rest, ":/")
	if hostEnd < 0 {
		hostEnd = len(rest)
	}
	s.host, rest = strings.ToLower(rest[:hostEnd]), rest[hostEnd:]
	if !isHostPart(s.host) {
		return ancestorSource{}, errors.New("is not a CSP source: want 'self', 'none', a scheme such as https: or a host such as https://portal.example.com:8443")
	}
	if p, ok := strings.CutPrefix(rest, ":"); ok {
		end := strings.IndexByte(p, '/')
		if end < 0 {
			end = len(p)
		}
		s.port, rest = p[:end], p[end:]
		if s.port != "*" {
			n, err := strconv.Atoi(s.port)
			if err != nil || !allDigits(s.port) {
				return ancestorSource{}, errors.New("has a port that is neither digits nor *")
			}
			if n > 65535 {
				return ancestorSource{}, errors.New("has a port above 65535")
			}
		}
	}
	if rest != "" {
		if !isPathPart(rest) {
			return ancestorSource{}, errors.New("has a path CSP does not accept")
		}
		s.path = rest
	}
	return s, nil
}

// isScheme is RFC 3986's scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
func isScheme(s string) bool {
	for i, c := range []byte(s) {
		switch {
		case isAlpha(c):
		case i > 0 && (isDigit(c) || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// isHostPart is CSP's host-part (above).
func isHostPart(h string) bool {
	if h == "*" {
		return true
	}
	h = strings.TrimPrefix(h, "*.")
	h = strings.TrimSuffix(h, ".")
	if h == "" {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" {
			return false
		}
		for _, c := range []byte(label) {
			if !isAlpha(c) && !isDigit(c) && c != '-' {
				return false
			}
		}
	}
	return true
}

// isPathPart is RFC 3986's path-absolute, which CSP's path-part is, less
// ";" and "," (CSP splits directives and policies on them first).
func isPathPart(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case isAlpha(c) || isDigit(c) || strings.IndexByte("/-._~!$&'()*+=:@", c) >= 0:
		case c == '%' && i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2]):
			i += 2
		default:
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func allDigits(s string) bool {
	for _, c := range []byte(s) {
		if !isDigit(c) {
			return false
		}
	}
	return s != ""
}

// selfOrigin is what the page reads, in the list of origins it posts to,
// as "the origin this page was loaded from" (location.origin): the server
// cannot know it without -public-url when a reverse proxy sits in front.
const selfOrigin = "self"

// messageOrigins turns -frame-ancestors into the origins the embedded page
// posts its messages to. window.postMessage takes one exact origin per call
// ("*" would hand the events to whatever page frames the lab), so:
//   - 'self' is the lab's own origin: -public-url's, else the page's own;
//   - a wildcard (a scheme-source, "*", "*.example.com", port "*") names
//     no origin and gets no message;
//   - a host-source names one origin per scheme it matches. CSP Level 3,
//     "Does url match expression in origin": "http" also matches "https";
//     a missing scheme is the protected page's own, upgraded the same way;
//     a missing port is the scheme's default.
//   - Other schemes are not web pages that could frame the lab over HTTP.
//
// The path of a host-source plays no part: the message goes to an origin.
func messageOrigins(sources []ancestorSource, public *url.URL) []string {
	var out []string
	add := func(o string) {
		for _, have := range out {
			if have == o {
				return
			}
		}
		out = append(out, o)
	}
	for _, s := range sources {
		switch {
		case s.keyword == "'self'":
			if public != nil {
				add(public.Scheme + "://" + strings.ToLower(public.Host))
			} else {
				add(selfOrigin)
			}
			continue
		case s.keyword != "" || s.wildcard():
			continue
		}
		var schemes []string
		switch s.scheme {
		case "https":
			schemes = []string{"https"}
		case "http":
			schemes = []string{"http", "https"}
		case "":
			schemes = []string{"http", "https"}
			if public != nil && public.Scheme == "https" {
				schemes = []string{"https"}
			}
		}
		host := strings.TrimSuffix(s.host, ".")
		for _, scheme := range schemes {
			port := s.port
			if port == "80" && scheme == "http" || port == "443" && scheme == "https" {
				port = "" // the browser serialises an origin without its default port
			}
			if port != "" {
				add(scheme + "://" + host + ":" + port)
			} else {
				add(scheme + "://" + host)
			}
		}
	}
	return out
}

// frameOptions is the X-Frame-Options header that says what the CSP says,
// or "" where it cannot: a browser that knows frame-ancestors ignores
// X-Frame-Options (CSP Level 3, frame-ancestors: "Relation to X-Frame-Options"),
// and one that does not would read SAMEORIGIN or DENY as a contradiction
// of a list that lets a portal in.
func frameOptions(sources []ancestorSource) string {
	if len(sources) != 1 {
		return ""
	}
	switch sources[0].keyword {
	case "'none'":
		return "DENY"
	case "'self'":
		return "SAMEORIGIN"
	}
	return ""
}
