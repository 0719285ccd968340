package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// wasmFigures are the sizes of one wasm program.
type wasmFigures struct {
	SHA           string `json:"sha256_16"`
	Raw           int64  `json:"raw"`
	Gzip          int64  `json:"gzip9"`
	Brotli        int64  `json:"brotli"`
	BrotliQuality int    `json:"brotli_quality"`
	// After wasm-opt -Oz (0: not measured) and brotli at BrotliQuality.
	OptRaw    int64 `json:"wasm_opt_raw,omitempty"`
	OptBrotli int64 `json:"wasm_opt_brotli,omitempty"`
}

// floorFiles builds the floor wasm with the lab's Go and flags and writes
// app.wasm, app.wasm.gz and app.wasm.br into work/floor (the floor server's
// -web directory). Done once per run.
func (r *runner) floorFiles() (string, *wasmFigures, error) {
	dir := filepath.Join(r.work, "floor")
	if r.floor != nil {
		return dir, r.floor, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, err
	}
	raw := filepath.Join(dir, "app.wasm")
	r.logf("building the floor wasm (go-app v9.8.0 hello)")
	if err := goBuild(r.module, raw, "./floor/wasm", "GOOS=js", "GOARCH=wasm"); err != nil {
		return "", nil, err
	}
	f, err := r.compressAll(raw, filepath.Join(dir, "app.wasm.gz"), filepath.Join(dir, "app.wasm.br"))
	if err != nil {
		return "", nil, err
	}
	r.floor = f
	return dir, f, nil
}

// compressAll writes gzip -9 and brotli versions of raw (brotli from the
// cache when this content was compressed before) and returns the sizes.
func (r *runner) compressAll(raw, gzOut, brOut string) (*wasmFigures, error) {
	sha, size, err := fileSHA(raw)
	if err != nil {
		return nil, err
	}
	f := &wasmFigures{SHA: sha, Raw: size}
	if f.Gzip, err = gzipFile(raw, gzOut); err != nil {
		return nil, err
	}
	cached, q, err := r.brotliCached(raw, sha)
	if err != nil {
		return nil, err
	}
	if err := copyFile(cached, brOut); err != nil {
		return nil, err
	}
	f.BrotliQuality = q
	f.Brotli, err = fileSize(brOut)
	return f, err
}

// brotliCached returns a cached brotli file of raw: quality 11 when cached,
// else the mode's quality (11 in a full run; 5 in smoke runs, which must
// stay under a minute: -q 11 takes 20-50 s for 7 MB here).
func (r *runner) brotliCached(raw, sha string) (string, int, error) {
	q11 := filepath.Join(r.cache, sha+"-q11.br")
	if _, err := os.Stat(q11); err == nil {
		return q11, 11, nil
	}
	q := r.k.brotliQuality
	out := filepath.Join(r.cache, fmt.Sprintf("%s-q%d.br", sha, q))
	if _, err := os.Stat(out); err == nil {
		return out, q, nil
	}
	r.logf("brotli -q %d %s (cached afterwards)", q, filepath.Base(raw))
	tmp := out + ".tmp"
	cmd := exec.Command("brotli", "-f", "-q", fmt.Sprint(q), "-o", tmp, raw)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", 0, fmt.Errorf("brotli: %v: %s (install it: apt-get install brotli)", err, b)
	}
	return out, q, os.Rename(tmp, out)
}

