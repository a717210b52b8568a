// Command concert is an interactive control shell for laboratory devices:
// scientists type Go, interpreted by yaegi, to move motors, open shutters
// and grab camera frames, many things at once, and stop everything at any
// moment with one key.
package main

import (
	"fmt"
	"os"
)

// version is set by the Makefile from git describe.
var version = "dev"

func main() {
	fmt.Fprintf(os.Stdout, "concert %s: an interactive control shell for laboratory devices\n", version)
}
