package sandbox

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
)

// Jira answers what Tomcat's sendError produces (Seraph's basic-auth
// failure, its invalid-cookie refusal, the os_authType=basic challenge) with
// its own full HTML error page, not with JSON. The shape below follows the
// recorded 403 of Jira 8.20.8 (see securityHeaders): the title and heading
// "Forbidden (403)", an aui-message box with 'Encountered a "403 -
// Forbidden" error while loading this page.', the reason as the next
// paragraph, and a "Go to Jira home" link; the 401 page of the same shape is
// quoted in Chavaillaz/jira-client's JiraConstants (its HTML error pattern).
var errorPage = template.Must(template.New("error").Parse(`<html>
<head>
<title>{{.Title}}</title>
<meta name="application-name" content="JIRA" data-name="jira" data-version="{{.Version}}">
</head>
<body id="jira" class="aui-layout aui-style-default page-type-message" data-version="{{.Version}}">
<!-- HTTPError{{.Status}} -->
<div class="aui-page-panel"><div class="aui-page-panel-inner">
<main role="main" id="main" class="aui-page-panel-content">
<div class="aui-page-header"><div class="aui-page-header-inner"><div class="aui-page-header-main">
<h1>{{.Title}}</h1>
</div></div></div>
<div class="aui-message aui-message-warning warning">
<p>Encountered a <code>&quot;{{.Status}} - {{.Text}}&quot;</code> error while loading this page.</p>
{{if .Reason}}<p>{{.Reason}}</p>
{{end}}<p><a href="{{.Home}}">Go to Jira home</a></p>
</div>
</main>
</div></div>
</body>
</html>
`))

type errorPageData struct {
	Status       int
	Title, Text  string
	Reason, Home string
	Version      string
}

// writeErrorPage answers status with Jira's HTML error page; reason is the
// message Seraph passed to sendError ("" for none).
func (c *call) writeErrorPage(status int, reason string) {
	text := http.StatusText(status)
	d := errorPageData{
		Status:  status,
		Title:   text + " (" + strconv.Itoa(status) + ")",
		Text:    text,
		Reason:  reason,
		Home:    c.prefix + "/secure/MyJiraHome.jspa",
		Version: jiraVersion,
	}
	c.w.Header().Set("Content-Type", "text/html;charset=UTF-8")
	c.w.WriteHeader(status)
	if err := errorPage.Execute(c.w, d); err != nil {
		c.s.log.Error("sandbox: render error page", "err", err)
	}
}

// oauthRealm sets the challenge Jira's OAuth service provider adds to a
// refused basic-auth login: the recorded 8.20.8 CAPTCHA refusal carries
// WWW-Authenticate: OAuth realm="https%3A%2F%2F<host>", the base URL
// percent-encoded, beside the Seraph headers.
func (c *call) oauthRealm() {
	setRaw(c.w.Header(), hdrAuthenticate, `OAuth realm="`+url.QueryEscape(c.base)+`"`)
}
