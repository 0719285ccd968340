package curl

import (
	"bytes"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/cookies"
)

// Request is what a pasted curl command asks for.
type Request struct {
	Method string
	URL    string // absolute, http or https
	Header []contract.Header
	Body   string
	// User and Password come from -u (user:password); HasUser tells an
	// empty user from none.
	User, Password string
	HasUser        bool
}

// Path is the request's path and query, without scheme and host: what the
// console sends to the chosen Jira.
func (r Request) Path() string {
	u, err := url.Parse(r.URL)
	if err != nil {
		return ""
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}

// Error is a pasted command the parser cannot read; its text is a sentence
// the page shows, naming the part it did not understand.
type Error string

func (e Error) Error() string { return string(e) }

// Parse reads a curl command as a shell would split it — single and double
// quotes, $'…' (Chrome's "Copy as cURL"), backslash escapes and line
// continuations — and the options that shape the request: -X, -H, -d and
// its kin, --json, -u, -b name=value, -A, -e, -I, -G, --url. Options that
// change only what curl prints or how it connects (-i, -s, -v, -L, -k,
// --compressed, -D, -o, -c…) are accepted and have no effect.
func Parse(text string) (Request, error) {
	words, err := split(text)
	if err != nil {
		return Request{}, err
	}
	if len(words) == 0 || words[0] != "curl" {
		return Request{}, Error("A curl command starts with curl.")
	}
	var r Request
	var data []string
	get, head := false, false
	for i := 1; i < len(words); i++ {
		w := words[i]
		value := func() (string, error) {
			if i+1 >= len(words) {
				return "", Error("The option " + w + " needs a value after it.")
			}
			i++
			return words[i], nil
		}
		if !strings.HasPrefix(w, "-") || w == "-" {
			if r.URL != "" {
				return Request{}, Error("Two URLs: " + r.URL + " and " + w + ". Paste one command.")
			}
			r.URL = w
			continue
		}
		name, inline, hasInline := w, "", false
		if strings.HasPrefix(w, "--") {
			name, inline, hasInline = strings.Cut(w, "=")
		} else if len(w) > 2 && strings.ContainsRune(shortWithValue, rune(w[1])) {
			name, inline, hasInline = w[:2], w[2:], true // -XPOST, -uuser:pw
		}
		arg := func() (string, error) {
			if hasInline {
				return inline, nil
			}
			return value()
		}
		var v string
		switch name {
		case "-X", "--request":
			if v, err = arg(); err != nil {
				return Request{}, err
			}
			r.Method = strings.ToUpper(v)
		case "-H", "--header":
			if v, err = arg(); err != nil {
				return Request{}, err
			}
			n, val, ok := strings.Cut(v, ":")
			if !ok || strings.TrimSpace(n) == "" {
				return Request{}, Error("The header " + strconv.Quote(v) + " has no name: write -H 'Name: value'.")
			}
			r.Header = append(r.Header, contract.Header{Name: strings.TrimSpace(n), Value: strings.TrimSpace(val)})
		case "-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--data-urlencode", "--json":
			if v, err = arg(); err != nil {
				return Request{}, err
			}
			if strings.HasPrefix(v, "@") && name != "--data-raw" {
				return Request{}, Error("The body " + strconv.Quote(v) + " names a file (" + name + " @file): paste the body itself.")
			}
			if name == "--json" {
				r.Header = append(r.Header, contract.Header{Name: "Content-Type", Value: "application/json"}, contract.Header{Name: "Accept", Value: "application/json"})
			}
			data = append(data, v)
		case "-u", "--user":
			if v, err = arg(); err != nil {
				return Request{}, err
			}
			r.User, r.Password, _ = strings.Cut(v, ":")
			r.HasUser = true
		case "-b", "--cookie":
			if v, err = arg(); err != nil {
				return Request{}, err
			}
			if !strings.Contains(v, "=") {
				return Request{}, Error("The cookie " + strconv.Quote(v) + " names a cookie file (-b file): paste the cookie itself (-b 'JSESSIONID=…'), or the file into the Session page.")
			}
			c, err := cookies.ParsePasted(v, timeZero)
			if err != nil {
				return Request{}, Error("The cookie " + strconv.Quote(v) + ": " + err.Error())
			}
			r.Header = append(r.Header, contract.Header{Name: "Cookie", Value: c})
		case "-A", "--user-agent":
			if v, err = arg(); err != nil {
				return Request{}, err
			}
			r.Header = append(r.Header, contract.Header{Name: "User-Agent", Value: v})
		case "-e", "--referer":
			if v, err = arg(); err != nil {
				return Request{}, err
			}
			r.Header = append(r.Header, contract.Header{Name: "Referer", Value: v})
		case "--url":
			if v, err = arg(); err != nil {
				return Request{}, err
			}
			r.URL = v
		case "-G", "--get":
			get = true
		case "-I", "--head":
			head = true
		case "-D", "--dump-header", "-o", "--output", "-c", "--cookie-jar", "-m", "--max-time",
			"--connect-timeout", "-w", "--write-out", "--cacert", "--retry":
			if _, err = arg(); err != nil {
				return Request{}, err
			}
		case "-D-":
		case "-i", "--include", "-s", "--silent", "-S", "--show-error", "-v", "--verbose", "-L", "--location",
			"-k", "--insecure", "--compressed", "-f", "--fail", "-g", "--globoff", "--http1.1", "-#", "--progress-bar", "-sS":
		default:
			return Request{}, Error("The option " + name + " is not one the lab reads (it reads -X, -H, -d, --json, -u, -b, -A, -e, -G, -I and --url).")
		}
	}
	if r.URL == "" {
		return Request{}, Error("The command has no URL.")
	}
	u, err := url.Parse(r.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Request{}, Error("The URL " + strconv.Quote(r.URL) + " is not an http:// or https:// address.")
	}
	body := strings.Join(data, "&")
	switch {
	case get && body != "":
		sep := "?"
		if u.RawQuery != "" {
			sep = "&"
		}
		r.URL += sep + body
	case body != "":
		r.Body = body
		if r.Method == "" {
			r.Method = "POST"
		}
		if contract.HeaderValue(r.Header, "Content-Type") == "" {
			// What curl sends with -d unless told otherwise.
			r.Header = append(r.Header, contract.Header{Name: "Content-Type", Value: "application/x-www-form-urlencoded"})
		}
	}
	switch {
	case r.Method != "":
	case head:
		r.Method = "HEAD"
	default:
		r.Method = "GET"
	}
	if r.HasUser {
		r.Header = append(r.Header, contract.Header{Name: "Authorization",
			Value: "Basic " + base64.StdEncoding.EncodeToString([]byte(r.User+":"+r.Password))})
	}
	return r, nil
}

// shortWithValue are the short options that take a value, which curl also
// reads glued to the option (-XPOST).
const shortWithValue = "XHduAbeDocm"

// split cuts text into words as a POSIX shell would. It works on bytes:
// every quoting character is ASCII, and other bytes — invalid UTF-8
// included — pass through as they are.
func split(text string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	rs := []byte(text)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == '\\' && i+1 < len(rs) && (rs[i+1] == '\n' || rs[i+1] == '\r'):
			i++ // a line continuation
			if rs[i] == '\r' && i+1 < len(rs) && rs[i+1] == '\n' {
				i++
			}
		case c == '\\' && i+1 < len(rs):
			i++
			w.WriteByte(rs[i])
			inWord = true
		case c == '\'':
			j := bytes.IndexByte(rs[i+1:], '\'')
			if j < 0 {
				return nil, Error("A single quote is never closed.")
			}
			w.Write(rs[i+1 : i+1+j])
			i, inWord = i+1+j, true
		case c == '$' && i+1 < len(rs) && rs[i+1] == '\'':
			s, end, err := ansiC(rs, i+2)
			if err != nil {
				return nil, err
			}
			w.WriteString(s)
			i, inWord = end, true
		case c == '"':
			j := i + 1
			for ; j < len(rs) && rs[j] != '"'; j++ {
				if rs[j] == '\\' && j+1 < len(rs) && strings.IndexByte("\"\\$`\n", rs[j+1]) >= 0 {
					j++
					if rs[j] != '\n' {
						w.WriteByte(rs[j])
					}
					continue
				}
				w.WriteByte(rs[j])
			}
			if j >= len(rs) {
				return nil, Error("A double quote is never closed.")
			}
			i, inWord = j, true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}

// ansiC reads a $'…' word from rs[from:]: its text, and the index of the
// closing quote.
func ansiC(rs []byte, from int) (string, int, error) {
	var b strings.Builder
	hex := func(i *int, max int) int {
		n := 0
		for k := 0; k < max && *i+1 < len(rs) && strings.IndexByte("0123456789abcdefABCDEF", rs[*i+1]) >= 0; k++ {
			*i++
			d, _ := strconv.ParseUint(string(rs[*i]), 16, 8)
			n = n*16 + int(d)
		}
		return n
	}
	for i := from; i < len(rs); i++ {
		switch rs[i] {
		case '\'':
			return b.String(), i, nil
		case '\\':
			if i+1 >= len(rs) {
				continue
			}
			i++
			switch rs[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'x':
				b.WriteByte(byte(hex(&i, 2)))
			case 'u':
				b.WriteRune(rune(hex(&i, 4)))
			default:
				b.WriteByte(rs[i]) // \\ \' \" and anything else: the character
			}
		default:
			b.WriteByte(rs[i])
		}
	}
	return "", 0, Error("A $'…' quote is never closed.")
}

// timeZero: a pasted -b cookie has no expiry to check.
var timeZero = time.Time{}
