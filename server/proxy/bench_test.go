package proxy_test

import (
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"testing"

	"jiraauthlab/server/proxy"
)

// myself is a fixed small JSON body, about the size of /rest/api/2/myself.
const myself = `{"self":"http://127.0.0.1/jira/rest/api/2/user?username=fred","key":"fred","name":"fred",` +
	`"emailAddress":"fred@example.com","displayName":"Fred F. User","active":true,"timeZone":"Australia/Sydney","locale":"en_AU"}`

func benchUpstream(b *testing.B) *recordingUpstream {
	b.Helper()
	u := &recordingUpstream{}
	u.Server = newPlainServer(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{"application/json;charset=UTF-8"}
		h["Content-Length"] = []string{strconv.Itoa(len(myself))}
		h["X-Ausername"] = []string{"fred"}
		io.WriteString(w, myself)
	}))
	return u
}

// benchGet sends parallel GETs to url with the lab's headers and checks
// every answer.
func benchGet(b *testing.B, url string) {
	tr := &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024, DisableCompression: true}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		buf := make([]byte, 4096)
		for pb.Next() {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header["X-Jira-Lab"] = []string{"1"}
			req.Header["X-Jira-Cookie"] = []string{"JSESSIONID=6E3487971234567896704A9EB4AE501F"}
			req.Header["Accept"] = []string{"application/json"}
			res, err := c.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			n, _ := io.ReadFull(res.Body, buf[:len(myself)])
			if m, _ := res.Body.Read(buf); m != 0 { // to EOF, so the connection is reused
				n += m
			}
			res.Body.Close()
			if res.StatusCode != 200 || n != len(myself) {
				b.Fatalf("got %d, %d bytes", res.StatusCode, n)
			}
		}
	})
}

// BenchmarkDirect is the baseline: the same requests straight to the
// upstream.
func BenchmarkDirect(b *testing.B) {
	up := benchUpstream(b)
	benchGet(b, up.URL+"/jira/rest/api/2/myself")
}

// BenchmarkProxy sends the requests through the proxy (no logging).
func BenchmarkProxy(b *testing.B) {
	up := benchUpstream(b)
	l := newLab(b, proxy.Config{
		Upstreams: []proxy.Upstream{upstreamAt(b, "jira", up.URL+"/jira")},
		Logger:    slog.New(slog.DiscardHandler),
	})
	benchGet(b, l.URL+"/proxy/jira/rest/api/2/myself")
}

// BenchmarkProxyLogged adds the per-request log line (JSON, discarded).
func BenchmarkProxyLogged(b *testing.B) {
	up := benchUpstream(b)
	l := newLab(b, proxy.Config{
		Upstreams: []proxy.Upstream{upstreamAt(b, "jira", up.URL+"/jira")},
		Logger:    slog.New(slog.NewJSONHandler(io.Discard, nil)),
	})
	benchGet(b, l.URL+"/proxy/jira/rest/api/2/myself")
}
