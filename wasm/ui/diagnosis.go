package ui

import "strconv"

// Level is how good or bad a diagnosis is; its String is a CSS class.
type Level int

// Diagnosis levels, from neutral to bad.
const (
	LevelInfo Level = iota
	LevelOK
	LevelWarn
	LevelBad
)

func (l Level) String() string {
	switch l {
	case LevelOK:
		return "ok"
	case LevelWarn:
		return "warn"
	case LevelBad:
		return "bad"
	}
	return "info"
}

// Diagnosis is one exchange read in plain words.
type Diagnosis struct {
	Level             Level
	Title             string   // one short sentence
	Lines             []string // plain-language explanation, each a sentence or two
	OfferCaptchaReset bool     // show the sandbox's CAPTCHA reset button (only on the sandbox)
	CaptchaUser       string   // whose CAPTCHA to reset
	OfferRelogin      bool     // the session ended: offer to log in again
	OfferSSO          bool     // an SSO account: point to the cookie paste / simulated SSO login
}

// Diagnose reads one exchange in plain words. Pure function, no I/O.
func Diagnose(x Exchange) Diagnosis {
	return Diagnosis{Level: LevelInfo, Title: "Jira answered " + strconv.Itoa(x.Status) + ".", Lines: []string{"See the exchange log for the full answer."}}
}
