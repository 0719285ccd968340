package lab

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"jiraauthlab/server/proxy"
)

// EnvPrefix prefixes the environment variable of every flag:
// -sandbox-addr reads JIRA_AUTH_LAB_SANDBOX_ADDR.
const EnvPrefix = "JIRA_AUTH_LAB_"

// WithoutEnv returns environ without the lab's own variables, for a child
// process whose flags alone must decide what it does (the end-to-end
// tests: a developer's environment must not change what they start).
func WithoutEnv(environ []string) []string {
	var out []string
	for _, kv := range environ {
		if !strings.HasPrefix(kv, EnvPrefix) {
			out = append(out, kv)
		}
	}
	return out
}

// Config is everything the server is started with.
type Config struct {
	Addr               string
	SandboxAddr        string // "" when the sandbox is off
	Upstreams          []proxy.Upstream
	PublicURL          *url.URL // nil: derived from Addr
	MaxBody            int64
	UpstreamTimeout    time.Duration
	BasePath           string // "" for root, else "/x" (no trailing slash)
	FrameAncestors     string // CSP source list; "" is the flag's default, 'self'
	UpstreamCA         string
	UpstreamInsecure   bool
	SandboxIdleTimeout time.Duration
	MetricsAddr        string // "" when off: no metrics listener
	SandboxVisitors    int    // per-visitor sandbox states kept at once; 0 → the sandbox's default
	Version            string // build version, shown by /healthz and the footer
	Limits             Limits // of both listeners; zero fields take the defaults

	// HealthCheck, when set, makes the binary a health check of a running
	// lab instead of a lab: GET this URL, exit 0 on 200 (see CheckHealth).
	HealthCheck string
}

// upstreamList is the repeatable -upstream flag.
type upstreamList []string

func (l *upstreamList) String() string { return "" }

// Set only collects: the flag package quotes a rejected value in its error
// and usage output, and an upstream URL may carry a password. The values
// are checked after parsing, where errors show them redacted.
func (l *upstreamList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// parse checks every collected value and refuses a name given twice.
func (l upstreamList) parse() ([]proxy.Upstream, error) {
	var ups []proxy.Upstream
	for _, s := range l {
		u, err := proxy.ParseUpstream(s)
		if err != nil {
			return nil, err
		}
		for _, have := range ups {
			if have.Name == u.Name {
				return nil, fmt.Errorf("upstream %q given twice", u.Name)
			}
		}
		ups = append(ups, u)
	}
	return ups, nil
}

// byteSize is a flag such as 10MiB.
type byteSize int64

func (b *byteSize) String() string { return formatSize(int64(*b)) }

func (b *byteSize) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	*b = byteSize(n)
	return nil
}

var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000},
	{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1},
}

func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(strings.ToUpper(t), strings.ToUpper(u.suffix)) {
			t, mult = strings.TrimSpace(t[:len(t)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("size %q: want a positive number with an optional unit such as 512KiB or 10MiB", s)
	}
	return n * mult, nil
}

func formatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + "KiB"
	}
	return strconv.FormatInt(n, 10) + "B"
}

