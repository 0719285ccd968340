package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"time"

	"jiraauthlab/server/proxy"
)

// healthFlag is -healthcheck: a boolean flag ("-healthcheck" alone checks
// the lab the other flags describe) that also takes a URL
// ("-healthcheck=URL"). A distroless or scratch image has no curl: its
// HEALTHCHECK runs the binary itself.
type healthFlag struct {
	on  bool
	url string
}

func (f *healthFlag) String() string { return "" }

func (f *healthFlag) IsBoolFlag() bool { return true }

func (f *healthFlag) Set(s string) error {
	switch s {
	case "true":
		f.on = true
	case "false":
		f.on = false
	default:
		f.on, f.url = true, s
	}
	return nil
}

// healthURL is the URL -healthcheck asks: the one given, or /readyz of the
// app listener cfg describes, reached over loopback when it listens on
// every address (as in a container).
func healthURL(given string, cfg Config) (string, error) {
	if given != "" {
		u, err := proxy.ParseURL(given)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", fmt.Errorf("-healthcheck %q: want a URL such as http://127.0.0.1:8080/readyz", proxy.Redact(given))
		}
		return u.String(), nil
	}
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return "", fmt.Errorf("-healthcheck: -addr %q: %w", cfg.Addr, err)
	}
	if port == "0" {
		return "", fmt.Errorf("-healthcheck: -addr %q has no fixed port: give -healthcheck=URL", cfg.Addr)
	}
	switch ip, err := netip.ParseAddr(host); {
	case host == "":
		host = "127.0.0.1"
	case err == nil && ip.IsUnspecified() && ip.Is4():
		host = "127.0.0.1"
	case err == nil && ip.IsUnspecified():
		host = "::1"
	}
	u := url.URL{Scheme: "http", Host: net.JoinHostPort(host, port), Path: cfg.BasePath + "/readyz"}
	return u.String(), nil
}

// CheckHealth asks target (a /readyz URL) once and returns nil when it
// answers 200 within timeout. It never goes through HTTP_PROXY (the lab is
// local) and never follows a redirect (a ready lab answers /readyz itself).
func CheckHealth(ctx context.Context, target string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck %s: %w", target, err)
	}
	client := &http.Client{
		Transport:     &http.Transport{Proxy: nil, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("healthcheck %s: %w", target, err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 4<<10))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck %s: %s", target, res.Status)
	}
	return nil
}
