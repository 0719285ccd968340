package bench

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// flowsPart is make load (issue 14): many learners at once, each doing what
// the session page does — log in, who am I, search — through the lab's
// proxy to the sandbox, each with its own session. It runs twice and reads
// the lab's goroutines (GET /healthz) and RSS before, after the first run
// and after the second: after a run, both must come back to where they
// were (no leak), and the second run must not leave more than the first.
func (r *runner) flowsPart() error {
	logs := filepath.Join(r.work, "logs")
	lab, err := startProc("lab-flows", r.labBin, []string{"-addr", "127.0.0.1:0", "-sandbox-addr", "127.0.0.1:0"}, logs, "app", "sandbox")
	if err != nil {
		return err
	}
	defer lab.stop()
	app := strings.TrimSuffix(lab.URL("app"), "/")
	before, err := r.settled(app, lab.Pid())
	if err != nil {
		return err
	}
	var runs []flowRun
	var after []serverState
	for i := 1; i <= 2; i++ {
		run, err := flows(app, r.k.flowClients, r.k.flowDuration)
		if err != nil {
			return err
		}
		st, err := r.settled(app, lab.Pid())
		if err != nil {
			return err
		}
		r.logf("flows run %d: %d clients, %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d errors; then %d goroutines, RSS %.1f MiB",
			i, run.Clients, run.RPS, run.P50ms, run.P99ms, run.Errors, st.Goroutines, st.RSSMiB)
		runs = append(runs, run)
		after = append(after, st)
	}
	r.report.Details["flows"] = map[string]any{"runs": runs, "before": before, "after": after}
	first := runs[0]
	label := fmt.Sprintf("%d clients × login → who am I → search, %s", first.Clients, r.k.flowDuration)
	r.report.add(Row{Part: "load", Metric: "requests/s (" + label + ")", Unit: "req/s", Value: first.RPS})
	r.report.add(Row{Part: "load", Metric: "p50", Unit: "ms", Value: first.P50ms})
	r.report.add(Row{Part: "load", Metric: "p99", Unit: "ms", Value: first.P99ms})
	r.report.add(Row{Part: "load", Metric: "errors, both runs", Unit: "", Value: float64(runs[0].Errors + runs[1].Errors),
		Note: strings.Join(append(runs[0].ErrorSamples, runs[1].ErrorSamples...), "; ")}).valueGoal("=", 0)
	r.report.add(Row{Part: "load", Metric: "goroutines after run 1", Unit: "", Value: float64(after[0].Goroutines),
		Baseline: "before", BaseVal: float64(before.Goroutines),
		Note: "the proxy keeps its idle keep-alive connections to the sandbox (3 goroutines each: its read and write loops, the sandbox's side) for 90 s"})
	r.report.add(Row{Part: "load", Metric: "goroutines after run 2", Unit: "", Value: float64(after[1].Goroutines),
		Baseline: "after run 1", BaseVal: float64(after[0].Goroutines)}).ratioGoal("≤", 1.1)
	r.report.add(Row{Part: "load", Metric: "RSS after run 1", Unit: "MiB", Value: after[0].RSSMiB, Baseline: "before", BaseVal: before.RSSMiB})
	r.report.add(Row{Part: "load", Metric: "RSS after run 2", Unit: "MiB", Value: after[1].RSSMiB,
		Baseline: "after run 1", BaseVal: after[0].RSSMiB}).ratioGoal("≤", 1.1)
	return nil
}

// serverState is what the lab holds while idle.
type serverState struct {
	Goroutines int     `json:"goroutines"`
	RSSMiB     float64 `json:"rss_mib"`
}

