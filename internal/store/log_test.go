package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestOpenLogRecords(t *testing.T) {
	s := testStore(t)
	logLog, err := s.OpenLog(LogOptions{Session: "tutorial", Level: "debug"})
	if err != nil {
		t.Fatal(err)
	}
	log, closeLog := logLog.Logger, logLog.Close
	log.Info("command", "input", "await motor.SetPosition(2 * q.MM)")
	log.Debug("task start", "task", 3)
	if err := closeLog(); err != nil {
		t.Fatal(err)
	}
	log.Info("after close is dropped")
	b, err := os.ReadFile(filepath.Join(s.DataDir, "log", "concert.log"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 {
		t.Fatalf("log has %d lines; want 2:\n%s", len(lines), b)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"level": "INFO", "msg": "command", "session": "tutorial", "input": "await motor.SetPosition(2 * q.MM)"} {
		if rec[k] != want {
			t.Errorf("record[%q] = %v; want %v", k, rec[k], want)
		}
	}
	if _, ok := rec["time"]; !ok {
		t.Errorf("record has no time: %s", lines[0])
	}
}

func TestOpenLogOptions(t *testing.T) {
	s := testStore(t)
	var stderr bytes.Buffer
	logLog, err := s.OpenLog(LogOptions{Session: "a", To: "stderr", Level: "warn", Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	log, closeLog := logLog.Logger, logLog.Close
	log.Info("hidden")
	log.Warn("shown", "device", "motor")
	closeLog()
	if got := stderr.String(); !strings.Contains(got, "level=WARN msg=shown session=a device=motor") || strings.Contains(got, "hidden") {
		t.Errorf("stderr log = %q", got)
	}
	tests := []struct {
		o       LogOptions
		wantErr string
	}{
		{LogOptions{To: "syslog"}, `--logto "syslog": use stderr or file`},
		{LogOptions{Level: "loud"}, `--loglevel "loud": use debug, info, warn or error`},
	}
	for _, tt := range tests {
		if _, err := s.OpenLog(tt.o); errText(err) != tt.wantErr {
			t.Errorf("OpenLog(%+v) = %q; want %q", tt.o, errText(err), tt.wantErr)
		}
	}
}

// Two writers on one path stand for two concert processes: rotation keeps
// every record while the files stay bounded.
func TestRotationBoundedAndLossless(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "concert.log")
	const max, keep, perWriter = 2000, 50, 300
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		f, err := openRotating(path, max, keep)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer f.Close()
			for i := 0; i < perWriter; i++ {
				if _, err := f.Write([]byte("0123456789012345678901234567890123456789\n")); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	files := LogFiles(path, keep)
	lines := 0
	for _, p := range files {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > max {
			t.Errorf("%s has %d bytes; want at most %d", filepath.Base(p), fi.Size(), max)
		}
		f, _ := os.Open(p)
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			lines++
		}
		f.Close()
	}
	if lines != 2*perWriter {
		t.Errorf("%d records in %d files; want %d", lines, len(files), 2*perWriter)
	}

	// With few files kept, old records go: the log cannot grow without bound.
	small := filepath.Join(dir, "small.log")
	f, err := openRotating(small, 100, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		f.Write([]byte("0123456789012345678901234567890123456789\n"))
	}
	f.Close()
	if got := LogFiles(small, 10); len(got) != 3 {
		t.Errorf("LogFiles = %v; want small.log.2, small.log.1, small.log", got)
	}
}

// TestLogRecoversFromFailedReopen: a log file that cannot be opened for a
// moment (here a directory where it was) loses the records of that moment,
// not every record after it.
func TestLogRecoversFromFailedReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "concert.log")
	f, err := openRotating(path, 1<<20, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("lost\n")); err == nil {
		t.Fatal("write to a log that is a directory succeeded")
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("kept\n")); err != nil {
		t.Fatalf("write once the log can be opened again: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "kept\n" {
		t.Errorf("log holds %q; want %q", b, "kept\n")
	}
}

// The buffered writer hands the file several records at once: a batch
// longer than the limit is split between records, so the files stay
// bounded and no record is split.
func TestRotationSplitsLongBatches(t *testing.T) {
	path := filepath.Join(t.TempDir(), "concert.log")
	f, err := openRotating(path, 100, 50)
	if err != nil {
		t.Fatal(err)
	}
	var batch []byte
	for i := 0; i < 40; i++ {
		batch = append(batch, fmt.Sprintf("record %02d 0123456789012345678901234567890\n", i)...)
	}
	if n, err := f.Write(batch); err != nil || n != len(batch) {
		t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(batch))
	}
	f.Close()
	var all []byte
	for _, p := range LogFiles(path, 50) {
		b, _ := os.ReadFile(p)
		if len(b) > 100 || len(b) == 0 || b[len(b)-1] != '\n' {
			t.Errorf("%s holds %d bytes ending %q; want whole records, at most 100 bytes", filepath.Base(p), len(b), b[max(0, len(b)-1):])
		}
		all = append(all, b...)
	}
	if !bytes.Equal(all, batch) {
		t.Errorf("the files hold, oldest first:\n%s\nwant:\n%s", all, batch)
	}
}

// --logfile /dev/full: nothing to rotate and no lock file next to it
// (/dev/full.lock), and the write error reaches OnError instead of
// vanishing.
func TestLogToDeviceFile(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full here")
	}
	os.Remove("/dev/full.lock") // left by an older concert
	s := testStore(t)
	var mu sync.Mutex
	var errs []error
	l, err := s.OpenLog(LogOptions{Session: "a", File: "/dev/full", OnError: func(err error) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, err)
	}})
	if err != nil {
		t.Fatal(err)
	}
	l.Info("command", "input", "1")
	l.Flush()
	l.Close()
	if _, err := os.Stat("/dev/full.lock"); err == nil {
		os.Remove("/dev/full.lock")
		t.Error("/dev/full.lock was created")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "no space left on device") {
		t.Errorf("OnError got %v; want the write error, no space left on device", errs)
	}
}
