package devices

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/logs"
	"github.com/concert-go/concert/internal/tasks"
)

// logTo sends the shell's log to a buffer for the test.
func logTo(t *testing.T) *syncLog {
	l := &syncLog{}
	restore := logs.Set(slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})), nil, nil)
	t.Cleanup(restore)
	return l
}

type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestWatchdog(t *testing.T) {
	log := logTo(t)
	var alarm atomic.Bool
	var stops, checks atomic.Int64
	estop := func(context.Context) *StopReport {
		stops.Add(1)
		return &StopReport{Tasks: 2, Stopped: []string{"motor"}}
	}
	wd := startWatchdog(func() bool { checks.Add(1); return alarm.Load() }, time.Millisecond, estop)
	defer wd.Cancel()

	// ticks runs the watchdog for a few more checks.
	ticks := func() {
		n := checks.Load()
		eventually(t, "more checks", func() bool { return checks.Load() >= n+3 })
	}
	ticks()
	if n := stops.Load(); n != 0 {
		t.Fatalf("%d emergency stops while the check was false; want 0", n)
	}
	alarm.Store(true)
	ticks()
	if n := stops.Load(); n != 1 {
		t.Fatalf("%d emergency stops while the check stayed true; want 1", n)
	}
	alarm.Store(false)
	ticks()
	alarm.Store(true)
	ticks()
	if n := stops.Load(); n != 2 {
		t.Fatalf("%d emergency stops after the check cleared and came back; want 2", n)
	}
	wd.Cancel()
	if _, err := wd.Await(context.Background()); !errors.Is(err, tasks.ErrCancelled) {
		t.Errorf("watchdog ended with %v; want cancelled", err)
	}
	want := `level=ERROR msg="watchdog: emergency stop" report="Emergency stop: 2 tasks cancelled, 1 device stopped"
level=INFO msg="watchdog: check cleared, re-armed"
level=ERROR msg="watchdog: emergency stop" report="Emergency stop: 2 tasks cancelled, 1 device stopped"
`
	if got := log.String(); !strings.HasPrefix(got, want) {
		t.Errorf("log =\n%s\nwant\n%s", got, want)
	}
}

// A check that panics counts as an alarm: the watchdog fails safe.
func TestWatchdogCheckPanics(t *testing.T) {
	log := logTo(t)
	var stops atomic.Int64
	wd := startWatchdog(func() bool { panic("sensor unplugged") }, time.Millisecond, func(context.Context) *StopReport {
		stops.Add(1)
		return &StopReport{}
	})
	defer wd.Cancel()
	eventually(t, "the emergency stop", func() bool { return stops.Load() == 1 })
	eventually(t, "the log", func() bool { return strings.Contains(log.String(), "check_panic") })
	want := `level=ERROR msg="watchdog: emergency stop" report="Emergency stop: 0 tasks cancelled, 0 devices stopped" check_panic="sensor unplugged"` + "\n"
	if got := log.String(); got != want {
		t.Errorf("log = %q; want %q", got, want)
	}
}

// The watchdog's own alarm, and ctrl-k, cancel every task but not it.
func TestWatchdogSurvivesEmergencyStop(t *testing.T) {
	logTo(t)
	bg := tasks.Start(func(ctx context.Context) error { <-ctx.Done(); return context.Cause(ctx) })
	var alarm atomic.Bool
	alarm.Store(true)
	wd := Watchdog(alarm.Load, time.Millisecond)
	defer wd.Cancel()
	eventually(t, "the background task cancelled", func() bool { return bg.State().Ended() })
	if err := bg.Err(); !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Errorf("background task ended with %v; want cancelled by the watchdog's emergency stop", err)
	}
	EmergencyStopEverything(context.Background())
	time.Sleep(10 * time.Millisecond)
	if st := wd.State(); st != tasks.Running {
		t.Errorf("watchdog is %v after emergency stops; want running", st)
	}
	for _, task := range tasks.List() {
		if task == wd {
			t.Errorf("watchdog is listed among the shell's tasks")
		}
	}
}

func TestWatchdogBadArguments(t *testing.T) {
	tests := []struct {
		name     string
		check    func() bool
		interval time.Duration
		want     string
	}{
		{"nil check", nil, time.Second, "watchdog: check is nil; want a func() bool that says when to stop everything"},
		{"zero interval", func() bool { return false }, 0, "watchdog: interval must be positive, got 0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Watchdog(tt.check, tt.interval).Await(context.Background())
			if err == nil || err.Error() != tt.want {
				t.Errorf("Watchdog error = %v; want %q", err, tt.want)
			}
		})
	}
}

// A watchdog's emergency stop is printed as ctrl-k's is (the shell sends
// it to the terminal), and a check's panic value is logged as text, in a
// JSON log too (issue 16: it was written only to the log, as
// "check_panic":{}).
func TestWatchdogShownAndPanicAsText(t *testing.T) {
	var logged syncLog
	t.Cleanup(logs.Set(slog.New(slog.NewJSONHandler(&logged, nil)), nil, nil))
	var out syncLog
	SetWatchdogAnnouncer(func(msg string) { out.Write([]byte(msg + "\n")) })
	t.Cleanup(func() { SetWatchdogAnnouncer(nil) })
	var stops atomic.Int64
	wd := startWatchdog(func() bool { panic(errors.New("sensor unplugged")) }, time.Millisecond, func(context.Context) *StopReport {
		stops.Add(1)
		return &StopReport{Tasks: 1, Stopped: []string{"motor"}}
	})
	defer wd.Cancel()
	eventually(t, "the report", func() bool { return strings.Contains(out.String(), "\n") })
	if want := "Watchdog alarm (its check panicked: sensor unplugged). Emergency stop: 1 task cancelled, 1 device stopped\n"; out.String() != want {
		t.Errorf("terminal = %q; want %q", out.String(), want)
	}
	eventually(t, "the log", func() bool { return strings.Contains(logged.String(), "check_panic") })
	if want := `"check_panic":"sensor unplugged"`; !strings.Contains(logged.String(), want) {
		t.Errorf("log = %s; want it to hold %s", logged.String(), want)
	}
}
