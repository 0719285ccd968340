package sandbox

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestIssueResource(t *testing.T) {
	h := newHarness(t, Options{})
	tests := []httpCase{
		{"QA-31 with basic auth (seed 000)", req{path: "/rest/api/2/issue/QA-31", basic: "fred:fred"},
			want{status: 200, body: []string{`"key":"QA-31"`, `"id":"10102"`, `"self":"` + h.srv.URL + `/rest/api/2/issue/10102"`,
				`"created":"2016-01-27T07:30:51.349+0000"`, `"issuetype":{`, `"status":{`, `"assignee":{`}}},
		{"by id", req{path: "/rest/api/2/issue/10102", basic: "fred:fred"}, want{status: 200, body: []string{`"key":"QA-31"`}}},
		{"lower-case key", req{path: "/rest/api/2/issue/qa-31", basic: "fred:fred"}, want{status: 200, body: []string{`"key":"QA-31"`}}},
		{"latest alias", req{path: "/rest/api/latest/issue/QA-31", basic: "fred:fred"}, want{status: 200}},
		{"trailing slash", req{path: "/rest/api/2/issue/QA-31/", basic: "fred:fred"}, want{status: 200}},
		{"/jira self links", req{path: "/jira/rest/api/2/issue/QA-31", basic: "fred:fred"},
			want{status: 200, body: []string{`"self":"` + h.srv.URL + `/jira/rest/api/2/issue/10102"`}}},
		{"QA needs a login", req{path: "/rest/api/2/issue/QA-31"},
			want{status: 401, body: []string{`{"errorMessages":["You do not have the permission to see the specified issue.","Login Required"],"errors":{}}`}}},
		{"TEST is public", req{path: "/rest/api/2/issue/TEST-1"}, want{status: 200, body: []string{`"key":"TEST-1"`}}},
		{"unassigned is null", req{path: "/rest/api/2/issue/TEST-3"}, want{status: 200, body: []string{`"assignee":null`}}},
		{"unknown issue", req{path: "/rest/api/2/issue/QA-999", basic: "fred:fred"},
			want{status: 404, body: []string{`{"errorMessages":["Issue Does Not Exist"],"errors":{}}`}}},
		{"POST is not allowed", req{method: "POST", path: "/rest/api/2/issue/QA-31", basic: "fred:fred", header: jsonHeader, body: "{}"},
			want{status: 405, headers: map[string]string{"Allow": "GET, HEAD"}}},
		{"createmeta (seed 000)", req{path: "/rest/api/2/issue/createmeta", basic: "fred:fred", header: jsonHeader},
			want{status: 200, body: []string{`{"expand":"projects","projects":[{`, `"key":"QA"`, `"key":"TEST"`, `"issuetypes":[{`, `"name":"Bug"`}}},
		{"createmeta filtered", req{path: "/rest/api/2/issue/createmeta?projectKeys=test", basic: "fred:fred"},
			want{status: 200, body: []string{`"key":"TEST"`}, notBody: []string{`"key":"QA"`}}},
		{"createmeta by id", req{path: "/rest/api/2/issue/createmeta?projectIds=10000", basic: "fred:fred"},
			want{status: 200, body: []string{`"key":"QA"`}, notBody: []string{`"key":"TEST"`}}},
		{"createmeta anonymous", req{path: "/rest/api/2/issue/createmeta"}, want{status: 200, body: []string{`"projects":[]`}}},
		{"myself", req{path: "/rest/api/2/myself", basic: "fred:fred"},
			want{status: 200, body: []string{`"name":"fred"`, `"displayName":"Fred F. User"`, `"emailAddress":"fred@example.com"`, `"active":true`, `"timeZone":"Australia/Sydney"`, `"self":"`}}},
		{"user", req{path: "/rest/api/latest/user?username=admin", basic: "fred:fred"}, want{status: 200, body: []string{`"name":"admin"`}}},
		{"unknown user", req{path: "/rest/api/2/user?username=ghost", basic: "fred:fred"}, want{status: 404, body: []string{"ghost"}}},
		{"user anonymous", req{path: "/rest/api/2/user?username=admin"}, want{status: 401}},
		{"serverInfo anonymous", req{path: "/rest/api/2/serverInfo"},
			want{status: 200, body: []string{`"baseUrl":"` + h.srv.URL + `"`, `"deploymentType":"Server"`, `"versionNumbers":[8,20,10]`, `"buildNumber":`, `"serverTitle":`}}},
		{"serverInfo under /jira", req{path: "/jira/rest/api/2/serverInfo"}, want{status: 200, body: []string{`"baseUrl":"` + h.srv.URL + `/jira"`}}},
	}
	h.runCases(tests)
}

