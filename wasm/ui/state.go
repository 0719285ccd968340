package ui

// Shared state keys. go-app keeps states across page navigations, so every
// page sees the same upstream list and target.
const (
	stateUpstreams = "lab.upstreams" // []Upstream, from GET /api/upstreams
	stateTarget    = "lab.target"    // name of the chosen upstream, persisted
)

// Upstream is one entry of GET /api/upstreams.
type Upstream struct {
	Name    string `json:"name"`
	URL     string `json:"url"`
	Sandbox bool   `json:"sandbox"`
}
