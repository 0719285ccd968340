//go:build js && wasm

package fetch

import (
	"context"
	"errors"
	"syscall/js"
	"time"

	"jiraauthlab/contract"
)

// Do sends req with window.fetch. The browser's cookie jar is never used
// (credentials: "omit"): the lab carries Jira's cookie itself, in X-Jira-Cookie.
// It must not run on the UI goroutine (use ctx.Async): it blocks until the
// promise settles.
func Do(ctx context.Context, req Request) (Response, error) {
	headers := js.Global().Get("Headers").New()
	// The lab's own mark: the proxy refuses requests without it, and a
	// cross-site page cannot add it without a preflight the lab never grants.
	headers.Call("append", contract.HeaderLab, contract.LabHeaderValue)
	for _, h := range req.Header {
		headers.Call("append", h.Name, h.Value)
	}
	abort := js.Global().Get("AbortController").New()
	init := map[string]any{
		"method":      req.Method,
		"headers":     headers,
		"credentials": "omit",
		"cache":       "no-store",
		"signal":      abort.Get("signal"),
	}
	if req.Body != "" {
		init["body"] = req.Body
	}

	start := time.Now()
	resp, err := await(ctx, abort, js.Global().Call("fetch", req.URL, js.ValueOf(init)))
	if err != nil {
		return Response{}, err
	}
	out := Response{
		Status:     resp.Get("status").Int(),
		StatusText: resp.Get("statusText").String(),
	}
	forEach := js.FuncOf(func(this js.Value, args []js.Value) any {
		out.Header = append(out.Header, contract.Header{Name: args[1].String(), Value: args[0].String()})
		return nil
	})
	resp.Get("headers").Call("forEach", forEach)
	forEach.Release()

	text, err := await(ctx, abort, resp.Call("text"))
	if err != nil {
		return Response{}, err
	}
	out.Body = text.String()
	out.Duration = time.Since(start)
	return out, nil
}

// await blocks until p settles or ctx ends (then it aborts the fetch).
func await(ctx context.Context, abort, p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	done := make(chan result, 1)
	onOK := js.FuncOf(func(this js.Value, args []js.Value) any {
		done <- result{v: args[0]}
		return nil
	})
	onErr := js.FuncOf(func(this js.Value, args []js.Value) any {
		msg := "request failed"
		if len(args) > 0 && args[0].Truthy() {
			msg = args[0].Call("toString").String()
		}
		done <- result{err: errors.New(msg)}
		return nil
	})
	defer onOK.Release()
	defer onErr.Release()
	p.Call("then", onOK, onErr)
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		abort.Call("abort")
		<-done // the promise rejects once aborted; wait so the callbacks can be released
		return js.Value{}, ctx.Err()
	}
}
