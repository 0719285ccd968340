package diagnosis

import (
	"strconv"
	"strings"

	"jiraauthlab/contract"
	"jiraauthlab/wasm/jira"
)

// Data Center's administrator switches, as the answers show them.

// Data Center's rate-limit headers, in Jira's spelling (Atlassian,
// "Adjusting your code for rate limiting"; com.atlassian.ratelimiting's
// DefaultRateLimitResponseHandler).
const (
	headerRateLimit     = "X-RateLimit-Limit"
	headerRateRemaining = "X-RateLimit-Remaining"
	headerRateFillRate  = "X-RateLimit-FillRate"
	headerRateInterval  = "X-RateLimit-Interval-Seconds"
	headerRetryAfter    = "Retry-After"
)

// basicAuthDisabledMessage is the 403's message when an administrator has
// switched basic authentication off (codeclou.io, "Disabling Basic Auth in
// Jira Data Center and allowlisting REST APIs", a curl -i against 8.16).
const basicAuthDisabledMessage = "Basic Authentication has been disabled"

// isBasicAuthDisabled: a 403 to basic auth whose message says the
// instance turned it off.
func (r *reading) isBasicAuthDisabled() bool {
	return r.x.Status == 403 && strings.Contains(r.x.ResponseBody, basicAuthDisabledMessage)
}

func (r *reading) basicAuthDisabled() {
	r.set(LevelBad, "Basic auth is disabled on this Jira: use a personal access token or the session login instead.",
		"A Data Center administrator switched off basic authentication with passwords on API calls (Jira 8.16+, Atlassian: “Disabling basic authentication”). Jira refuses the header before it even checks the password, so a right and a wrong password get the same 403, and no failed login is counted.",
		"What still works: a personal access token (Authorization: Bearer …, the Tokens page), the session login (POST /rest/auth/1/session, then its cookie), and the users on the administrator's allow-list.")
	if r.x.Sandbox {
		r.add("On the sandbox the switch is on the Sandbox page (#sb-basic-auth), or PUT /_sandbox/basic-auth {\"enabled\":true}.")
	}
}

// isRateLimited: Data Center's 429.
func (r *reading) isRateLimited() bool { return r.x.Status == 429 }

func (r *reading) rateLimited() {
	wait, err := strconv.Atoi(strings.TrimSpace(r.x.Header(headerRetryAfter)))
	if err != nil || wait < 0 {
		wait = 0
	}
	r.d.RetryAfter = wait
	when := "wait before you retry"
	if wait > 0 {
		when = "wait " + plural(wait, "second") + " (Retry-After) before you retry"
	}
	r.set(LevelWarn, "Rate limited: Jira refuses this user's requests for now, so "+when+".",
		bucketLine(r.x),
		"A script should back off by Retry-After, not retry at once: every request still counts. Browser traffic (a session with its atlassian.xsrf.token cookie) is not limited, and anonymous calls are not counted (Atlassian: “Improving instance stability with rate limiting”).")
	if r.x.Sandbox {
		r.add("On the sandbox the switch is on the Sandbox page (#sb-rate-limit), or PUT /_sandbox/rate-limit.")
	}
}

// bucketLine reads the token bucket from the X-RateLimit-* headers.
func bucketLine(x contract.Exchange) string {
	limit, fill, every := x.Header(headerRateLimit), x.Header(headerRateFillRate), x.Header(headerRateInterval)
	if limit == "" {
		return "Jira's rate limiting is a token bucket per user: each request takes a token, and the bucket refills at a fixed rate."
	}
	return "Jira's rate limiting is a token bucket per user: at most " + limit + " requests at once (X-RateLimit-Limit), refilled by " +
		orNone(fill) + " every " + orNone(every) + " s (X-RateLimit-FillRate, X-RateLimit-Interval-Seconds); X-RateLimit-Remaining says what is left (" +
		orNone(x.Header(headerRateRemaining)) + ")."
}

// rateNote tells, on any other answer, that rate limiting is on and how
// much is left: a script learns it before it hits the 429.
func (r *reading) rateNote() {
	if r.x.Status == 429 || r.x.Header(headerRateLimit) == "" || r.x.Header(jira.HeaderRequestID) == "" {
		return
	}
	r.add("Rate limiting is on here: " + orNone(r.x.Header(headerRateRemaining)) + " of " + r.x.Header(headerRateLimit) +
		" requests left for this user (X-RateLimit-Remaining); past them Jira answers 429 with Retry-After.")
}
