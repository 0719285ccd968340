package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Search paging limits: Jira's default page and its largest one.
const (
	defaultMaxResults = 50
	maxMaxResults     = 1000
)

// JSON shapes of issues, as Jira's REST API v2 writes them (the fields the
// seeds and the lab use).
type issueJSON struct {
	Expand string      `json:"expand"`
	ID     string      `json:"id"`
	Self   string      `json:"self"`
	Key    string      `json:"key"`
	Fields issueFields `json:"fields"`
}

type issueFields struct {
	Summary   string        `json:"summary"`
	IssueType issueTypeJSON `json:"issuetype"`
	Project   projectJSON   `json:"project"`
	Status    statusJSON    `json:"status"`
	Assignee  *userJSON     `json:"assignee"`
	Reporter  *userJSON     `json:"reporter"`
	Created   string        `json:"created"`
	Updated   string        `json:"updated"`
}

type issueTypeJSON struct {
	Self        string `json:"self"`
	ID          string `json:"id"`
	Description string `json:"description"`
	Name        string `json:"name"`
	Subtask     bool   `json:"subtask"`
}

type projectJSON struct {
	Self       string          `json:"self"`
	ID         string          `json:"id"`
	Key        string          `json:"key"`
	Name       string          `json:"name"`
	IssueTypes []issueTypeJSON `json:"issuetypes,omitempty"`
}

type statusJSON struct {
	Self           string             `json:"self"`
	ID             string             `json:"id"`
	Name           string             `json:"name"`
	StatusCategory statusCategoryJSON `json:"statusCategory"`
}

type statusCategoryJSON struct {
	Name string `json:"name"`
}

// userJSON is a user as issues, myself and the user resource show it.
type userJSON struct {
	Self         string `json:"self"`
	Key          string `json:"key"`
	Name         string `json:"name"`
	EmailAddress string `json:"emailAddress"`
	DisplayName  string `json:"displayName"`
	Active       bool   `json:"active"`
	TimeZone     string `json:"timeZone"`
}

func (c *call) userJSON(a *account) *userJSON {
	if a == nil {
		return nil
	}
	return &userJSON{
		Self:         c.base + "/rest/api/2/user?username=" + url.QueryEscape(a.Name),
		Key:          a.Key,
		Name:         a.Name,
		EmailAddress: a.Email,
		DisplayName:  a.DisplayName,
		Active:       true,
		TimeZone:     a.TimeZone,
	}
}

func (c *call) issueTypeJSON(t issueType) issueTypeJSON {
	return issueTypeJSON{Self: c.base + "/rest/api/2/issuetype/" + t.ID, ID: t.ID, Description: t.Description, Name: t.Name}
}

func (c *call) projectJSON(p *project) projectJSON {
	return projectJSON{Self: c.base + "/rest/api/2/project/" + p.ID, ID: p.ID, Key: p.Key, Name: p.Name}
}

func (c *call) issueJSON(is *issue) issueJSON {
	t, _ := findType(is.Type)
	st, _ := findStatus(is.Status)
	return issueJSON{
		Expand: "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
		ID:     is.ID,
		Self:   c.base + "/rest/api/2/issue/" + is.ID,
		Key:    is.Key,
		Fields: issueFields{
			Summary:   is.Summary,
			IssueType: c.issueTypeJSON(t),
			Project:   c.projectJSON(is.Project),
			Status:    statusJSON{Self: c.base + "/rest/api/2/status/" + st.ID, ID: st.ID, Name: st.Name, StatusCategory: statusCategoryJSON{Name: st.Category}},
			Assignee:  c.userJSON(accountByName(is.Assignee)),
			Reporter:  c.userJSON(accountByName(is.Reporter)),
			Created:   jiraTime(is.Created),
			Updated:   jiraTime(is.Updated),
		},
	}
}

// visibleIssue finds the issue keyOrID for the caller, or answers as Jira
// does: 404 when it does not exist, 401 when only a login would show it.
func (c *call) visibleIssue(keyOrID string) *issue {
	is := findIssue(keyOrID)
	switch {
	case is == nil:
		c.errorJSON(http.StatusNotFound, "Issue Does Not Exist")
		return nil
	case !is.Project.visibleTo(c.user):
		c.errorJSON(http.StatusUnauthorized, "You do not have the permission to see the specified issue.", "Login Required")
		return nil
	}
	return is
}

// handleIssue handles GET /rest/api/2/issue/{issueIdOrKey} (seeds 000, 003).
func handleIssue(c *call) {
	if is := c.visibleIssue(c.param(0)); is != nil {
		c.writeJSON(http.StatusOK, c.issueJSON(is))
	}
}

// handleCreateMeta handles GET /rest/api/2/issue/createmeta (seed 000's first
// curl): the projects the caller may create issues in, optionally filtered
// by projectKeys/projectIds (comma-separated). Anonymous callers may create
// nowhere, so they get an empty list.
func handleCreateMeta(c *call) {
	q := c.r.URL.Query()
	keys := splitList(q["projectKeys"])
	ids := splitList(q["projectIds"])
	out := []projectJSON{}
	for _, p := range projects {
		if c.user == nil || (len(keys) > 0 && !containsFold(keys, p.Key)) || (len(ids) > 0 && !containsFold(ids, p.ID)) {
			continue
		}
		pj := c.projectJSON(p)
		for _, t := range issueTypes {
			pj.IssueTypes = append(pj.IssueTypes, c.issueTypeJSON(t))
		}
		out = append(out, pj)
	}
	c.writeJSON(http.StatusOK, map[string]any{"expand": "projects", "projects": out})
}

