package sandbox

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// apiVersion is the REST API version a Cloud request names ("2" or "3").
func (c *call) apiVersion() string {
	segs := canonicalSegs(splitPath(c.path))
	if len(segs) > 2 && segs[2] == "3" {
		return "3"
	}
	return "2"
}

// cloudUserJSON is a user as Cloud's platform REST API shows it: no name or
// key, an accountId and accountType (the example answer of "Get current
// user" in the v3 reference: self, accountId, accountType "atlassian",
// emailAddress, avatarUrls, displayName, active, timeZone, locale). The
// e-mail address is shown to its owner only, the default of an Atlassian
// account's profile visibility; others see the field left out. The
// avatar URLs point at Atlassian's avatar service and are left out too.
type cloudUserJSON struct {
	Self         string `json:"self"`
	AccountID    string `json:"accountId"`
	AccountType  string `json:"accountType"`
	EmailAddress string `json:"emailAddress,omitempty"`
	DisplayName  string `json:"displayName"`
	Active       bool   `json:"active"`
	TimeZone     string `json:"timeZone"`
	Locale       string `json:"locale"`
}

func (c *call) cloudUserJSON(a *cloudAccount) *cloudUserJSON {
	if a == nil {
		return nil
	}
	u := &cloudUserJSON{
		Self:        c.base + "/rest/api/" + c.apiVersion() + "/user?accountId=" + url.QueryEscape(a.AccountID),
		AccountID:   a.AccountID,
		AccountType: "atlassian",
		DisplayName: a.server.DisplayName,
		Active:      true,
		TimeZone:    a.server.TimeZone,
		Locale:      "en_US",
	}
	if a == c.cuser {
		u.EmailAddress = a.Email()
	}
	return u
}

// handleCloudMyself handles GET /rest/api/{2,3}/myself: the caller, or the
// 401 that tells a failed credential from an anonymous answer elsewhere.
func handleCloudMyself(c *call) {
	if c.requireCloudUser() {
		c.writeJSON(http.StatusOK, c.cloudUserJSON(c.cuser))
	}
}

// handleCloudServerInfo handles GET /rest/api/{2,3}/serverInfo, anonymous
// allowed, in the shape of the v3 reference's "Get Jira instance info":
// Cloud reports the version of its continuously deployed code base,
// 1001.0.0-SNAPSHOT (also the version of the platform's OpenAPI document),
// and deploymentType "Cloud".
func handleCloudServerInfo(c *call) {
	c.writeJSON(http.StatusOK, struct {
		BaseURL        string            `json:"baseUrl"`
		DisplayURL     string            `json:"displayUrl"`
		Version        string            `json:"version"`
		VersionNumbers []int             `json:"versionNumbers"`
		DeploymentType string            `json:"deploymentType"`
		BuildNumber    int               `json:"buildNumber"`
		BuildDate      string            `json:"buildDate"`
		ServerTime     string            `json:"serverTime"`
		ScmInfo        string            `json:"scmInfo"`
		ServerTitle    string            `json:"serverTitle"`
		DefaultLocale  map[string]string `json:"defaultLocale"`
		ServerTimeZone string            `json:"serverTimeZone"`
	}{
		BaseURL:        c.base,
		DisplayURL:     c.base,
		Version:        "1001.0.0-SNAPSHOT",
		VersionNumbers: []int{1001, 0, 0},
		DeploymentType: "Cloud",
		BuildNumber:    100290,
		BuildDate:      "2026-01-01T00:00:00.000+0000",
		ServerTime:     jiraTime(c.s.now()),
		ScmInfo:        "sandbox",
		ServerTitle:    "Jira",
		DefaultLocale:  map[string]string{"locale": "en_US"},
		ServerTimeZone: "Etc/UTC",
	})
}

