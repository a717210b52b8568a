package repl

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/concert-go/concert/internal/ptytest"
)

// A background task's failure is reported from its watcher's goroutine
// while the command's own error may be printing: in red on a terminal,
// both at once, without a data race and without losing a line.
func TestReportConcurrentInColor(t *testing.T) {
	var out ptytest.Buffer
	r := &runner{errOut: &out, color: true}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.report(errors.New("motor: jammed"))
		}()
	}
	wg.Wait()
	if got := strings.Count(out.String(), "\x1b[31mSorry, motor: jammed"); got != 4 {
		t.Errorf("red Sorry lines = %d; want 4 in %q", got, out.String())
	}
}
