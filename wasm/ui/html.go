package ui

import (
	"html"
	"strings"
)

// attrOf returns the value of attribute attr in the tag that contains marker
// (e.g. `id="sso-link"`), unescaped; "" when absent. The sandbox's pages are
// simple and ours: a full HTML parser would cost the wasm far more.
func attrOf(page, marker, attr string) string {
	i := strings.Index(page, marker)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(page[:i], "<")
	end := strings.Index(page[i:], ">")
	if start < 0 || end < 0 {
		return ""
	}
	tag := page[start : i+end]
	j := strings.Index(tag, " "+attr+`="`)
	if j < 0 {
		return ""
	}
	v := tag[j+len(attr)+3:]
	k := strings.IndexByte(v, '"')
	if k < 0 {
		return ""
	}
	return html.UnescapeString(v[:k])
}

// textOf returns the text inside the element whose start tag contains marker.
func textOf(page, marker string) string {
	i := strings.Index(page, marker)
	if i < 0 {
		return ""
	}
	rest := page[i:]
	gt := strings.IndexByte(rest, '>')
	if gt < 0 {
		return ""
	}
	rest = rest[gt+1:]
	lt := strings.IndexByte(rest, '<')
	if lt < 0 {
		return ""
	}
	return strings.TrimSpace(html.UnescapeString(rest[:lt]))
}

// upstreamPath turns an absolute link of the upstream's pages into the path
// the proxy takes, refusing links to anywhere else.
func upstreamPath(base, link string) (string, bool) {
	base = strings.TrimRight(base, "/")
	if link == "" {
		return "", false
	}
	if strings.HasPrefix(link, "/") && !strings.HasPrefix(link, "//") {
		return link, true
	}
	rest, ok := strings.CutPrefix(link, base)
	if !ok || !strings.HasPrefix(rest, "/") {
		return "", false
	}
	return rest, true
}
