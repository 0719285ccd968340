package sandbox

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"jiraauthlab/contract"
)

// Data Center's rate limiting (Jira 8.6 and later), as Atlassian describes
// it in "Improving instance stability with rate limiting"
// (confluence.atlassian.com/adminjiraserver/improving-instance-stability-with-rate-limiting-983794911.html)
// and "Adjusting your code for rate limiting" (…/adjusting-your-code-for-rate-limiting-987143384.html),
// and as its response handler writes it (com.atlassian.ratelimiting's
// DefaultRateLimitResponseHandler):
//
//   - A token bucket per user: Capacity tokens at most ("Max requests"),
//     FillRate new ones every IntervalSeconds ("Requests allowed" per "time
//     interval"), delivered as one batch per interval. Each request takes one.
//   - Only external REST requests are limited, and only authenticated ones
//     ("Basic auth, OAuth, JSESSIONID cookie"; the sandbox counts its
//     personal access tokens with them). Anonymous callers are not limited:
//     the 8.x documentation the sandbox's 8.20 follows names no anonymous
//     limit.
//   - Browser traffic is not limited. Jira tells it apart by its cookies: a
//     request carrying both JSESSIONID and atlassian.xsrf.token is a "UI
//     request" and goes through — which is why scripts that keep those
//     cookies are never limited (Atlassian KB "Jira rate limiting is not
//     working due to cookies/headers in the requests", its TRACE log: "UI
//     cookies [{JSESSIONID=…, atlassian.xsrf.token=…}] (count: 2), is UI
//     request: [true]").
//   - Every limited answer carries X-RateLimit-Limit, -Remaining, -FillRate,
//     -Interval-Seconds and Retry-After, the seconds until a token is
//     available (0 while tokens are left). Over the limit: 429 with
//     {"message": …} as application/json when the request's Accept names
//     application/json, otherwise Tomcat's own error page (sendError).

// msgRateLimited is the message Jira's 429 carries (its i18n key
// ratelimit.rest.error.ratelimited.message), as a Jira Data Center answered
// it in a recorded 429 (ahungry/org-jira issue 365: "Message Rate limit
// exceeded." in Tomcat's error page).
const msgRateLimited = "Rate limit exceeded."

// Jira's own spelling of the rate-limit headers (DefaultRateLimitResponseHandler).
const (
	hdrRateLimit         = "X-RateLimit-Limit"
	hdrRateRemaining     = "X-RateLimit-Remaining"
	hdrRateFillRate      = "X-RateLimit-FillRate"
	hdrRateInterval      = "X-RateLimit-Interval-Seconds"
	hdrRetryAfter        = "Retry-After"
	maxRateLimitTokens   = 1_000_000 // the sandbox's bound on capacity and fill rate
	maxRateLimitInterval = 86_400    // one day: Jira offers seconds, minutes and hours
)

// defaultRateLimit is the switch at start and reset: off, as Jira ships
// (rate limiting is "Disabled" until an administrator enables it). The
// numbers are what {"enabled":true} alone turns on; Jira's own defaults for
// them are not pinned down, so these are the lab's example (10 tokens, 1
// a second).
var defaultRateLimit = contract.SandboxRateLimit{Enabled: false, Capacity: 10, FillRate: 1, IntervalSeconds: 1}

// bucket is one user's token bucket.
type bucket struct {
	tokens int64
	filled time.Time // when the last batch of tokens was added
}

// rateLimitInfo is what the headers of a limited answer report.
type rateLimitInfo struct {
	limit, remaining, fillRate, interval, retryAfter int64
}

// takeToken takes one of name's tokens. applies is false while rate
// limiting is off; ok is false when the bucket is empty.
func (st *store) takeToken(name string) (info rateLimitInfo, applies, ok bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	rl := st.rateLimit
	if !rl.Enabled {
		return rateLimitInfo{}, false, true
	}
	now := st.now()
	b := st.buckets[name]
	if b == nil {
		// A new bucket is full (Jira: "allowed requests … can be accumulated
		// up to a set maximum"; nothing has been spent yet).
		b = &bucket{tokens: int64(rl.Capacity), filled: now}
		st.buckets[name] = b // keyed by account name: bounded by the fixed accounts
	}
	b.refill(now, rl)
	if b.tokens > 0 {
		b.tokens--
		ok = true
	}
	return rateLimitInfo{
		limit:      int64(rl.Capacity),
		remaining:  b.tokens,
		fillRate:   int64(rl.FillRate),
		interval:   int64(rl.IntervalSeconds),
		retryAfter: b.secondsUntilToken(now, rl),
	}, true, ok
}