// settled waits for connections of a run to close (the client's idle
// connections are closed at its end; the server's goroutines end with
// them), then reads the goroutines and RSS.
func (r *runner) settled(app string, pid int) (serverState, error) {
	time.Sleep(r.k.settle)
	var h struct {
		Goroutines *int `json:"goroutines"`
	}
	resp, err := http.Get(app + "/healthz")
	if err != nil {
		return serverState{}, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || h.Goroutines == nil {
		return serverState{}, fmt.Errorf("/healthz has no goroutines field (%v)", err)
	}
	rss, err := vmRSS(pid, "VmRSS")
	if err != nil {
		return serverState{}, err
	}
	return serverState{Goroutines: *h.Goroutines, RSSMiB: float64(rss) / (1 << 20)}, nil
}

// flowRun is one measured run of the flows.
type flowRun struct {
	Clients      int      `json:"clients"`
	Requests     uint64   `json:"requests"`
	Errors       int      `json:"errors"`
	ErrorSamples []string `json:"error_samples,omitempty"`
	RPS          float64  `json:"rps"`
	P50ms        float64  `json:"p50_ms"`
	P99ms        float64  `json:"p99_ms"`
}

// flows runs clients learners for dur against the lab at app. Each learner
// is one vegeta attacker with one worker, so its requests go one after the
// other: log in, who am I with the session it got, search with it, and
// again. All results go into one vegeta.Metrics.
func flows(app string, clients int, dur time.Duration) (flowRun, error) {
	if u, err := url.Parse(app); err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost") {
		return flowRun{}, fmt.Errorf("refusing to load %s: loopback targets only", app)
	}
	transport := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConnsPerHost: clients,
		IdleConnTimeout:     5 * time.Second,
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{Timeout: 10 * time.Second, Transport: transport}

	var (
		mu      sync.Mutex
		metrics vegeta.Metrics
		errs    []string
		nerr    int
		wg      sync.WaitGroup
	)
	for i := 0; i < clients; i++ {
		// Made here, one after the other: vegeta's options write to the
		// client they are given, which every learner shares.
		atk := vegeta.NewAttacker(vegeta.Client(client), vegeta.Workers(1), vegeta.MaxWorkers(1))
		l := newLearner(app)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for res := range atk.Attack(l.next, vegeta.Rate{Freq: 0, Per: time.Second}, dur, "flows") {
				failure := l.answer(res)
				mu.Lock()
				metrics.Add(res)
				if failure != "" {
					nerr++
					if len(errs) < 5 {
						errs = append(errs, failure)
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	metrics.Close()
	return flowRun{
		Clients: clients, Requests: metrics.Requests, Errors: nerr, ErrorSamples: errs,
		RPS:   metrics.Throughput,
		P50ms: float64(metrics.Latencies.P50) / float64(time.Millisecond),
		P99ms: float64(metrics.Latencies.P99) / float64(time.Millisecond),
	}, nil
}

// learner is one simulated user of the session page.
type learner struct {
	app    string
	step   int    // 0 log in, 1 who am I, 2 search
	cookie string // JSESSIONID=… from the last login
	ready  chan struct{}
}

func newLearner(app string) *learner {
	l := &learner{app: app, ready: make(chan struct{}, 1)}
	l.ready <- struct{}{}
	return l
}

const flowSearch = `{"jql":"assignee = currentUser()","maxResults":20,"fields":["summary","status","issuetype","assignee"]}`

// next is the learner's vegeta.Targeter: the next request of the flow, once
// the answer to the previous one has been read (answer).
func (l *learner) next(t *vegeta.Target) error {
	<-l.ready
	h := http.Header{"X-Jira-Lab": {"1"}, "Accept": {"application/json"}}
	base := l.app + "/proxy/sandbox"
	switch l.step {
	case 0:
		h.Set("Content-Type", "application/json")
		*t = vegeta.Target{Method: "POST", URL: base + sessionPath, Header: h, Body: []byte(loginBody)}
	case 1:
		h.Set("X-Jira-Cookie", l.cookie)
		*t = vegeta.Target{Method: "GET", URL: base + sessionPath, Header: h}
	default:
		h.Set("X-Jira-Cookie", l.cookie)
		h.Set("Content-Type", "application/json")
		*t = vegeta.Target{Method: "POST", URL: base + "/rest/api/2/search", Header: h, Body: []byte(flowSearch)}
	}
	return nil
}

// answer reads the answer to the learner's last request, moves it to the
// next step and lets next go on. It returns what went wrong, if anything.
func (l *learner) answer(res *vegeta.Result) (failure string) {
	defer func() { l.ready <- struct{}{} }()
	step := l.step
	l.step = (l.step + 1) % 3
	if res.Error != "" || res.Code != http.StatusOK {
		l.step = 0 // start again with a fresh login
		return fmt.Sprintf("step %d: %d %s", step, res.Code, res.Error)
	}
	if step == 0 {
		var v struct {
			Session struct{ Name, Value string } `json:"session"`
		}
		if json.Unmarshal(res.Body, &v) != nil || v.Session.Value == "" {
			l.step = 0
			return "login: no session in " + strconv.Quote(string(res.Body[:min(len(res.Body), 80)]))
		}
		l.cookie = v.Session.Name + "=" + v.Session.Value
	}
	return ""
}
