package proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// newTransport builds the one http.Transport all upstreams share: TLS
// verification on (RootCAs, or the system roots), HTTP/2 where the
// upstream offers it, a large idle pool for concurrent use, no transparent
// gzip (bodies pass as the upstream sent them), and bounded dial, TLS
// handshake and response-header waits. Like curl, it honours HTTPS_PROXY,
// HTTP_PROXY and NO_PROXY (never for loopback).
func newTransport(cfg Config, connect time.Duration) *http.Transport {
	d := &net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:       http.ProxyFromEnvironment,
		DialContext: d.DialContext,
		TLSClientConfig: &tls.Config{
			RootCAs:            cfg.RootCAs,
			InsecureSkipVerify: cfg.InsecureSkipVerify, // explicit opt-out, -upstream-insecure
		},
		TLSHandshakeTimeout:   connect,
		ResponseHeaderTimeout: cfg.UpstreamTimeout,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
		DisableCompression:    true,
	}
}

// timedTransport adds "Server-Timing: upstream;dur=<ms>", the time from
// sending the request to the upstream's response headers, and gives up on a
// response body that stops moving for idle: the Transport's own timeouts end
// with the headers, and a stalled body would hold the browser (and a
// graceful shutdown) forever.
type timedTransport struct {
	rt   http.RoundTripper
	idle time.Duration
}

// errBodyStalled ends a response body the upstream stopped sending.
var errBodyStalled = errors.New("the upstream stopped sending the response body")

func (t *timedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	ctx, cancel := context.WithCancelCause(req.Context())
	res, err := t.rt.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel(nil)
		return nil, err
	}
	if res.StatusCode == http.StatusSwitchingProtocols {
		// ReverseProxy needs the connection itself here (and refuses it:
		// the lab strips Upgrade): no watch, ctx ends with the request.
		context.AfterFunc(req.Context(), func() { cancel(nil) })
		return res, nil
	}
	res.Body = &watchedBody{ReadCloser: res.Body, idle: t.idle, cancel: cancel,
		timer: time.AfterFunc(t.idle, func() { cancel(errBodyStalled) })}
	ms := float64(time.Since(start).Microseconds()) / 1000
	var buf [40]byte
	v := strconv.AppendFloat(append(buf[:0], "upstream;dur="...), ms, 'f', 1, 64)
	if res.Header == nil {
		res.Header = make(http.Header)
	}
	res.Header["Server-Timing"] = append(res.Header["Server-Timing"], string(v))
	return res, nil
}

// observedTransport tells observe how long one upstream took to answer
// with its headers. It wraps the shared transport per upstream, so that the
// name needs no lookup on the request path.
type observedTransport struct {
	next    http.RoundTripper
	name    string
	observe func(upstream string, d time.Duration)
}

func (t observedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	res, err := t.next.RoundTrip(req)
	if err == nil {
		t.observe(t.name, time.Since(start))
	}
	return res, err
}

// watchedBody cancels its request when no Read returns within idle.
type watchedBody struct {
	io.ReadCloser
	idle   time.Duration
	timer  *time.Timer
	cancel context.CancelCauseFunc
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == nil {
		b.timer.Reset(b.idle)
	} else {
		b.timer.Stop()
	}
	return n, err
}

func (b *watchedBody) Close() error {
	b.timer.Stop()
	err := b.ReadCloser.Close()
	b.cancel(nil)
	return err
}

// copyBufferSize is the size of the body copy buffers.
const copyBufferSize = 32 << 10

// bufferPool is the ReverseProxy.BufferPool: 32 KiB buffers reused across
// requests. It pools array pointers, so Get and Put do not allocate.
type bufferPool struct{}

var buffers = sync.Pool{New: func() any { return new([copyBufferSize]byte) }}

func (bufferPool) Get() []byte { return buffers.Get().(*[copyBufferSize]byte)[:] }

func (bufferPool) Put(b []byte) {
	if cap(b) >= copyBufferSize {
		buffers.Put((*[copyBufferSize]byte)(b[:copyBufferSize]))
	}
}
