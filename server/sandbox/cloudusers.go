package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"hash/crc32"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// cloudAccount is an Atlassian account of the Cloud face. Cloud's API has no
// user names: a user is an accountId, with a display name and an e-mail
// address the account's privacy settings may hide from others (Atlassian's
// "Deprecation notice and migration guide for major changes to Jira Cloud
// REST APIs to improve user privacy", 2018-2019; the User schema of the
// platform REST API: "details as permitted by the user's Atlassian Account
// privacy settings"). Each mirrors an account of the Server face, whose
// issues and permissions it shares.
type cloudAccount struct {
	server *account
	// AccountID is in the form Atlassian has issued since 2019, a
	// directory prefix and a UUID (the 712020:… id of the December 2025
	// capture cited in cloud.go); older accounts have 24 hex digits.
	AccountID string
}

// Email is the account's e-mail address, its login name on Cloud.
func (a *cloudAccount) Email() string { return a.server.Email }

// cloudAccounts are the Cloud face's accounts. "unverified" has no twin: its
// lesson is the 409 of the session login, which Cloud no longer has.
// sso-user keeps its lesson in Cloud's form: a managed account has no
// password the REST API could take, yet an API token works — "API tokens
// will allow you to authenticate even if your Atlassian Cloud organization
// has two-factor authentication or SAML enabled" ("Basic auth for REST APIs").
var cloudAccounts = []*cloudAccount{
	{server: accounts[0], AccountID: "712020:3f0d5c1e-8b2a-4e67-9d41-2a6c0b7e5f01"}, // fred
	{server: accounts[1], AccountID: "712020:a94e07b2-1c3d-4f58-8e6a-5b2d9c0f7a02"}, // admin
	{server: accounts[3], AccountID: "712020:c51b8e3f-7d2a-4b96-a0e4-9f3c6d1b8e03"}, // sso-user
}

// cloudAccountByEmail finds the account of an e-mail address. Atlassian
// matches addresses case-insensitively (brekkylab/backlot pull request
// 114, measured: an upper-cased or mixed-case address with its API token
// answered 200).
func cloudAccountByEmail(email string) *cloudAccount {
	for _, a := range cloudAccounts {
		if strings.EqualFold(a.Email(), email) {
			return a
		}
	}
	return nil
}

// cloudAccountFor returns the Cloud twin of a Server account, or nil.
func cloudAccountFor(a *account) *cloudAccount {
	for _, ca := range cloudAccounts {
		if ca.server == a {
			return ca
		}
	}
	return nil
}

// cloudAccountByID finds an account by accountId.
func cloudAccountByID(id string) *cloudAccount {
	for _, a := range cloudAccounts {
		if a.AccountID == id {
			return a
		}
	}
	return nil
}

// API tokens, as id.atlassian.com issues them.
const (
	// apiTokenPrefix starts every API token issued since 2023 (secret
	// scanners key on it: trufflesecurity/trufflehog pull request 3065).
	apiTokenPrefix = "ATATT3xFfGF0"
	// apiTokenRandom is the length of the random part: tokens are 192
	// characters, the prefix, 171 base64url characters, "=", and the
	// CRC-32 of everything before it in 8 upper-case hex digits (the
	// checksum Samsung/CredSweeper's ValueAtlassianTokenCheck verifies).
	apiTokenRandom = 171
	apiTokenLen    = len(apiTokenPrefix) + apiTokenRandom + 1 + 8
	// apiTokenLifetime: Atlassian API tokens expire after one year at most
	// ("Manage API tokens for your Atlassian account", since December 2024).
	apiTokenLifetime = 365 * 24 * time.Hour
	// maxAPITokensPerUser bounds the sandbox's memory; id.atlassian.com's
	// own limit could not be pinned down.
	maxAPITokensPerUser = 100
	// maxTokenLabel bounds a label's length (the sandbox's bound).
	maxTokenLabel = 255
)

// newAPIToken returns a new token in Atlassian's shape.
func newAPIToken() string {
	b := make([]byte, 128) // 128 bytes are 171 base64url characters
	rand.Read(b)
	body := apiTokenPrefix + base64.RawURLEncoding.EncodeToString(b) + "="
	return body + strings.ToUpper(hexCRC(body))
}

func hexCRC(s string) string {
	v := strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(s))), 16)
	return strings.Repeat("0", 8-len(v)) + v
}