// searchKeys runs a search and returns the issue keys and total.
func searchKeys(t *testing.T, h *harness, r req) ([]string, int, resp) {
	t.Helper()
	res := h.do(r)
	if res.status != 200 {
		return nil, 0, res
	}
	var v struct {
		StartAt, MaxResults, Total int
		Issues                     []struct {
			Key    string
			Fields map[string]any
		}
	}
	res.decode(t, &v)
	keys := []string{}
	for _, is := range v.Issues {
		keys = append(keys, is.Key)
	}
	return keys, v.Total, res
}

func TestSearch(t *testing.T) {
	h := newHarness(t, Options{})
	sid := h.login("fred", "fred")
	get := func(jql, extra string, auth bool) req {
		r := req{path: "/rest/api/2/search?jql=" + url.QueryEscape(jql) + extra}
		if auth {
			r.cookie = sid
		}
		return r
	}
	post := func(body string, auth bool) req {
		r := req{method: "POST", path: "/rest/api/2/search", header: jsonHeader, body: body}
		if auth {
			r.cookie = sid
		}
		return r
	}
	tests := []struct {
		name      string
		req       req
		wantKeys  []string
		wantTotal int
	}{
		{"assignee=fred", get("assignee=fred", "", true), []string{"TEST-2", "QA-31", "QA-29"}, 3},
		{"assignee=fred anonymous", get("assignee=fred", "", false), []string{"TEST-2"}, 1},
		{"seed 001 POST", post(`{"jql":"type=Bug AND status=Closed"}`, true), []string{"TEST-2", "QA-32", "QA-29"}, 3},
		{"seed 001 POST anonymous", post(`{"jql":"type=Bug AND status=Closed"}`, false), []string{"TEST-2"}, 1},
		{"empty JQL: everything visible, newest first", get("", "", false), []string{"TEST-4", "TEST-3", "TEST-2", "TEST-1"}, 4},
		{"no jql parameter", req{path: "/rest/api/2/search", cookie: sid}, []string{"TEST-4", "TEST-3", "TEST-2", "TEST-1", "QA-32", "QA-31", "QA-30", "QA-29"}, 8},
		{"ORDER BY key", get("project = QA ORDER BY key", "", true), []string{"QA-29", "QA-30", "QA-31", "QA-32"}, 4},
		{"ORDER BY key DESC", get("project = QA order by key desc", "", true), []string{"QA-32", "QA-31", "QA-30", "QA-29"}, 4},
		{"ORDER BY two fields", get("status = Closed ORDER BY project ASC, created DESC", "", true), []string{"QA-32", "QA-29", "TEST-2"}, 3},
		{"only ORDER BY", get("ORDER BY updated", "", false), []string{"TEST-1", "TEST-3", "TEST-2", "TEST-4"}, 4},
		{"!= leaves out empty values", get("assignee != fred AND project = TEST", "", true), []string{"TEST-4", "TEST-1"}, 2},
		{"assignee = EMPTY", get("assignee = EMPTY", "", true), []string{"TEST-3", "QA-30"}, 2},
		{"assignee != null", get("project=TEST AND assignee != null ORDER BY key", "", true), []string{"TEST-1", "TEST-2", "TEST-4"}, 3},
		{"quoted values", get(`status = "In Progress" AND project = 'Test Project'`, "", false), []string{"TEST-1"}, 1},
		{"escapes in quotes", get(`project = "TE\ST" AND key = "TEST-1"`, "", false), []string{"TEST-1"}, 1},
		{"key", get("key = qa-31", "", true), []string{"QA-31"}, 1},
		{"issuekey != ", get("issuekey != QA-31 AND project = QA ORDER BY key", "", true), []string{"QA-29", "QA-30", "QA-32"}, 3},
		{"issuetype and project id", get("issuetype = Story AND project = 10001", "", false), []string{"TEST-3"}, 1},
		{"OR and parentheses", get("(project = QA AND status = Open) OR key = TEST-3 ORDER BY key", "", true), []string{"QA-30", "QA-31", "TEST-3"}, 3},
		{"AND binds tighter than OR", get("key = QA-29 OR key = QA-30 AND status = Closed", "", true), []string{"QA-29"}, 1},
		{"currentUser()", get("assignee = currentUser() ORDER BY key", "", true), []string{"QA-29", "QA-31", "TEST-2"}, 3},
		{"currentUser() anonymous", get("assignee = currentUser()", "", false), []string{}, 0},
		{"reporter", get("reporter = unverified", "", false), []string{"TEST-4"}, 1},
		{"case-insensitive keywords", get("Project = qa and STATUS = closed Order By Key", "", true), []string{"QA-29", "QA-32"}, 2},
		{"paging", get("ORDER BY key", "&startAt=2&maxResults=3", true), []string{"QA-31", "QA-32", "TEST-1"}, 8},
		{"paging POST", post(`{"jql":"ORDER BY key","startAt":6,"maxResults":5}`, true), []string{"TEST-3", "TEST-4"}, 8},
		{"maxResults 0", get("", "&maxResults=0", true), []string{}, 8},
		{"startAt past the end", get("", "&startAt=100", true), []string{}, 8},
		{"negative startAt is 0", get("ORDER BY key", "&startAt=-5&maxResults=1", true), []string{"QA-29"}, 8},
		{"through /jira", req{path: "/jira/rest/api/2/search?jql=key%3DQA-31", cookie: sid}, []string{"QA-31"}, 1},
	}
	for _, tt := range tests {
		keys, total, res := searchKeys(t, h, tt.req)
		if res.status != 200 {
			t.Errorf("%s: status %d; want 200 (%s)", tt.name, res.status, res.body)
			continue
		}
		if tt.wantKeys == nil {
			tt.wantKeys = []string{}
		}
		if !reflect.DeepEqual(keys, tt.wantKeys) || total != tt.wantTotal {
			t.Errorf("%s: keys %v, total %d; want %v, %d", tt.name, keys, total, tt.wantKeys, tt.wantTotal)
		}
	}

	// The shape clients parse.
	res := h.do(get("key = QA-31", "", true))
	want{status: 200, body: []string{`"startAt":0`, `"maxResults":50`, `"total":1`, `"issues":[{`, `"fields":{"summary":`,
		`"status":{`, `"name":"Open"`, `"issuetype":{`, `"assignee":{`, `"created":"2016-01-27T07:30:51.349+0000"`}}.check(t, "shape", res)
	_, _, res = searchKeys(t, h, get("", "&maxResults=5000", true))
	want{body: []string{`"maxResults":1000`}}.check(t, "maxResults is capped", res)
}

