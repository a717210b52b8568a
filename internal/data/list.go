package data

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// cleanFloat rounds to 15 significant digits, which drops the noise of a
// unit conversion (0.002 / 1e-6 is 2000.0000000000002).
func cleanFloat(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	return r
}

// List reads the metadata of every run in dir, oldest first. A run whose
// meta.json cannot be read is listed with status "unreadable".
func List(dir string) ([]Meta, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("no data directory %s: %w", dir, unwrapPath(err))
	}
	ns := scanRuns(dir)
	slices.Sort(ns)
	var out []Meta
	for _, n := range ns {
		m, err := ReadMeta(dir, n)
		if err != nil {
			m = Meta{Run: n, Status: "unreadable", Error: err.Error()}
		}
		out = append(out, m)
	}
	return out, nil
}

// ReadMeta reads run n's meta.json in dir.
func ReadMeta(dir string, n int) (Meta, error) {
	var m Meta
	b, err := os.ReadFile(filepath.Join(RunDir(dir, n), "meta.json"))
	if err != nil {
		return m, fmt.Errorf("run %d: %w", n, unwrapPath(err))
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("run %d: meta.json: %w", n, err)
	}
	return m, nil
}

// RunDir is the directory of run n in dir.
func RunDir(dir string, n int) string { return filepath.Join(dir, runName(n)) }
