package proxy

import (
	"strings"
	"unicode/utf8"
)

// validPath reports whether s, an escaped path without its leading slash
// ("name/rest/api/2/myself"), stays below the point it is joined to,
// whatever the server behind does with it: it has no empty segments (but
// may end in a slash), no "." or ".." segments, raw or encoded, no
// backslashes, no ';' (Tomcat path parameters such as "..;"), no control
// characters, and no percent-encoded '.', '/', '\' or ';' even when
// encoded several times over ("%252e").
//
// It works on the escaped form, before anything decodes or cleans it, and
// allocates only for segments that contain '%'.
func validPath(s string) bool {
	for {
		i := strings.IndexByte(s, '/')
		if i < 0 {
			return s == "" || validSegment(s)
		}
		if i == 0 || !validSegment(s[:i]) {
			return false
		}
		s = s[i+1:]
	}
}

// validSegment checks one non-empty escaped segment.
func validSegment(seg string) bool {
	dots, pct := 0, false
	for i := 0; i < len(seg); i++ {
		switch c := seg[i]; {
		case c == '.':
			dots++
		case c == '%':
			pct = true
		case c == '\\' || c == ';' || c < 0x20 || c == 0x7f:
			return false
		}
	}
	if dots == len(seg) {
		return false // ".", "..", "..."
	}
	if pct {
		return validEncodedSegment(seg)
	}
	return true
}

// maxDecodeRounds bounds how often a segment is decoded while looking for
// hidden separators; more nesting than that is refused outright.
const maxDecodeRounds = 4

// validEncodedSegment decodes seg again and again (as a careless server
// chain might) and refuses it if any round yields a separator, a dot, a
// control character, an IIS-style %u escape, invalid UTF-8, a character
// that Unicode normalisation turns into '.', '/' or '\', or a segment of
// dots and spaces.
func validEncodedSegment(seg string) bool {
	s := seg
	for round := 0; ; round++ {
		again := false
		for i := 0; i < len(s); i++ {
			if s[i] != '%' {
				continue
			}
			if i+1 < len(s) && (s[i+1] == 'u' || s[i+1] == 'U') {
				return false
			}
			if i+2 >= len(s) || !ishex(s[i+1]) || !ishex(s[i+2]) {
				continue // a literal '%' (only after a first round)
			}
			switch b := unhex(s[i+1])<<4 | unhex(s[i+2]); {
			case b == '.' || b == '/' || b == '\\' || b == ';' || b < 0x20 || b == 0x7f:
				return false
			case b == '%':
				again = true
			}
		}
		s = unescapeLenient(s)
		if !again {
			break
		}
		if round+1 == maxDecodeRounds {
			return false
		}
	}
	if !utf8.ValidString(s) || strings.ContainsAny(s, "\uff0e\uff0f\uff3c\u2024\ufe52\ufe68") {
		return false
	}
	return strings.Trim(s, ". ") != "" || strings.IndexByte(s, '.') < 0
}

// unescapeLenient decodes every valid %XX in s and keeps anything else
// as it is.
func unescapeLenient(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