func TestSearchErrors(t *testing.T) {
	h := newHarness(t, Options{})
	tests := []struct {
		name string
		jql  string
		auth bool
		want string // the first error message, or its start
	}{
		{"unknown field", "foo = bar", true, "Field 'foo' does not exist or you do not have permission to view it."},
		{"unsupported operator ~", "summary ~ x", true, "Field 'summary' does not exist"},
		{"unsupported operator IN", "status in (Open)", true, "Error in the JQL Query: The operator 'IN' is not supported by the sandbox"},
		{"unsupported operator <", "status < Open", true, "Error in the JQL Query: The operator '<' is not supported"},
		{"NOT", "NOT status = Open", true, "Error in the JQL Query: The sandbox does not support NOT"},
		{"missing value", "status =", true, "Error in the JQL Query: Expecting either a value, list or function before the end of the query. (line 1, character 9)"},
		{"missing operator", "status", true, "Error in the JQL Query: Expecting operator before the end of the query."},
		{"dangling AND", "status = Open AND", true, "Error in the JQL Query: Expecting a field name but reached the end of the query."},
		{"garbage after", "status = Open Closed", true, "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'Closed'. (line 1, character 15)"},
		{"unbalanced (", "(status = Open", true, "Error in the JQL Query: Expecting ')'"},
		{"unbalanced )", "status = Open)", true, "Error in the JQL Query: Expecting either 'OR' or 'AND' but got ')'"},
		{"unterminated quote", `status = "Open`, true, "Error in the JQL Query: The quoted string 'Open' has not been completed."},
		{"reserved character", "status = Op;en", true, "Error in the JQL Query: The character ';' is a reserved JQL character."},
		{"reserved word as value", "status = and", true, "Error in the JQL Query: 'and' is a reserved JQL word."},
		{"unknown function", "assignee = membersOf()", true, "Unable to find JQL function 'membersOf()'."},
		{"function with arguments", "assignee = currentUser(x)", true, "Error in the JQL Query: The sandbox supports functions without arguments only"},
		{"ORDER without BY", "ORDER key", true, "Error in the JQL Query: Expecting 'by' but got 'key'."},
		{"bad sort field", "ORDER BY summary", true, "Field 'summary' does not exist"},
		{"sort-only field in WHERE", "created = x", true, "Error in the JQL Query: The sandbox can sort by 'created' but not search it."},
		{"escaped quote stays in the value", `status = "In \"Progress"`, true, `The value 'In "Progress' does not exist for the field 'status'.`},
		{"unknown status", "status = Done", true, "The value 'Done' does not exist for the field 'status'."},
		{"unknown type keeps spelling", "type = Epic", true, "The value 'Epic' does not exist for the field 'type'."},
		{"unknown user", "assignee = ghost", true, "The value 'ghost' does not exist for the field 'assignee'."},
		{"project hidden from anonymous", "project = QA", false, "The value 'QA' does not exist for the field 'project'."},
		{"issue hidden from anonymous", "key = QA-31", false, "An issue with key 'QA-31' does not exist for field 'key'."},
		{"malformed key", "key = 31", true, "The issue key '31' for field 'key' is invalid."},
		{"EMPTY on status", "status = EMPTY", true, "The field 'status' does not support searching for EMPTY values."},
		{"currentUser on project", "project = currentUser()", true, "The function 'currentUser()' does not support the field 'project'."},
		{"too deep", strings.Repeat("(", 40) + "status = Open" + strings.Repeat(")", 40), true, "Error in the JQL Query: The query nests parentheses more than 32 deep."},
		{"second line position", "status = Open\nAND x", true, "Field 'x' does not exist"},
	}
	for _, tt := range tests {
		r := req{path: "/rest/api/2/search?jql=" + url.QueryEscape(tt.jql)}
		if tt.auth {
			r.basic = "fred:fred"
		}
		res := h.do(r)
		if res.status != 400 {
			t.Errorf("%s: status %d; want 400 (%s)", tt.name, res.status, res.body)
			continue
		}
		msgs := res.jiraError(t)
		if len(msgs) == 0 || !strings.HasPrefix(msgs[0], tt.want) {
			t.Errorf("%s: messages %q; want the first to start with %q", tt.name, msgs, tt.want)
		}
	}

	// Several unknown values are all reported, once each.
	res := h.do(req{path: "/rest/api/2/search?jql=" + url.QueryEscape("status = X OR status = X OR assignee = y"), basic: "fred:fred"})
	if msgs := res.jiraError(t); len(msgs) != 2 {
		t.Errorf("messages %q; want 2", msgs)
	}

	bodies := []struct {
		name, body, contentType string
		status                  int
	}{
		{"POST bad JSON", `{"jql":`, "application/json", 400},
		{"POST jql not a string", `{"jql":1}`, "application/json", 400},
		{"POST startAt not a number", `{"startAt":"x"}`, "application/json", 400},
		{"POST without body", ``, "application/json", 400},
		{"POST wrong type", `jql`, "text/plain", 415},
		{"POST bad JQL", `{"jql":"a b c"}`, "application/json", 400},
	}
	for _, b := range bodies {
		res := h.do(req{method: "POST", path: "/rest/api/2/search", basic: "fred:fred", body: b.body, header: map[string]string{"Content-Type": b.contentType}})
		want{status: b.status}.check(t, b.name, res)
		res.jiraError(t)
	}
	res = h.do(req{path: "/rest/api/2/search?startAt=x", basic: "fred:fred"})
	want{status: 400, body: []string{"startAt"}}.check(t, "GET startAt not a number", res)
}

