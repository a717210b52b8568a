// Command gen writes the yaegi symbol tables of package symbols, one file
// per package of prelude.Symbols (the prelude's list), and removes the
// tables of concert's packages no longer on it. symbols.go runs it with go
// generate, from its own directory.
package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/traefik/yaegi/extract"

	"github.com/concert-go/concert/internal/prelude"
)

func main() {
	ext := extract.Extractor{Dest: "symbols"}
	file := strings.NewReplacer("/", "-", ".", "_", "~", "_")
	var want []string
	for _, path := range prelude.Symbols() {
		var b bytes.Buffer
		ipp, err := ext.Extract(path, "symbols", &b)
		if err != nil {
			log.Fatalf("gen: %s: %v", path, err)
		}
		name := file.Replace(ipp) + ".go"
		want = append(want, name)
		if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	old, _ := filepath.Glob("github_com-concert-go-concert-*.go")
	for _, f := range old {
		if !slices.Contains(want, f) {
			if err := os.Remove(f); err != nil {
				log.Fatal(err)
			}
			fmt.Println("gen: removed", f)
		}
	}
	fmt.Println("gen: wrote", len(want), "symbol tables")
}
