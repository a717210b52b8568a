//go:build unix

package scans_test

import (
	"encoding/json"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/tiff"

	"github.com/concert-go/concert/internal/data"
	"github.com/concert-go/concert/internal/data/datatest"
	"github.com/concert-go/concert/internal/ptytest"
)

const e2eWait = 60 * time.Second

func readMeta(t *testing.T, run string) data.Meta {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(run, "meta.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m data.Meta
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// A dscan cancelled with ctrl-c halfway, at a terminal: the motor is back
// where it started when the prompt returns, the points measured are on
// disk, and the run says it was cancelled. The live view showed a
// progress bar and a row per point.
func TestDscanCtrlCInATerminal(t *testing.T) {
	home := t.TempDir()
	term := ptytest.Start(t, ptytest.Options{Env: ptytest.HomeEnv(home), Rows: 40, Cols: 120},
		ptytest.Concert(t), "start", "tutorial")
	term.WaitFor("tutorial > ", 2*time.Minute)
	term.SendString("await motor.SetMotionVelocity(20 * q.MMPerS); await motor.SetPosition(2 * q.MM)\r")
	term.WaitFor("tutorial > ", e2eWait)
	term.SendString("func slow(ctx context.Context) (float64, error) { return 1, sleep(ctx, 150*time.Millisecond) }\r")
	term.WaitFor("tutorial > ", e2eWait)
	term.SendString(`await dscan(motor, -1*q.MM, 1*q.MM, 20, measure("slow", slow))` + "\r")
	term.WaitForRegexp(regexp.MustCompile(`dscan run 1 +\d+/21`), e2eWait) // the bar
	term.WaitForRegexp(regexp.MustCompile(`\n +10 +1\.9 +1\n`), e2eWait)   // row 10 of the table
	term.Send([]byte{0x03})
	term.WaitFor("Cancelled\n", e2eWait)
	term.WaitFor("tutorial > ", e2eWait)
	term.SendString("motor.Position()\r")
	term.WaitFor("\n2 mm\n", e2eWait)

	run := filepath.Join(home, "data", "concert", "data", "tutorial", "run_0001")
	rows := datatest.ReadCSV(t, filepath.Join(run, "points.csv"))
	if len(rows) < 11 || strings.Join(rows[0], ",") != "point,motor.position [mm],slow" || rows[10][1] != "1.9" {
		t.Errorf("points.csv after ctrl-c: %v", rows)
	}
	m := readMeta(t, run)
	if m.Status != data.Cancelled || m.Points != len(rows)-1 || m.Planned != 21 ||
		m.Command != `await dscan(motor, -1*q.MM, 1*q.MM, 20, measure("slow", slow))` {
		t.Errorf("meta.json after ctrl-c: %+v", m)
	}
	if got := m.Baseline["motor"].Params["position"].Text; got != "2 mm" {
		t.Errorf("baseline motor.position = %q, want 2 mm", got)
	}
	term.Send([]byte{0x04})
	term.Wait(e2eWait)
}

// concert runs the binary with stdin from a string in a fresh home and
// returns its output.
func concert(t *testing.T, home, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(ptytest.Concert(t), args...)
	cmd.Env = append(append(os.Environ(), ptytest.HomeEnv(home)...), "NO_COLOR=1")
	cmd.Stdin = strings.NewReader(stdin)
	out, _ := cmd.CombinedOutput()
	return string(out)
}

// The tomography session writes darks, flats and projections as 16-bit
// TIFFs with metadata, and concert data lists and shows the run. With
// --non-interactive nothing of the live view prints.
func TestTomoWritesItsFramesAndMetadata(t *testing.T) {
	home := t.TempDir()
	init := filepath.Join(home, "init.go")
	os.WriteFile(init, []byte("r := await tomo(6)\n"), 0o644)
	out := concert(t, home, "", "start", "tomo", "--non-interactive", "--init", init)
	if out != "" {
		t.Errorf("--non-interactive printed %q, want nothing", out)
	}
	run := filepath.Join(home, "data", "concert", "data", "tomo", "run_0001")
	for acq, n := range map[string]int{"darks": 4, "flats": 4, "projections": 6} {
		files, _ := filepath.Glob(filepath.Join(run, "frames", acq, "frame_*.tif"))
		if len(files) != n {
			t.Fatalf("%s: %d frames, want %d", acq, len(files), n)
		}
		f, err := os.Open(files[n-1])
		if err != nil {
			t.Fatal(err)
		}
		img, err := tiff.Decode(f)
		f.Close()
		if g, ok := img.(*image.Gray16); err != nil || !ok || g.Bounds().Dx() != 256 || g.Gray16At(10, 20).Y != 30 {
			t.Fatalf("%s: %T %v, %v", files[n-1], img, img.Bounds(), err)
		}
	}
	m := readMeta(t, run)
	if m.Kind != "tomo" || m.Status != data.Done || m.Points != 14 || m.Frames["projections"] != 6 ||
		m.Baseline["flat_motor"].Kind == "" || m.Session != "tomo" {
		t.Errorf("meta.json = %+v", m)
	}
	rows := datatest.ReadCSV(t, filepath.Join(run, "points.csv"))
	if len(rows) != 15 || strings.Join(rows[9], ",") != "9,projections,0,255" {
		t.Errorf("points.csv = %v", rows)
	}
	list := concert(t, home, "", "data", "tomo")
	if !regexp.MustCompile(`(?m)^1 +\S+ \S+ +tomo +done +14 +file \S+$`).MatchString(list) {
		t.Errorf("concert data tomo:\n%s", list)
	}
	show := concert(t, home, "", "data", "tomo", "1")
	for _, want := range []string{`kind +tomo`, `status +done`, `frames +projections: 6`, `command +file \S+`, `baseline +flat_motor \(linear motor, standby\): motion_velocity=1000 mm/s position=0 mm`} {
		if !regexp.MustCompile(`(?m)^` + want + `$`).MatchString(show) {
			t.Errorf("concert data tomo 1 lacks %q:\n%s", want, show)
		}
	}
}

// Without a terminal the table prints as plain lines; a measure failing
// at point 7 ends the scan with one line naming the point, and the six
// points before it are on disk.
func TestPlainTableAndAFailingMeasure(t *testing.T) {
	home := t.TempDir()
	out := concert(t, home, `await motor.SetMotionVelocity(100 * q.MMPerS)
n := 0
func flaky(ctx context.Context) (int, error) {
	n++
	if n == 7 {
		return 0, fmt.Errorf("detector saturated")
	}
	return n * n, nil
}
await ascan(motor, 0*q.MM, 1*q.MM, 10, measure("flaky", flaky))
`, "start", "tutorial")
	want := `     point  motor.position [mm]       flaky
         1                    0           1
         2                  0.1           4
         3                  0.2           9
         4                  0.3          16
         5                  0.4          25
         6                  0.5          36
Sorry, ascan: point 7 of 11: measure flaky: detector saturated; points 1-6 are saved in run 1
`
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
	rows := datatest.ReadCSV(t, filepath.Join(home, "data", "concert", "data", "tutorial", "run_0001", "points.csv"))
	if len(rows) != 7 || strings.Join(rows[6], ",") != "6,0.5,36" {
		t.Errorf("points.csv = %v", rows)
	}
}

// On a terminal the plot of the points sits between the table and the
// progress bar and is redrawn as each point arrives, not only at the end.
// When the scan ends its last frame stays: the screen reads the table's
// rows once each and in order, then the plot, the bar, the run's lines and
// the prompt, with nothing torn or left over from the redraws.
func TestLivePlotRedrawnPerPoint(t *testing.T) {
	home := t.TempDir()
	s := ptytest.StartScreen(t, ptytest.Options{Env: ptytest.HomeEnv(home), Rows: 45, Cols: 100},
		ptytest.Concert(t), "start", "tutorial")
	s.WaitFor("tutorial >", 2*time.Minute)
	s.SendString("await motor.SetMotionVelocity(100 * q.MMPerS)\r")
	s.SendString("func sq(ctx context.Context) (float64, error) { x := motor.Position().In(q.MM); return x * x, sleep(ctx, 200*time.Millisecond) }\r")
	s.SendString(`await ascan(motor, 0*q.MM, 2*q.MM, 20, measure("sq", sq))` + "\r")

	const caption = "sq against motor.position [mm]"
	bar := regexp.MustCompile(`ascan run 1 +(\d+)/21`)
	// The plot's body: the lines with a y-axis label between the caption's
	// plot and the bar.
	body := func(screen string) (string, int) {
		m := bar.FindStringSubmatch(screen)
		if m == nil || !strings.Contains(screen, caption) {
			return "", -1
		}
		var lines []string
		for _, l := range strings.Split(screen, "\n") {
			if strings.ContainsAny(l, "┤┼") {
				lines = append(lines, l)
			}
		}
		n := 0
		fmt.Sscan(m[1], &n)
		return strings.Join(lines, "\n"), n
	}
	var plots []string
	deadline := time.Now().Add(e2eWait)
	for time.Now().Before(deadline) {
		p, n := body(s.Text())
		if n >= 0 && n < 21 && p != "" && (len(plots) == 0 || p != plots[len(plots)-1]) {
			plots = append(plots, p)
		}
		if n == 21 || len(plots) >= 3 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(plots) < 3 {
		t.Fatalf("the plot was drawn %d different ways while the scan ran, want it redrawn as points arrive; screen:\n%s", len(plots), s.Text())
	}

	s.WaitFor("run 1 done: 21 of 21 points in ", e2eWait)
	s.WaitFor("tutorial >", e2eWait)
	screen := s.Text()
	lines := strings.Split(screen, "\n")
	row := regexp.MustCompile(`^ +(\d+) +[-\d.e]+ +[-\d.e]+$`)
	var got []int
	lastRow := -1
	for i, l := range lines {
		if m := row.FindStringSubmatch(l); m != nil {
			var n int
			fmt.Sscan(m[1], &n)
			got = append(got, n)
			lastRow = i
		}
	}
	want := make([]int, 21)
	for i := range want {
		want[i] = i + 1
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("table rows %v, want 1 to 21 once each, in order; screen:\n%s", got, screen)
	}
	after := strings.Join(lines[lastRow+1:], "\n")
	order := regexp.MustCompile(`(?s)^( .*┤.*\n)+.*└.*\n.*\n +` + regexp.QuoteMeta(caption) + `\nascan run 1 +21/21.*\nrun 1 done: 21 of 21 points in .*\n(.*\n)?run 1: 21 points\ntutorial >$`)
	if !order.MatchString(after) || strings.Count(screen, caption) != 1 {
		t.Errorf("after the last row, want the plot once, the bar, the run's line and the prompt; screen:\n%s", screen)
	}
	s.SendString("motor.Position()\r")
	s.WaitFor("\n2 mm", e2eWait)
}
