package mask

import "strings"

// sessionCookie reports whether a cookie of that name identifies a session:
// Jira's JSESSIONID (or a renamed *SESSIONID), Seraph's remember-me cookie
// and Cloud's session tokens.
func sessionCookie(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, "sessionid") || n == "seraph.rememberme.cookie" ||
		n == "cloud.session.token" || n == "tenant.session.token"
}

// Text masks the secrets a sentence of the lab may quote — a session
// cookie's value (JSESSIONID=…, "value":"…"), the credentials after Basic
// or Bearer — so the diagnosis hides what the log hides, until the learner
// reveals secrets (reveal leaves s as it is).
func Text(s string, reveal bool) string {
	if reveal {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if n := secretAt(s, i); n > 0 {
			b.WriteString(Secret)
			i += n
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// secretAt returns the length of the secret that starts at s[i], 0 when
// none does. A secret starts after "NAME=" of a session cookie, after
// `"value":"`, or after "Basic " / "Bearer " when what follows looks like
// credentials (placeholders such as <token> or base64(…) stay).
func secretAt(s string, i int) int {
	if i == 0 {
		return 0
	}
	prev := s[:i]
	switch {
	case strings.HasSuffix(prev, `"value":"`):
		return tokenLen(s[i:], `"`)
	case strings.HasSuffix(prev, "Basic ") || strings.HasSuffix(prev, "Bearer "):
		n := tokenLen(s[i:], " ;,\"')")
		if n < 8 || strings.ContainsAny(s[i:i+n], "<(") {
			return 0
		}
		return n
	case prev[i-1] == '=':
		start := strings.LastIndexAny(prev[:i-1], " ;:\"'(\n") + 1
		if sessionCookie(prev[start : i-1]) {
			return tokenLen(s[i:], " ;,\"')\n")
		}
	}
	return 0
}

// tokenLen is the length of s up to the first byte of stop (all of s when
// none is in it).
func tokenLen(s, stop string) int {
	if n := strings.IndexAny(s, stop); n >= 0 {
		return n
	}
	return len(s)
}
