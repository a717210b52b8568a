package main

import (
	"bytes"
	"strings"
	"testing"
)

// The smoke test runs every workload once at its smallest size on both
// sides and checks that the table has a figure on each side; it says
// nothing about speed.
func TestQuickComparisonHasEveryWorkloadOnBothSides(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python and Go workloads")
	}
	var out bytes.Buffer
	if err := run(&out, true, 1, ""); err != nil {
		t.Fatal(err)
	}
	table := out.String()
	for _, name := range []string{"start-await", "gather-sleep", "cancel-all", "emergency-stop", "param-get-set", "session-get-loop", "start-to-prompt", "shell-start-gather", "shell-wait-memory", "shell-ctrl-k"} {
		var row string
		for _, line := range strings.Split(table, "\n") {
			if strings.HasPrefix(line, "| "+name+" ") {
				row = line
			}
		}
		if row == "" {
			t.Fatalf("no row for %s in\n%s", name, table)
		}
		cells := strings.Split(row, "|")
		if goMedian, pyMedian := strings.TrimSpace(cells[3]), strings.TrimSpace(cells[4]); goMedian == "" || pyMedian == "" {
			t.Errorf("%s: Go %q, Python %q; want both measured", name, goMedian, pyMedian)
		}
	}
}

func TestMarkdownTable(t *testing.T) {
	var out bytes.Buffer
	markdownTable(&out, [][]string{{"a", "bb"}, {"ccc", "d"}})
	want := "| a   | bb |\n| --- | -- |\n| ccc | d  |\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}
