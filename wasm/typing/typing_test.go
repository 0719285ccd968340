package typing

import "testing"

// step is one event of a typing session, and what the gate must answer.
type step struct {
	do     string // "input", "paused", "begin", "done", "abandon"
	ticket int    // for paused and done: which ticket (0 = the last one returned)
	want   [2]bool
}

func TestGate(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
	}{
		{"one keystroke, one check", []step{
			{do: "input"}, {do: "paused", want: [2]bool{true}}, {do: "begin", want: [2]bool{true}}, {do: "done", want: [2]bool{true, false}},
		}},
		{"typing on: only the last pause checks", []step{
			{do: "input"}, {do: "input"}, {do: "paused", ticket: 1, want: [2]bool{false}}, {do: "paused", ticket: 2, want: [2]bool{true}},
		}},
		{"typed during the check: its answer is stale, its own pause checks later", []step{
			{do: "input"}, {do: "begin", want: [2]bool{true}}, {do: "input"}, {do: "done", ticket: 1, want: [2]bool{false, false}},
		}},
		{"pause ended during the check: check again at once", []step{
			{do: "input"}, {do: "begin", want: [2]bool{true}}, {do: "input"}, {do: "begin", want: [2]bool{false}},
			{do: "done", ticket: 1, want: [2]bool{false, true}}, {do: "begin", want: [2]bool{true}}, {do: "done", ticket: 2, want: [2]bool{true, false}},
		}},
		{"at most one in flight", []step{
			{do: "input"}, {do: "begin", want: [2]bool{true}}, {do: "begin", want: [2]bool{false}}, {do: "begin", want: [2]bool{false}},
		}},
		{"abandoned: the next check goes at once, the old answer is not fresh-and-pending", []step{
			{do: "input"}, {do: "begin", want: [2]bool{true}}, {do: "abandon"}, {do: "input"}, {do: "begin", want: [2]bool{true}},
		}},
		{"the same input's answer after a wait is fresh", []step{
			{do: "input"}, {do: "begin", want: [2]bool{true}}, {do: "begin", want: [2]bool{false}}, {do: "done", ticket: 1, want: [2]bool{true, false}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g Gate
			last := 0
			for i, s := range tt.steps {
				ticket := s.ticket
				if ticket == 0 {
					ticket = last
				}
				var got [2]bool
				switch s.do {
				case "input":
					last = g.Input()
					continue
				case "paused":
					got[0] = g.Paused(ticket)
				case "begin":
					_, got[0] = g.Begin()
				case "done":
					got[0], got[1] = g.Done(ticket)
				case "abandon":
					g.Abandon()
					if g.InFlight() {
						t.Fatalf("step %d: in flight after Abandon", i)
					}
					continue
				}
				if got != s.want {
					t.Fatalf("step %d (%s, ticket %d) = %v; want %v", i, s.do, ticket, got, s.want)
				}
			}
		})
	}
}
