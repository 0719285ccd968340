package lab

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"jiraauthlab/wasm/ui"
)

// go-app v9.8.0 writes this viewport into every page it renders (http.go,
// servePage). maximum-scale=1 and user-scalable=0 stop a phone's pinch
// zoom, which WCAG 1.4.4 (resize text) needs and axe-core's meta-viewport
// rule reports; go-app has no option to change it, so the lab rewrites it.
// Only the content attribute is matched: go-app prints an element's
// attributes in map order, so name= comes before or after it.
const (
	goappViewport = `content="width=device-width, initial-scale=1, maximum-scale=1, user-scalable=0, viewport-fit=cover"`
	labViewport   = `content="width=device-width, initial-scale=1, viewport-fit=cover"`
)

// pageRecorder holds go-app's answer so that it can be rewritten before
// it leaves: go-app sets Content-Length from the body it rendered.
type pageRecorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *pageRecorder) Header() http.Header { return r.header }
func (r *pageRecorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}
func (r *pageRecorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.body.Write(b)
}

// servePages is go-app's Handler with two corrections: its pages get a
// viewport that lets the user zoom, and a path it has no route for gets
// the lab's not-found page instead of a bare "404 page not found". What
// go-app serves on this path is small (pages, scripts, manifest: the wasm
// and /web/ are served elsewhere), so holding it in memory costs little.
func (h *handler) servePages(w http.ResponseWriter, r *http.Request) {
	rec := &pageRecorder{header: w.Header()}
	h.pages.ServeHTTP(rec, r)
	switch {
	case rec.code == http.StatusNotFound:
		h.serveNotFound(w, h.cfg.BasePath+r.URL.Path)
		return
	case rec.code == http.StatusOK && strings.HasPrefix(rec.header.Get("Content-Type"), "text/html"):
		body := bytes.Replace(rec.body.Bytes(), []byte(goappViewport), []byte(labViewport), 1)
		if r.URL.Query().Get("embed") == "1" {
			// The prerender cannot know it is framed (the wasm decides,
			// wasm/ui embed.go); the class lets the stylesheet hide the
			// lab's header until then, so the portal sees no flash of it.
			// go-app mounts inside <body> and leaves its attributes alone.
			body = bytes.Replace(body, []byte("<body>"), []byte(`<body class="lab-embed">`), 1)
		}
		// The ETag (go-app's version) still names this body: the rewrite
		// depends on nothing but it.
		rec.header.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.code)
		_, _ = w.Write(body)
		return
	}
	if rec.code == 0 {
		rec.code = http.StatusOK
	}
	w.WriteHeader(rec.code)
	_, _ = w.Write(rec.body.Bytes())
}

// pageLabels name the pages in the not-found page's navigation, as the
// page header does; a page missing here is named after its route.
var pageLabels = map[string]string{
	ui.RouteSession:  "Session",
	ui.RouteBasic:    "Basic auth",
	ui.RoutePassword: "Password policy",
	ui.RouteToken:    "Tokens",
	ui.RouteConsole:  "Console",
}

// pageLabel is the navigation label of route.
func pageLabel(route string) string {
	if l, ok := pageLabels[route]; ok {
		return l
	}
	name := strings.TrimPrefix(route, "/")
	if name == "" {
		return route
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

// notFoundPage is the lab's 404: the header and navigation of every page,
// in the lab's stylesheet, with no script (a page with go-app's loader
// would replace itself with go-app's own "Not Found").
var notFoundPage = template.Must(template.New("404").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" ` + labViewport + `>
<meta name="robots" content="noindex">
<title>Page not found · Jira Auth Lab</title>
<link rel="icon" href="{{.Base}}/web/icon.svg">
<link rel="stylesheet" type="text/css" href="{{.Base}}/web/lab.css">
</head>
<body>
<div class="lab">
<a class="skip-link" href="#page-title">Skip to the content</a>
<header class="lab-header">
<a class="lab-brand" href="{{.Base}}{{.Home}}"><img src="{{.Base}}/web/icon.svg" alt=""><span>Jira Auth Lab</span></a>
<nav class="lab-nav" aria-label="Flows">{{range .Pages}}<a href="{{$.Base}}{{.Route}}">{{.Label}}</a>{{end}}</nav>
</header>
<main class="lab-main lab-single">
<section class="panel" aria-labelledby="page-title">
<h1 id="page-title" tabindex="-1">Page not found</h1>
<p class="lead">The lab has no page at <code>{{.Path}}</code>. Its pages are:</p>
<ul class="page-list">{{range .Pages}}<li><a href="{{$.Base}}{{.Route}}">{{.Label}}</a> <code>{{.Route}}</code></li>{{end}}</ul>
</section>
</main>
<footer class="lab-footer">Jira Auth Lab · version <span id="version">{{.Version}}</span></footer>
</div>
</body>
</html>
`))

// serveNotFound answers 404 with the lab's not-found page, which names
// the path asked for.
func (h *handler) serveNotFound(w http.ResponseWriter, path string) {
	type page struct{ Route, Label string }
	data := struct {
		Base, Home, Path, Version string
		Pages                     []page
	}{Base: h.cfg.BasePath, Home: ui.RouteSession, Path: path, Version: h.cfg.Version}
	if len(data.Path) > 120 {
		data.Path = strings.ToValidUTF8(data.Path[:120], "") + "…"
	}
	for _, route := range ui.PageRoutes {
		data.Pages = append(data.Pages, page{route, pageLabel(route)})
	}
	var b bytes.Buffer
	if err := notFoundPage.Execute(&b, data); err != nil {
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	hdr := w.Header()
	// go-app's headers for the page it did not find: its version is no
	// validator of this answer.
	hdr.Del("ETag")
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write(b.Bytes())
}
