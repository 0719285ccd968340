package bench

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

const (
	sessionPath = "/rest/auth/1/session"
	loginBody   = `{"username":"fred","password":"fred"}`
)

// recorded is one answer of the sandbox, replayed byte for byte by the
// trivial baseline.
type recorded struct {
	status int
	header http.Header
	body   string
	cookie string // JSESSIONID=… when the answer set one
}

func record(method, url, body string, header http.Header) (recorded, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return recorded{}, err
	}
	req.Header = header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return recorded{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return recorded{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return recorded{}, fmt.Errorf("%s %s = %d: %s", method, url, resp.StatusCode, b)
	}
	rec := recorded{status: resp.StatusCode, header: resp.Header.Clone(), body: string(b)}
	rec.header.Del("Date")
	rec.header.Del("Content-Length")
	for _, c := range resp.Cookies() {
		if c.Name == "JSESSIONID" {
			rec.cookie = c.Name + "=" + c.Value
		}
	}
	return rec, nil
}

// serverPart is part 5: the sandbox's login and session GET against a
// trivial handler sending the same bytes; start time; RSS idle and loaded.
func (r *runner) serverPart() error {
	logs := filepath.Join(r.work, "logs")
	lab, err := startProc("lab-sandbox", r.labBin, []string{"-addr", "127.0.0.1:0", "-sandbox-addr", "127.0.0.1:0"}, logs, "app", "sandbox")
	if err != nil {
		return err
	}
	defer lab.stop()
	sb := lab.URL("sandbox")
	jsonHdr := http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}
	login, err := record("POST", sb+sessionPath, loginBody, jsonHdr)
	if err != nil {
		return err
	}
	if login.cookie == "" {
		return fmt.Errorf("login set no JSESSIONID cookie")
	}
	cookieHdr := http.Header{"Cookie": {login.cookie}, "Accept": {"application/json"}}
	session, err := record("GET", sb+sessionPath, "", cookieHdr)
	if err != nil {
		return err
	}
	trivial, err := r.startFixed("trivial", []fixedRoute{
		{Method: "POST", Path: sessionPath, Status: login.status, Header: login.header, Body: login.body},
		{Method: "GET", Path: sessionPath, Status: session.status, Header: session.header, Body: session.body},
		{Method: "GET", Path: "/healthz", Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: `{"status":"ok"}`},
	})
	if err != nil {
		return err
	}
	defer trivial.stop()

	// Idle: both have answered a request or two; let them settle.
	time.Sleep(time.Second)
	idleLab, err := vmRSS(lab.Pid(), "VmRSS")
	if err != nil {
		return err
	}
	idleTrivial, err := vmRSS(trivial.Pid(), "VmRSS")
	if err != nil {
		return err
	}

	const workers = 16
	runs := map[string][]loadResult{}
	var loadedLab, loadedTrivial int64
	measure := func(key string, pid int, tgt vegeta.Target, peak *int64) error {
		s := sampleRSS(pid, 50*time.Millisecond)
		res, err := load(key, tgt, workers, r.k.warmup, r.k.loadDuration, []int{pid})
		*peak = max(*peak, s.Max())
		if err != nil {
			return err
		}
		r.logf("%-16s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  %5.1f µs CPU/req", key, res.RPS, res.P50ms, res.P99ms, res.CPUus)
		runs[key] = append(runs[key], res)
		return nil
	}
	for round := 0; round < r.k.rounds; round++ {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		loginTgt := func(base string) vegeta.Target {
			return vegeta.Target{Method: "POST", URL: base + sessionPath, Body: []byte(loginBody), Header: jsonHdr}
		}
		if err := measure("login/sandbox", lab.Pid(), loginTgt(sb), &loadedLab); err != nil {
			return err
		}
		if err := measure("login/trivial", trivial.Pid(), loginTgt(trivial.URL("app")), &loadedTrivial); err != nil {
			return err
		}
		// A fresh session, so that the logins above cannot have evicted it.
		fresh, err := record("POST", sb+sessionPath, loginBody, jsonHdr)
		if err != nil {
			return err
		}
		getTgt := func(base, cookie string) vegeta.Target {
			return vegeta.Target{Method: "GET", URL: base + sessionPath, Header: http.Header{"Cookie": {cookie}, "Accept": {"application/json"}}}
		}
		if err := measure("session/sandbox", lab.Pid(), getTgt(sb, fresh.cookie), &loadedLab); err != nil {
			return err
		}
		if err := measure("session/trivial", trivial.Pid(), getTgt(trivial.URL("app"), login.cookie), &loadedTrivial); err != nil {
			return err
		}
	}
	details := map[string]any{}
	for k, v := range runs {
		details[k] = medianOf(v)
	}
	lab.stop()
	trivial.stop()

	startLab, startTrivial, err := r.startTimes()
	if err != nil {
		return err
	}
	details["start_ms"] = map[string]any{"lab": startLab, "trivial": startTrivial}
	details["rss_bytes"] = map[string]any{"lab_idle": idleLab, "lab_loaded_max": loadedLab, "trivial_idle": idleTrivial, "trivial_loaded_max": loadedTrivial}
	r.report.Details["server"] = details

	rep := r.report
	loadRow := func(metric, key string) {
		a, b := details[key+"/sandbox"].(medianLoad), details[key+"/trivial"].(medianLoad)
		rep.add(Row{Part: "sandbox", Metric: metric, Unit: "req/s", Value: a.RPS, Baseline: "trivial handler", BaseVal: b.RPS,
			Ratio: pairedRatio(a.field(rps), b.field(rps)), Note: fmt.Sprintf("CPU per request %.0f µs vs %.0f µs", a.CPUus, b.CPUus)})
	}
	loadRow("POST session (login fred) req/s", "login")
	loadRow("GET session (cookie) req/s", "session")
	rep.add(Row{Part: "server", Metric: "start: exec → first /healthz 200", Unit: "ms", Value: median(startLab), Baseline: "trivial Go server", BaseVal: median(startTrivial),
		Ratio: pairedRatio(startLab, startTrivial)})
	rep.add(Row{Part: "server", Metric: "RSS idle", Unit: "MiB", Value: mib(idleLab), Baseline: "trivial Go server", BaseVal: mib(idleTrivial)})
	rep.add(Row{Part: "server", Metric: fmt.Sprintf("RSS under load (max, %d workers)", workers), Unit: "MiB", Value: mib(loadedLab), Baseline: "trivial Go server", BaseVal: mib(loadedTrivial)})
	return nil
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// startTimes measures exec → first 200 on /healthz for the lab (default
// configuration: app and sandbox) and the trivial server, interleaved, after
// one unmeasured start of each (page cache).
func (r *runner) startTimes() (lab, trivial []float64, err error) {
	bin, err := r.helper("fixedserver")
	if err != nil {
		return nil, nil, err
	}
	spec := filepath.Join(r.work, "trivial.json")
	logs := filepath.Join(r.work, "logs")
	one := func(name, bin string, args ...string) (float64, error) {
		port, err := freePort()
		if err != nil {
			return 0, err
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		p, err := startProc(name, bin, append([]string{"-addr", addr}, args...), logs)
		if err != nil {
			return 0, err
		}
		defer p.stop()
		if err := waitHTTP(r.ctx, "http://"+addr+"/healthz", time.Millisecond, 10*time.Second); err != nil {
			return 0, fmt.Errorf("%s: %w\n%s", name, err, tail(p.logPath))
		}
		return float64(time.Since(p.started)) / float64(time.Millisecond), nil
	}
	for i := 0; i <= r.k.startSamples; i++ {
		l, err := one("lab-start", r.labBin, "-sandbox-addr", "127.0.0.1:0")
		if err != nil {
			return nil, nil, err
		}
		t, err := one("trivial-start", bin, "-spec", spec)
		if err != nil {
			return nil, nil, err
		}
		if i > 0 {
			lab, trivial = append(lab, l), append(trivial, t)
		}
	}
	return lab, trivial, nil
}