// labWasm measures web/app.wasm. The build's own app.wasm.br and .gz (made
// by the Makefile with the same commands) are used when they decode to
// app.wasm; otherwise they are made here.
func (r *runner) labWasm() (*wasmFigures, error) {
	web := filepath.Join(r.root, "web")
	raw := filepath.Join(web, "app.wasm")
	sha, size, err := fileSHA(raw)
	if err != nil {
		return nil, err
	}
	f := &wasmFigures{SHA: sha, Raw: size}
	full := sha256Hex(raw)
	if decodesTo(full, "gzip", filepath.Join(web, "app.wasm.gz")) {
		f.Gzip, _ = fileSize(filepath.Join(web, "app.wasm.gz"))
	} else if f.Gzip, err = gzipFile(raw, filepath.Join(r.work, "lab.wasm.gz")); err != nil {
		return nil, err
	}
	if br := filepath.Join(web, "app.wasm.br"); decodesTo(full, "brotli", br) {
		f.Brotli, _ = fileSize(br)
		f.BrotliQuality = 11 // the Makefile's quality
		q11 := filepath.Join(r.cache, sha+"-q11.br")
		if _, err := os.Stat(q11); err != nil {
			_ = copyFile(br, q11) // wasm-opt's comparison reuses it
		}
	} else {
		cached, q, err := r.brotliCached(raw, sha)
		if err != nil {
			return nil, err
		}
		f.BrotliQuality = q
		f.Brotli, _ = fileSize(cached)
	}
	return f, nil
}

