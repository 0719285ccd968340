package diagnosis

import (
	"strings"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/jira"
)

// Jira Cloud's own answers to credentials meant for Server/DC, and its
// quiet refusals. The words each answer is known by come from recorded
// real answers (the sandbox's Cloud face imitates the same ones).
const (
	// 401 text/plain to basic auth with an account password (recorded in
	// pelorus issue 423, gioboa/jira-plugin 148; Atlassian's deprecation
	// notice of basic auth with passwords, 2018–2019).
	cloudPasswordRefused = "Basic authentication with passwords is deprecated"
	// 403 to any Authorization: Bearer (php-jira-rest-client issue 528,
	// brekkylab/backlot 135): Cloud reads Bearer as a Connect app's token.
	cloudBearerRefused = "Failed to parse Connect Session Auth Token"
	// 410 to /rest/api/{2,3}/search, removed in 2025 (Atlassian changelog
	// CHANGE-2046).
	cloudSearchRemoved = "/rest/api/3/search/jql"
)

// isCloudStory: an answer only Jira Cloud gives, or Cloud's quiet refusal
// of credentials (answered as anonymous, X-Seraph-LoginReason:
// AUTHENTICATED_FAILED on a non-401; brekkylab/backlot issue 123).
func (r *reading) isCloudStory() bool {
	x := r.x
	if !onCloud(x) || x.Status == 0 || r.proxy != nil {
		return false
	}
	switch {
	case strings.Contains(x.ResponseBody, cloudPasswordRefused),
		strings.Contains(x.ResponseBody, cloudBearerRefused),
		x.Status == 410 && strings.Contains(x.ResponseBody, cloudSearchRemoved),
		jira.IsSessionPath(r.path):
		return true
	}
	return r.reason == jira.ReasonFailed && x.Status != 401 && sentCredentials(x)
}

// sentCredentials reports whether the request carried any.
func sentCredentials(x contract.Exchange) bool {
	return x.SentHeader("Authorization") != "" || x.SentHeader(contract.HeaderCookie) != "" || x.Auth == contract.AuthLogin
}

func (r *reading) cloudStory() {
	x := r.x
	r.told = true
	token := "Create an API token (the Tokens page; on a real site id.atlassian.com → Security → API tokens) and send it as the password, with your e-mail as the user: Authorization: Basic base64(e-mail:token), curl -u 'fred@example.com:<token>'."
	switch {
	case strings.Contains(x.ResponseBody, cloudPasswordRefused):
		r.set(LevelBad, "This is Jira Cloud: it takes no account password over REST, so use an API token as the password, with your e-mail.",
			"Cloud answered 401 “Basic authentication with passwords is deprecated” before checking anything: since 2019 its REST API takes API tokens only (Atlassian, “Basic auth for REST APIs”).", token)
	case strings.Contains(x.ResponseBody, cloudBearerRefused):
		r.set(LevelBad, "Personal access tokens are for Jira Server and Data Center: on Cloud, send basic auth with your e-mail and an API token.",
			"Cloud has no personal access tokens: it reads Authorization: Bearer as a Connect app's session token, fails to parse it and answers 403 “Failed to parse Connect Session Auth Token”.", token)
	case x.Status == 410:
		r.set(LevelWarn, "Jira Cloud removed this search resource: use GET /rest/api/3/search/jql with a bounded JQL and fields=… instead.",
			"Cloud answers 410 to /rest/api/2/search and /rest/api/3/search since 2025 (Atlassian changelog CHANGE-2046); the new resource pages with nextPageToken and returns only ids unless you name the fields.")
	case jira.IsSessionPath(r.path):
		r.set(LevelBad, "Jira Cloud has no session login for scripts: send basic auth with your e-mail and an API token on every request.",
			"Cookie-based REST login (POST /rest/auth/1/session) was removed from Cloud with account passwords (Atlassian's deprecation notice, 2018–2019): it answers 401.", token)
	default:
		r.set(LevelBad, "Jira Cloud did not take these credentials and answered as anonymous: check the e-mail and the API token.",
			"Cloud does not always refuse loudly: with a wrong token or e-mail most resources answer as if you were anonymous — an empty search, a 404 for an issue you could see — and only /rest/api/3/myself says 401 (brekkylab/backlot issue 123). The tell is X-Seraph-LoginReason: AUTHENTICATED_FAILED and no X-AACCOUNTID.",
			token)
	}
}
