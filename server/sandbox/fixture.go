package sandbox

import (
	"crypto/subtle"
	"strings"
	"time"
)

// account is a built-in Jira user (CONTRACT.md, "Sandbox Jira"). Accounts are
// immutable; their login history lives in the store.
type account struct {
	Name        string
	Key         string
	DisplayName string
	Email       string
	Password    string
	TimeZone    string
	Admin       bool // Jira administrator
	SSO         bool // login is handled by SSO: no usable Jira password (seed 003)
	Unverified  bool // email not verified: session login answers 409 (seed 001)
}

// accounts are the built-in users, in the order state listings show them.
var accounts = []*account{
	{Name: "fred", Key: "fred", DisplayName: "Fred F. User", Email: "fred@example.com", Password: "fred", TimeZone: "Australia/Sydney"},
	{Name: "admin", Key: "admin", DisplayName: "Administrator", Email: "admin@example.com", Password: "admin", TimeZone: "UTC", Admin: true},
	{Name: "unverified", Key: "unverified", DisplayName: "Una Verified", Email: "unverified@example.com", Password: "unverified", TimeZone: "UTC", Unverified: true},
	// The contract lists the password "sso-user"; it is deliberately not
	// stored, since an SSO account has no Jira password that could match.
	{Name: "sso-user", Key: "sso-user", DisplayName: "Sam S. O. User", Email: "sso-user@example.com", TimeZone: "UTC", SSO: true},
}

// passwordIs reports whether pw is a's Jira password, in constant time. An
// SSO account has none, so nothing matches.
func (a *account) passwordIs(pw string) bool {
	return !a.SSO && subtle.ConstantTimeCompare([]byte(pw), []byte(a.Password)) == 1
}

// listedPassword is the password the contract lists for a, which the
// sandbox's state shows learners. For an SSO account it is the listed one,
// which matches nothing (passwordIs): that is the account's lesson.
func (a *account) listedPassword() string {
	if a.SSO {
		return a.Name
	}
	return a.Password
}

// kind names what a demonstrates, as GET /_sandbox/state reports it.
func (a *account) kind() string {
	switch {
	case a.Admin:
		return "admin"
	case a.Unverified:
		return "unverified"
	case a.SSO:
		return "sso"
	}
	return "user"
}

// accountByName finds an account; Jira user names are case-insensitive.
func accountByName(name string) *account {
	for _, a := range accounts {
		if strings.EqualFold(a.Name, name) {
			return a
		}
	}
	return nil
}

// initialLogins is every account's login history at start or reset. Fred's
// makes his first login answer exactly the loginInfo of JIRA-FACTS.md. (Like
// Jira, every basic-auth request counts as a login too.)
func initialLogins() map[string]*loginState {
	m := make(map[string]*loginState, len(accounts))
	for _, a := range accounts {
		m[a.Name] = &loginState{}
	}
	fred := m["fred"]
	fred.failedTotal = 1
	fred.loginCount = 11
	fred.lastFailed = jiraDate(2016, 1, 27, 7, 30, 51, 349)
	fred.lastLogin = jiraDate(2016, 1, 27, 7, 31, 14, 351)
	return m
}

// project is a Jira project. Public projects are browsable by anonymous
// callers; the others need a login (any built-in account may browse them).
type project struct {
	ID, Key, Name string
	Public        bool
}

var (
	projectQA   = &project{ID: "10000", Key: "QA", Name: "Quality Assurance"}
	projectTEST = &project{ID: "10001", Key: "TEST", Name: "Test Project", Public: true}
	projects    = []*project{projectQA, projectTEST}
)

// visibleTo reports whether viewer (nil: anonymous) may browse p.
func (p *project) visibleTo(viewer *account) bool {
	return p.Public || viewer != nil
}

// issueType and status are named values with Jira's ids.
type issueType struct{ ID, Name, Description string }
type status struct{ ID, Name, Category string }

var (
	issueTypes = []issueType{
		{"1", "Bug", "A problem which impairs or prevents the functions of the product."},
		{"3", "Task", "A task that needs to be done."},
		{"4", "Improvement", "An improvement or enhancement to an existing feature or task."},
		{"10001", "Story", "A user story."},
	}
	statuses = []status{
		{"1", "Open", "To Do"},
		{"3", "In Progress", "In Progress"},
		{"4", "Reopened", "To Do"},
		{"5", "Resolved", "Done"},
		{"6", "Closed", "Done"},
	}
)

func findType(name string) (issueType, bool) {
	for _, t := range issueTypes {
		if strings.EqualFold(t.Name, name) {
			return t, true
		}
	}
	return issueType{}, false
}