// handleCloudSearchRemoved handles GET and POST /rest/api/{2,3}/search,
// which Jira Cloud removed in 2025 (Atlassian changelog CHANGE-2046; shut
// off from August 2025): both versions answer 410 with this body, recorded
// for v3 (adyscorpius/logseq-jira issue 34) and v2 (apache/devlake issue
// 8647), whoever asks (aws-samples/aws-securityhub-jira-software-
// integration issue 9, with an account).
func handleCloudSearchRemoved(c *call) {
	c.errorJSON(http.StatusGone, "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046")
}

// cloudSearchRequest is the body of POST /rest/api/{2,3}/search/jql (and
// the query of GET).
type cloudSearchRequest struct {
	JQL           string   `json:"jql"`
	NextPageToken string   `json:"nextPageToken"`
	MaxResults    *int     `json:"maxResults"`
	Fields        []string `json:"fields"`
}

// Paging of the enhanced search. The default page is the Server's 50; the
// cap is the sandbox's (Atlassian's varies with the fields asked for).
const cloudMaxResults = 5000

// msgUnbounded is the 400 of a query with no restriction (raycast/
// extensions issue 21425, September 2025; nextcloud/integration_jira pull
// request 169: an empty JQL is refused too).
const msgUnbounded = "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."

// handleCloudSearchJQL handles GET and POST /rest/api/{2,3}/search/jql,
// Cloud's enhanced search: no total and no startAt, but nextPageToken and
// isLast (sooperset/mcp-atlassian pull request 848, open-webui/oikb pull
// request 69), and only each issue's id unless fields are asked for
// (nextcloud/integration_jira pull request 169).
func handleCloudSearchJQL(c *call) {
	var req cloudSearchRequest
	if c.r.Method == http.MethodPost {
		body, ok := c.jsonBody()
		if !ok {
			return
		}
		if err := decodeJSON(body, &req, beanCloudSearch, false); err != nil {
			c.badRequest(err)
			return
		}
	} else {
		q := c.r.URL.Query()
		req.JQL, req.NextPageToken = q.Get("jql"), q.Get("nextPageToken")
		if v := q.Get("maxResults"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				c.errorJSON(http.StatusBadRequest, fmt.Sprintf("The value '%s' of maxResults is not a number.", v))
				return
			}
			req.MaxResults = &n
		}
		req.Fields = splitList(q["fields"])
	}
	q, err := parseJQL(req.JQL)
	if err != nil {
		c.errorJSON(http.StatusBadRequest, err.Error())
		return
	}
	if q.where == nil {
		c.errorJSON(http.StatusBadRequest, msgUnbounded)
		return
	}
	if msgs := cloudJQLUsers(q, c.user); len(msgs) > 0 {
		c.errorJSON(http.StatusBadRequest, msgs...)
		return
	}
	if msgs := checkJQL(q, c.user, nil); len(msgs) > 0 {
		c.errorJSON(http.StatusBadRequest, msgs...)
		return
	}
	start, ok := parsePageToken(req.NextPageToken)
	if !ok {
		// The wording of Cloud's answer to a forged token could not be
		// pinned down.
		c.errorJSON(http.StatusBadRequest, "The nextPageToken is not valid.")
		return
	}
	maxResults := defaultMaxResults
	if req.MaxResults != nil && *req.MaxResults > 0 {
		maxResults = min(*req.MaxResults, cloudMaxResults)
	}
	found := q.run(c.user)
	out := []map[string]any{}
	for i := start; i < len(found) && i-start < maxResults; i++ {
		out = append(out, c.cloudIssue(found[i], req.Fields))
	}
	res := struct {
		Issues        []map[string]any `json:"issues"`
		NextPageToken string           `json:"nextPageToken,omitempty"`
		IsLast        bool             `json:"isLast"`
	}{Issues: out, IsLast: start+len(out) >= len(found)}
	if !res.IsLast {
		res.NextPageToken = pageToken(start + len(out))
	}
	c.writeJSON(http.StatusOK, res)
}

// beanCloudSearch is the bean Jackson names in its messages (a plausible
// name: the real class is not public).
const beanCloudSearch = "com.atlassian.jira.rest.v2.search.SearchAndReconcileRequestBean"

