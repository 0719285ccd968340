package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// upstreamBody is the fixed small JSON the proxy benchmark's upstream sends.
const upstreamBody = `{"baseUrl":"http://127.0.0.1","version":"8.20.10","versionNumbers":[8,20,10],"deploymentType":"Server","buildNumber":820010,"serverTitle":"Bench"}`

// upstreamPath is the path requested through each route.
const upstreamPath = "/rest/api/2/serverInfo"

// startFixed starts the trivial Go server with the given routes.
func (r *runner) startFixed(name string, routes []fixedRoute) (*proc, error) {
	bin, err := r.helper("fixedserver")
	if err != nil {
		return nil, err
	}
	spec := filepath.Join(r.work, name+".json")
	b, _ := json.Marshal(map[string]any{"routes": routes})
	if err := os.WriteFile(spec, b, 0o644); err != nil {
		return nil, err
	}
	return startProc(name, bin, []string{"-addr", "127.0.0.1:0", "-spec", spec}, filepath.Join(r.work, "logs"), "app")
}

// fixedRoute mirrors cmd/fixedserver's Route.
type fixedRoute struct {
	Method string      `json:"method"`
	Path   string      `json:"path"`
	Status int         `json:"status"`
	Header http.Header `json:"header"`
	Body   string      `json:"body"`
}

// proxyPart is part 4: the same request directly, through the lab's proxy,
// through a bare httputil.ReverseProxy and through nginx, at 16 and 64
// workers, interleaved over rounds; medians, and ratios as medians of the
// per-round ratios.
func (r *runner) proxyPart() error {
	up, err := r.startFixed("upstream", []fixedRoute{{
		Method: "GET", Path: upstreamPath, Status: 200,
		Header: http.Header{"Content-Type": {"application/json;charset=UTF-8"}}, Body: upstreamBody,
	}})
	if err != nil {
		return err
	}
	defer up.stop()
	lab, err := startProc("lab-proxy", r.labBin, []string{"-addr", "127.0.0.1:0", "-sandbox-addr", "off",
		"-upstream", "up=" + up.URL("app")}, filepath.Join(r.work, "logs"), "app")
	if err != nil {
		return err
	}
	defer lab.stop()

	type route struct {
		name string
		url  string
		pids func() []int // the processes whose CPU a request costs
	}
	routes := []route{
		{"direct", up.URL("app") + upstreamPath, func() []int { return []int{up.Pid()} }},
		{"lab", lab.URL("app") + "/proxy/up" + upstreamPath, func() []int { return []int{lab.Pid()} }},
	}
	gpBin, err := r.helper("goproxy")
	if err != nil {
		return err
	}
	gp, err := startProc("goproxy", gpBin, []string{"-addr", "127.0.0.1:0", "-upstream", up.URL("app")}, filepath.Join(r.work, "logs"), "app")
	if err != nil {
		return err
	}
	defer gp.stop()
	routes = append(routes, route{"goproxy", gp.URL("app") + upstreamPath, func() []int { return []int{gp.Pid()} }})
	ng, err := r.startNginx(up.URL("app"))
	switch {
	case err != nil:
		r.report.Notes = append(r.report.Notes, "nginx: "+err.Error()+": the proxy is compared with direct calls only")
	default:
		defer ng.stop()
		routes = append(routes, route{"nginx", ng.URL("app") + upstreamPath, func() []int { return withChildren(ng.Pid()) }})
	}
	hdr := http.Header{"X-Jira-Lab": {"1"}, "Accept": {"application/json"}}
	for _, rt := range routes {
		if err := checkBody(rt.url, hdr, upstreamBody); err != nil {
			return fmt.Errorf("%s: %w", rt.name, err)
		}
	}

	concs := []int{16, 64}
	runs := map[string][]loadResult{}
	for round := 0; round < r.k.rounds; round++ {
		for _, c := range concs {
			for _, rt := range routes {
				if err := r.ctx.Err(); err != nil {
					return err
				}
				key := fmt.Sprintf("%s/c%d", rt.name, c)
				res, err := load(key, vegeta.Target{Method: "GET", URL: rt.url, Header: hdr}, c, r.k.warmup, r.k.loadDuration, rt.pids())
				if err != nil {
					return err
				}
				r.logf("%-12s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  %5.1f µs CPU/req", key, res.RPS, res.P50ms, res.P99ms, res.CPUus)
				runs[key] = append(runs[key], res)
			}
		}
	}
	details := map[string]medianLoad{}
	for k, v := range runs {
		details[k] = medianOf(v)
	}
	r.report.Details["proxy"] = details

	rep := r.report
	row := func(part, metric, unit string, a medianLoad, baseName string, b medianLoad, f func(loadResult) float64, v func(medianLoad) float64) *Row {
		return rep.add(Row{Part: part, Metric: metric, Unit: unit, Value: v(a), Baseline: baseName, BaseVal: v(b),
			Ratio: pairedRatio(a.field(f), b.field(f))})
	}
	vRPS := func(m medianLoad) float64 { return m.RPS }
	vP50 := func(m medianLoad) float64 { return m.P50ms }
	vP99 := func(m medianLoad) float64 { return m.P99ms }
	vCPU := func(m medianLoad) float64 { return m.CPUus }
	for _, c := range concs {
		lab := details[fmt.Sprintf("lab/c%d", c)]
		direct := details[fmt.Sprintf("direct/c%d", c)]
		ngx, haveNginx := details[fmt.Sprintf("nginx/c%d", c)]
		part := fmt.Sprintf("proxy c=%d", c)
		if haveNginx {
			row(part, "lab proxy req/s", "req/s", lab, "nginx", ngx, rps, vRPS).ratioGoal("≥", 1.0)
			row(part, "lab proxy p50", "ms", lab, "nginx", ngx, p50, vP50).ratioGoal("≤", 1.0)
			row(part, "lab proxy p99", "ms", lab, "nginx", ngx, p99, vP99)
			row(part, "lab proxy CPU per request", "µs", lab, "nginx (master+workers)", ngx, cpuUs, vCPU)
			row(part, "nginx req/s", "req/s", ngx, "direct (no proxy)", direct, rps, vRPS)
			// The bound on a net/http proxy: answering alone, with fixed
			// bytes and no upstream, already costs a Go server about what
			// nginx spends on the whole forward.
			row(part, "upstream's CPU per request (a trivial net/http server answering fixed bytes)", "µs", direct,
				"nginx's whole forward (master+workers)", ngx, cpuUs, vCPU)
		}
		gp := details[fmt.Sprintf("goproxy/c%d", c)]
		row(part, "lab proxy req/s", "req/s", lab, "bare httputil.ReverseProxy", gp, rps, vRPS)
		row(part, "lab proxy CPU per request", "µs", lab, "bare httputil.ReverseProxy", gp, cpuUs, vCPU)
		row(part, "lab proxy req/s", "req/s", lab, "direct (no proxy)", direct, rps, vRPS)
		row(part, "lab proxy p50", "ms", lab, "direct (no proxy)", direct, p50, vP50)
	}
	return nil
}

