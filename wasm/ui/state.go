package ui

// Upstream is one entry of GET /api/upstreams.
type Upstream struct {
	Name    string `json:"name"`
	URL     string `json:"url"`
	Sandbox bool   `json:"sandbox"`
}
