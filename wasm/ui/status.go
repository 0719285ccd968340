package ui

// loadStatus is the state of one piece of remote data.
type loadStatus int

const (
	neverLoaded loadStatus = iota
	loading
	loadingErr
	loaded
)