// ParseFlags reads the command line and, for every flag not given there, the
// environment variable JIRA_AUTH_LAB_<FLAG>. Usage and errors go to out.
func ParseFlags(args []string, getenv func(string) string, out io.Writer) (Config, error) {
	fs := flag.NewFlagSet("jira-auth-lab", flag.ContinueOnError)
	fs.SetOutput(out)
	var (
		cfg       Config
		upstreams upstreamList
		maxBody   = byteSize(10 << 20)
		publicURL string
		basePath  string
		visitors  string
	)
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "where the app and the proxy listen")
	fs.StringVar(&cfg.SandboxAddr, "sandbox-addr", "127.0.0.1:8090", "where the built-in sandbox Jira listens; `off` disables it")
	fs.Var(&upstreams, "upstream", "a Jira the proxy may reach, as NAME=URL; repeatable (env: comma-separated)")
	fs.StringVar(&publicURL, "public-url", "", "the origin users reach the app at, behind a reverse proxy (default: from -addr)")
	fs.Var(&maxBody, "max-body", "request body cap of the proxy")
	fs.DurationVar(&cfg.UpstreamTimeout, "upstream-timeout", 30*time.Second, "time allowed for an upstream's response headers, and for any silence within its body")
	fs.StringVar(&basePath, "base-path", "/", "serve everything under this path prefix")
	fs.StringVar(&cfg.FrameAncestors, "frame-ancestors", "'self'", "CSP frame-ancestors: who may embed the lab in a frame (?embed=1); the page posts its events to these origins, never to wildcards")
	fs.StringVar(&cfg.UpstreamCA, "upstream-ca", "", "PEM file of an extra CA to trust for upstream TLS (an internal CA)")
	fs.BoolVar(&cfg.UpstreamInsecure, "upstream-insecure", false, "skip upstream TLS verification (self-signed test servers only)")
	fs.DurationVar(&cfg.SandboxIdleTimeout, "sandbox-idle-timeout", 300*time.Minute, "idle timeout of sandbox sessions (Jira's default: 300m)")
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", "off", "where Prometheus metrics are served (GET /metrics, a listener of its own); `off` disables them")
	var health healthFlag
	fs.Var(&health, "healthcheck", "check the /readyz of the lab these flags describe (or -healthcheck=URL) and exit 0 if it answers 200, else 1: a container's HEALTHCHECK")
	fs.StringVar(&visitors, "sandbox-visitors", "1000", "how many per-visitor sandbox states are kept at once (least recently used go first; idle ones expire after 2h)")
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: jira-auth-lab [flags]\n\nEvery flag also reads %s<FLAG> (e.g. -sandbox-addr: %sSANDBOX_ADDR).\n\n", EnvPrefix, EnvPrefix)
		fs.PrintDefaults()
	}
	// A bad value stops startup with one line naming the flag (main prints
	// the error): the flag package would follow its own line with the whole
	// usage text, burying it. -h still prints the usage.
	usage := fs.Usage
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		usage()
	}
	if err != nil {
		return Config{}, err
	}
	// "-healthcheck URL" as well as "-healthcheck=URL": a boolean flag
	// leaves the URL as the one argument.
	if health.on && health.url == "" && fs.NArg() == 1 {
		health.url = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q (flags start with -)", fs.Arg(0))
	}
	if *showVersion {
		return Config{}, ErrShowVersion
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		// -version and -healthcheck from the environment would turn every
		// start of the server into something else.
		if given[f.Name] || f.Name == "version" || f.Name == "healthcheck" || envErr != nil {
			return
		}
		name := EnvPrefix + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		v := getenv(name)
		if v == "" {
			return
		}
		values := []string{v}
		if f.Name == "upstream" {
			values = strings.Split(v, ",")
		}
		for _, one := range values {
			if err := fs.Set(f.Name, strings.TrimSpace(one)); err != nil {
				envErr = fmt.Errorf("-%s (from %s): %w", f.Name, name, err)
				return
			}
		}
	})
	if envErr != nil {
		return Config{}, envErr
	}

	if cfg.Upstreams, err = upstreams.parse(); err != nil {
		return Config{}, fmt.Errorf("-upstream: %w", err)
	}
	cfg.MaxBody = int64(maxBody)
	if strings.EqualFold(cfg.SandboxAddr, "off") {
		cfg.SandboxAddr = ""
	}
	if err := checkListenAddr("-addr", cfg.Addr); err != nil {
		return Config{}, err
	}
	if cfg.SandboxAddr != "" {
		if err := checkListenAddr("-sandbox-addr", cfg.SandboxAddr); err != nil {
			return Config{}, err
		}
	}
	if strings.EqualFold(cfg.MetricsAddr, "off") {
		cfg.MetricsAddr = ""
	}
	if cfg.MetricsAddr != "" {
		if err := checkListenAddr("-metrics-addr", cfg.MetricsAddr); err != nil {
			return Config{}, err
		}
	}
	if cfg.UpstreamTimeout <= 0 {
		return Config{}, errors.New("-upstream-timeout must be positive")
	}
	if cfg.SandboxIdleTimeout <= 0 {
		return Config{}, errors.New("-sandbox-idle-timeout must be positive")
	}
	if cfg.SandboxVisitors, err = parseVisitors(visitors); err != nil {
		return Config{}, err
	}
	if cfg.BasePath, err = cleanBasePath(basePath); err != nil {
		return Config{}, err
	}
	if publicURL != "" {
		if cfg.PublicURL, err = parsePublicURL(publicURL); err != nil {
			return Config{}, err
		}
	}
	if err := checkFrameAncestors(cfg.FrameAncestors); err != nil {
		return Config{}, err
	}
	if health.on {
		if cfg.HealthCheck, err = healthURL(health.url, cfg); err != nil {
			return Config{}, err
		}
	}
	return cfg, nil
}

// ErrShowVersion is returned by ParseFlags for -version.
var ErrShowVersion = errors.New("version requested")

func checkListenAddr(flagName, addr string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("%s %q: want host:port, e.g. 127.0.0.1:8080: %w", flagName, addr, err)
	}
	return nil
}

// parseVisitors reads -sandbox-visitors after parsing, so that a bad value
// from the command line or from JIRA_AUTH_LAB_SANDBOX_VISITORS gets the
// same one line naming the flag.
func parseVisitors(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("-sandbox-visitors %q: want a positive integer, such as 1000", s)
	}
	return n, nil
}

var basePathRE = regexp.MustCompile(`^(/[A-Za-z0-9._~-]+)*/?$`)

// cleanBasePath turns "/", "/lab" or "/lab/" into "" or "/lab".
func cleanBasePath(p string) (string, error) {
	if p == "" {
		p = "/"
	}
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("-base-path %q: must start with a slash, e.g. /%s", p, strings.Trim(p, "/"))
	}
	if !basePathRE.MatchString(p) {
		return "", fmt.Errorf("-base-path %q: want a path such as /lab (letters, digits, . _ ~ - between slashes)", p)
	}
	for _, seg := range strings.Split(strings.Trim(p, "/"), "/") {
		if seg == "." || seg == ".." {
			return "", fmt.Errorf("-base-path %q: dot segments are not allowed", p)
		}
	}
	return strings.TrimRight(p, "/"), nil
}

func parsePublicURL(s string) (*url.URL, error) {
	u, err := proxy.ParseURL(s)
	if err != nil {
		return nil, fmt.Errorf("-public-url %q: %w", proxy.Redact(s), err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("-public-url %q: want an origin such as https://lab.example.com", proxy.Redact(s))
	}
	return u, nil
}

// checkFrameAncestors keeps the flag to what CSP accepts (embed.go), so
// that it can neither be dropped by the browser nor inject other CSP
// directives (";") or header lines.
func checkFrameAncestors(v string) error {
	if _, err := parseFrameAncestors(v); err != nil {
		return fmt.Errorf("-frame-ancestors: %w", err)
	}
	return nil
}
