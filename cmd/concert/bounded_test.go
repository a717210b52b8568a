//go:build unix

package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/concert-go/concert/sessions"
)

// Files from outside are read through one bound: regular files only, at
// most 4 MiB (issue 16: start --filename /dev/zero read 24 GB; a pipe
// without a writer blocked forever).
func TestStartBoundedReads(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.go")
	os.WriteFile(big, bytes.Repeat([]byte("// padding\n"), 500_000), 0o644)
	fifo := filepath.Join(dir, "fifo.go")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	ok := filepath.Join(dir, "ok.go")
	os.WriteFile(ok, []byte("x := 1\n"), 0o644)
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"--filename", "/dev/zero"}, "concert: /dev/zero is a device; give a session or command file\n"},
		{[]string{"--filename", fifo}, "concert: " + fifo + " is a pipe; give a session or command file\n"},
		{[]string{"--filename", dir}, "concert: " + dir + " is a directory; give a session or command file\n"},
		{[]string{"--filename", big}, "concert: " + big + " is larger than 4 MiB, too large for a session or command file\n"},
		{[]string{"--filename", ok, "--init", "/dev/zero"}, "Sorry, init file: /dev/zero is a device; give a session or command file\n"},
		{[]string{"--filename", ok, "--init", big}, "Sorry, init file: " + big + " is larger than 4 MiB, too large for a session or command file\n"},
	}
	for _, tt := range tests {
		e, _ := testEnv(t)
		e.Bundled = sessions.FS
		args := append([]string{"start", "--non-interactive"}, tt.args...)
		_, stderr, code := runRoot(e, args...)
		if stderr != tt.stderr || code != 1 {
			t.Errorf("concert %v: status %d, stderr %q; want 1, %q", args, code, stderr, tt.stderr)
		}
	}
}

// A session in a repository that is a symbolic link leaving it is refused,
// whatever it points at (issue 16: /dev/zero ran out of memory,
// /etc/hostname was imported as a session).
func TestImportRepoSymlinkOut(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	outside := filepath.Join(t.TempDir(), "hostname")
	os.WriteFile(outside, []byte("x := 1\n"), 0o644)
	for _, target := range []string{"/dev/zero", outside} {
		e, st := testEnv(t)
		repo := t.TempDir()
		os.WriteFile(filepath.Join(repo, "beam.go"), []byte("// Beam.\nx := 1\n"), 0o644)
		os.Symlink("beam.go", filepath.Join(repo, "inside.go")) // relative: stays inside
		os.Symlink(target, filepath.Join(repo, "link.go"))
		for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"commit", "-q", "-m", "s"}} {
			cmd := exec.Command("git", append([]string{"-C", repo, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("git %v: %v\n%s", args, err, out)
			}
		}
		_, errOut, code := run(e, "import", "--repo", repo)
		want := "concert: import " + repo + ": link.go is a symbolic link that leads out of the repository; refused; nothing imported\n"
		if errOut != want || code != 1 {
			t.Errorf("import --repo with link.go -> %s: %q, %d; want %q", target, errOut, code, want)
		}
		if got := sessionFiles(t, st.Dir); got != "" {
			t.Errorf("sessions after a refused import: %q", got)
		}
	}
}

// A file to import is read through the same bound as start's.
func TestImportFileBounded(t *testing.T) {
	e, st := testEnv(t)
	dir := t.TempDir()
	zero := filepath.Join(dir, "zero.go")
	os.Symlink("/dev/zero", zero)
	_, errOut, code := run(e, "import", zero)
	want := "concert: import " + zero + ": " + zero + " is a device; give a session or command file; nothing imported\n"
	if errOut != want || code != 1 {
		t.Errorf("import of a link to /dev/zero: %q, %d; want %q", errOut, code, want)
	}
	if got := sessionFiles(t, st.Dir); got != "" {
		t.Errorf("sessions: %q", got)
	}
}

