// Command goproxy is the Go baseline of the proxy benchmark: the standard
// library's httputil.ReverseProxy with nothing added (no header rules, no
// logging), so that the lab's proxy can be compared both with nginx and with
// the cheapest proxy net/http allows.
//
//	goproxy -addr 127.0.0.1:0 -upstream http://127.0.0.1:PORT
//
// It prints "  app: <url>" once it listens.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	upstream := flag.String("upstream", "", "upstream URL")
	flag.Parse()
	u, err := url.Parse(*upstream)
	if err != nil || u.Host == "" {
		fmt.Fprintln(os.Stderr, "goproxy: -upstream http://host:port is required")
		os.Exit(2)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.MaxIdleConnsPerHost = 256 // as nginx's keepalive: no connection churn
	rp := &httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(u) },
		Transport: tr,
		ErrorLog:  log.New(io.Discard, "", 0),
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "goproxy:", err)
		os.Exit(1)
	}
	fmt.Printf("  app: http://%s/\n", ln.Addr())
	fmt.Fprintln(os.Stderr, "goproxy:", http.Serve(ln, rp))
	os.Exit(1)
}
