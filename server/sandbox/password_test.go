package sandbox

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// Jira's verbatim sentences (seed 004).
const (
	msgMin10   = "The password must have at least 10 characters."
	msgSimilar = "The password must not be similar to the user's name or email address."
	msgMax255  = "The password must not have more than 255 characters."
	msgTypes3  = "The password must contain characters from at least 3 of these groups: uppercase letters, lowercase letters, digits and special characters."
	msgSpecial = "The password must contain at least 1 special character."
	msgOld     = "The password must be different from the old password."
)

func TestPasswordPolicyResource(t *testing.T) {
	h := newHarness(t, Options{})
	setPolicy := func(body string) {
		t.Helper()
		res := h.do(req{method: "PUT", path: "/_sandbox/password-policy", header: jsonHeader, body: body})
		if res.status != 200 {
			t.Fatalf("PUT policy %s: %d %s", body, res.status, res.body)
		}
	}
	type row struct {
		name   string
		policy string // PUT body; "" keeps the previous
		req    req
		status int
		want   []string // the JSON array answered
	}
	create := func(body string) req {
		return req{method: "POST", path: "/rest/api/2/password/policy/createUser", header: jsonHeader, body: body}
	}
	update := func(body string) req {
		return req{method: "POST", path: "/rest/api/2/password/policy/updateUser", header: jsonHeader, body: body}
	}
	secureAll := []string{msgMin10, msgMax255, msgTypes3, msgSpecial, msgSimilar}
	tests := []row{
		{"secure is the default", "", req{path: "/rest/api/2/password/policy"}, 200, secureAll},
		{"secure with old password", "", req{path: "/rest/api/2/password/policy?hasOldPassword=true"}, 200, append(append([]string{}, secureAll...), msgOld)},
		{"hasOldPassword=false", "", req{path: "/rest/api/2/password/policy?hasOldPassword=false"}, 200, secureAll},
		{"hasOldPassword not a boolean is false", "", req{path: "/rest/api/2/password/policy?hasOldPassword=yes"}, 200, secureAll},
		{"with basic auth (seed 004)", "", req{path: "/rest/api/2/password/policy", basic: "fred:fred"}, 200, secureAll},
		{"createUser: short and similar", "", create(`{"username":"bob","displayName":"Bob Builder","emailAddress":"bob@example.com","password":"bob1"}`), 200,
			[]string{msgMin10, msgTypes3, msgSpecial, msgSimilar}},
		{"createUser: fine", "", create(`{"username":"bob","password":"Tr0ub4dor&3x"}`), 200, []string{}},
		{"createUser: similar to email local part", "", create(`{"username":"x","emailAddress":"jane.doe@example.com","password":"Jane.Doe#2024"}`), 200, []string{msgSimilar}},
		{"createUser: similar to display name", "", create(`{"username":"x","displayName":"Marvin Gaye","password":"marvin!!AA11"}`), 200, []string{msgSimilar}},
		{"createUser: no special character", "", create(`{"username":"bob","password":"Abcdefgh1234"}`), 200, []string{msgSpecial}},
		// Corrected by JIRA-FACTS.md: the resource's own 400 and 404 have no body.
		{"createUser: missing username", "", create(`{"password":"x"}`), 400, nil},
		{"createUser: missing both", "", create(`{}`), 400, nil},
		{"createUser: no body", "", create(``), 400, nil},
		{"createUser: not JSON", "", req{method: "POST", path: "/rest/api/2/password/policy/createUser", body: `x`, header: map[string]string{"Content-Type": "text/plain"}}, 415, nil},
		{"updateUser: reuse reported", "", update(`{"username":"fred","oldPassword":"Secret#2024x","newPassword":"Secret#2024x"}`), 200, []string{msgOld}},
		{"updateUser: without old password", "", update(`{"username":"fred","newPassword":"Secret#2024x"}`), 200, []string{}},
		{"updateUser: similar to fred", "", update(`{"username":"fred","newPassword":"Fred!123456"}`), 200, []string{msgSimilar}},
		{"updateUser: unknown user", "", update(`{"username":"ghost","newPassword":"x"}`), 404, nil},
		{"updateUser: missing new password", "", update(`{"username":"fred","oldPassword":"x"}`), 400, nil},
		{"updateUser: wrong types", "", update(`{"username":["fred"],"newPassword":"x"}`), 400,
			[]string{"Can not deserialize instance of java.lang.String out of START_ARRAY token (through reference chain: com.atlassian.jira.rest.v2.password.PasswordPolicyUpdateUserBean[\"username\"])\n at [Source: org.apache.catalina.connector.CoyoteInputStream@5c1c4a7f; line: 1, column: 14]"}},
		{"disabled", `{"preset":"disabled"}`, req{path: "/rest/api/2/password/policy?hasOldPassword=true"}, 200, []string{}},
		{"disabled accepts anything", "", create(`{"username":"bob","password":"b"}`), 200, []string{}},
		{"disabled ignores reuse", "", update(`{"username":"fred","oldPassword":"a","newPassword":"a"}`), 200, []string{}},
		{"basic", `{"preset":"basic"}`, req{path: "/rest/api/2/password/policy"}, 200, []string{
			"The password must have at least 8 characters.", msgMax255,
			"The password must contain characters from at least 2 of these groups: uppercase letters, lowercase letters, digits and special characters."}},
		{"basic: one type", "", create(`{"username":"bob","password":"abcdefgh"}`), 200, []string{
			"The password must contain characters from at least 2 of these groups: uppercase letters, lowercase letters, digits and special characters."}},
		{"basic: fine", "", create(`{"username":"bob","password":"abcdefg1"}`), 200, []string{}},
		{"custom", `{"preset":"custom","minLength":12,"maxLength":20,"minUppercase":2,"minLowercase":1,"minDigits":3,"minSpecial":1,"notSimilarToUser":false}`,
			req{path: "/rest/api/2/password/policy"}, 200, []string{
				"The password must have at least 12 characters.", "The password must not have more than 20 characters.",
				"The password must contain at least 2 uppercase letters.", "The password must contain at least 1 lowercase letter.",
				"The password must contain at least 3 digits.", msgSpecial}},
		{"custom: failures", "", create(`{"username":"bob","password":"bob"}`), 200, []string{
			"The password must have at least 12 characters.", "The password must contain at least 2 uppercase letters.",
			"The password must contain at least 3 digits.", msgSpecial}},
		{"custom: too long, counts in characters", "", create(`{"username":"x","password":"ÄÖbc123!ééééééééééééééé"}`), 200, []string{"The password must not have more than 20 characters."}},
		{"custom defaults", `{"preset":"custom"}`, req{path: "/rest/api/2/password/policy"}, 200, []string{
			"The password must have at least 8 characters.", msgMax255, msgSimilar}},
	}
	for _, tt := range tests {
		if tt.policy != "" {
			setPolicy(tt.policy)
		}
		res := h.do(tt.req)
		if res.status != tt.status {
			t.Errorf("%s: status %d; want %d (%s)", tt.name, res.status, tt.status, res.body)
			continue
		}
		var got []string
		switch {
		case tt.status == 200:
			res.decode(t, &got)
		case res.body != "":
			got = res.jiraError(t)
		}
		if tt.want != nil && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got  %q\n want %q", tt.name, got, tt.want)
		}
	}
}