func writeZip(t *testing.T, path, comment string, files map[string][]byte) {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	z.SetComment(comment)
	for name, data := range files {
		w, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A zip import is bounded in all, not only per entry, before anything is
// written (issue 16: 60 entries of 4 MiB wrote 240 MB).
func TestImportZipBounded(t *testing.T) {
	e, st := testEnv(t)
	dir := t.TempDir()
	big := map[string][]byte{}
	session := append([]byte("x := 1\n"), bytes.Repeat([]byte("//\n"), 1<<20)...) // 3 MiB, under the bound of one
	for i := range 30 {
		big[fmt.Sprintf("s%d.go", i)] = session
	}
	many := map[string][]byte{}
	for i := range 1001 {
		many[fmt.Sprintf("s%d.go", i)] = []byte("x := 1\n")
	}
	bigZip, manyZip := filepath.Join(dir, "big.zip"), filepath.Join(dir, "many.zip")
	writeZip(t, bigZip, "", big)
	writeZip(t, manyZip, "", many)
	tests := []struct{ archive, want string }{
		{bigZip, "concert: import " + bigZip + ": more than 64 MiB of sessions in one import; import fewer at a time; nothing imported\n"},
		{manyZip, "concert: import " + manyZip + ": more than 1000 sessions in one import; import fewer at a time; nothing imported\n"},
	}
	for _, tt := range tests {
		_, errOut, code := run(e, "import", tt.archive)
		if errOut != tt.want || code != 1 {
			t.Errorf("import %s: %q, %d; want %q", filepath.Base(tt.archive), errOut, code, tt.want)
		}
		if got := sessionFiles(t, st.Dir); got != "" {
			t.Errorf("sessions after a refused import: %.100q", got)
		}
	}
}

// An import writes all its sessions or none (issue 16: when the second
// failed, the first stayed).
func TestImportAllOrNothing(t *testing.T) {
	e, st := testEnv(t)
	src := t.TempDir()
	a, b := filepath.Join(src, "a.go"), filepath.Join(src, "b.go")
	os.WriteFile(a, []byte("// New a.\nx := 1\n"), 0o644)
	os.WriteFile(b, []byte("// New b.\nx := 2\n"), 0o644)
	os.MkdirAll(st.Dir, 0o755)

	// A name taken after the check (a link to nothing, as a concurrent
	// import might leave): the second link fails, the first is undone.
	os.Symlink(filepath.Join(src, "nothing"), filepath.Join(st.Dir, "b.go"))
	_, errOut, code := run(e, "import", a, b)
	want := "concert: import " + b + `: session "b" exists already (` + filepath.Join(st.Dir, "b.go") + "); nothing imported\n"
	if errOut != want || code != 1 {
		t.Errorf("import a b with b taken: %q, %d; want %q", errOut, code, want)
	}
	if got := sessionFiles(t, st.Dir); got != "b.go" {
		t.Errorf("sessions after the failed import: %q; want b.go (the link) only", got)
	}
	os.Remove(filepath.Join(st.Dir, "b.go"))

	// With --force, a directory in the way of b: a keeps its old text.
	os.WriteFile(filepath.Join(st.Dir, "a.go"), []byte("// Old a.\n"), 0o644)
	os.Mkdir(filepath.Join(st.Dir, "b.go"), 0o755)
	_, errOut, code = run(e, "import", "--force", a, b)
	want = "concert: import " + b + `: a directory is in the way of session "b" at ` + filepath.Join(st.Dir, "b.go") + "; move it away; nothing imported\n"
	if errOut != want || code != 1 {
		t.Errorf("import --force a b with a directory b.go: %q, %d; want %q", errOut, code, want)
	}
	if got := fileText(t, filepath.Join(st.Dir, "a.go")); got != "// Old a.\n" {
		t.Errorf("a.go after the failed import: %q; want the old text", got)
	}
	if got := sessionFiles(t, st.Dir); got != "a.go b.go" {
		t.Errorf("sessions after the failed import: %q; want a.go b.go (no temporary files)", got)
	}
	if trashed, _ := st.Trashed(); len(trashed) != 0 {
		t.Errorf("trash after the failed import: %v; want empty", trashed)
	}
}

// What export writes, import restores: a session that does not parse too,
// as it is, with a note; the file times come back (issue 16).
func TestExportImportRestores(t *testing.T) {
	e, st := testEnv(t)
	texts := map[string]string{"good": "// Good.\nx := 1\n", "broken": "// Broken.\nx := := 1\n"}
	for name, text := range texts {
		if err := st.Write(name, []byte(text), false); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	os.Chtimes(filepath.Join(st.Dir, "good.go"), old, old)
	archive := filepath.Join(t.TempDir(), "backup.zip")
	_, errOut, code := run(e, "export", archive)
	if want := "Note: broken does not parse; exported as it is, and import restores it so\nExported 2 sessions to " + archive + "\n"; errOut != want || code != 0 {
		t.Fatalf("export: %q, %d; want %q", errOut, code, want)
	}
	st.Write("good", []byte("// Changed.\n"), true)
	_, errOut, code = run(e, "import", "--force", archive)
	want := "Imported broken from " + archive + ":broken.go\n" +
		"Note: broken does not parse, imported as the archive holds it (concert edit broken to fix it): " + archive + ":broken.go:2:6: expected operand, found ':='\n" +
		"The session it replaced is in the trash; to get it back: concert mv broken broken-new && concert restore broken\n" +
		"Imported good from " + archive + ":good.go\n" +
		"The session it replaced is in the trash; to get it back: concert mv good good-new && concert restore good\n"
	if errOut != want || code != 0 {
		t.Errorf("import --force of the export:\n%q, %d; want\n%q", errOut, code, want)
	}
	for name, text := range texts {
		if got := fileText(t, filepath.Join(st.Dir, name+".go")); got != text {
			t.Errorf("%s.go after the round trip = %q; want %q", name, got, text)
		}
	}
	if fi, err := os.Stat(filepath.Join(st.Dir, "good.go")); err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("good.go's time after the round trip: %v %v; want %v", fi.ModTime(), err, old)
	}
	// A zip not written by export is checked as before.
	other := filepath.Join(t.TempDir(), "other.zip")
	writeZip(t, other, "", map[string][]byte{"broken.go": []byte(texts["broken"])})
	if _, errOut, _ := run(e, "import", "--force", other); !strings.Contains(errOut, "it does not parse as a session; nothing imported") {
		t.Errorf("import of a zip not from export with a broken session: %q", errOut)
	}
}

// Messages never show the credentials of a URL (issue 16).
func TestImportURLCredentials(t *testing.T) {
	e, _ := testEnv(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	withCreds := strings.Replace(srv.URL, "http://", "http://user:secret@", 1)
	for _, u := range []string{withCreds + "/s/x.go", "http://user:secret@127.0.0.1:1/x.go"} {
		_, errOut, code := run(e, "import", u)
		if code != 1 || strings.Contains(errOut, "secret") || strings.Contains(errOut, "user") {
			t.Errorf("import %s: %q, %d; want an error without the credentials", u, errOut, code)
		}
	}
}
