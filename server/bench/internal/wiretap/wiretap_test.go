package wiretap_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"jiraauthlab/bench/internal/wiretap"
)

// TestCounts sends requests of every framing through the tap and checks that
// the exchanges are read off the wire and add up to the bytes counted.
func TestCounts(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		switch r.URL.Path {
		case "/big":
			w.Header().Set("Content-Length", "100000")
			_, _ = w.Write([]byte(strings.Repeat("x", 100000)))
		case "/chunked":
			w.(http.Flusher).Flush()
			fmt.Fprint(w, "part one,")
			w.(http.Flusher).Flush()
			fmt.Fprint(w, "part two")
		case "/cached":
			w.WriteHeader(http.StatusNotModified)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	tap, err := wiretap.Listen(strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer tap.Close()

	conn, err := net.Dial("tcp", tap.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	reqs := []struct {
		method, path, body string
		wantStatus         int
	}{
		{"GET", "/big", "", 200},
		{"HEAD", "/big", "", 200},
		{"POST", "/chunked", `{"a":1}`, 200},
		{"GET", "/cached", "", 304},
		{"GET", "/nothing", "", 404},
	}
	for _, rq := range reqs {
		req, _ := http.NewRequest(rq.method, "http://"+tap.Addr()+rq.path, strings.NewReader(rq.body))
		if rq.body == "" {
			req.Body = nil
		}
		if err := req.Write(conn); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != rq.wantStatus {
			t.Fatalf("%s %s = %d; want %d", rq.method, rq.path, resp.StatusCode, rq.wantStatus)
		}
	}
	conn.Close()
	tap.WaitQuiet(100*time.Millisecond, 2*time.Second)
	time.Sleep(50 * time.Millisecond) // let the parsers finish
	st := tap.Reset()

	if len(st.Exchanges) != len(reqs) {
		t.Fatalf("exchanges = %d; want %d: %+v", len(st.Exchanges), len(reqs), st.Exchanges)
	}
	var sum int64
	for i, e := range st.Exchanges {
		if e.Method != reqs[i].method || e.Path != reqs[i].path || e.Status != reqs[i].wantStatus {
			t.Errorf("exchange %d = %s %s %d; want %s %s %d", i, e.Method, e.Path, e.Status, reqs[i].method, reqs[i].path, reqs[i].wantStatus)
		}
		sum += e.RespBytes
	}
	if sum != st.ServerBytes {
		t.Errorf("response bytes add up to %d; the server sent %d", sum, st.ServerBytes)
	}
	if big := st.Exchanges[0].RespBytes; big <= 100000 || big > 100300 {
		t.Errorf("GET /big counted %d bytes; want the 100000-byte body plus its headers", big)
	}
	if paths := st.ByPath(); paths[0].Path != "/big" || paths[0].Count != 2 || paths[0].Statuses[200] != 2 {
		t.Errorf("ByPath()[0] = %+v; want /big twice, both 200", paths[0])
	}
}