func TestControlPasswordPolicy(t *testing.T) {
	h := newHarness(t, Options{})
	tests := []struct {
		name   string
		method string
		body   string
		status int
		want   []string
	}{
		{"GET shows the default", "GET", "", 200, []string{`"preset":"secure"`, `"minLength":10`, `"rules":["The password must have at least 10 characters."`}},
		{"preset is case-insensitive", "PUT", `{"preset":"Basic"}`, 200, []string{`"preset":"basic"`, `"minLength":8`}},
		{"custom fields", "PUT", `{"preset":"custom","minLength":4,"notSimilarToUser":false}`, 200, []string{`"preset":"custom"`, `"minLength":4`, `"notSimilarToUser":false`}},
		{"no preset", "PUT", `{}`, 400, []string{`must name a \"preset\"`}},
		{"unknown preset", "PUT", `{"preset":"paranoid"}`, 400, []string{"Unknown preset"}},
		{"unknown field", "PUT", `{"preset":"custom","minSymbols":1}`, 400, []string{`Unrecognized field \"minSymbols\"`}},
		{"field of another preset", "PUT", `{"preset":"secure","minLength":3}`, 400, []string{"custom preset only"}},
		{"notSimilarToUser of another preset", "PUT", `{"preset":"basic","notSimilarToUser":true}`, 400, []string{"custom preset only"}},
		{"negative count", "PUT", `{"preset":"custom","minDigits":-1}`, 400, []string{"between 0 and 255"}},
		{"min over max", "PUT", `{"preset":"custom","minLength":20,"maxLength":10}`, 400, []string{"must not be greater"}},
		{"zero length", "PUT", `{"preset":"custom","minLength":0}`, 400, []string{"at least 1"}},
		{"counts over max", "PUT", `{"preset":"custom","maxLength":8,"minDigits":5,"minSpecial":5}`, 400, []string{"add up"}},
		{"wrong type", "PUT", `{"preset":"custom","minLength":"8"}`, 400, []string{"Can not deserialize instance of java.lang.Integer out of VALUE_STRING token"}},
		{"not JSON", "PUT", `preset=basic`, 415, nil},
		{"empty", "PUT", ``, 400, nil},
		{"refused input leaves the policy alone", "GET", "", 200, []string{`"minLength":4`}},
		{"POST is not allowed", "POST", `{}`, 405, nil},
	}
	for _, tt := range tests {
		ct := "application/json"
		if tt.name == "not JSON" {
			ct = "application/x-www-form-urlencoded"
		}
		res := h.do(req{method: tt.method, path: "/_sandbox/password-policy", body: tt.body, header: map[string]string{"Content-Type": ct}})
		want{status: tt.status, body: tt.want}.check(t, tt.name, res)
		if tt.status >= 400 {
			res.jiraError(t)
		}
	}
}

func TestPolicyRules(t *testing.T) {
	// Every preset's sentences start the way Jira's do.
	for _, preset := range []string{presetBasic, presetSecure, presetCustom} {
		for _, s := range presetPolicy(preset).describe(true) {
			if !strings.HasPrefix(s, "The password must ") || !strings.HasSuffix(s, ".") {
				t.Errorf("%s: %q is not worded like Jira", preset, s)
			}
		}
	}
	if got := presetPolicy(presetDisabled).describe(true); len(got) != 0 {
		t.Errorf("disabled describes %q; want nothing", got)
	}
	// JSON of an empty result is [], never null.
	b, _ := json.Marshal(presetPolicy(presetSecure).check("Tr0ub4dor&3x", passwordSubject{username: "bob"}))
	if string(b) != "[]" {
		t.Errorf("empty check = %s; want []", b)
	}
}
