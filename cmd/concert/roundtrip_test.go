package main

import (
	"archive/zip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The round trip: init -> edit -> show -> cp -> mv -> export -> rm
// -> restore, each step as a user sees it.
func TestRoundTrip(t *testing.T) {
	e, st := testEnv(t)
	setEditor(t, e, `printf 'answer := 42 // added by the editor\n' >> "$1"`)
	dir := st.Dir
	archive := filepath.Join(t.TempDir(), "beamtime")
	steps := []struct {
		args       []string
		wantOut    string
		wantErr    string
		wantStatus int
	}{
		{[]string{"init", "scan"}, "", "Created session scan at " + filepath.Join(dir, "scan.go") + "; edit it with: concert edit scan\n", 0},
		{[]string{"init", "scan"}, "", `concert: session "scan" exists already (` + filepath.Join(dir, "scan.go") + "); --force replaces it\n", 1},
		{[]string{"edit", "scan"}, "", "", 0},
		{[]string{"show"}, "scan      scan: say here what this session is for.\ntutorial  Tutorial: a motor, a shutter and a camera to try concert with. (bundled)\n", "", 0},
		{[]string{"cp", "scan", "scan2"}, "", "Copied scan to scan2\n", 0},
		{[]string{"mv", "scan2", "tomo"}, "", "Renamed scan2 to tomo\n", 0},
		{[]string{"mv", "scan", "tomo"}, "", `concert: session "tomo" exists already (` + filepath.Join(dir, "tomo.go") + "); remove it first (concert rm tomo) or choose another name\n", 1},
		{[]string{"export", archive}, "", "Exported 2 sessions to " + archive + ".zip\n", 0},
		{[]string{"export", archive + ".zip"}, "", "concert: " + archive + ".zip exists already; --force replaces it\n", 1},
		{[]string{"rm", "scan", "tomo"}, "", "Removed scan; bring it back with: concert restore scan\nRemoved tomo; bring it back with: concert restore tomo\n", 0},
		{[]string{"show"}, "tutorial  Tutorial: a motor, a shutter and a camera to try concert with. (bundled)\n", "", 0},
		{[]string{"restore"}, "scan\ntomo\n", "", 0},
		{[]string{"restore", "scan", "tomo"}, "", "Restored scan\nRestored tomo\n", 0},
		{[]string{"restore"}, "", "No removed sessions to restore\n", 0},
	}
	for _, s := range steps {
		out, errOut, code := run(e, s.args...)
		if out != s.wantOut || errOut != s.wantErr || code != s.wantStatus {
			t.Fatalf("concert %s:\nstdout %q\nstderr %q\nstatus %d\nwant\nstdout %q\nstderr %q\nstatus %d",
				strings.Join(s.args, " "), out, errOut, code, s.wantOut, s.wantErr, s.wantStatus)
		}
	}
	scan := fileText(t, filepath.Join(dir, "scan.go"))
	if !strings.HasPrefix(scan, "// scan: say here") || !strings.HasSuffix(scan, "answer := 42 // added by the editor\n") {
		t.Errorf("scan.go after the round trip:\n%s", scan)
	}
	if tomo := fileText(t, filepath.Join(dir, "tomo.go")); tomo != scan {
		t.Errorf("tomo.go differs from scan.go:\n%s", tomo)
	}
	z, err := zip.OpenReader(archive + ".zip")
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	var names []string
	for _, f := range z.File {
		names = append(names, f.Name)
	}
	sort.Strings(names)
	if strings.Join(names, " ") != "scan.go tomo.go" {
		t.Errorf("archive holds %v; want scan.go tomo.go", names)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("sessions dir holds %d entries; want scan.go and tomo.go only", len(entries))
	}
}
