package sandbox

import (
	"fmt"
	"net/http"
	"strconv"
)

// handleMyself handles GET /rest/api/2/myself: the caller; 401 when anonymous.
func handleMyself(c *call) {
	if !c.requireUser() {
		return
	}
	c.writeJSON(http.StatusOK, c.userJSON(c.user))
}

// handleUser handles GET /rest/api/2/user?username=: the target of the
// session resource's "self" link.
func handleUser(c *call) {
	if !c.requireUser() {
		return
	}
	name := c.r.URL.Query().Get("username")
	a := accountByName(name)
	if a == nil {
		c.errorJSON(http.StatusNotFound, fmt.Sprintf("The user named '%s' does not exist", name))
		return
	}
	c.writeJSON(http.StatusOK, c.userJSON(a))
}

// The Jira version the sandbox claims: 8.20, which has personal access
// tokens (8.14+) and the password-policy resource.
const (
	jiraVersion = "8.20.10"
	jiraBuild   = 820010
)

// handleServerInfo handles GET /rest/api/2/serverInfo; anonymous allowed.
func handleServerInfo(c *call) {
	c.writeJSON(http.StatusOK, struct {
		BaseURL        string `json:"baseUrl"`
		Version        string `json:"version"`
		VersionNumbers []int  `json:"versionNumbers"`
		DeploymentType string `json:"deploymentType"`
		BuildNumber    int    `json:"buildNumber"`
		BuildDate      string `json:"buildDate"`
		ServerTime     string `json:"serverTime"`
		ScmInfo        string `json:"scmInfo"`
		ServerTitle    string `json:"serverTitle"`
	}{
		BaseURL:        c.base,
		Version:        jiraVersion,
		VersionNumbers: []int{8, 20, 10},
		DeploymentType: "Server",
		BuildNumber:    jiraBuild,
		BuildDate:      "2022-06-08T00:00:00.000+0000",
		ServerTime:     jiraTime(c.s.now()),
		ScmInfo:        "sandbox",
		ServerTitle:    "Jira Auth Lab sandbox",
	})
}

// handleApplicationProperties handles GET /rest/api/2/application-properties,
// the sandbox's one administrative resource and its WebSudo demo: anonymous
// → 401, non-administrators → 403, an administrator's session cookie → 401
// "This resource requires WebSudo." until the password is re-entered on
// /secure/admin/WebSudoAuthenticate.jspa. Basic and token authentication
// are not subject to WebSudo, as in Jira.
func handleApplicationProperties(c *call) {
	if !c.requireUser() {
		return
	}
	if !c.user.Admin {
		c.errorJSON(http.StatusForbidden, "You are not an administrator: this resource needs the Jira Administrators permission.")
		return
	}
	if c.by == authCookie && !c.sess.webSudo {
		// The WebSudo filter of Atlassian's REST plugin answers with its own
		// body (JIRA-FACTS.md, "More real answers").
		c.messageJSON(http.StatusUnauthorized, "This resource requires WebSudo.")
		return
	}
	type property struct {
		ID           string `json:"id"`
		Key          string `json:"key"`
		Value        string `json:"value"`
		Name         string `json:"name"`
		Desc         string `json:"desc"`
		Type         string `json:"type"`
		DefaultValue string `json:"defaultValue"`
	}
	limit := strconv.Itoa(c.st.captchaLimit)
	c.writeJSON(http.StatusOK, []property{
		{ID: "jira.maximum.authentication.attempts.allowed", Key: "jira.maximum.authentication.attempts.allowed", Value: limit,
			Name: "Maximum authentication attempts allowed", Desc: "Consecutive failed logins before CAPTCHA is required.", Type: "number", DefaultValue: "3"},
		{ID: "jira.websudo.is.disabled", Key: "jira.websudo.is.disabled", Value: "false",
			Name: "WebSudo disabled", Desc: "Whether administrators must re-enter their password.", Type: "boolean", DefaultValue: "false"},
		{ID: "jira.title", Key: "jira.title", Value: "Jira Auth Lab sandbox",
			Name: "Title", Desc: "The name of this Jira.", Type: "string", DefaultValue: "Jira"},
	})
}