// pageToken and parsePageToken make the opaque nextPageToken: the offset
// of the next page, base64url-encoded. Cloud's tokens are opaque too.
func pageToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(offset)))
}

func parsePageToken(tok string) (int, bool) {
	if tok == "" {
		return 0, true
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "offset:"))
	if err != nil || n < 0 || !strings.HasPrefix(string(b), "offset:") {
		return 0, false
	}
	return n, true
}

// cloudJQLUsers rewrites the user values of q's clauses from Cloud's forms
// to the fixture's account names, and returns the messages of values that
// name no account. Cloud's JQL takes accountIds where Server takes user
// names (the user-privacy migration guide: "username … in JQL" replaced by
// accountId); an e-mail address is taken too where its owner lets it be
// seen — the sandbox takes every account's. A Server user name such as
// fred names nobody on Cloud.
func cloudJQLUsers(q *jqlQuery, viewer *account) []string {
	var msgs []string
	q.where.clauses(func(cl *jqlClause) {
		if (cl.field != "assignee" && cl.field != "reporter") || cl.val.empty || cl.val.currentUser {
			return
		}
		a := cloudAccountByID(cl.val.text)
		if a == nil {
			a = cloudAccountByEmail(cl.val.text)
		}
		if a == nil {
			m := fmt.Sprintf("The value '%s' does not exist for the field '%s'.", cl.val.text, cl.written)
			if !slices.Contains(msgs, m) {
				msgs = append(msgs, m)
			}
			return
		}
		cl.val.text = a.server.Name
	})
	return msgs
}

// cloudIssue is an issue as Cloud's search and issue resources write it:
// users as Cloud users; only the id unless fields are asked for. "*all" and
// "*navigable" ask for every field the fixture has; other names pick theirs.
func (c *call) cloudIssue(is *issue, fields []string) map[string]any {
	out := map[string]any{"id": is.ID}
	if len(fields) == 0 {
		return out
	}
	v := c.apiVersion()
	t, _ := findType(is.Type)
	st, _ := findStatus(is.Status)
	it := c.issueTypeJSON(t)
	it.Self = c.base + "/rest/api/" + v + "/issuetype/" + t.ID
	pj := c.projectJSON(is.Project)
	pj.Self = c.base + "/rest/api/" + v + "/project/" + is.Project.ID
	all := map[string]any{
		"summary":   is.Summary,
		"issuetype": it,
		"project":   pj,
		"status":    statusJSON{Self: c.base + "/rest/api/" + v + "/status/" + st.ID, ID: st.ID, Name: st.Name, StatusCategory: statusCategoryJSON{Name: st.Category}},
		"assignee":  c.cloudUserJSON(cloudAccountFor(accountByName(is.Assignee))),
		"reporter":  c.cloudUserJSON(cloudAccountFor(accountByName(is.Reporter))),
		"created":   jiraTime(is.Created),
		"updated":   jiraTime(is.Updated),
	}
	picked := map[string]any{}
	for _, f := range fields {
		switch f = strings.TrimSpace(f); f {
		case "*all", "*navigable":
			picked = all
		default:
			if val, ok := all[f]; ok && len(picked) < len(all) {
				picked[f] = val
			}
		}
	}
	out["expand"] = "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"
	out["self"] = c.base + "/rest/api/" + v + "/issue/" + is.ID
	out["key"] = is.Key
	out["fields"] = picked
	return out
}

// handleCloudIssue handles GET /rest/api/{2,3}/issue/{issueIdOrKey}. An
// issue the caller may not see is a 404 with this message, anonymous callers
// included (brekkylab/backlot pull request 134, measured verbatim): Cloud
// does not say that a login would show it, as the Server's 401 does.
func handleCloudIssue(c *call) {
	is := findIssue(c.param(0))
	if is == nil || !is.Project.visibleTo(c.user) {
		c.errorJSON(http.StatusNotFound, "Issue does not exist or you do not have permission to see it.")
		return
	}
	c.writeJSON(http.StatusOK, c.cloudIssue(is, []string{"*all"}))
}
