package sandbox

import "net/http"

// fieldJSON is one field of GET /rest/api/2/field, in the shape of Jira's
// answer (Atlassian's REST reference, "field": id, name, custom, orderable,
// navigable, searchable, clauseNames and schema; the system fields name
// their own id as schema.system).
type fieldJSON struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Custom      bool         `json:"custom"`
	Orderable   bool         `json:"orderable"`
	Navigable   bool         `json:"navigable"`
	Searchable  bool         `json:"searchable"`
	ClauseNames []string     `json:"clauseNames"`
	Schema      *fieldSchema `json:"schema,omitempty"`
}

type fieldSchema struct {
	Type   string `json:"type"`
	System string `json:"system"`
}

// systemField builds a system field whose schema names its own id.
func systemField(id, name, typ string, orderable, searchable bool, clauses ...string) fieldJSON {
	return fieldJSON{ID: id, Name: name, Orderable: orderable, Navigable: true, Searchable: searchable,
		ClauseNames: clauses, Schema: &fieldSchema{Type: typ, System: id}}
}

// fixtureFields are the fields the fixture's issues carry, with Jira's
// clause names (the JQL names clients translate through this list: Python's
// jira library maps every clause name to its field id before each search).
// The issue key has no schema in Jira's answer.
var fixtureFields = []fieldJSON{
	{ID: "issuekey", Name: "Key", Navigable: true, ClauseNames: []string{"id", "issue", "issuekey", "key"}},
	systemField("summary", "Summary", "string", true, true, "summary"),
	systemField("issuetype", "Issue Type", "issuetype", true, true, "issuetype", "type"),
	systemField("project", "Project", "project", false, true, "project"),
	systemField("status", "Status", "status", false, true, "status"),
	systemField("assignee", "Assignee", "user", true, true, "assignee"),
	systemField("reporter", "Reporter", "user", true, true, "reporter"),
	systemField("created", "Created", "datetime", false, true, "created", "createdDate"),
	systemField("updated", "Updated", "datetime", false, true, "updated", "updatedDate"),
}

// handleFields handles GET /rest/api/2/field: every field, anonymous
// allowed. Client libraries load it around searches (Python's jira calls it
// before translating a search's field names), so without it their searches
// never run.
func handleFields(c *call) {
	c.writeJSON(http.StatusOK, fixtureFields)
}