func findStatus(name string) (status, bool) {
	for _, s := range statuses {
		if strings.EqualFold(s.Name, name) {
			return s, true
		}
	}
	return status{}, false
}

// issue is one fixture issue. Assignee and Reporter are account names ("" = none).
type issue struct {
	ID, Key          string
	Project          *project
	Num              int
	Type, Status     string
	Summary          string
	Assignee         string
	Reporter         string
	Created, Updated time.Time
}

// issues is the fixture the seeds assume: QA-31 (seed 000) and TEST-1 (seed
// 003) exist, several are fred's, and some are "type=Bug AND status=Closed"
// (seed 001), in both projects so anonymous and logged-in searches differ.
var issues = []*issue{
	{ID: "10100", Key: "QA-29", Project: projectQA, Num: 29, Type: "Bug", Status: "Closed", Summary: "Login form accepts an empty password", Assignee: "fred", Reporter: "admin",
		Created: jiraDate(2016, 1, 20, 9, 12, 3, 120), Updated: jiraDate(2016, 1, 25, 16, 40, 10, 5)},
	{ID: "10101", Key: "QA-30", Project: projectQA, Num: 30, Type: "Improvement", Status: "Open", Summary: "Explain X-Seraph-LoginReason in the error page", Reporter: "fred",
		Created: jiraDate(2016, 1, 22, 11, 0, 0, 0), Updated: jiraDate(2016, 1, 22, 11, 0, 0, 0)},
	{ID: "10102", Key: "QA-31", Project: projectQA, Num: 31, Type: "Bug", Status: "Open", Summary: "REST ye merry gentlemen.", Assignee: "fred", Reporter: "admin",
		Created: jiraDate(2016, 1, 27, 7, 30, 51, 349), Updated: jiraDate(2016, 1, 27, 7, 31, 14, 351)},
	{ID: "10103", Key: "QA-32", Project: projectQA, Num: 32, Type: "Bug", Status: "Closed", Summary: "Session cookie survives logout", Assignee: "admin", Reporter: "fred",
		Created: jiraDate(2016, 2, 1, 8, 15, 30, 0), Updated: jiraDate(2016, 2, 3, 10, 2, 44, 812)},
	{ID: "10200", Key: "TEST-1", Project: projectTEST, Num: 1, Type: "Task", Status: "In Progress", Summary: "Read this issue with a session cookie", Assignee: "sso-user", Reporter: "admin",
		Created: jiraDate(2017, 6, 8, 13, 53, 40, 0), Updated: jiraDate(2017, 6, 9, 9, 1, 2, 300)},
	{ID: "10201", Key: "TEST-2", Project: projectTEST, Num: 2, Type: "Bug", Status: "Closed", Summary: "CAPTCHA blocks REST logins", Assignee: "fred", Reporter: "fred",
		Created: jiraDate(2017, 6, 10, 10, 0, 0, 0), Updated: jiraDate(2017, 6, 12, 15, 30, 0, 0)},
	{ID: "10202", Key: "TEST-3", Project: projectTEST, Num: 3, Type: "Story", Status: "Open", Summary: "As a user I can create a personal access token",
		Reporter: "admin",
		Created:  jiraDate(2017, 6, 11, 12, 0, 0, 0), Updated: jiraDate(2017, 6, 11, 12, 0, 0, 0)},
	{ID: "10203", Key: "TEST-4", Project: projectTEST, Num: 4, Type: "Bug", Status: "Resolved", Summary: "Password policy message is unclear", Assignee: "admin", Reporter: "unverified",
		Created: jiraDate(2017, 6, 14, 8, 45, 0, 0), Updated: jiraDate(2017, 6, 15, 17, 5, 0, 0)},
}

// findIssue finds an issue by key (case-insensitive) or id.
func findIssue(keyOrID string) *issue {
	for _, is := range issues {
		if strings.EqualFold(is.Key, keyOrID) || is.ID == keyOrID {
			return is
		}
	}
	return nil
}

// jiraLayout is how Jira writes timestamps (2016-01-27T07:30:51.349+0000);
// clients parse exactly this layout.
const jiraLayout = "2006-01-02T15:04:05.000-0700"

func jiraTime(t time.Time) string { return t.UTC().Format(jiraLayout) }

// jiraTimePtr is jiraTime for optional fields: nil for the zero time.
func jiraTimePtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := jiraTime(t)
	return &s
}

func jiraDate(y int, mo time.Month, d, h, mi, s, ms int) time.Time {
	return time.Date(y, mo, d, h, mi, s, ms*int(time.Millisecond), time.UTC)
}
