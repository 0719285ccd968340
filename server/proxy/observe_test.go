package proxy_test

import (
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"jiraauthlab/server/proxy"
)

// observations records what Config.ObserveUpstream was told.
type observations struct {
	mu   sync.Mutex
	seen []observation
}

type observation struct {
	upstream string
	d        time.Duration
}

func (o *observations) observe(upstream string, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seen = append(o.seen, observation{upstream, d})
}

func (o *observations) take() []observation {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := o.seen
	o.seen = nil
	return s
}

// TestObserveUpstream: each answer an upstream gives is observed once,
// under that upstream's name, with at least the time it took to send its
// headers; requests the proxy refuses or that no upstream answers are not.
func TestObserveUpstream(t *testing.T) {
	const delay = 30 * time.Millisecond
	slow := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(delay)
		w.WriteHeader(http.StatusUnauthorized) // an answer, whatever its status
	})
	fast := newUpstream(t, nil)
	// A port nothing listens on: the dial is refused (502).
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()

	var obs observations
	l := newLab(t, proxy.Config{
		Upstreams: []proxy.Upstream{
			upstreamAt(t, "slow", slow.URL), upstreamAt(t, "fast", fast.URL), upstreamAt(t, "dead", dead),
		},
		ObserveUpstream: obs.observe,
	})
	tests := []struct {
		name       string
		path       string
		hdr        http.Header
		wantStatus int
		want       string // upstream observed, "" for none
		atLeast    time.Duration
	}{
		{"slow upstream's 401", "/proxy/slow/rest/api/2/myself", nil, 401, "slow", delay},
		{"fast upstream's 200", "/proxy/fast/rest/api/2/myself", nil, 200, "fast", 0},
		{"upstream refused the connection", "/proxy/dead/rest/api/2/myself", nil, 502, "", 0},
		{"unknown upstream", "/proxy/nope/rest", nil, 404, "", 0},
		{"missing lab header", "/proxy/fast/rest", http.Header{"X-Jira-Lab": {"0"}}, 403, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := l.do(t, http.MethodGet, tt.path, nil, tt.hdr)
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status %d; want %d (%s)", res.StatusCode, tt.wantStatus, body)
			}
			got := obs.take()
			if tt.want == "" {
				if len(got) != 0 {
					t.Errorf("observed %+v; want nothing", got)
				}
				return
			}
			if len(got) != 1 || got[0].upstream != tt.want || got[0].d < tt.atLeast {
				t.Errorf("observed %+v; want one observation of %q of at least %s", got, tt.want, tt.atLeast)
			}
		})
	}
}
