package e2e

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"jiraauthlab/server/lab"
)

// No container engine runs where the tests run (a docker client may be
// installed, its daemon is not), so the image itself is never built here.
// What the image relies on is proved on the binary instead: it is static,
// and started as the Dockerfile says — its ENV, its non-root USER, from a
// directory that holds nothing else — it serves, answers /readyz, and the
// Dockerfile's own HEALTHCHECK command says so (and says so no more once
// it stopped).

// dockerStage is what the final stage of the Dockerfile sets.
type dockerStage struct {
	env         [][2]string // ENV, in order
	user        string
	expose      []string
	healthcheck []string // HEALTHCHECK CMD, exec form
	entrypoint  []string
	copyDst     string // the COPY --from=… destination
}

// parseDockerfile reads the instructions of the Dockerfile's last stage
// that the image's start depends on. It knows the forms the file uses
// (exec-form JSON arrays, KEY=value ENV pairs) and refuses others, so a
// change of form fails here rather than being skipped.
func parseDockerfile(t *testing.T, path string) dockerStage {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Join continuation lines, drop comments and blank lines.
	var lines []string
	var cur strings.Builder
	for _, l := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(l)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && cur.Len() == 0) {
			continue
		}
		if rest, ok := strings.CutSuffix(trimmed, `\`); ok {
			cur.WriteString(rest + " ")
			continue
		}
		cur.WriteString(trimmed)
		lines = append(lines, cur.String())
		cur.Reset()
	}
	last := -1
	for i, l := range lines {
		if strings.HasPrefix(strings.ToUpper(l), "FROM ") {
			last = i
		}
	}
	if last < 0 {
		t.Fatalf("%s: no FROM", path)
	}
	jsonArgs := func(instr, s string) []string {
		var v []string
		if err := json.Unmarshal([]byte(s), &v); err != nil || len(v) == 0 {
			t.Fatalf("%s: %s %s: want the exec form, a JSON array", path, instr, s)
		}
		return v
	}
	var st dockerStage
	for _, l := range lines[last+1:] {
		instr, rest, _ := strings.Cut(l, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToUpper(instr) {
		case "ENV":
			for _, kv := range strings.Fields(rest) {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					t.Fatalf("%s: ENV %q: want KEY=value", path, kv)
				}
				st.env = append(st.env, [2]string{k, v})
			}
		case "USER":
			st.user = rest
		case "EXPOSE":
			st.expose = append(st.expose, strings.Fields(rest)...)
		case "HEALTHCHECK":
			_, cmd, ok := strings.Cut(rest, "CMD ")
			if !ok {
				t.Fatalf("%s: HEALTHCHECK without CMD", path)
			}
			st.healthcheck = jsonArgs("HEALTHCHECK", strings.TrimSpace(cmd))
		case "ENTRYPOINT":
			st.entrypoint = jsonArgs("ENTRYPOINT", rest)
		case "COPY":
			f := strings.Fields(rest)
			st.copyDst = f[len(f)-1]
		}
	}
	return st
}

// freeAddr replaces the port of hostport with a free one, on the same host.
func freeAddr(t *testing.T, hostport string) string {
	t.Helper()
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		t.Fatalf("%q: %v", hostport, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return net.JoinHostPort(host, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
}

func TestBinaryIsStatic(t *testing.T) {
	f, err := elf.Open(binPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s asks for a program interpreter (dynamically linked): build it with CGO_ENABLED=0 (make build does)", binPath)
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("%s needs shared libraries %q (%v); want none", binPath, libs, err)
	}
}

// TestDockerfileRecipe starts the binary as the image would and runs the
// image's HEALTHCHECK against it.
func TestDockerfileRecipe(t *testing.T) {
	st := parseDockerfile(t, filepath.Join(repoRoot, "Dockerfile"))
	t.Run("final stage", func(t *testing.T) {
		uid, _, _ := strings.Cut(st.user, ":")
		if n, err := strconv.Atoi(uid); err != nil || n == 0 {
			t.Errorf("USER %q: want a numeric non-root uid", st.user)
		}
		if len(st.entrypoint) != 1 || st.entrypoint[0] != st.copyDst {
			t.Errorf("ENTRYPOINT %q; want the copied binary %q alone", st.entrypoint, st.copyDst)
		}
		if len(st.healthcheck) < 2 || st.healthcheck[0] != st.copyDst || st.healthcheck[1] != "-healthcheck" {
			t.Errorf("HEALTHCHECK CMD %q; want %s -healthcheck", st.healthcheck, st.copyDst)
		}
		help, _ := exec.Command(binPath, "-h").CombinedOutput()
		ports := map[string]bool{}
		for _, kv := range st.env {
			name, ok := strings.CutPrefix(kv[0], lab.EnvPrefix)
			flag := strings.ToLower(strings.ReplaceAll(name, "_", "-"))
			if !ok || !bytes.Contains(help, []byte("  -"+flag+" ")) {
				t.Errorf("ENV %s names no flag of the binary", kv[0])
			}
			if host, port, err := net.SplitHostPort(kv[1]); err == nil && host != "127.0.0.1" {
				ports[port] = true
			}
		}
		for _, p := range st.expose {
			if !ports[p] {
				t.Errorf("EXPOSE %s: no listener on every address has that port (ENV %q)", p, st.env)
			}
			delete(ports, p)
		}
		for p := range ports {
			t.Errorf("a listener on every address has port %s, which is not EXPOSEd", p)
		}
	})

	// The image's root: the binary alone, readable and runnable by its USER.
	dir := worldReadableDir(t, "lab-image-")
	exe := filepath.Join(dir, filepath.Base(st.copyDst))
	b, err := os.ReadFile(binPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, b, 0o755); err != nil {
		t.Fatal(err)
	}
	// The Dockerfile's ENV and nothing else (no PATH, no HOME: a
	// distroless image sets PATH only), on free ports.
	var environ []string
	for _, kv := range st.env {
		v := kv[1]
		if _, _, err := net.SplitHostPort(v); err == nil {
			v = freeAddr(t, v)
		}
		environ = append(environ, kv[0]+"="+v)
	}
	// As root, run as nobody: the test proves the binary needs no privilege
	// and no writable directory. (The image's own uid, 65532, has no
	// account here; nobody is as unprivileged.)
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		cred = &syscall.Credential{Uid: 65534, Gid: 65534}
	} else {
		t.Logf("not root: running as uid %d", os.Geteuid())
	}
	command := func(args ...string) *exec.Cmd {
		cmd := exec.Command(exe, args...)
		cmd.Dir, cmd.Env = dir, environ
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		return cmd
	}

	srv := command()
	var logs bytes.Buffer
	srv.Stderr = &logs
	stdout, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatalf("start %s as %+v: %v", exe, cred, err)
	}
	exited := make(chan error, 1)
	urls := make(chan map[string]string, 1)
	go func() {
		got := map[string]string{}
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			name, url, ok := strings.Cut(strings.TrimSpace(sc.Text()), ":")
			if ok && (name == "app" || name == "sandbox" || name == "metrics") {
				got[name] = strings.TrimSpace(url)
			}
			if got["app"] != "" && got["metrics"] != "" {
				urls <- got
				got = map[string]string{}
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		exited <- srv.Wait()
	}()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = srv.Process.Kill()
			<-exited
		}
	})
	var u map[string]string
	select {
	case u = <-urls:
	case err := <-exited:
		stopped = true
		t.Fatalf("the binary exited at start: %v\n%s", err, logs.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("the binary printed no URLs within 30s\n%s", logs.String())
	}

	t.Run("runs as its user", func(t *testing.T) {
		status, err := os.ReadFile("/proc/" + strconv.Itoa(srv.Process.Pid) + "/status")
		if err != nil {
			t.Skipf("no /proc: %v", err)
		}
		want := strconv.Itoa(os.Geteuid())
		if cred != nil {
			want = strconv.Itoa(int(cred.Uid))
		}
		for _, l := range strings.Split(string(status), "\n") {
			if f := strings.Fields(l); len(f) >= 3 && f[0] == "Uid:" && (f[1] != want || f[2] != want) {
				t.Errorf("process uids %q; want %s", l, want)
			}
		}
	})
	t.Run("answers /readyz and /metrics", func(t *testing.T) {
		for _, url := range []string{u["app"] + "readyz", u["metrics"]} {
			resp := get(t, url)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s = %d; want 200", url, resp.StatusCode)
			}
		}
	})
	t.Run("its HEALTHCHECK passes", func(t *testing.T) {
		out, err := command(st.healthcheck[1:]...).CombinedOutput()
		if err != nil {
			t.Errorf("HEALTHCHECK %q: %v\n%s", st.healthcheck, err, out)
		}
	})

	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		stopped = true
		if err != nil {
			t.Errorf("exit on SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("no exit within 20s of SIGTERM\n%s", logs.String())
	}
	t.Run("its HEALTHCHECK fails once it stopped", func(t *testing.T) {
		out, err := command(st.healthcheck[1:]...).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Fatalf("HEALTHCHECK of a stopped lab: %v; want exit status 1\n%s", err, out)
		}
		if lines := strings.Count(strings.TrimSpace(string(out)), "\n") + 1; lines != 1 || !strings.Contains(string(out), "readyz") {
			t.Errorf("HEALTHCHECK output %q; want one line naming the URL", out)
		}
	})
}