func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, f)
			}
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// searchRequest is the body of POST /rest/api/2/search (and the query of GET).
type searchRequest struct {
	JQL        string   `json:"jql"`
	StartAt    *int     `json:"startAt"`
	MaxResults *int     `json:"maxResults"`
	Fields     []string `json:"fields"` // accepted; the sandbox always sends its few fields
}

// decodeSearch decodes a search body. Every field is optional.
func decodeSearch(data []byte) (searchRequest, error) {
	var req searchRequest
	err := decodeJSON(data, &req, beanSearchRequest, false)
	return req, err
}

// searchFromQuery reads GET /rest/api/2/search's parameters. Jersey answers
// an unparsable integer with a bare 404; the sandbox says what is wrong.
func searchFromQuery(q url.Values) (searchRequest, error) {
	req := searchRequest{JQL: q.Get("jql")}
	for _, p := range []struct {
		name string
		dst  **int
	}{{"startAt", &req.StartAt}, {"maxResults", &req.MaxResults}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return req, requestError{fmt.Sprintf("The value '%s' of %s is not a number.", v, p.name)}
			}
			*p.dst = &n
		}
	}
	return req, nil
}

// searchResult is the answer of the search resource.
type searchResult struct {
	Expand     string      `json:"expand"`
	StartAt    int         `json:"startAt"`
	MaxResults int         `json:"maxResults"`
	Total      int         `json:"total"`
	Issues     []issueJSON `json:"issues"`
}

// handleSearch handles GET /rest/api/2/search?jql= and POST /rest/api/2/search
// {"jql":...} (seed 001's example code). Callers see only issues they may
// browse; bad JQL is a 400 with Jira's messages.
func handleSearch(c *call) {
	var req searchRequest
	var err error
	if c.r.Method == http.MethodPost {
		body, ok := c.jsonBody()
		if !ok {
			return
		}
		req, err = decodeSearch(body)
	} else {
		req, err = searchFromQuery(c.r.URL.Query())
	}
	if err != nil {
		c.badRequest(err)
		return
	}
	q, err := parseJQL(req.JQL)
	if err != nil {
		c.errorJSON(http.StatusBadRequest, err.Error())
		return
	}
	if msgs := checkJQL(q, c.user, nil); len(msgs) > 0 {
		c.errorJSON(http.StatusBadRequest, msgs...)
		return
	}
	startAt, maxResults := 0, defaultMaxResults
	if req.StartAt != nil && *req.StartAt > 0 {
		startAt = *req.StartAt
	}
	if req.MaxResults != nil && *req.MaxResults >= 0 {
		maxResults = min(*req.MaxResults, maxMaxResults)
	}
	found := q.run(c.user)
	res := searchResult{Expand: "schema,names", StartAt: startAt, MaxResults: maxResults, Total: len(found), Issues: []issueJSON{}}
	for i := startAt; i < len(found) && i-startAt < maxResults; i++ {
		res.Issues = append(res.Issues, c.issueJSON(found[i]))
	}
	c.writeJSON(http.StatusOK, res)
}

// attachmentJSON describes one uploaded attachment.
type attachmentJSON struct {
	Self     string    `json:"self"`
	ID       string    `json:"id"`
	Filename string    `json:"filename"`
	Author   *userJSON `json:"author"`
	Created  string    `json:"created"`
	Size     int64     `json:"size"`
	MimeType string    `json:"mimeType"`
	Content  string    `json:"content"`
}

// maxAttachmentParts bounds the parts read from one upload.
const maxAttachmentParts = 100

// handleAttachments handles POST /rest/api/2/issue/{issueIdOrKey}/attachments,
// the form-encoded resource of seed 001's form-token section. The XSRF rule
// has already run; here it takes multipart "file" parts and describes them.
// Contents are read and discarded: the sandbox stores no uploads.
func handleAttachments(c *call) {
	if !c.requireUser() {
		return
	}
	is := c.visibleIssue(c.param(0))
	if is == nil {
		return
	}
	mt, params, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		c.errorJSON(http.StatusUnsupportedMediaType, "Attachments must be sent as multipart/form-data with a part named \"file\".")
		return
	}
	body, ok := c.readBody()
	if !ok {
		return
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	out := []attachmentJSON{}
	for n := 0; n < maxAttachmentParts; n++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			c.errorJSON(http.StatusBadRequest, "The multipart body is malformed.")
			return
		}
		if part.FormName() != "file" {
			continue
		}
		size, err := io.Copy(io.Discard, part)
		if err != nil {
			c.errorJSON(http.StatusBadRequest, "The multipart body is malformed.")
			return
		}
		id := strconv.FormatUint(c.s.attachSeq.Add(1)+10000, 10)
		name := part.FileName()
		mimeType := part.Header.Get("Content-Type")
		if mimeType == "" {
			mimeType = "application/octet-stream"
		}
		out = append(out, attachmentJSON{
			Self:     c.base + "/rest/api/2/attachment/" + id,
			ID:       id,
			Filename: name,
			Author:   c.userJSON(c.user),
			Created:  jiraTime(c.s.now()),
			Size:     size,
			MimeType: mimeType,
			Content:  c.base + "/secure/attachment/" + id + "/" + url.PathEscape(name),
		})
	}
	if len(out) == 0 {
		c.errorJSON(http.StatusBadRequest, "No file was attached: send the file in a part named \"file\".")
		return
	}
	c.writeJSON(http.StatusOK, out)
}