// wellFormedAPIToken reports whether raw has an API token's shape and
// checksum. A malformed token is refused without looking it up, as a
// secret scanner can tell a real token from a typo without asking Atlassian.
func wellFormedAPIToken(raw string) bool {
	if len(raw) != apiTokenLen || !strings.HasPrefix(raw, apiTokenPrefix) {
		return false
	}
	body, sum := raw[:len(raw)-8], raw[len(raw)-8:]
	return body[len(body)-1] == '=' && strings.EqualFold(sum, hexCRC(body))
}

// apiToken is one API token; as for personal access tokens, only its hash
// is kept and the raw value is shown once.
type apiToken struct {
	id       int
	label    string
	owner    *cloudAccount
	created  time.Time
	expires  time.Time
	lastUsed time.Time
}

// cloudStore is the mutable state of the Cloud face.
type cloudStore struct {
	now    func() time.Time
	mu     sync.Mutex
	tokens map[[sha256.Size]byte]*apiToken
	seq    int
}

func newCloudStore(now func() time.Time) *cloudStore {
	st := &cloudStore{now: now}
	st.reset()
	return st
}

func (st *cloudStore) reset() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.tokens = make(map[[sha256.Size]byte]*apiToken)
	st.seq = 0
}

// createToken issues a token for owner; ok is false when owner has too many.
func (st *cloudStore) createToken(owner *cloudAccount, label string) (view apiTokenView, raw string, ok bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	now := st.now()
	n := 0
	for h, t := range st.tokens {
		if !now.Before(t.expires) {
			delete(st.tokens, h)
		} else if t.owner == owner {
			n++
		}
	}
	if n >= maxAPITokensPerUser {
		return apiTokenView{}, "", false
	}
	st.seq++
	t := &apiToken{id: st.seq, label: label, owner: owner, created: now, expires: now.Add(apiTokenLifetime)}
	raw = newAPIToken()
	st.tokens[sha256.Sum256([]byte(raw))] = t
	return t.view(), raw, true
}

// tokenMatches reports whether raw is a live token of a. A token of
// another account does not match: the pair is authenticated, not either
// half (brekkylab/backlot pull request 114: "an unknown email | a valid
// token | 401" on myself).
func (st *cloudStore) tokenMatches(a *cloudAccount, raw string) bool {
	if !wellFormedAPIToken(raw) {
		return false
	}
	h := sha256.Sum256([]byte(raw))
	st.mu.Lock()
	defer st.mu.Unlock()
	t, ok := st.tokens[h]
	if !ok {
		return false
	}
	now := st.now()
	if !now.Before(t.expires) {
		delete(st.tokens, h)
		return false
	}
	if t.owner != a {
		return false
	}
	t.lastUsed = now
	return true
}

// tokensOf lists owner's live tokens, oldest first.
func (st *cloudStore) tokensOf(owner *cloudAccount) []apiTokenView {
	st.mu.Lock()
	defer st.mu.Unlock()
	now := st.now()
	views := []apiTokenView{}
	for _, t := range st.tokens {
		if t.owner == owner && now.Before(t.expires) {
			views = append(views, t.view())
		}
	}
	sort.Slice(views, func(i, j int) bool { return views[i].ID < views[j].ID })
	return views
}

// revoke deletes token id and reports whether it existed.
func (st *cloudStore) revoke(id int) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	for h, t := range st.tokens {
		if t.id == id {
			delete(st.tokens, h)
			return true
		}
	}
	return false
}

// count is the number of live tokens.
func (st *cloudStore) count() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	now := st.now()
	n := 0
	for _, t := range st.tokens {
		if now.Before(t.expires) {
			n++
		}
	}
	return n
}

// apiTokenView is a token as the control endpoints show it; Token is the
// raw value, present only in the answer that creates it.
type apiTokenView struct {
	ID         int     `json:"id"`
	Label      string  `json:"label"`
	Email      string  `json:"email"`
	CreatedAt  string  `json:"createdAt"`
	ExpiresAt  string  `json:"expiresAt"`
	LastUsedAt *string `json:"lastUsedAt,omitempty"`
	Token      string  `json:"token,omitempty"`
}

func (t *apiToken) view() apiTokenView {
	return apiTokenView{
		ID:         t.id,
		Label:      t.label,
		Email:      t.owner.Email(),
		CreatedAt:  jiraTime(t.created),
		ExpiresAt:  jiraTime(t.expires),
		LastUsedAt: jiraTimePtr(t.lastUsed),
	}
}
