// Package datatest has what the tests of the data and scans packages
// share to read a run back from disk.
package datatest

import (
	"encoding/csv"
	"os"
	"testing"
)

// ReadCSV reads a run's CSV file (points.csv) whole; it fails the test if
// the file is missing or not CSV.
func ReadCSV(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
