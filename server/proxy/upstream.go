package proxy

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// Upstream is a Jira the proxy may reach.
type Upstream struct {
	// Name is the {name} of /proxy/{name}/...; only [A-Za-z0-9._-],
	// and neither "." nor "..".
	Name string
	// URL is the base every request is joined to. It may carry a context
	// path (https://jira.example.com/jira); it carries no query, fragment
	// or userinfo. New and ParseUpstream drop a trailing slash.
	URL *url.URL
	// Sandbox marks a face of the built-in sandbox Jira, so the UI can
	// offer its demo controls. The proxy treats it like any other upstream
	// but for one header: the page's visitor id reaches it as
	// X-Sandbox-Visitor (rewriteRequestHeaders). ParseUpstream never sets
	// it, so an -upstream that replaces a built-in face never gets the id.
	Sandbox bool
}

// ParseUpstream parses "NAME=URL" as the -upstream flag takes it, for
// example "prod=https://jira.example.com/jira".
func ParseUpstream(s string) (Upstream, error) {
	name, raw, ok := strings.Cut(s, "=")
	if !ok {
		return Upstream{}, fmt.Errorf("upstream %q: want NAME=URL, for example prod=https://jira.example.com/jira", Redact(s))
	}
	name, raw = strings.TrimSpace(name), strings.TrimSpace(raw)
	if err := checkName(name); err != nil {
		return Upstream{}, fmt.Errorf("upstream %q: %w", Redact(s), err)
	}
	if raw == "" {
		return Upstream{}, fmt.Errorf("upstream %q: empty URL", name)
	}
	u, err := ParseURL(raw)
	if err != nil {
		return Upstream{}, fmt.Errorf("upstream %q: URL %q: %w", name, Redact(raw), err)
	}
	up := Upstream{Name: name, URL: u}
	if err := normalize(&up); err != nil {
		return Upstream{}, fmt.Errorf("upstream %q: %w", name, err)
	}
	return up, nil
}

// ParseURL is url.Parse with an error that does not repeat s: url.Error
// quotes the whole URL, password included. Callers quote Redact(s).
func ParseURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return u, err
}

// Redact hides a password in s, when s looks like it carries one: the
// user information before the last '@', after "scheme://" or, without a
// scheme, after "NAME=" or from the start ("fred:secret@jira.example.com").
func Redact(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return s
	}
	start := 0
	if i := strings.Index(s[:at], "://"); i >= 0 {
		start = i + 3
	} else if e := strings.IndexByte(s[:at], '='); e >= 0 {
		start = e + 1
	}
	if c := strings.IndexByte(s[start:at], ':'); c >= 0 {
		return s[:start+c+1] + "xxxxx" + s[at:]
	}
	return s
}

// checkName reports why name cannot be an upstream name, or nil.
func checkName(name string) error {
	if name == "" {
		return errors.New("empty name")
	}
	if name == "." || name == ".." {
		return fmt.Errorf("name %q is a path segment the router would remove", name)
	}
	for i := 0; i < len(name); i++ {
		if !nameByte(name[i]) {
			return fmt.Errorf("name %q: only letters, digits, '.', '_' and '-' are allowed", name)
		}
	}
	return nil
}

func nameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '.' || c == '_' || c == '-'
}

// normalize checks up.URL and replaces it with a clean copy without a
// trailing slash, so that "base + /" is always the prefix of what is
// forwarded.
func normalize(up *Upstream) error {
	if up.URL == nil {
		return errors.New("no URL")
	}
	u := *up.URL
	shown := Redact(up.URL.String())
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("URL %q: scheme must be http or https", shown)
	case u.Opaque != "":
		return fmt.Errorf("URL %q: want scheme://host[:port][/path]", shown)
	case u.User != nil:
		return fmt.Errorf("URL %q: credentials in the URL are not allowed; the lab sends them per request", shown)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("URL %q: missing host", shown)
	case u.RawQuery != "" || u.ForceQuery:
		return fmt.Errorf("URL %q: a query is not allowed in a base URL", shown)
	case u.Fragment != "" || u.RawFragment != "":
		return fmt.Errorf("URL %q: a fragment is not allowed in a base URL", shown)
	}
	// The base path obeys the same rules as the paths joined to it.
	base := strings.TrimRight(u.EscapedPath(), "/")
	if base != "" && !validPath(base[1:]) {
		return fmt.Errorf("URL %q: the path must not contain dot segments, empty segments, ';', '\\' or encoded separators", shown)
	}
	p, err := url.PathUnescape(base)
	if err != nil {
		return fmt.Errorf("URL %q: %w", Redact(up.URL.String()), err)
	}
	u.Path, u.RawPath = p, ""
	if u.EscapedPath() != base {
		u.RawPath = base
	}
	up.URL = &u
	return nil
}

// LoadCA returns the system roots plus the PEM certificates in file, for
// an upstream whose certificate is issued by an internal CA (-upstream-ca).
func LoadCA(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("load upstream CA: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("load upstream CA %q: no PEM certificate found (want a file with -----BEGIN CERTIFICATE----- blocks)", file)
	}
	return pool, nil
}
