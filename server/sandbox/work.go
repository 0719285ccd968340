package sandbox

// work counts the elementary steps of an algorithm whose cost depends on
// what a client sends (the JQL check, the password check), so that tests
// can assert that the cost grows with the input and no faster: timing a
// request would be flaky on a small, shared machine. A nil *work counts
// nothing; requests pass nil.
type work struct{ steps int }

func (w *work) add(n int) {
	if w != nil {
		w.steps += n
	}
}
