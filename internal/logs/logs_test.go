package logs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/concert-go/concert/internal/logs"
)

// lockedBuffer is a destination the test can read while the writer runs.
type lockedBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.writes++
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Records logged from many goroutines at once come out whole, each
// goroutine's in its order, and all of them once Flush returns.
func TestWriterKeepsRecordsWholeAndOrdered(t *testing.T) {
	dst := &lockedBuffer{}
	w := logs.NewWriter(dst, nil)
	defer w.Close()
	log := slog.New(slog.NewJSONHandler(w, nil))
	const writers, each = 8, 2000
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for i := range each {
				log.Info("set", "writer", g, "i", i, "pad", strings.Repeat("x", i%300))
			}
		})
	}
	wg.Wait()
	w.Flush()
	lines := strings.Split(strings.TrimSuffix(dst.String(), "\n"), "\n")
	if len(lines) != writers*each {
		t.Fatalf("%d records written; want %d", len(lines), writers*each)
	}
	next := make([]int, writers)
	for _, line := range lines {
		var rec struct{ Writer, I int }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("a record is not whole: %v: %.80q", err, line)
		}
		if rec.I != next[rec.Writer] {
			t.Fatalf("writer %d: record %d after %d", rec.Writer, rec.I, next[rec.Writer]-1)
		}
		next[rec.Writer]++
	}
}

// Close writes what is still queued; a record after Close is refused.
func TestWriterCloseWritesTheRest(t *testing.T) {
	dst := &lockedBuffer{}
	w := logs.NewWriter(dst, nil)
	for i := range 100 {
		fmt.Fprintf(w, "record %d\n", i)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(dst.String(), "\n"); n != 100 {
		t.Errorf("%d records written by Close; want 100", n)
	}
	if _, err := w.Write([]byte("late\n")); err == nil {
		t.Error("Write after Close succeeded")
	}
	w.Flush() // must not hang
}

type failing struct{ err error }

func (f failing) Write(p []byte) (int, error) { return 0, f.err }

type panicking struct{}

func (panicking) Write(p []byte) (int, error) { panic("disk on fire") }

// A destination that fails or panics loses records, never the caller or
// the process, and Once makes the report a single one.
func TestWriterReportsFailuresOnce(t *testing.T) {
	for _, dst := range []interface {
		Write([]byte) (int, error)
	}{failing{errors.New("no space left on device")}, panicking{}} {
		var mu sync.Mutex
		var reports []string
		w := logs.NewWriter(dst, logs.Once(func(err error) {
			mu.Lock()
			defer mu.Unlock()
			reports = append(reports, err.Error())
		}))
		for i := range 50 {
			fmt.Fprintf(w, "record %d\n", i)
			w.Flush()
		}
		w.Close()
		mu.Lock()
		if len(reports) != 1 || !(strings.Contains(reports[0], "no space left") || strings.Contains(reports[0], "disk on fire")) {
			t.Errorf("%T: reports = %q; want one naming the failure", dst, reports)
		}
		mu.Unlock()
	}
}

type panickyHandler struct{ slog.Handler }

func (panickyHandler) Handle(context.Context, slog.Record) error { panic("handler bug") }

// A session's slog.SetDefault does not reach the shell's logger, and a
// handler that panics loses its record, not the caller.
func TestShellLoggerIsItsOwnAndGuarded(t *testing.T) {
	var shell lockedBuffer
	defer logs.Set(slog.New(slog.NewJSONHandler(&shell, nil)), nil, nil)()
	prev := slog.Default()
	slog.SetDefault(slog.New(panickyHandler{slog.NewJSONHandler(&bytes.Buffer{}, nil)}))
	defer slog.SetDefault(prev)
	logs.L().Info("command", "input", "motor.Home()")
	if !strings.Contains(shell.String(), `"input":"motor.Home()"`) {
		t.Errorf("the shell's log after slog.SetDefault: %q", shell.String())
	}

	var reported []error
	restore := logs.Set(slog.New(panickyHandler{slog.NewJSONHandler(&bytes.Buffer{}, nil)}), nil, func(err error) { reported = append(reported, err) })
	defer restore()
	logs.L().Info("lost") // must not panic
	logs.L().Warn("lost too", "device", "m")
	if len(reported) != 2 || !strings.Contains(reported[0].Error(), "handler bug") {
		t.Errorf("reported = %v; want the two panics", reported)
	}
}

// Flush is what the exit paths call: it waits for the installed writer.
func TestFlushWaitsForTheInstalledWriter(t *testing.T) {
	dst := &lockedBuffer{}
	w := logs.NewWriter(dst, nil)
	defer w.Close()
	defer logs.Set(slog.New(slog.NewJSONHandler(w, nil)), w.Flush, nil)()
	for i := range 1000 {
		logs.L().Info("op", "i", i)
	}
	logs.Flush()
	if n := strings.Count(dst.String(), "\n"); n != 1000 {
		t.Errorf("%d records written when Flush returned; want 1000", n)
	}
}