// checkBody GETs url once and compares the body: every route must carry the
// same answer, or the comparison means nothing.
func checkBody(url string, hdr http.Header, want string) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header = hdr.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(b) != want {
		return fmt.Errorf("GET %s = %d %q; want 200 and the upstream's body", url, resp.StatusCode, b)
	}
	return nil
}

// nginxPath is nginx's binary, "" when absent.
func nginxPath() string {
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	return ""
}

// startNginx runs nginx in the foreground from a temporary config: one
// loopback listener proxying to upstream with keepalive connections, access
// log on (buffered), as the lab logs every request too.
func (r *runner) startNginx(upstream string) (*proc, error) {
	bin := nginxPath()
	if bin == "" {
		return nil, fmt.Errorf("not installed (apt-get install nginx-light)")
	}
	dir, err := os.MkdirTemp(r.work, "nginx-")
	if err != nil {
		return nil, err
	}
	for _, d := range []string{"tmp", "logs"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	conf := fmt.Sprintf(`daemon off;
master_process on;
worker_processes auto;
pid %[1]s/nginx.pid;
error_log %[1]s/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log %[1]s/logs/access.log combined buffer=64k flush=1s;
    client_body_temp_path %[1]s/tmp/body;
    proxy_temp_path %[1]s/tmp/proxy;
    fastcgi_temp_path %[1]s/tmp/fastcgi;
    uwsgi_temp_path %[1]s/tmp/uwsgi;
    scgi_temp_path %[1]s/tmp/scgi;
    upstream up {
        server %[2]s;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:%[3]d;
        location / {
            proxy_pass http://up;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
`, dir, strings.TrimPrefix(upstream, "http://"), port)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	p, err := startProc("nginx", bin, []string{"-p", dir, "-c", confPath, "-e", filepath.Join(dir, "logs", "error.log")}, filepath.Join(r.work, "logs"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	p.cleanup = func() { os.RemoveAll(dir) }
	p.setURL("app", fmt.Sprintf("http://127.0.0.1:%d", port))
	if err := waitHTTP(r.ctx, p.URL("app")+upstreamPath, 20*time.Millisecond, 10*time.Second); err != nil {
		p.stop()
		return nil, fmt.Errorf("did not start: %w\n%s", err, tail(filepath.Join(dir, "logs", "error.log")))
	}
	return p, nil
}
