package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proc is a server process the harness started: the lab, nginx, the floor
// server or a fixed-answer baseline. Its stderr (and stdout after the URL
// lines) go to a log file in the work directory.
type proc struct {
	name     string
	cmd      *exec.Cmd
	mu       sync.Mutex        // guards urls: output is still read while the caller uses it
	urls     map[string]string // "app", "sandbox" → URL as printed
	logPath  string
	done     chan struct{}
	waitErr  error
	logFile  *os.File
	cleanup  func()    // after the process ended; may be nil
	started  time.Time // just before exec
	stopOnce sync.Once
}

var urlLine = regexp.MustCompile(`^\s+(app|sandbox):\s+(\S+)`)

// startProc runs bin with args and waits until it has printed a URL line
// for every name in want ("app", "sandbox"); with no want it returns at once.
func startProc(name, bin string, args []string, logDir string, want ...string) (*proc, error) {
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return nil, err
	}
	logPath := filepath.Join(logDir, name+".log")
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = cleanEnv()
	cmd.Stderr = lf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		lf.Close()
		return nil, err
	}
	p := &proc{name: name, cmd: cmd, urls: map[string]string{}, logPath: logPath, done: make(chan struct{}), logFile: lf}
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	seen := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		closed := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(lf, line)
			if m := urlLine.FindStringSubmatch(line); m != nil {
				p.mu.Lock()
				p.urls[m[1]] = m[2]
				all := true
				for _, w := range want {
					if _, ok := p.urls[w]; !ok {
						all = false
					}
				}
				p.mu.Unlock()
				if all && !closed {
					close(seen)
					closed = true
				}
			}
		}
		_, _ = io.Copy(lf, stdout)
	}()
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	if len(want) == 0 {
		return p, nil
	}
	select {
	case <-seen:
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("%s exited before printing its URLs (%v); log: %s\n%s", name, p.waitErr, logPath, tail(logPath))
	case <-time.After(30 * time.Second):
		p.stop()
		return nil, fmt.Errorf("%s printed no URL within 30s; log: %s\n%s", name, logPath, tail(logPath))
	}
}

// URL is the printed URL for key without its trailing slash.
func (p *proc) URL(key string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.TrimSuffix(p.urls[key], "/")
}

// setURL records a URL the program does not print (nginx's).
func (p *proc) setURL(key, url string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.urls[key] = url
}

// Pid is the process id.
func (p *proc) Pid() int { return p.cmd.Process.Pid }

// stop sends SIGTERM, waits up to 10s, then kills. Later calls do nothing.
func (p *proc) stop() {
	if p == nil {
		return
	}
	p.stopOnce.Do(p.terminate)
}

func (p *proc) terminate() {
	select {
	case <-p.done:
	default:
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}
	p.logFile.Close()
	if p.cleanup != nil {
		p.cleanup()
	}
}

// tail is the last lines of a log file, for error messages.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return "  " + strings.Join(lines, "\n  ")
}

// cleanEnv drops JIRA_AUTH_LAB_* so the caller's environment cannot change
// what is measured, and GOMAXPROCS-like tuning stays the machine's default.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "JIRA_AUTH_LAB_") {
			env = append(env, kv)
		}
	}
	return env
}

// freePort returns a loopback port that was free a moment ago. Used only
// where a program must be told its port before it starts (nginx, the lab
// behind the byte counter, the start-time probe).
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// vmRSS reads VmRSS (or another field such as VmHWM) of pid in bytes.
func vmRSS(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			f := strings.Fields(v) // "12345 kB"
			if len(f) == 2 && f[1] == "kB" {
				n, err := strconv.ParseInt(f[0], 10, 64)
				return n * 1024, err
			}
		}
	}
	return 0, fmt.Errorf("/proc/%d/status: no %s", pid, field)
}

// rssSampler records the largest VmRSS of pid until stopped.
type rssSampler struct {
	max  int64
	stop chan struct{}
	done chan struct{}
}

func sampleRSS(pid int, every time.Duration) *rssSampler {
	s := &rssSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if v, err := vmRSS(pid, "VmRSS"); err == nil && v > s.max {
				s.max = v
			}
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// Max stops sampling and returns the largest VmRSS seen.
func (s *rssSampler) Max() int64 {
	close(s.stop)
	<-s.done
	return s.max
}

// waitHTTP polls url until it answers 200, every interval, for at most max.
func waitHTTP(ctx context.Context, url string, interval, max time.Duration) error {
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(max)
	var last error
	for time.Now().Before(deadline) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		resp, err := client.Get(url)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Errorf("status %d", resp.StatusCode)
		} else {
			last = err
		}
		time.Sleep(interval)
	}
	if last == nil {
		last = errors.New("no answer")
	}
	return fmt.Errorf("%s not ready after %v: %w", url, max, last)
}

// goBuild builds pkg of the bench module into out.
func goBuild(moduleDir, out, pkg string, env ...string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
	}
	return nil
}

// clockTicks is the unit of utime and stime in /proc/<pid>/stat (USER_HZ,
// 100 on every Linux architecture Go supports).
const clockTicks = 100

// cpuSeconds is the user+system CPU time the processes have used so far.
func cpuSeconds(pids []int) float64 {
	var ticks int64
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// The command name is in parentheses and may contain spaces: the
		// fields counted here start after its closing parenthesis.
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 12 {
			u, _ := strconv.ParseInt(f[11], 10, 64) // utime (field 14)
			k, _ := strconv.ParseInt(f[12], 10, 64) // stime (field 15)
			ticks += u + k
		}
	}
	return float64(ticks) / clockTicks
}

// withChildren is pid and its direct children (nginx's workers).
func withChildren(pid int) []int {
	pids := []int{pid}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", child))
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 1 && f[1] == strconv.Itoa(pid) { // ppid (field 4)
			pids = append(pids, child)
		}
	}
	return pids
}
