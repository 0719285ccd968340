// Command fixedserver is the trivial Go baseline of the benchmarks: it answers
// each configured method and path with fixed bytes (status, headers, body),
// doing nothing else but drain the request body. It is the upstream of the
// proxy benchmark and the stand-in for the sandbox's handlers.
//
//	fixedserver -addr 127.0.0.1:0 -spec FILE
//
// FILE is JSON: {"routes":[{"method":"GET","path":"/x","status":200,
// "header":{"Content-Type":["application/json"]},"body":"..."}]}.
// It prints "  app: <url>" once it listens.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
)

// Route is one fixed answer.
type Route struct {
	Method string      `json:"method"`
	Path   string      `json:"path"`
	Status int         `json:"status"`
	Header http.Header `json:"header"`
	Body   string      `json:"body"`
}

// Spec is the whole configuration.
type Spec struct {
	Routes []Route `json:"routes"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	spec := flag.String("spec", "", "JSON file of the routes")
	flag.Parse()
	if err := run(*addr, *spec); err != nil {
		fmt.Fprintln(os.Stderr, "fixedserver:", err)
		os.Exit(1)
	}
}

func run(addr, specFile string) error {
	b, err := os.ReadFile(specFile)
	if err != nil {
		return err
	}
	var spec Spec
	if err := json.Unmarshal(b, &spec); err != nil {
		return fmt.Errorf("parse %s: %w", specFile, err)
	}
	type answer struct {
		status int
		header http.Header
		body   []byte
	}
	routes := map[string]answer{}
	for _, r := range spec.Routes {
		h := r.Header.Clone()
		if h == nil {
			h = http.Header{}
		}
		h.Set("Content-Length", strconv.Itoa(len(r.Body)))
		routes[r.Method+" "+r.Path] = answer{status: r.Status, header: h, body: []byte(r.Body)}
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		a, ok := routes[r.Method+" "+r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		for k, v := range a.header {
			h[k] = v
		}
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("  app: http://%s/\n", ln.Addr())
	return http.Serve(ln, handler)
}
