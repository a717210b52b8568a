package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func sessionFiles(t *testing.T, dir string) string {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return strings.Join(names, " ")
}

func TestImport(t *testing.T) {
	e, st := testEnv(t)
	src := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(src, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	scan := write("scan.go", "// Scan.\nx := 1\n")
	broken := write("broken.go", "x := 1\ny := := 2\n")
	write("my scan.go", "x := 1\n")
	notGo := write("notes.txt", "hello\n")

	mux := http.NewServeMux()
	mux.HandleFunc("/s/tomo.go", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("// Tomo.\ny := 2\n")) })
	mux.HandleFunc("/s/page.go", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<!DOCTYPE html>\n<html><body>tomo.go</body></html>\n"))
	})
	srv := httptest.NewServer(mux) // loopback only
	defer srv.Close()

	tests := []struct {
		args       []string
		wantErr    string
		wantStatus int
		wantFiles  string
	}{
		{[]string{"import", scan, srv.URL + "/s/tomo.go"}, "Imported scan from " + scan + "\nImported tomo from " + srv.URL + "/s/tomo.go\n", 0, "scan.go tomo.go"},
		{[]string{"import", scan}, "concert: import " + scan + `: session "scan" exists already (` + filepath.Join(st.Dir, "scan.go") + "); --force replaces it; nothing imported\n", 1, "scan.go tomo.go"},
		{[]string{"import", "--force", scan}, "Imported scan from " + scan + "\nThe session it replaced is in the trash; to get it back: concert mv scan scan-new && concert restore scan\n", 0, "scan.go tomo.go"},
		{[]string{"import", write("new.go", "z := 3\n"), srv.URL + "/s/missing.go"}, "concert: import " + srv.URL + "/s/missing.go: the server answered 404 Not Found; nothing imported\n", 1, "scan.go tomo.go"},
		{[]string{"import", srv.URL + "/s/page.go"}, "concert: import " + srv.URL + "/s/page.go: it does not parse as a session; nothing imported:\n" + srv.URL + "/s/page.go:1:1: expected statement, found '<'\n", 1, "scan.go tomo.go"},
		{[]string{"import", broken}, "concert: import " + broken + ": it does not parse as a session; nothing imported:\n" + broken + ":2:6: expected operand, found ':='\n", 1, "scan.go tomo.go"},
		{[]string{"import", filepath.Join(src, "my scan.go")}, "concert: import " + filepath.Join(src, "my scan.go") + `: invalid session name "my scan": ' ' is not allowed; use letters, digits, '_' and '-'; nothing imported` + "\n", 2, "scan.go tomo.go"},
		{[]string{"import", notGo}, "concert: import " + notGo + `: "notes.txt" is not a .go file; nothing imported` + "\n", 1, "scan.go tomo.go"},
		{[]string{"import", filepath.Join(src, "gone.go")}, "concert: import " + filepath.Join(src, "gone.go") + ": open " + filepath.Join(src, "gone.go") + ": no such file or directory; nothing imported\n", 1, "scan.go tomo.go"},
		{[]string{"import", scan, scan}, "concert: import: two sessions named scan (" + scan + " and " + scan + "); nothing imported\n", 1, "scan.go tomo.go"},
	}
	for _, tt := range tests {
		_, errOut, code := run(e, tt.args...)
		if errOut != tt.wantErr || code != tt.wantStatus {
			t.Errorf("concert %s:\nstderr %q, status %d\nwant   %q, status %d", strings.Join(tt.args, " "), errOut, code, tt.wantErr, tt.wantStatus)
		}
		if got := sessionFiles(t, st.Dir); got != tt.wantFiles {
			t.Errorf("concert %s: sessions %q; want %q", strings.Join(tt.args, " "), got, tt.wantFiles)
		}
	}
}

func TestImportZipFromExport(t *testing.T) {
	e, st := testEnv(t)
	for _, n := range []string{"a", "b"} {
		if err := st.Write(n, []byte("// "+n+"\nx := 1\n"), false); err != nil {
			t.Fatal(err)
		}
	}
	archive := filepath.Join(t.TempDir(), "all.zip")
	if _, errOut, code := run(e, "export", archive); code != 0 {
		t.Fatal(errOut)
	}
	run(e, "rm", "a", "b")
	_, errOut, code := run(e, "import", archive)
	want := "Imported a from " + archive + ":a.go\nImported b from " + archive + ":b.go\n"
	if errOut != want || code != 0 {
		t.Errorf("import zip: %q, %d; want %q", errOut, code, want)
	}
	if got := fileText(t, filepath.Join(st.Dir, "b.go")); got != "// b\nx := 1\n" {
		t.Errorf("b.go = %q", got)
	}
}

func TestImportRepo(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	e, st := testEnv(t)
	repo := t.TempDir()
	files := map[string]string{
		"beam.go":           "// Beam.\nx := 1\n",
		"sub/tomo.go":       "// Tomo.\ny := 2\n",
		"sub/tomo_test.go":  "package x\n",
		"README.md":         "# sessions\n",
		".hidden/README.md": "x\n",
	}
	for name, text := range files {
		p := filepath.Join(repo, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-C", repo, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "sessions")

	_, errOut, code := run(e, "import", "--repo", repo)
	want := "Imported beam from " + repo + ":beam.go\nImported tomo from " + repo + ":sub/tomo.go\n"
	if errOut != want || code != 0 {
		t.Errorf("import --repo: %q, %d; want %q", errOut, code, want)
	}
	if got := sessionFiles(t, st.Dir); got != "beam.go tomo.go" {
		t.Errorf("sessions %q", got)
	}
	missing := filepath.Join(t.TempDir(), "nothing")
	_, errOut, code = run(e, "import", "--repo", missing)
	if code != 1 || !strings.HasPrefix(errOut, "concert: import "+missing+": git clone failed: ") || !strings.HasSuffix(errOut, "; nothing imported\n") {
		t.Errorf("import --repo of no repository: %q, %d", errOut, code)
	}
}