// refill adds FillRate tokens for every whole interval since the last
// batch, up to Capacity. A clock that went back adds nothing.
func (b *bucket) refill(now time.Time, rl contract.SandboxRateLimit) {
	iv := time.Duration(rl.IntervalSeconds) * time.Second
	if !now.After(b.filled) {
		return
	}
	n := int64(now.Sub(b.filled) / iv)
	if n == 0 {
		return
	}
	capacity := int64(rl.Capacity)
	if n >= capacity { // FillRate >= 1, so the bucket is full (and n*FillRate cannot overflow below)
		b.tokens = capacity
	} else {
		b.tokens = min(capacity, b.tokens+n*int64(rl.FillRate))
	}
	b.filled = b.filled.Add(time.Duration(n) * iv)
}

// secondsUntilToken is Retry-After: 0 while a token is left, else the whole
// seconds until the next batch (rounded up, so that waiting that long is
// always enough).
func (b *bucket) secondsUntilToken(now time.Time, rl contract.SandboxRateLimit) int64 {
	if b.tokens > 0 {
		return 0
	}
	wait := b.filled.Add(time.Duration(rl.IntervalSeconds) * time.Second).Sub(now)
	return int64((wait + time.Second - 1) / time.Second)
}

// rateLimitSetting returns the rate-limit switch.
func (st *store) rateLimitSetting() contract.SandboxRateLimit {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.rateLimit
}

// patchRateLimit applies p to the rate-limit switch, checks the result and,
// when it is valid, makes it the switch and returns it. Every bucket starts
// afresh (full) under new settings.
func (st *store) patchRateLimit(p rateLimitPatch) (contract.SandboxRateLimit, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	next := p.over(st.rateLimit)
	if err := checkRateLimit(next); err != nil {
		return st.rateLimit, err
	}
	st.rateLimit = next
	st.buckets = make(map[string]*bucket)
	return next, nil
}

// rateLimitPasses applies rate limiting to c, which has been authenticated,
// and reports whether the request may go on (otherwise it has answered 429).
func (c *call) rateLimitPasses() bool {
	if c.user == nil || !c.isREST() || c.isUIRequest() {
		return true
	}
	info, applies, ok := c.st.takeToken(c.user.Name)
	if !applies {
		return true
	}
	h := c.w.Header()
	setRaw(h, hdrRateLimit, strconv.FormatInt(info.limit, 10))
	setRaw(h, hdrRateRemaining, strconv.FormatInt(info.remaining, 10))
	setRaw(h, hdrRateFillRate, strconv.FormatInt(info.fillRate, 10))
	setRaw(h, hdrRateInterval, strconv.FormatInt(info.interval, 10))
	h.Set(hdrRetryAfter, strconv.FormatInt(info.retryAfter, 10))
	if ok {
		return true
	}
	if strings.Contains(c.r.Header.Get("Accept"), mediaJSON) {
		// RestRateLimitedResponse: the message alone, Content-Type
		// application/json with UTF-8.
		c.writeJSON(http.StatusTooManyRequests, struct {
			Message string `json:"message"`
		}{msgRateLimited})
		return false
	}
	c.writeTooManyRequestsPage()
	return false
}

// isUIRequest reports whether c carries the cookies by which Jira's rate
// limiter recognises its own browser pages (see above).
func (c *call) isUIRequest() bool {
	_, errSession := c.r.Cookie(sessionCookie)
	_, errXSRF := c.r.Cookie(xsrfCookie)
	return errSession == nil && errXSRF == nil
}

