package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// testStore returns a Store in a temporary XDG data directory, with one
// bundled session "tutorial", the way New finds it.
func testStore(t *testing.T) *Store {
	t.Helper()
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv(EnvSessionsDir, "")
	s, err := New(fstest.MapFS{"tutorial.go": {Data: []byte(bundledSrc)}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestNewDirs(t *testing.T) {
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	t.Setenv(EnvSessionsDir, "")
	s, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(data, "concert", "sessions"); s.Dir != want {
		t.Errorf("Dir = %q; want %q", s.Dir, want)
	}
	if want := filepath.Join(data, "concert"); s.DataDir != want {
		t.Errorf("DataDir = %q; want %q", s.DataDir, want)
	}
	own := t.TempDir()
	t.Setenv(EnvSessionsDir, own)
	if s, _ = New(nil); s.Dir != own {
		t.Errorf("with $%s: Dir = %q; want %q", EnvSessionsDir, s.Dir, own)
	}
	t.Chdir(own)
	t.Setenv(EnvSessionsDir, "rel")
	if s, _ = New(nil); s.Dir != filepath.Join(own, "rel") {
		t.Errorf("with a relative $%s: Dir = %q; want %q", EnvSessionsDir, s.Dir, filepath.Join(own, "rel"))
	}
}

func TestLoad(t *testing.T) {
	s := testStore(t)
	tests := []struct {
		name, wantPath, wantErr string
	}{
		{"tutorial", "bundled/tutorial.go", ""},
		{"mine", filepath.Join(s.Dir, "mine.go"), ""},
		{"nope", "", `no session "nope" (concert show lists them)`},
		{"../etc/passwd", "", `invalid session name "../etc/passwd": a session name is a plain name such as tutorial, not a path`},
	}
	if err := s.Write("mine", []byte("x := 1\n"), false); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		_, p, err := s.Load(tt.name)
		if p != tt.wantPath || errText(err) != tt.wantErr {
			t.Errorf("Load(%q) = %q, %q; want %q, %q", tt.name, p, errText(err), tt.wantPath, tt.wantErr)
		}
	}
	// A user session hides the bundled one of the same name.
	if err := s.Write("tutorial", []byte("mine\n"), false); err != nil {
		t.Fatal(err)
	}
	if src, p, _ := s.Load("tutorial"); string(src) != "mine\n" || p != filepath.Join(s.Dir, "tutorial.go") {
		t.Errorf("Load(tutorial) = %q, %q; want the user session", src, p)
	}
}

func TestWriteNeverOverwrites(t *testing.T) {
	s := testStore(t)
	if err := s.Write("a", []byte("one\n"), false); err != nil {
		t.Fatal(err)
	}
	err := s.Write("a", []byte("two\n"), false)
	want := `session "a" exists already (` + filepath.Join(s.Dir, "a.go") + `)`
	if errText(err) != want {
		t.Errorf("Write again = %q; want %q", errText(err), want)
	}
	if src, _, _ := s.Load("a"); string(src) != "one\n" {
		t.Errorf("after a refused Write the session holds %q", src)
	}
	if err := s.Write("a", []byte("two\n"), true); err != nil {
		t.Fatalf("Write with force: %v", err)
	}
	if src, _, _ := s.Load("a"); string(src) != "two\n" {
		t.Errorf("after a forced Write the session holds %q", src)
	}
	entries, _ := os.ReadDir(s.Dir)
	if len(entries) != 1 {
		t.Errorf("sessions dir holds %d files; want only a.go (no temporary files left)", len(entries))
	}
}

func TestCopyMoveRemoveRestore(t *testing.T) {
	s := testStore(t)
	steps := []struct {
		op      string
		run     func() error
		wantErr string
	}{
		{"cp tutorial mine", func() error { return s.Copy("tutorial", "mine") }, ""},
		{"cp tutorial mine again", func() error { return s.Copy("tutorial", "mine") }, `session "mine" exists already (` + filepath.Join(s.Dir, "mine.go") + ")"},
		{"cp nope x", func() error { return s.Copy("nope", "x") }, `no session "nope" (concert show lists them)`},
		{"cp mine ../x", func() error { return s.Copy("mine", "../x") }, `invalid session name "../x": a session name is a plain name such as tutorial, not a path`},
		{"mv tutorial x", func() error { return s.Move("tutorial", "x") }, `session "tutorial" is bundled with concert and cannot be changed; copy it first: concert cp tutorial my-tutorial`},
		{"mv mine other", func() error { return s.Move("mine", "other") }, ""},
		{"mv mine other again", func() error { return s.Move("mine", "other") }, `no session "mine" (concert show lists them)`},
		{"cp other mine", func() error { return s.Copy("other", "mine") }, ""},
		{"mv mine other onto existing", func() error { return s.Move("mine", "other") }, `session "other" exists already (` + filepath.Join(s.Dir, "other.go") + ")"},
		{"rm other", func() error { _, err := s.Remove("other"); return err }, ""},
		{"rm other again", func() error { _, err := s.Remove("other"); return err }, `no session "other" (concert show lists them)`},
		{"rm tutorial", func() error { _, err := s.Remove("tutorial"); return err }, `session "tutorial" is bundled with concert and cannot be changed; copy it first: concert cp tutorial my-tutorial`},
		{"restore other", func() error { return s.Restore("other") }, ""},
		{"restore other again", func() error { return s.Restore("other") }, `no removed session "other" to restore`},
		{"restore mine", func() error { return s.Restore("mine") }, `no removed session "mine" to restore`},
	}
	for _, st := range steps {
		if err := st.run(); errText(err) != st.wantErr {
			t.Fatalf("%s: error %q; want %q", st.op, errText(err), st.wantErr)
		}
	}
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, i := range list {
		names = append(names, i.Name)
	}
	if got, want := len(names), 3; got != want || names[0] != "mine" || names[1] != "other" || names[2] != "tutorial" {
		t.Errorf("List names = %v; want [mine other tutorial]", names)
	}
	if src, _, _ := s.Load("other"); string(src) != bundledSrc {
		t.Errorf("restored session holds %q; want the tutorial copy", src)
	}
}

func TestRemoveKeepsEveryBackup(t *testing.T) {
	s := testStore(t)
	for _, v := range []string{"first\n", "second\n"} {
		if err := s.Write("a", []byte(v), false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Remove("a"); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.Trashed(); len(got) != 1 || got[0] != "a" {
		t.Errorf("Trashed = %v; want [a]", got)
	}
	for i, want := range []string{"second\n", "first\n"} {
		if err := s.Restore("a"); err != nil {
			t.Fatal(err)
		}
		if src, _, _ := s.Load("a"); string(src) != want {
			t.Errorf("restore %d gave %q; want %q", i+1, src, want)
		}
		if err := s.Move("a", fmt.Sprintf("a%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Restore("a"); errText(err) != `no removed session "a" to restore` {
		t.Errorf("Restore with an empty trash = %q", errText(err))
	}
}

func TestWriteFile(t *testing.T) {
	tests := []struct {
		name    string
		replace bool
		want    string // the file's content after
		wantErr bool   // an error matching fs.ErrExist
	}{
		{"keeps an existing file", false, "old", true},
		{"replaces it when asked", true, "new", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "docs.md")
			if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
				t.Fatal(err)
			}
			err := WriteFile(p, []byte("new"), tt.replace)
			if errors.Is(err, fs.ErrExist) != tt.wantErr || (err != nil && !tt.wantErr) {
				t.Errorf("WriteFile error = %v; want ErrExist %v", err, tt.wantErr)
			}
			if got, _ := os.ReadFile(p); string(got) != tt.want {
				t.Errorf("file holds %q; want %q", got, tt.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("left behind: %v", entries)
			}
		})
	}
}

// TestForcedWriteKeepsBackup: init --force or import --force on the wrong
// name must not lose the session it replaces; Restore brings it back once
// the new one is out of the way.
func TestForcedWriteKeepsBackup(t *testing.T) {
	s := testStore(t)
	if err := s.Write("scan", []byte("mine\n"), false); err != nil {
		t.Fatal(err)
	}
	if err := s.Write("scan", []byte("template\n"), true); err != nil {
		t.Fatal(err)
	}
	if err := s.Move("scan", "scan-new"); err != nil {
		t.Fatal(err)
	}
	if err := s.Restore("scan"); err != nil {
		t.Fatalf("Restore after a forced Write: %v", err)
	}
	if src, _, _ := s.Load("scan"); string(src) != "mine\n" {
		t.Errorf("restored session holds %q; want the replaced one", src)
	}
}

// TestTrashOnAnotherFileSystem: with CONCERT_SESSIONS_DIR on another file
// system than the data directory, rm, restore and a forced write still
// keep every session.
func TestTrashOnAnotherFileSystem(t *testing.T) {
	other, err := os.MkdirTemp("/dev/shm", "concert-sessions-")
	if err != nil {
		t.Skip("no /dev/shm:", err)
	}
	t.Cleanup(func() { os.RemoveAll(other) })
	data := t.TempDir()
	if sameDevice(other, data) {
		t.Skip("/dev/shm is on the same file system as", data)
	}
	t.Setenv("XDG_DATA_HOME", data)
	t.Setenv(EnvSessionsDir, other)
	s, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		op  string
		run func() error
	}{
		{"write", func() error { return s.Write("scan", []byte("one\n"), false) }},
		{"rm", func() error { _, err := s.Remove("scan"); return err }},
		{"restore", func() error { return s.Restore("scan") }},
		{"forced write", func() error { return s.Write("scan", []byte("two\n"), true) }},
		{"mv", func() error { return s.Move("scan", "scan-new") }},
		{"restore the replaced one", func() error { return s.Restore("scan") }},
	}
	for _, st := range steps {
		if err := st.run(); err != nil {
			t.Fatalf("%s: %v", st.op, err)
		}
	}
	for name, want := range map[string]string{"scan": "one\n", "scan-new": "two\n"} {
		if src, _, _ := s.Load(name); string(src) != want {
			t.Errorf("%s holds %q; want %q", name, src, want)
		}
	}
}
