package sandbox

import (
	"fmt"
	"net/http"
	"strings"
)

// Control endpoints live under /_sandbox/ (never a Jira path) and need no
// Jira credentials: demos and tests drive the sandbox with them. Their
// errors use Jira's error body, so one parser reads every answer.

// controlEndpoint wraps a control handler. A browser request from another
// origin is refused: a page elsewhere must not reset a visitor's sandbox.
// curl sends no Origin, and the lab's proxy strips it.
func controlEndpoint(fn func(*call)) *endpoint {
	return &endpoint{auth: authSkip, fn: func(c *call) {
		if o := c.r.Header.Get("Origin"); o != "" && o != c.origin() {
			c.errorJSON(http.StatusForbidden, "Control endpoints refuse cross-origin browser requests.")
			return
		}
		fn(c)
	}}
}

// handleControlReset handles POST /_sandbox/reset: the initial state (no
// sessions or tokens, no failed logins, Secure password policy, basic
// authentication on, rate limiting off).
func handleControlReset(c *call) {
	c.st.reset()
	c.writeJSON(http.StatusOK, map[string]bool{"reset": true})
}

// decodeCaptchaReset decodes {"username":"fred"}.
func decodeCaptchaReset(data []byte) (string, error) {
	var body struct {
		Username string `json:"username"`
	}
	if err := decodeJSON(data, &body, beanCaptchaReset, true); err != nil {
		return "", err
	}
	if body.Username == "" {
		return "", requestError{`The body must be {"username":"<name>"}.`}
	}
	return body.Username, nil
}

// handleControlCaptchaReset handles POST /_sandbox/captcha/reset
// {"username":"fred"}: clears one user's consecutive failed logins.
func handleControlCaptchaReset(c *call) {
	body, ok := c.jsonBody()
	if !ok {
		return
	}
	name, err := decodeCaptchaReset(body)
	if err != nil {
		c.badRequest(err)
		return
	}
	a := accountByName(name)
	if a == nil {
		c.errorJSON(http.StatusNotFound, fmt.Sprintf("The user named '%s' does not exist.", name))
		return
	}
	c.st.resetCaptcha(a)
	c.writeJSON(http.StatusOK, map[string]any{"username": a.Name, "captchaRequired": false})
}

// policyRequest is the body of PUT /_sandbox/password-policy.
type policyRequest struct {
	Preset           *string `json:"preset"`
	MinLength        *int    `json:"minLength"`
	MaxLength        *int    `json:"maxLength"`
	MinUppercase     *int    `json:"minUppercase"`
	MinLowercase     *int    `json:"minLowercase"`
	MinDigits        *int    `json:"minDigits"`
	MinSpecial       *int    `json:"minSpecial"`
	NotSimilarToUser *bool   `json:"notSimilarToUser"`
}

// decodePolicy decodes and validates a policy switch: a preset, and for
// "custom" only, its rule fields (absent ones keep Jira's defaults).
func decodePolicy(data []byte) (passwordPolicy, error) {
	var req policyRequest
	if err := decodeJSON(data, &req, beanPolicySwitch, true); err != nil {
		return passwordPolicy{}, err
	}
	if req.Preset == nil {
		return passwordPolicy{}, requestError{`The body must name a "preset": disabled, basic, secure or custom.`}
	}
	preset := strings.ToLower(*req.Preset)
	ints := []struct {
		name string
		v    *int
		dst  func(*passwordPolicy) *int
	}{
		{"minLength", req.MinLength, func(p *passwordPolicy) *int { return &p.MinLength }},
		{"maxLength", req.MaxLength, func(p *passwordPolicy) *int { return &p.MaxLength }},
		{"minUppercase", req.MinUppercase, func(p *passwordPolicy) *int { return &p.MinUppercase }},
		{"minLowercase", req.MinLowercase, func(p *passwordPolicy) *int { return &p.MinLowercase }},
		{"minDigits", req.MinDigits, func(p *passwordPolicy) *int { return &p.MinDigits }},
		{"minSpecial", req.MinSpecial, func(p *passwordPolicy) *int { return &p.MinSpecial }},
	}
	switch preset {
	case presetDisabled, presetBasic, presetSecure:
		for _, f := range ints {
			if f.v != nil {
				return passwordPolicy{}, requestError{fmt.Sprintf(`"%s" applies to the custom preset only.`, f.name)}
			}
		}
		if req.NotSimilarToUser != nil {
			return passwordPolicy{}, requestError{`"notSimilarToUser" applies to the custom preset only.`}
		}
		return presetPolicy(preset), nil
	case presetCustom:
	default:
		return passwordPolicy{}, requestError{fmt.Sprintf(`Unknown preset %q: use disabled, basic, secure or custom.`, *req.Preset)}
	}
	p := presetPolicy(presetCustom)
	var msgs requestError
	for _, f := range ints {
		if f.v == nil {
			continue
		}
		if *f.v < 0 || *f.v > customMaxLength {
			msgs = append(msgs, fmt.Sprintf(`"%s" must be between 0 and %d.`, f.name, customMaxLength))
			continue
		}
		*f.dst(&p) = *f.v
	}
	if req.NotSimilarToUser != nil {
		p.NotSimilarToUser = *req.NotSimilarToUser
	}
	if len(msgs) == 0 {
		if p.MinLength < 1 || p.MaxLength < 1 {
			msgs = append(msgs, `"minLength" and "maxLength" must be at least 1.`)
		}
		if p.MinLength > p.MaxLength {
			msgs = append(msgs, `"minLength" must not be greater than "maxLength".`)
		}
		if sum := p.MinUppercase + p.MinLowercase + p.MinDigits + p.MinSpecial; sum > p.MaxLength {
			msgs = append(msgs, `The required character counts add up to more than "maxLength".`)
		}
	}
	return p, msgs.orNil()
}

// policyView is the policy with the sentences GET .../password/policy shows.
type policyView struct {
	passwordPolicy
	Rules []string `json:"rules"`
}

// handleControlPolicy handles GET and PUT /_sandbox/password-policy.
func handleControlPolicy(c *call) {
	if c.r.Method == http.MethodPut {
		body, ok := c.jsonBody()
		if !ok {
			return
		}
		p, err := decodePolicy(body)
		if err != nil {
			c.badRequest(err)
			return
		}
		c.st.setPolicy(p)
	}
	p := c.st.currentPolicy()
	c.writeJSON(http.StatusOK, policyView{passwordPolicy: p, Rules: p.describe(false)})
}

// handleControlExpireSessions handles POST /_sandbox/expire-sessions: ends
// every session, as an idle timeout would, so cookies now make callers anonymous.
func handleControlExpireSessions(c *call) {
	c.writeJSON(http.StatusOK, map[string]int{"expiredSessions": c.st.expireSessions()})
}

// handleControlState handles GET /_sandbox/state: the accounts and their
// counters, the policy and the administrator's switches (contract.SandboxState).
func handleControlState(c *call) {
	c.writeJSON(http.StatusOK, c.st.state())
}
