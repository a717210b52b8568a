package logs_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Issue 16, item 2: the shell, the scheduler, the devices and the drivers
// log through logs.L, never slog's default logger, which a session may
// replace with a handler that panics. This keeps new code to that rule.
func TestNoCodeLogsThroughSlogDefault(t *testing.T) {
	root := filepath.Join("..", "..")
	use := regexp.MustCompile(`\bslog\.(Default\(\)|SetDefault\(|Info\(|Warn\(|Error\(|Debug\(|Log\(|LogAttrs\(|InfoContext\(|WarnContext\(|ErrorContext\(|DebugContext\()`)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "symbols" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if code, _, _ := strings.Cut(line, "//"); use.MatchString(code) {
				t.Errorf("%s:%d logs through slog's default logger; use logs.L(): %s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
