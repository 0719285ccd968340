package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Password policy presets of Jira's admin screen (seed 004). The sandbox
// starts on Secure so the lab has rules to show (CONTRACT.md).
const (
	presetDisabled = "disabled"
	presetBasic    = "basic"
	presetSecure   = "secure"
	presetCustom   = "custom"
)

// passwordPolicy is the policy in force. Zero counts are "no rule".
type passwordPolicy struct {
	Preset            string `json:"preset"`
	MinLength         int    `json:"minLength"`
	MaxLength         int    `json:"maxLength"`
	MinUppercase      int    `json:"minUppercase"`
	MinLowercase      int    `json:"minLowercase"`
	MinDigits         int    `json:"minDigits"`
	MinSpecial        int    `json:"minSpecial"`
	MinCharacterTypes int    `json:"minCharacterTypes"` // Basic and Secure only
	NotSimilarToUser  bool   `json:"notSimilarToUser"`
}

// Limits of a custom policy.
const (
	customMinLength = 8   // Jira's default minimum
	customMaxLength = 255 // Jira's default and largest maximum
)

// presetPolicy returns a preset's rules (JIRA-FACTS.md): Basic is at least 8
// characters of at least 2 types; Secure at least 10 characters of at least 3
// types including a special character, not similar to the user; Custom starts
// from Jira's defaults.
func presetPolicy(preset string) passwordPolicy {
	switch preset {
	case presetBasic:
		return passwordPolicy{Preset: preset, MinLength: 8, MaxLength: customMaxLength, MinCharacterTypes: 2}
	case presetSecure:
		return passwordPolicy{Preset: preset, MinLength: 10, MaxLength: customMaxLength, MinCharacterTypes: 3, MinSpecial: 1, NotSimilarToUser: true}
	case presetCustom:
		return passwordPolicy{Preset: preset, MinLength: customMinLength, MaxLength: customMaxLength, NotSimilarToUser: true}
	}
	return passwordPolicy{Preset: presetDisabled}
}

// passwordSubject is who a password is checked for.
type passwordSubject struct {
	username, displayName, email string
	oldPassword                  string // "" when not given
	work                         *work  // counts the steps of the check (nil: none)
}

// rule is one requirement: its user-facing sentence and its test.
type rule struct {
	text string
	ok   func(pw string, who passwordSubject) bool
}

// rules lists the policy's requirements in the order Jira shows them. The
// old-password rule applies only when the caller has an old password.
func (p passwordPolicy) rules(hasOldPassword bool) []rule {
	if p.Preset == presetDisabled {
		return nil
	}
	var rs []rule
	if p.MinLength > 0 {
		rs = append(rs, rule{fmt.Sprintf("The password must have at least %s.", plural(p.MinLength, "character")),
			func(pw string, _ passwordSubject) bool { return utf8.RuneCountInString(pw) >= p.MinLength }})
	}
	if p.MaxLength > 0 {
		rs = append(rs, rule{fmt.Sprintf("The password must not have more than %s.", plural(p.MaxLength, "character")),
			func(pw string, _ passwordSubject) bool { return utf8.RuneCountInString(pw) <= p.MaxLength }})
	}
	if p.MinCharacterTypes > 0 {
		rs = append(rs, rule{fmt.Sprintf("The password must contain characters from at least %d of these groups: uppercase letters, lowercase letters, digits and special characters.", p.MinCharacterTypes),
			func(pw string, _ passwordSubject) bool { return countChars(pw).types() >= p.MinCharacterTypes }})
	}
	counted := []struct {
		min  int
		noun string
		get  func(charCounts) int
	}{
		{p.MinUppercase, "uppercase letter", func(c charCounts) int { return c.upper }},
		{p.MinLowercase, "lowercase letter", func(c charCounts) int { return c.lower }},
		{p.MinDigits, "digit", func(c charCounts) int { return c.digits }},
		{p.MinSpecial, "special character", func(c charCounts) int { return c.special }},
	}
	for _, k := range counted {
		if k.min > 0 {
			rs = append(rs, rule{fmt.Sprintf("The password must contain at least %s.", plural(k.min, k.noun)),
				func(pw string, _ passwordSubject) bool { return k.get(countChars(pw)) >= k.min }})
		}
	}
	if p.NotSimilarToUser {
		rs = append(rs, rule{"The password must not be similar to the user's name or email address.",
			func(pw string, who passwordSubject) bool { return !similarToUser(pw, who) }})
	}
	if hasOldPassword {
		rs = append(rs, rule{"The password must be different from the old password.",
			func(pw string, who passwordSubject) bool { return who.oldPassword == "" || pw != who.oldPassword }})
	}
	return rs
}

