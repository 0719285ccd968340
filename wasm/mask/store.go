package mask

import (
	"strings"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/cookies"
)

// passwordKeys are the body fields that hold a password (the secret keys
// but the tokens').
func passwordKey(k string) bool {
	switch strings.ToLower(k) {
	case "password", "oldpassword", "newpassword", "os_password", "websudopassword":
		return true
	}
	return false
}

// credentialKey: the body fields of a cookie or a token, in requests and in
// Jira's answers (a login's session.value, a created token's rawToken).
func credentialKey(k string) bool {
	switch strings.ToLower(k) {
	case "value", "rawtoken", "token":
		return true
	}
	return false
}

// ForStorage is x as the browser may keep it between visits: never a
// password (in a body, or inside basic auth's Authorization), and cookies
// and tokens only when keep says the learner chose so.
func ForStorage(x contract.Exchange, keep bool) contract.Exchange {
	values := cookieValues(x) // before the headers that carry them are masked
	x.RequestHeader = storedHeaders(x.RequestHeader, keep)
	x.ResponseHeader = storedHeaders(x.ResponseHeader, keep)
	x.RequestBody = bodyKeys(x.SentHeader("Content-Type"), x.RequestBody, func(k string) bool {
		return passwordKey(k) || !keep && credentialKey(k)
	})
	if !keep {
		// A page may show a cookie it set (the SSO login's last page does):
		// its value goes wherever it stands in the body.
		body := x.ResponseBody
		for _, v := range values {
			body = strings.ReplaceAll(body, v, Secret)
		}
		x.ResponseBody = bodyKeys(x.Header("Content-Type"), body, credentialKey)
	}
	return x
}

// cookieValues are the values of the cookies x sent and was given, long
// enough to be secrets (short ones would mask ordinary words).
func cookieValues(x contract.Exchange) []string {
	var out []string
	add := func(pairs string, sep string) {
		for _, p := range strings.Split(pairs, sep) {
			if _, v, ok := strings.Cut(strings.TrimSpace(strings.SplitN(p, ";", 2)[0]), "="); ok && len(v) >= 8 {
				out = append(out, v)
			}
		}
	}
	for _, h := range x.RequestHeader {
		if n := strings.ToLower(h.Name); n == "cookie" || n == strings.ToLower(contract.HeaderCookie) {
			add(h.Value, ";")
		}
	}
	for _, h := range x.ResponseHeader {
		if strings.EqualFold(h.Name, contract.HeaderSetCookie) {
			add(h.Value, ", ")
		}
	}
	return out
}

// storedHeaders masks what ForStorage must not keep: Authorization always
// (basic auth holds the password; a Bearer token is kept only with keep),
// cookies unless keep.
func storedHeaders(h []contract.Header, keep bool) []contract.Header {
	out := make([]contract.Header, len(h))
	for i, e := range h {
		name := strings.ToLower(e.Name)
		switch {
		case name == "authorization" && !(keep && strings.HasPrefix(strings.ToLower(strings.TrimSpace(e.Value)), "bearer ")):
			e.Value = Header("Authorization", e.Value)
		case !keep && (name == "cookie" || name == strings.ToLower(contract.HeaderCookie)):
			e.Value = Header("Cookie", e.Value)
		case !keep && name == strings.ToLower(contract.HeaderSetCookie):
			e.Value = maskSetCookies(e.Value)
		}
		out[i] = e
	}
	return out
}

// maskSetCookies masks the value of every cookie of a Set-Cookie value,
// which the browser may have joined from several lines with ", ".
func maskSetCookies(v string) string {
	lines := cookies.SplitSetCookie(v)
	for i, l := range lines {
		lines[i] = SetCookie(l)
	}
	return strings.Join(lines, ", ")
}
