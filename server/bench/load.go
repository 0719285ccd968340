package bench

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// loadResult is one measured load run.
type loadResult struct {
	Target   string  `json:"target"`
	Workers  int     `json:"workers"`
	Requests int     `json:"requests"`
	OK       int     `json:"ok"`
	RPS      float64 `json:"rps"` // successful responses per second
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
	// CPUus is the CPU time (user+system) the server's processes used per
	// successful response during the measured run, in microseconds.
	CPUus  float64        `json:"cpu_us_per_request"`
	Codes  map[uint16]int `json:"codes"`
	Errors []string       `json:"errors,omitempty"` // a few distinct ones
}

// load runs a fixed number of workers against tgt as fast as they go
// (vegeta at max rate: each worker sends its next request when the previous
// one is answered) for warmup, unmeasured, then for dur, measured. Every
// target is loopback; the run ends by itself after warmup+dur plus the time
// to drain the requests in flight (bounded by a 10 s timeout each). The CPU
// time of pids (the server under test) is accounted per response.
func load(name string, tgt vegeta.Target, workers int, warmup, dur time.Duration, pids []int) (loadResult, error) {
	u, err := url.Parse(tgt.URL)
	if err != nil {
		return loadResult{}, err
	}
	if h := u.Hostname(); h != "127.0.0.1" && h != "localhost" && h != "::1" {
		return loadResult{}, fmt.Errorf("refusing to load %s: loopback targets only", tgt.URL)
	}
	// One client for the warm-up and the measured run, so the measured run
	// starts on open connections (an attacker cannot be reused: it stops for
	// good at the end of its attack).
	client := &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			Proxy:               nil, // loopback, never through a proxy
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConnsPerHost: workers,
			MaxConnsPerHost:     workers,
			IdleConnTimeout:     30 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer client.CloseIdleConnections()
	attacker := func() *vegeta.Attacker {
		return vegeta.NewAttacker(vegeta.Client(client), vegeta.Workers(uint64(workers)), vegeta.MaxWorkers(uint64(workers)))
	}
	maxRate := vegeta.Rate{Freq: 0, Per: time.Second}
	if warmup > 0 {
		for range attacker().Attack(capped(tgt), maxRate, warmup, name+"-warmup") {
		}
	}
	res := loadResult{Target: name, Workers: workers, Codes: map[uint16]int{}}
	lat := make([]time.Duration, 0, 1<<16)
	cpu0 := cpuSeconds(pids)
	start := time.Now()
	for r := range attacker().Attack(capped(tgt), maxRate, dur, name) {
		res.Requests++
		res.Codes[r.Code]++
		if r.Error != "" {
			if len(res.Errors) < 3 && !slices.Contains(res.Errors, r.Error) {
				res.Errors = append(res.Errors, r.Error)
			}
			continue
		}
		res.OK++
		lat = append(lat, r.Latency)
	}
	elapsed := time.Since(start)
	res.RPS = float64(res.OK) / elapsed.Seconds()
	if res.OK > 0 && len(pids) > 0 {
		res.CPUus = (cpuSeconds(pids) - cpu0) / float64(res.OK) * 1e6
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	res.P50ms = quantile(lat, 0.50)
	res.P99ms = quantile(lat, 0.99)
	if res.OK == 0 {
		return res, fmt.Errorf("%s: no successful response of %d (%v)", name, res.Requests, res.Errors)
	}
	return res, nil
}

// maxRequests bounds one attack by count as well as by time: far above what
// a few seconds on loopback reach (~30 000/s here), it only stops a runaway.
const maxRequests = 1_000_000

// capped hands out tgt up to maxRequests times; then vegeta stops the attack.
func capped(tgt vegeta.Target) vegeta.Targeter {
	var n atomic.Int64
	return func(t *vegeta.Target) error {
		if n.Add(1) > maxRequests {
			return vegeta.ErrNoTargets
		}
		*t = tgt
		return nil
	}
}

// quantile of sorted latencies, in milliseconds (nearest rank).
func quantile(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	i = max(0, min(i, len(sorted)-1))
	return float64(sorted[i]) / float64(time.Millisecond)
}

// median of xs (0 for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// medianLoad is the per-field median of repeated runs of one configuration.
type medianLoad struct {
	RPS   float64      `json:"rps"`
	P50ms float64      `json:"p50_ms"`
	P99ms float64      `json:"p99_ms"`
	CPUus float64      `json:"cpu_us_per_request"`
	Runs  []loadResult `json:"runs"`
}

func medianOf(runs []loadResult) medianLoad {
	var rps, p50, p99, cpu []float64
	for _, r := range runs {
		rps = append(rps, r.RPS)
		p50 = append(p50, r.P50ms)
		p99 = append(p99, r.P99ms)
		cpu = append(cpu, r.CPUus)
	}
	return medianLoad{RPS: median(rps), P50ms: median(p50), P99ms: median(p99), CPUus: median(cpu), Runs: runs}
}

// pairedRatio is the median of a[i]/b[i]: each pair ran back to back, so on
// a noisy machine their ratio is steadier than the ratio of the medians.
// Nil when there is no pair with a non-zero b.
func pairedRatio(a, b []float64) *float64 {
	var qs []float64
	for i := range min(len(a), len(b)) {
		if b[i] != 0 {
			qs = append(qs, a[i]/b[i])
		}
	}
	if len(qs) == 0 {
		return nil
	}
	q := median(qs)
	return &q
}

// field extracts one figure of every run.
func (m medianLoad) field(f func(loadResult) float64) []float64 {
	xs := make([]float64, len(m.Runs))
	for i, r := range m.Runs {
		xs[i] = f(r)
	}
	return xs
}

func rps(r loadResult) float64   { return r.RPS }
func p50(r loadResult) float64   { return r.P50ms }
func p99(r loadResult) float64   { return r.P99ms }
func cpuUs(r loadResult) float64 { return r.CPUus }