// describe lists the policy's sentences: GET /rest/api/2/password/policy.
func (p passwordPolicy) describe(hasOldPassword bool) []string {
	out := []string{}
	for _, r := range p.rules(hasOldPassword) {
		out = append(out, r.text)
	}
	return out
}

// check lists the sentences pw fails for who (empty: acceptable).
func (p passwordPolicy) check(pw string, who passwordSubject) []string {
	out := []string{}
	for _, r := range p.rules(who.oldPassword != "") {
		if !r.ok(pw, who) {
			out = append(out, r.text)
		}
	}
	return out
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

type charCounts struct{ upper, lower, digits, special int }

func countChars(pw string) charCounts {
	var c charCounts
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			c.upper++
		case unicode.IsLower(r):
			c.lower++
		case unicode.IsDigit(r):
			c.digits++
		case !unicode.IsLetter(r):
			c.special++
		}
	}
	return c
}

func (c charCounts) types() int {
	n := 0
	for _, k := range []int{c.upper, c.lower, c.digits, c.special} {
		if k > 0 {
			n++
		}
	}
	return n
}

// similarToUser reports whether pw contains, or is contained in, the user's
// name, email (or its local part) or a word of the display name, ignoring
// case. Parts shorter than 3 characters are too common to count. Its cost
// is the password's length times the number of parts: decodeCreateUser
// bounds the parts (maxUserField), so that a long password costs time in
// proportion to its length only.
func similarToUser(pw string, who passwordSubject) bool {
	pw = strings.ToLower(pw)
	parts := []string{who.username, who.email}
	if local, _, ok := strings.Cut(who.email, "@"); ok {
		parts = append(parts, local)
	}
	parts = append(parts, strings.Fields(who.displayName)...)
	for _, part := range parts {
		part = strings.ToLower(part)
		if utf8.RuneCountInString(part) < 3 {
			continue
		}
		who.work.add(len(pw) + len(part))
		if strings.Contains(pw, part) || (utf8.RuneCountInString(pw) >= 3 && strings.Contains(part, pw)) {
			return true
		}
	}
	return false
}

// createUserRequest is the body of POST .../password/policy/createUser.
type createUserRequest struct {
	Username     string `json:"username"`
	DisplayName  string `json:"displayName"`
	EmailAddress string `json:"emailAddress"`
	Password     string `json:"password"`
}

// maxUserField is the longest user name, display name and e-mail address
// Jira can hold: Crowd's user table, where Jira keeps its users, stores
// each in a VARCHAR(255) column (cwd_user.user_name, display_name,
// email_address). A longer one names no user Jira could have, and it would
// make the similarity rule's cost grow with the product of two long
// strings (a 537 KB password beside a long display name took 39 s).
const maxUserField = 255

// decodeCreateUser decodes and validates a createUser body: the username
// and password must not be empty (seed 004), and the user's fields must fit
// Jira's (maxUserField). A refusal is the resource's own 400, which has no
// body (JIRA-FACTS.md); what Jira answers to an over-long field here is not
// recorded, and this is the resource's one way of saying no.
func decodeCreateUser(data []byte) (createUserRequest, error) {
	var req createUserRequest
	if err := decodeJSON(data, &req, beanCreateUser, false); err != nil {
		return req, err
	}
	var msgs requestError
	if req.Username == "" {
		msgs = append(msgs, "You must specify a username.")
	}
	if req.Password == "" {
		msgs = append(msgs, "You must specify a password.")
	}
	for _, f := range []struct{ name, v string }{
		{"username", req.Username}, {"displayName", req.DisplayName}, {"emailAddress", req.EmailAddress},
	} {
		if utf8.RuneCountInString(f.v) > maxUserField {
			msgs = append(msgs, fmt.Sprintf("The %s must not be longer than %d characters.", f.name, maxUserField))
		}
	}
	return req, msgs.orNil()
}

