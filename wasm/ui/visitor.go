package ui

import (
	"crypto/rand"
	"encoding/hex"

	"jiraauthlab/contract"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// visitorKey is where this browser keeps its visitor id in local storage,
// as the bare string (not JSON), so a portal or a test can read it.
const visitorKey = "lab.visitor"

// visitorID is this browser's visitor id, once read or made.
var visitorID string

// visitor returns this browser's visitor id: 128 random bits in hex, made
// on first use and kept in local storage, so that every tab and every
// reload reaches the same sandbox state (CONTRACT.md, "Per-visitor
// sandbox"). Where storage is unavailable (disabled, private mode's
// quota) the id lasts for this page's life.
func visitor() string {
	if visitorID != "" {
		return visitorID
	}
	stored := storageItem(visitorKey)
	if wellFormedVisitor(stored) {
		visitorID = stored
		return visitorID
	}
	b := make([]byte, 16)
	rand.Read(b) // in the browser: crypto.getRandomValues
	visitorID = hex.EncodeToString(b)
	setStorageItem(visitorKey, visitorID)
	return visitorID
}

// visitorHeader is the header every request to the proxy carries; the
// proxy forwards it to the built-in sandbox only, as X-Sandbox-Visitor.
func visitorHeader() contract.Header {
	return contract.Header{Name: contract.HeaderVisitor, Value: visitor()}
}

// wellFormedVisitor reports whether s is an id visitor makes: 32 lower-case
// hex digits. Anything else found in storage (edited by hand, another
// version's) is replaced rather than sent for the sandbox to refuse.
func wellFormedVisitor(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// storageItem reads localStorage[key] as stored, "" when absent or when
// storage cannot be reached (the browser throws then).
func storageItem(key string) (v string) {
	if !live() {
		return ""
	}
	defer func() {
		if recover() != nil {
			v = ""
		}
	}()
	item := app.Window().Get("localStorage").Call("getItem", key)
	if item.Type() != app.TypeString {
		return ""
	}
	return item.String()
}

// setStorageItem writes localStorage[key]; a browser that refuses keeps
// nothing, which only costs a new id on the next visit.
func setStorageItem(key, value string) {
	if !live() {
		return
	}
	defer func() { _ = recover() }()
	app.Window().Get("localStorage").Call("setItem", key, value)
}
