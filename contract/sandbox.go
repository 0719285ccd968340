package contract

// SandboxState is the JSON of the built-in sandbox's GET /_sandbox/state:
// what its /sandbox panel shows, and what demos and tests read. The sandbox
// writes it, the page reads it; both use this one type.
type SandboxState struct {
	Face           string           `json:"face"` // "server" (Server/Data Center); "cloud" for the Cloud face
	Sessions       int              `json:"sessions"`
	Tokens         int              `json:"tokens"`
	PasswordPolicy string           `json:"passwordPolicy"` // the preset: disabled, basic, secure or custom
	CaptchaAfter   int              `json:"captchaAfter"`   // consecutive failed logins that turn CAPTCHA on
	Users          []SandboxAccount `json:"users"`
	BasicAuth      SandboxBasicAuth `json:"basicAuth"`
	RateLimit      SandboxRateLimit `json:"rateLimit"`
}

// SandboxAccount is one built-in account with its login counters.
type SandboxAccount struct {
	Name                    string `json:"name"`
	Password                string `json:"password"` // the sandbox's own demo password, never a real one
	Kind                    string `json:"kind"`     // "user", "admin", "unverified" or "sso"
	ConsecutiveFailedLogins int    `json:"consecutiveFailedLogins"`
	CaptchaRequired         bool   `json:"captchaRequired"`
	LoginCount              int    `json:"loginCount"`
	// AccountID is the account's Atlassian accountId on the Cloud face,
	// where Name is its e-mail address; absent on the Server face.
	AccountID string `json:"accountId,omitempty"`
}

// SandboxBasicAuth is the Data Center switch "basic authentication with
// passwords": off, only the allowed users may still use it.
type SandboxBasicAuth struct {
	Enabled      bool     `json:"enabled"`
	AllowedUsers []string `json:"allowedUsers"`
}

// SandboxRateLimit is Data Center's rate limiting: a token bucket per user
// of Capacity requests, refilled by FillRate every IntervalSeconds.
type SandboxRateLimit struct {
	Enabled         bool `json:"enabled"`
	Capacity        int  `json:"capacity"`
	FillRate        int  `json:"fillRate"`
	IntervalSeconds int  `json:"intervalSeconds"`
}