// createUserMessages decodes a createUser body and checks its password
// against p: the reasons it would be refused, or why the body is. w counts
// the steps of the check (nil: none).
func createUserMessages(data []byte, p passwordPolicy, w *work) ([]string, error) {
	req, err := decodeCreateUser(data)
	if err != nil {
		return nil, err
	}
	who := passwordSubject{username: req.Username, displayName: req.DisplayName, email: req.EmailAddress, work: w}
	return p.check(req.Password, who), nil
}

// updateUserRequest is the body of POST .../password/policy/updateUser.
type updateUserRequest struct {
	Username    string `json:"username"`
	OldPassword string `json:"oldPassword"`
	NewPassword string `json:"newPassword"`
}

// decodeUpdateUser decodes and validates an updateUser body: the username and
// new password must not be empty (seed 004).
func decodeUpdateUser(data []byte) (updateUserRequest, error) {
	var req updateUserRequest
	if err := decodeJSON(data, &req, beanUpdateUser, false); err != nil {
		return req, err
	}
	var msgs requestError
	if req.Username == "" {
		msgs = append(msgs, "You must specify a username.")
	}
	if req.NewPassword == "" {
		msgs = append(msgs, "You must specify a new password.")
	}
	return req, msgs.orNil()
}

// policyRefusal answers a refused policy request: a body Jackson could not
// read is Jersey's 400 with Jackson's message; a readable body without the
// username or password is the resource's own 400, which has no body
// (JIRA-FACTS.md, "More real answers").
func (c *call) policyRefusal(err error) {
	var je jsonBodyError
	if errors.As(err, &je) {
		c.badRequest(err)
		return
	}
	c.emptyStatus(http.StatusBadRequest)
}

// handlePolicyGet handles GET /rest/api/2/password/policy?hasOldPassword=.
// Anonymous callers are allowed (a sign-up form uses it). As Jersey parses
// booleans, anything but "true" is false.
func handlePolicyGet(c *call) {
	hasOld := strings.EqualFold(c.r.URL.Query().Get("hasOldPassword"), "true")
	c.writeJSON(http.StatusOK, c.st.currentPolicy().describe(hasOld))
}

// handlePolicyCreateUser handles POST /rest/api/2/password/policy/createUser.
func handlePolicyCreateUser(c *call) {
	body, ok := c.jsonBody()
	if !ok {
		return
	}
	msgs, err := createUserMessages(body, c.st.currentPolicy(), nil)
	if err != nil {
		c.policyRefusal(err)
		return
	}
	c.writeJSON(http.StatusOK, msgs)
}

// handlePolicyUpdateUser handles POST /rest/api/2/password/policy/updateUser.
// The user must exist (404); reuse of the old password is reported when
// oldPassword is given.
func handlePolicyUpdateUser(c *call) {
	body, ok := c.jsonBody()
	if !ok {
		return
	}
	req, err := decodeUpdateUser(body)
	if err != nil {
		c.policyRefusal(err)
		return
	}
	a := accountByName(req.Username)
	if a == nil {
		// Jira's password-policy resource answers an unknown user with a
		// bare 404 (JIRA-FACTS.md, "More real answers").
		c.emptyStatus(http.StatusNotFound)
		return
	}
	who := passwordSubject{username: a.Name, displayName: a.DisplayName, email: a.Email, oldPassword: req.OldPassword}
	c.writeJSON(http.StatusOK, c.st.currentPolicy().check(req.NewPassword, who))
}
