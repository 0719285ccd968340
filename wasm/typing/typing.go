// Package typing decides when a check of what the user types runs: only
// once typing pauses, at most one at a time, and only the answer for the
// newest input counts. The password page checks each password this way
// against Jira's policy resource; the type is pure, so its rules are
// tested without a browser or a clock.
package typing

// Gate tracks one field's checks. Its zero value is ready; it is not safe
// for concurrent use (the page uses it on the UI goroutine).
//
// The page calls Input on every keystroke and starts a pause timer with
// the ticket it returns; when the timer ends, Paused says whether that
// input is still the newest; Begin then says whether the check may go now
// (one already in flight makes it wait); Done, with the check's ticket,
// says whether its answer is fresh or stale, and whether the newest input
// must be checked at once because its pause ended while the stale check
// was in flight.
type Gate struct {
	seq      int  // bumped on every input
	inFlight bool // a check is out
	pending  bool // the newest input's pause ended while a check was out
}

// Input records a change of the input and returns its ticket.
func (g *Gate) Input() int {
	g.seq++
	return g.seq
}

// Paused reports whether the input of ticket is still the newest when its
// pause ends: only then is it checked.
func (g *Gate) Paused(ticket int) bool { return ticket == g.seq }

// Begin starts a check of the newest input and returns its ticket. ok is
// false when a check is already in flight: the newest input is then
// checked when that one is Done.
func (g *Gate) Begin() (ticket int, ok bool) {
	if g.inFlight {
		g.pending = true
		return 0, false
	}
	g.inFlight = true
	return g.seq, true
}

// Done ends the check of ticket. fresh reports whether its answer is for
// the newest input (show it); again, whether the newest input's pause has
// already ended, so it must be checked now (else its own pause will).
func (g *Gate) Done(ticket int) (fresh, again bool) {
	g.inFlight = false
	again = g.pending && ticket != g.seq
	g.pending = false
	return ticket == g.seq, again
}

// InFlight reports whether a check is out.
func (g *Gate) InFlight() bool { return g.inFlight }

// Abandon forgets the check in flight (its answer will be dropped), so
// that the next Begin goes at once.
func (g *Gate) Abandon() { g.inFlight, g.pending = false, false }
