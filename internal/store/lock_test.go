//go:build unix

package store

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLockHelperProcess is not a test: it is the process that holds a lock
// for TestLockKilledOwner, started from the test binary.
func TestLockHelperProcess(t *testing.T) {
	if os.Getenv("STORE_LOCK_HELPER") == "" {
		t.Skip("helper process only")
	}
	s, err := New(nil)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	if _, _, err := s.Lock("beam", nil); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("locked")
	time.Sleep(time.Minute)
	os.Exit(0)
}

func TestLockKilledOwner(t *testing.T) {
	s := testStore(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelperProcess$")
	cmd.Env = append(os.Environ(), "STORE_LOCK_HELPER=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "locked\n" {
		t.Fatalf("helper said %q", line)
	}
	pid := cmd.Process.Pid

	_, _, err = s.Lock("beam", nil)
	var re *RunningError
	if !errors.As(err, &re) || re.PID != pid {
		t.Fatalf("Lock while another process holds it = %v; want a *RunningError naming process %d", err, pid)
	}
	wantPrefix := fmt.Sprintf(`session "beam" is already running (process %d since `, pid)
	wantSuffix := `); stop it first, or put the line "// concert:multi-instance" in the session to allow several instances`
	if msg := err.Error(); !strings.HasPrefix(msg, wantPrefix) || !strings.HasSuffix(msg, wantSuffix) {
		t.Errorf("error = %q; want %q...%q", msg, wantPrefix, wantSuffix)
	}

	cmd.Process.Kill()
	cmd.Wait()

	l, note, err := s.Lock("beam", nil)
	if err != nil {
		t.Fatalf("Lock after its owner was killed: %v", err)
	}
	wantNote := fmt.Sprintf(`concert: cleared the stale lock of session "beam" left by process %d (started `, pid)
	if !strings.HasPrefix(note, wantNote) || !strings.HasSuffix(note, "), which is gone") {
		t.Errorf("note = %q; want %q...", note, wantNote)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Errorf("second Release: %v", err)
	}
	if _, err := os.Stat(filepath.Join(s.DataDir, "locks", "beam.lock")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file after Release: %v; want it gone", err)
	}
	l, note, err = s.Lock("beam", nil)
	if err != nil || note != "" {
		t.Errorf("Lock after a clean release = %q, %v; want no note, no error", note, err)
	}
	l.Release()
}

func TestLockInProcess(t *testing.T) {
	s := testStore(t)
	l, _, err := s.Lock("a", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if _, _, err := s.Lock("a", nil); !errors.As(err, new(*RunningError)) {
		t.Errorf("second Lock of a = %v; want a *RunningError", err)
	}
	b, _, err := s.Lock("b", nil)
	if err != nil {
		t.Errorf("Lock of another session: %v", err)
	}
	b.Release()
	multi := []byte("// Runs many times.\n" + MultiInstanceDirective + "\n")
	for i := 0; i < 2; i++ {
		m, note, err := s.Lock("a", multi)
		if m != nil || note != "" || err != nil {
			t.Errorf("Lock of a multi-instance session = %v, %q, %v; want nil, \"\", nil", m, note, err)
		}
		if err := m.Release(); err != nil {
			t.Errorf("Release of a nil lock: %v", err)
		}
	}
	dir := t.TempDir()
	os.WriteFile(dir+"/my scan.v2.go", nil, 0o644)
	os.WriteFile(dir+"/other.go", nil, 0o644)
	f1, _, err := s.LockFile(dir+"/my scan.v2.go", nil)
	if err != nil {
		t.Fatalf("LockFile of a file whose name is no session name: %v", err)
	}
	_, _, err = s.LockFile(dir+"/../"+filepath.Base(dir)+"/my scan.v2.go", nil)
	if want := `session "` + dir + `/my scan.v2.go" is already running (process `; !strings.HasPrefix(errText(err), want) {
		t.Errorf("second LockFile of the same file = %q; want %q...", errText(err), want)
	}
	f2, _, err := s.LockFile(dir+"/other.go", nil)
	if err != nil {
		t.Errorf("LockFile of another file: %v", err)
	}
	f1.Release()
	f2.Release()
	if _, _, err := s.Lock("../a", nil); errText(err) != `invalid session name "../a": a session name is a plain name such as tutorial, not a path` {
		t.Errorf("Lock(../a) = %v", err)
	}
}

// One file is one session whichever way it is named: by session name, by
// its path, by a path with .. in it, or through a symbolic link (issue 16).
func TestLockPerRealFile(t *testing.T) {
	s := testStore(t)
	if err := s.Write("myexp", []byte("x := 1\n"), false); err != nil {
		t.Fatal(err)
	}
	p, _ := s.Path("myexp")
	link := filepath.Join(t.TempDir(), "link.go")
	if err := os.Symlink(p, link); err != nil {
		t.Fatal(err)
	}
	dotdot := filepath.Join(s.Dir, "..", filepath.Base(s.Dir), "myexp.go")
	type locker func() (*Lock, string, error)
	ways := map[string]locker{
		"name":    func() (*Lock, string, error) { return s.Lock("myexp", nil) },
		"path":    func() (*Lock, string, error) { return s.LockFile(p, nil) },
		"..":      func() (*Lock, string, error) { return s.LockFile(dotdot, nil) },
		"symlink": func() (*Lock, string, error) { return s.LockFile(link, nil) },
	}
	for first, lock1 := range ways {
		l, _, err := lock1()
		if err != nil {
			t.Fatalf("lock by %s: %v", first, err)
		}
		for second, lock2 := range ways {
			if _, _, err := lock2(); !errors.As(err, new(*RunningError)) {
				t.Errorf("locked by %s, then by %s: %v; want a *RunningError", first, second, err)
			}
		}
		l.Release()
	}
}