func TestParseJQL(t *testing.T) {
	tests := []struct {
		jql       string
		wantWhere string // rendered tree
		wantOrder []jqlOrder
	}{
		{"", "", nil},
		{"   ", "", nil},
		{"project = QA", "project=QA", nil},
		{"project=QA", "project=QA", nil},
		{"type != Bug", "issuetype!=Bug", nil},
		{`status = "In Progress"`, "status=In Progress", nil},
		{`status = 'Closed'`, "status=Closed", nil},
		{"assignee = currentUser()", "assignee=currentUser()", nil},
		{"assignee = EMPTY", "assignee=EMPTY", nil},
		{"a", "", nil}, // error case: see below
		{"project = QA AND status = Open OR key = TEST-1", "((project=QA AND status=Open) OR key=TEST-1)", nil},
		{"project = QA AND (status = Open OR key = TEST-1)", "(project=QA AND (status=Open OR key=TEST-1))", nil},
		// A run of ORs (ANDs) is one node: a long query is wide, not deep.
		{"key = A-1 OR key = A-2 OR key = A-3 AND type = Bug", "(key=A-1 OR key=A-2 OR (key=A-3 AND issuetype=Bug))", nil},
		{"(key = A-1 OR key = A-2) OR key = A-3", "((key=A-1 OR key=A-2) OR key=A-3)", nil},
		{"ORDER BY key", "", []jqlOrder{{"key", false}}},
		{"project = QA ORDER BY created DESC, key asc", "project=QA", []jqlOrder{{"created", true}, {"key", false}}},
	}
	for _, tt := range tests {
		q, err := parseJQL(tt.jql)
		if tt.jql == "a" {
			if err == nil {
				t.Errorf("parseJQL(%q) succeeded; want an error", tt.jql)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseJQL(%q): %v", tt.jql, err)
			continue
		}
		if got := renderJQL(q.where); got != tt.wantWhere {
			t.Errorf("parseJQL(%q) where = %q; want %q", tt.jql, got, tt.wantWhere)
		}
		if !reflect.DeepEqual(q.order, tt.wantOrder) {
			t.Errorf("parseJQL(%q) order = %v; want %v", tt.jql, q.order, tt.wantOrder)
		}
	}
}

// renderJQL prints a parsed tree with explicit grouping.
func renderJQL(e jqlExpr) string {
	switch e := e.(type) {
	case nil:
		return ""
	case *jqlAnd:
		return renderTerms(e.terms, " AND ")
	case *jqlOr:
		return renderTerms(e.terms, " OR ")
	case *jqlClause:
		op := "="
		if e.neg {
			op = "!="
		}
		v := e.val.text
		switch {
		case e.val.empty:
			v = "EMPTY"
		case e.val.currentUser:
			v = "currentUser()"
		}
		return e.field + op + v
	}
	return "?"
}

func renderTerms(terms []jqlExpr, op string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = renderJQL(t)
	}
	return "(" + strings.Join(parts, op) + ")"
}

func TestDefaultOrderIsStable(t *testing.T) {
	// Two issues with equal created times fall back to key order.
	q := &jqlQuery{}
	got := q.run(accounts[0])
	for i := 1; i < len(got); i++ {
		if got[i-1].Created.Before(got[i].Created) {
			t.Fatalf("default order not newest first at %d: %s before %s", i, got[i-1].Key, got[i].Key)
		}
	}
	a := &issue{Key: "QA-1", Project: projectQA, Num: 1, Created: time.Unix(0, 0)}
	b := &issue{Key: "QA-2", Project: projectQA, Num: 2, Created: time.Unix(0, 0)}
	if compareField(a, b, "created") != 0 || compareKeys(a, b) >= 0 {
		t.Errorf("tie-break by key failed")
	}
}
