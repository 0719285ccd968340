package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Report is one run: the table rows, the raw details per part, the machine.
type Report struct {
	When        time.Time          `json:"when"`
	Mode        string             `json:"mode"` // "full" or "smoke"
	DurationS   float64            `json:"duration_s"`
	PartSeconds map[string]float64 `json:"part_seconds"`
	Machine     Machine            `json:"machine"`
	Rows        []Row              `json:"rows"`
	Details     map[string]any     `json:"details"`
	Notes       []string           `json:"notes,omitempty"`
}

// Row is one line of the table: the lab's figure, the baseline's, and their
// ratio, with the goal where it sets one.
type Row struct {
	Part     string   `json:"part"`
	Metric   string   `json:"metric"`
	Unit     string   `json:"unit"` // "B", "ms", "µs", "req/s", "MiB", "%"
	Value    float64  `json:"value"`
	Baseline string   `json:"baseline,omitempty"` // what the ratio divides by
	BaseVal  float64  `json:"baseline_value,omitempty"`
	Ratio    *float64 `json:"ratio,omitempty"`
	Goal     string   `json:"goal,omitempty"`
	Met      *bool    `json:"met,omitempty"`
	Note     string   `json:"note,omitempty"`
}

func newReport(smoke bool, when time.Time) *Report {
	mode := "full"
	if smoke {
		mode = "smoke"
	}
	return &Report{When: when.UTC(), Mode: mode, PartSeconds: map[string]float64{}, Details: map[string]any{}}
}

// add appends a row; ratio is value/base when base is non-zero.
func (rep *Report) add(row Row) *Row {
	if row.Baseline != "" && row.BaseVal != 0 && row.Ratio == nil {
		q := row.Value / row.BaseVal
		row.Ratio = &q
	}
	rep.Rows = append(rep.Rows, row)
	return &rep.Rows[len(rep.Rows)-1]
}

// ratioGoal sets the goal "ratio op limit" and whether it is met.
func (row *Row) ratioGoal(op string, limit float64) {
	row.Goal = fmt.Sprintf("ratio %s %.2f", op, limit)
	if row.Ratio == nil {
		return
	}
	met := compare(*row.Ratio, op, limit)
	row.Met = &met
}

// valueGoal sets the goal "value op limit" on the figure itself.
func (row *Row) valueGoal(op string, limit float64) {
	row.Goal = fmt.Sprintf("%s %s", op, formatValue(limit, row.Unit))
	met := compare(row.Value, op, limit)
	row.Met = &met
}

func compare(v float64, op string, limit float64) bool {
	switch op {
	case "≤":
		return v <= limit
	case "≥":
		return v >= limit
	case "=":
		return v == limit
	}
	return false
}

// WriteJSON writes the report as dir/bench-<time>.json and dir/latest.json
// and returns the first path.
func (rep *Report) WriteJSON(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return "", err
	}
	b = append(b, '\n')
	path := filepath.Join(dir, "bench-"+rep.When.Format("20060102-150405")+".json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return "", err
	}
	return path, os.WriteFile(filepath.Join(dir, "latest.json"), b, 0o644)
}

// WriteTable prints the rows as a Markdown table, then the notes.
func (rep *Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "| part | metric | lab | baseline | ratio | goal |\n|---|---|---:|---|---:|---|\n")
	for _, r := range rep.Rows {
		base := ""
		if r.Baseline != "" {
			base = r.Baseline + " " + formatValue(r.BaseVal, r.Unit)
		}
		ratio := ""
		if r.Ratio != nil {
			ratio = fmt.Sprintf("%.2f", *r.Ratio)
		}
		goal := r.Goal
		if r.Met != nil {
			if *r.Met {
				goal += " ✅"
			} else {
				goal += " ❌ missed"
			}
		}
		metric := r.Metric
		if r.Note != "" {
			metric += " (" + r.Note + ")"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", r.Part, metric, formatValue(r.Value, r.Unit), base, ratio, goal)
	}
	fmt.Fprintln(w, "\nlab and baseline: medians. ratio: lab ÷ baseline; for times and loads, the median of the per-sample ratios (lab and baseline ran back to back each time), so it can differ from the ratio of the two medians.")
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "\n- %s", n)
	}
	if len(rep.Notes) > 0 {
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\n%s run, %.0f s, %s; %s\n", rep.Mode, rep.DurationS, rep.When.Format(time.RFC3339), rep.Machine)
}

// formatValue renders v in its unit with thousands separators.
func formatValue(v float64, unit string) string {
	switch unit {
	case "B":
		return group(int64(math.Round(v))) + " B"
	case "ms":
		if v < 10 {
			return fmt.Sprintf("%.2f ms", v)
		}
		if v < 100 {
			return fmt.Sprintf("%.1f ms", v)
		}
		return group(int64(math.Round(v))) + " ms"
	case "req/s":
		return group(int64(math.Round(v))) + "/s"
	case "µs":
		return fmt.Sprintf("%.1f µs", v)
	case "MiB":
		return fmt.Sprintf("%.1f MiB", v)
	case "%":
		return fmt.Sprintf("%.1f %%", v)
	}
	return fmt.Sprintf("%g %s", v, unit)
}

func group(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Machine describes where the run happened.
type Machine struct {
	CPUs     int    `json:"cpus"`
	CPUModel string `json:"cpu_model"`
	MemTotal string `json:"mem_total"`
	Kernel   string `json:"kernel"`
	Go       string `json:"go"`
	Chromium string `json:"chromium,omitempty"`
	Nginx    string `json:"nginx,omitempty"`
	Lab      string `json:"lab_version"`
}

func (m Machine) String() string {
	return fmt.Sprintf("%d × %s, %s RAM, Linux %s, %s, %s, %s, lab %s",
		m.CPUs, m.CPUModel, m.MemTotal, m.Kernel, m.Go, m.Chromium, m.Nginx, m.Lab)
}

func describeMachine(labBin, chromium string) Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				m.CPUModel = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				var kb int64
				fmt.Sscan(strings.TrimSpace(v), &kb)
				m.MemTotal = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if out, err := exec.Command("go", "version").Output(); err == nil {
		if f := strings.Fields(string(out)); len(f) >= 3 {
			m.Go = f[2]
		}
	}
	if c := findChromium(chromium); c != "" {
		if out, err := exec.Command(c, "--version").Output(); err == nil {
			m.Chromium = strings.TrimSpace(string(out))
		}
	}
	if out, err := exec.Command(nginxPath(), "-v").CombinedOutput(); err == nil {
		m.Nginx = strings.TrimPrefix(strings.TrimSpace(string(out)), "nginx version: ")
	} else {
		m.Nginx = "no nginx"
	}
	if out, err := exec.Command(labBin, "-version").Output(); err == nil {
		m.Lab = strings.TrimSpace(string(out))
	}
	return m
}
