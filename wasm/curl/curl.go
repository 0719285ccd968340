// Package curl turns an exchange into the curl command that repeats it
// against Jira's own URL, in the style of Atlassian's documents (seed 000:
// `curl -D- -u fred:fred -X GET -H "Content-Type: application/json"
// http://…`), and reads such a command back (the console's import).
package curl

import (
	"encoding/base64"
	"strings"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/jira"
	"jiraauthlab/wasm/mask"
)

// Options shape a command.
type Options struct {
	// Reveal puts the real secrets in (the command then runs as shown);
	// otherwise passwords, cookies and tokens are masked.
	Reveal bool
	// UserAgent is what the lab's proxy sent when the page named none.
	UserAgent string
}

// Command is the curl command that repeats x against x.TargetURL. The
// lab's own headers are written as Jira received them: X-Jira-Cookie as
// Cookie, the User-Agent the proxy sent; X-Jira-Lab is left out. Basic
// credentials become -u user:password; the session login keeps Jira's
// cookies in cookies.txt (-c), as seeds 001 and 003 do.
func Command(x contract.Exchange, opt Options) string {
	args := []string{"curl", "-D-"}
	agent := ""
	var headers []string
	for _, h := range x.ReceivedHeader(opt.UserAgent) {
		name, value := h.Name, h.Value
		switch {
		case strings.EqualFold(name, "User-Agent"):
			agent = value
			continue
		case strings.EqualFold(name, "Authorization"):
			if user, pass, ok := basicPair(value); ok {
				if !opt.Reveal {
					pass = mask.Secret
				}
				args = append(args, "-u", Quote(user+":"+pass))
				continue
			}
		}
		if !opt.Reveal {
			value = mask.Header(name, value)
		}
		headers = append(headers, "-H", Quote(name+": "+value))
	}
	if jira.IsSessionPath(jira.PathOnly(x.Path)) && x.Method == "POST" {
		args = append(args, "-c", "cookies.txt")
	}
	method := x.Method
	if method == "" {
		method = "GET"
	}
	args = append(args, "-X", method)
	if x.RequestBody != "" {
		body := x.RequestBody
		if !opt.Reveal {
			body = mask.Compact(x.SentHeader("Content-Type"), x.RequestBody)
		}
		flag := "--data" // the seeds' spelling; --data-raw when the body would name a file
		if strings.HasPrefix(body, "@") {
			flag = "--data-raw"
		}
		args = append(args, flag, Quote(body))
	}
	args = append(args, headers...)
	if agent != "" {
		args = append(args, "-A", Quote(agent))
	}
	args = append(args, Quote(strings.TrimRight(x.TargetURL, "/")+x.Path))
	return strings.Join(args, " ")
}

// basicPair decodes "Basic base64(user:password)".
func basicPair(value string) (user, pass string, ok bool) {
	scheme, cred, found := strings.Cut(strings.TrimSpace(value), " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	if err != nil {
		return "", "", false
	}
	return strings.Cut(string(raw), ":")
}

// Quote makes s one shell word: bare when it has only characters no shell
// reads specially, else in single quotes, where nothing is special but the
// single quote itself, written '\” — so any value survives, newlines and
// non-ASCII letters included.
func Quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !safe(r) }) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func safe(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@%+=,", r)
}
