//go:build !(js && wasm)

package fetch

import (
	"context"
	"errors"
)

// errNoBrowser is what Do answers outside the browser: the server only
// prerenders pages, it never fetches on their behalf.
var errNoBrowser = errors.New("fetch is only available in the browser")

// Do is the non-browser twin of the window.fetch wrapper.
func Do(ctx context.Context, req Request) (Response, error) {
	return Response{}, errNoBrowser
}
