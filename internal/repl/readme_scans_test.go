package repl_test

import (
	"fmt"
	"os"
	"regexp"
	"testing"
)

// tomoBlock is a README example of "Scans and data" typed at the prompt of
// the bundled tomography session rather than the tutorial.
var tomoBlock = regexp.MustCompile("(?s)```go tomo\n(.*?)```")

// TestREADMETomo runs each "go tomo" example of the README through
// `concert start tomo`: the tomography writes its run, and the example
// lists the run's files and counts its frames on disk.
func TestREADMETomo(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := tomoBlock.FindAllStringSubmatch(string(readme), -1)
	if len(blocks) == 0 {
		t.Fatal("the README has no tomography example (a go tomo block)")
	}
	for i, b := range blocks {
		t.Run(fmt.Sprintf("example%d", i+1), func(t *testing.T) {
			runScriptIn(t, "tomo", fmt.Sprintf("README.md tomography example %d", i+1), b[1])
		})
	}
}