// writeTooManyRequestsPage answers 429 with the page Tomcat writes for
// sendError(429, message) — not Jira's own error page, which Jira maps for
// other statuses only (the org-jira capture above: "HTTP Status 429 – Too
// Many Requests", Type, Message and Description paragraphs).
func (c *call) writeTooManyRequestsPage() {
	const title = "HTTP Status 429 – Too Many Requests"
	c.writeText(http.StatusTooManyRequests, "text/html;charset=utf-8",
		`<!doctype html><html lang="en"><head><title>`+title+`</title></head><body>`+
			`<h1>`+title+`</h1><hr class="line" />`+
			`<p><b>Type</b> Status Report</p>`+
			`<p><b>Message</b> `+msgRateLimited+`</p>`+
			`<p><b>Description</b> The user has sent too many requests in a given amount of time (&quot;rate limiting&quot;).</p>`+
			`<hr class="line" /><h3>Apache Tomcat</h3></body></html>`)
}

// rateLimitRequest is the body of PUT /_sandbox/rate-limit. An absent field
// keeps its current value, so a checkbox can send {"enabled":true} alone.
type rateLimitRequest struct {
	Enabled         *bool `json:"enabled"`
	Capacity        *int  `json:"capacity"`
	FillRate        *int  `json:"fillRate"`
	IntervalSeconds *int  `json:"intervalSeconds"`
}

// rateLimitPatch is a decoded rateLimitRequest: nil fields stay as they are.
type rateLimitPatch rateLimitRequest

// over returns cur with p's fields.
func (p rateLimitPatch) over(cur contract.SandboxRateLimit) contract.SandboxRateLimit {
	if p.Enabled != nil {
		cur.Enabled = *p.Enabled
	}
	if p.Capacity != nil {
		cur.Capacity = *p.Capacity
	}
	if p.FillRate != nil {
		cur.FillRate = *p.FillRate
	}
	if p.IntervalSeconds != nil {
		cur.IntervalSeconds = *p.IntervalSeconds
	}
	return cur
}

// decodeRateLimit decodes a rate-limit switch and checks each number given;
// patchRateLimit checks the numbers together once merged.
func decodeRateLimit(data []byte) (rateLimitPatch, error) {
	var req rateLimitRequest
	if err := decodeJSON(data, &req, beanRateLimit, true); err != nil {
		return rateLimitPatch{}, err
	}
	if req.Enabled == nil && req.Capacity == nil && req.FillRate == nil && req.IntervalSeconds == nil {
		return rateLimitPatch{}, requestError{`The body must name at least one of "enabled", "capacity", "fillRate" and "intervalSeconds".`}
	}
	var msgs requestError
	for _, f := range []struct {
		name string
		v    *int
		max  int
	}{
		{"capacity", req.Capacity, maxRateLimitTokens},
		{"fillRate", req.FillRate, maxRateLimitTokens},
		{"intervalSeconds", req.IntervalSeconds, maxRateLimitInterval},
	} {
		if f.v != nil && (*f.v < 1 || *f.v > f.max) {
			msgs = append(msgs, fmt.Sprintf(`"%s" must be between 1 and %d.`, f.name, f.max))
		}
	}
	return rateLimitPatch(req), msgs.orNil()
}

// checkRateLimit checks a merged switch. A fill rate above the capacity
// would add tokens the bucket cannot hold (Jira's "Max requests" is the
// most a user can accumulate of the "Requests allowed").
func checkRateLimit(rl contract.SandboxRateLimit) error {
	if rl.FillRate > rl.Capacity {
		return requestError{fmt.Sprintf(`"fillRate" (%d) must not be greater than "capacity" (%d): the bucket holds at most "capacity" tokens.`, rl.FillRate, rl.Capacity)}
	}
	return nil
}

// handleControlRateLimit handles GET and PUT /_sandbox/rate-limit.
func handleControlRateLimit(c *call) {
	if c.r.Method != http.MethodPut {
		c.writeJSON(http.StatusOK, c.st.rateLimitSetting())
		return
	}
	body, ok := c.jsonBody()
	if !ok {
		return
	}
	p, err := decodeRateLimit(body)
	if err != nil {
		c.badRequest(err)
		return
	}
	rl, err := c.st.patchRateLimit(p)
	if err != nil {
		c.badRequest(err)
		return
	}
	c.writeJSON(http.StatusOK, rl)
}