// wasmOpt fills OptRaw and OptBrotli: wasm-opt -Oz, then brotli at the same
// quality. Results are cached by content hash and wasm-opt version; when
// not cached they are computed only in full runs.
func (r *runner) wasmOpt(raw string, f *wasmFigures, version string) error {
	key := filepath.Join(r.cache, fmt.Sprintf("%s-wasmopt-%s-q%d.json", f.SHA, version, f.BrotliQuality))
	if b, err := os.ReadFile(key); err == nil {
		var c struct{ Raw, Brotli int64 }
		if json.Unmarshal(b, &c) == nil && c.Raw > 0 {
			f.OptRaw, f.OptBrotli = c.Raw, c.Brotli
			return nil
		}
	}
	if !r.k.wasmOpt {
		return nil
	}
	r.logf("wasm-opt -Oz %s (about a minute; cached afterwards)", filepath.Base(filepath.Dir(raw))+"/"+filepath.Base(raw))
	tmp, err := os.MkdirTemp(r.work, "wasmopt-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	// A bound, so that a slow machine still finishes make bench in time; the
	// figure is then missing from the table, with a note.
	ctx, cancel := context.WithTimeout(r.ctx, 150*time.Second)
	defer cancel()
	opt := filepath.Join(tmp, "opt.wasm")
	if b, err := exec.CommandContext(ctx, "wasm-opt", "-Oz", "--all-features", raw, "-o", opt).CombinedOutput(); err != nil {
		return fmt.Errorf("wasm-opt: %v: %s", err, bytes.TrimSpace(b))
	}
	br := opt + ".br"
	if b, err := exec.CommandContext(ctx, "brotli", "-f", "-q", fmt.Sprint(f.BrotliQuality), "-o", br, opt).CombinedOutput(); err != nil {
		return fmt.Errorf("brotli: %v: %s", err, b)
	}
	if f.OptRaw, err = fileSize(opt); err != nil {
		return err
	}
	if f.OptBrotli, err = fileSize(br); err != nil {
		return err
	}
	b, _ := json.Marshal(struct{ Raw, Brotli int64 }{f.OptRaw, f.OptBrotli})
	return os.WriteFile(key, b, 0o644)
}

// wasmPart is part 1's sizes: the floor and the lab, raw, gzip -9, brotli
// -q 11, and what wasm-opt -Oz gains after brotli.
func (r *runner) wasmPart() error {
	floorDir, floor, err := r.floorFiles()
	if err != nil {
		return err
	}
	lab, err := r.labWasm()
	if err != nil {
		return err
	}
	optVersion := ""
	if out, err := exec.Command("wasm-opt", "--version").Output(); err == nil {
		optVersion = strings.ReplaceAll(strings.TrimSpace(strings.TrimPrefix(string(out), "wasm-opt version")), " ", "_")
		if optVersion == "" {
			optVersion = "unknown"
		}
	}
	if optVersion != "" {
		// Both are CPU-bound and independent, and their sizes do not depend
		// on timing: run them side by side.
		var wg sync.WaitGroup
		var errFloor, errLab error
		wg.Add(2)
		go func() { defer wg.Done(); errFloor = r.wasmOpt(filepath.Join(floorDir, "app.wasm"), floor, optVersion) }()
		go func() {
			defer wg.Done()
			errLab = r.wasmOpt(filepath.Join(r.root, "web", "app.wasm"), lab, optVersion)
		}()
		wg.Wait()
		for _, e := range []error{errFloor, errLab} {
			if e != nil {
				r.report.Notes = append(r.report.Notes, "wasm-opt: "+e.Error())
			}
		}
	}
	r.report.Details["wasm"] = map[string]any{"lab": lab, "floor": floor, "wasm_opt": optVersion}

	rep := r.report
	rep.add(Row{Part: "wasm", Metric: "app.wasm raw", Unit: "B", Value: float64(lab.Raw), Baseline: "floor", BaseVal: float64(floor.Raw)})
	rep.add(Row{Part: "wasm", Metric: "gzip -9", Unit: "B", Value: float64(lab.Gzip), Baseline: "floor", BaseVal: float64(floor.Gzip)})
	brName := "brotli -q 11"
	if lab.BrotliQuality != floor.BrotliQuality {
		brName = fmt.Sprintf("brotli (lab -q %d, floor -q %d)", lab.BrotliQuality, floor.BrotliQuality)
	} else if lab.BrotliQuality != 11 {
		brName = fmt.Sprintf("brotli -q %d", lab.BrotliQuality)
	}
	rep.add(Row{Part: "wasm", Metric: brName, Unit: "B", Value: float64(lab.Brotli), Baseline: "floor", BaseVal: float64(floor.Brotli)})
	switch {
	case optVersion == "":
		rep.Notes = append(rep.Notes, "wasm-opt not installed (apt-get install binaryen): its gain is not measured")
	default:
		for _, x := range []struct {
			name string
			f    *wasmFigures
		}{{"lab", lab}, {"floor", floor}} {
			if x.f.OptBrotli == 0 {
				if !r.k.wasmOpt {
					rep.Notes = append(rep.Notes, "wasm-opt -Oz of the "+x.name+" not cached: skipped in smoke mode")
				}
				continue
			}
			row := rep.add(Row{Part: "wasm", Metric: x.name + ": wasm-opt -Oz --all-features, then brotli", Unit: "B",
				Value: float64(x.f.OptBrotli), Baseline: x.name + " brotli", BaseVal: float64(x.f.Brotli)})
			gain := x.f.Brotli - x.f.OptBrotli
			verb := "saves"
			if gain < 0 {
				verb, gain = "adds", -gain
			}
			row.Note = fmt.Sprintf("%s %s B, %.1f %%; raw %s → %s B", verb, group(gain),
				100*float64(gain)/float64(x.f.Brotli), group(x.f.Raw), group(x.f.OptRaw))
		}
	}
	return nil
}

// fileSHA returns the first 16 hex digits of the file's SHA-256 and its size.
func fileSHA(path string) (string, int64, error) {
	full := sha256Hex(path)
	if full == "" {
		return "", 0, fmt.Errorf("read %s", path)
	}
	n, err := fileSize(path)
	return full[:16], n, err
}

func sha256Hex(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// decodesTo reports whether compressed (gzip or brotli) decodes to content
// with the SHA-256 want.
func decodesTo(want, tool, compressed string) bool {
	if _, err := os.Stat(compressed); err != nil {
		return false
	}
	out, err := exec.Command(tool, "-d", "-c", compressed).Output()
	if err != nil {
		return false
	}
	sum := sha256.Sum256(out)
	return hex.EncodeToString(sum[:]) == want
}

// gzipFile writes gzip -9 -n of in to out (the Makefile's command).
func gzipFile(in, out string) (int64, error) {
	f, err := os.Create(out)
	if err != nil {
		return 0, err
	}
	cmd := exec.Command("gzip", "-9", "-n", "-c", in)
	cmd.Stdout = f
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("gzip: %v: %s", err, stderr.Bytes())
	}
	return fileSize(out)
}

func fileSize(path string) (int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}
