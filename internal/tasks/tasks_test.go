package tasks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// long is how long a test waits for something that should happen at once;
// reaching it means the behaviour is broken, not that the machine is slow.
const long = 10 * time.Second

func newScheduler(t *testing.T) *Scheduler {
	t.Helper()
	s := NewScheduler(context.Background())
	t.Cleanup(func() {
		s.CancelAll(ErrShutdown)
		ctx, cancel := context.WithTimeout(context.Background(), long)
		defer cancel()
		if err := s.Wait(ctx); err != nil {
			t.Errorf("tasks still running after the test: %v", s.List())
		}
	})
	return s
}

func waitState(t *testing.T, task *Task, want State) {
	t.Helper()
	deadline := time.Now().Add(long)
	for task.State() != want {
		if time.Now().After(deadline) {
			t.Fatalf("%v: state = %v; want %v", task, task.State(), want)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestStartRunsAtOnceAndAwaitReturnsTheResult(t *testing.T) {
	s := newScheduler(t)
	release := make(chan struct{})
	task := s.Start(func(ctx context.Context) (int, error) {
		<-release
		return 42, nil
	})
	if got := task.State(); got != Running {
		t.Fatalf("State() after Start = %v; want running (Start must not wait)", got)
	}
	if r, err := task.Result(); r != nil || err != nil {
		t.Fatalf("Result() while running = %v, %v; want nil, nil", r, err)
	}
	if !task.Ended().IsZero() {
		t.Errorf("Ended() while running = %v; want the zero time", task.Ended())
	}
	if age := time.Since(task.Started()); age < 0 || age > time.Minute {
		t.Errorf("Started() = %v, %v ago; want just now", task.Started(), age)
	}
	close(release)
	for range 3 { // awaiting an ended task returns the same result every time
		got, err := task.Await(context.Background())
		if got != 42 || err != nil {
			t.Fatalf("Await() = %v, %v; want 42, nil", got, err)
		}
	}
	if task.State() != Done {
		t.Errorf("State() = %v; want done", task.State())
	}
	if task.Ended().Before(task.Started()) || task.Ended().IsZero() {
		t.Errorf("Ended() = %v, Started() = %v; want end after start", task.Ended(), task.Started())
	}
}

func namedWork(ctx context.Context) error { return nil }

func TestShapesAndNames(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name     string
		f        any
		opts     []Option
		want     any
		wantErr  string
		wantName string
	}{
		{"any result", func(context.Context) (any, error) { return "x", nil }, nil, "x", "", "func"},
		{"typed result", func(context.Context) (float64, error) { return 1.5, nil }, nil, 1.5, "", "func"},
		{"typed error", func(context.Context) (int, error) { return 0, boom }, nil, 0, "boom", "func"},
		{"error only", func(context.Context) error { return boom }, nil, nil, "boom", "func"},
		{"value only", func(context.Context) string { return "v" }, nil, "v", "", "func"},
		{"nothing", func(context.Context) {}, nil, nil, "", "func"},
		{"no context", func() (int, error) { return 7, nil }, nil, 7, "", "func"},
		{"no context, nothing", func() {}, nil, nil, "", "func"},
		{"named function", namedWork, nil, nil, "", "tasks.namedWork"},
		{"given name", func() {}, []Option{Named("motor.Home")}, nil, "", "motor.Home"},
		{"not a function", 3, nil, nil, "cannot start a int: want a func(ctx context.Context) (T, error), func(ctx context.Context) error, or the same without ctx", "int"},
		{"nil", nil, nil, nil, "cannot start nil: want a func(ctx context.Context) (T, error), func(ctx context.Context) error, or the same without ctx", "nil"},
		{"three results", func() (int, int, error) { return 1, 2, nil }, nil, nil, "cannot start func() (int, int, error): want a func(ctx context.Context) (T, error), func(ctx context.Context) error, or the same without ctx", "func"},
		{"arguments missing", func(context.Context, int) error { return nil }, nil, nil, "cannot start func(context.Context, int) error with 0 argument(s): want a func(ctx context.Context) (T, error), func(ctx context.Context) error, or the same without ctx", "func"},
	}
	s := newScheduler(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := s.Start(tt.f, tt.opts...)
			got, err := task.Await(context.Background())
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Await() error = %v; want %q", err, tt.wantErr)
				}
				if task.State() != Failed {
					t.Errorf("State() = %v; want failed", task.State())
				}
			} else if err != nil {
				t.Fatalf("Await() error = %v; want nil", err)
			}
			if tt.wantErr == "" && got != tt.want {
				t.Errorf("Await() = %v; want %v", got, tt.want)
			}
			if task.Name() != tt.wantName {
				t.Errorf("Name() = %q; want %q", task.Name(), tt.wantName)
			}
		})
	}
}

func TestBackgroundStartsATaskOnEveryCall(t *testing.T) {
	s := newScheduler(t)
	var calls atomic.Int32
	move := s.Background(func(ctx context.Context, to int) (int, error) {
		calls.Add(1)
		return to * 2, nil
	}, Named("move"))
	if calls.Load() != 0 {
		t.Fatal("Background ran the function before it was called")
	}
	a, b := move(1), move(2)
	if a == b || a.ID() == b.ID() {
		t.Fatalf("two calls gave the same task %v", a)
	}
	results, err := Gather(context.Background(), a, b)
	if err != nil || fmt.Sprint(results) != "[2 4]" {
		t.Fatalf("Gather() = %v, %v; want [2 4], nil", results, err)
	}
	if a.Name() != "move" {
		t.Errorf("Name() = %q; want move", a.Name())
	}
	_, err = move("far").Await(context.Background())
	if err == nil || err.Error() != "argument 1 of func: have string, want int" {
		t.Errorf("wrong argument: error = %v", err)
	}
}

// A cancelled await must not return before the awaited task has finished
// its cleanup: at the prompt, the motor has stopped when the prompt is back.
func TestAwaitCancelledCancelsTheTaskAndWaitsForCleanup(t *testing.T) {
	s := newScheduler(t)
	var cleaned atomic.Bool
	started := make(chan struct{})
	move := s.Start(func(ctx context.Context) (any, error) {
		close(started)
		<-ctx.Done()
		time.Sleep(50 * time.Millisecond) // decelerating
		cleaned.Store(true)
		return nil, ctx.Err()
	}, Named("motor.SetPosition"))
	<-started
	fg := s.Start(func(ctx context.Context) (any, error) { return move.Await(ctx) }, AsForeground())
	waitState(t, fg, Running)
	fg.CancelCause(ErrInterrupted)

	_, err := fg.Await(context.Background())
	if !cleaned.Load() {
		t.Fatal("the foreground ended before the awaited task finished its cleanup")
	}
	if move.State() != Cancelled || fg.State() != Cancelled {
		t.Fatalf("states = %v, %v; want cancelled, cancelled", move.State(), fg.State())
	}
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrInterrupted) {
		t.Errorf("error = %v; want it to match context.Canceled and ErrInterrupted", err)
	}
	_, moveErr := move.Result()
	if want := fmt.Sprintf("task %d motor.SetPosition cancelled: interrupted by ctrl-c", move.ID()); moveErr == nil || moveErr.Error() != want {
		t.Errorf("awaited task error = %v; want %q", moveErr, want)
	}
}

func TestTaskIgnoringItsContextStaysCancellingUntilItReturns(t *testing.T) {
	s := newScheduler(t)
	release := make(chan struct{})
	stubborn := s.Start(func() (int, error) { <-release; return 1, nil })
	stubborn.Cancel()
	if got := stubborn.State(); got != Cancelling {
		t.Fatalf("State() after Cancel = %v; want cancelling", got)
	}
	select {
	case <-stubborn.Done():
		t.Fatal("Done() closed before the function returned")
	case <-time.After(20 * time.Millisecond):
	}
	if len(s.List()) != 1 {
		t.Errorf("List() = %v; want the cancelling task still listed", s.List())
	}
	close(release)
	<-stubborn.Done()
	if stubborn.State() != Cancelled {
		t.Errorf("State() = %v; want cancelled", stubborn.State())
	}
	r, err := stubborn.Result()
	if r != 1 || !errors.Is(err, ErrCancelled) {
		t.Errorf("Result() = %v, %v; want the value it returned and a cancelled error", r, err)
	}
}

func TestPanicFailsTheTaskNotTheProcess(t *testing.T) {
	s := newScheduler(t)
	task := s.Start(func() { panic("motor driver exploded") })
	_, err := task.Await(context.Background())
	var p *PanicError
	if !errors.As(err, &p) {
		t.Fatalf("error = %v (%T); want *PanicError", err, err)
	}
	if err.Error() != "panic: motor driver exploded" {
		t.Errorf("Error() = %q", err.Error())
	}
	if !strings.Contains(string(p.Stack), "TestPanicFailsTheTaskNotTheProcess") {
		t.Errorf("stack does not show where it panicked:\n%s", p.Stack)
	}
	if task.State() != Failed {
		t.Errorf("State() = %v; want failed", task.State())
	}
}

func TestGather(t *testing.T) {
	s := newScheduler(t)
	slow := func(v int, d time.Duration, err error) *Task {
		return s.Start(func(ctx context.Context) (int, error) {
			select {
			case <-time.After(d):
				return v, err
			case <-ctx.Done():
				return 0, ctx.Err()
			}
		})
	}
	t.Run("results in argument order", func(t *testing.T) {
		results, err := Gather(context.Background(), slow(1, 30*time.Millisecond, nil), slow(2, 0, nil), slow(3, 10*time.Millisecond, nil))
		if err != nil || fmt.Sprint(results) != "[1 2 3]" {
			t.Fatalf("Gather() = %v, %v; want [1 2 3], nil", results, err)
		}
	})
	t.Run("errors joined, others still gathered", func(t *testing.T) {
		results, err := Gather(context.Background(), slow(1, 0, errors.New("shutter stuck")), slow(2, 0, nil), slow(3, 0, errors.New("camera offline")))
		if err == nil || err.Error() != "shutter stuck\ncamera offline" {
			t.Fatalf("error = %q; want both messages", err)
		}
		if results[1] != 2 {
			t.Errorf("results = %v; want the successful result kept", results)
		}
	})
	t.Run("cancelling cancels all and waits", func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(context.Background())
		ts := []*Task{slow(1, long, nil), slow(2, long, nil), slow(3, 0, nil)}
		time.AfterFunc(10*time.Millisecond, func() { cancel(ErrInterrupted) })
		_, err := Gather(ctx, ts...)
		for _, task := range ts[:2] {
			if task.State() != Cancelled {
				t.Errorf("%v after cancelled Gather; want cancelled", task)
			}
		}
		if !errors.Is(err, ErrInterrupted) {
			t.Errorf("error = %v; want the cause", err)
		}
	})
	t.Run("as a task, of tasks and functions", func(t *testing.T) {
		g := s.GatherTask(slow(1, 0, nil), func() int { return 2 })
		results, err := g.Await(context.Background())
		if err != nil || fmt.Sprint(results) != "[1 2]" {
			t.Fatalf("GatherTask().Await() = %v, %v; want [1 2], nil", results, err)
		}
		if g.Name() != "gather(2)" {
			t.Errorf("Name() = %q", g.Name())
		}
	})
}

func TestHundredThousandTasksGatherWithEveryResultCorrect(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 tasks")
	}
	s := newScheduler(t)
	const n = 100_000
	ts := make([]*Task, n)
	for i := range ts {
		ts[i] = s.Background(func(ctx context.Context, i int) (int, error) { return i * i, nil })(i)
	}
	results, err := Gather(context.Background(), ts...)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		if r != i*i {
			t.Fatalf("results[%d] = %v; want %d", i, r, i*i)
		}
	}
	if s.Len() != 0 {
		t.Errorf("Len() = %d after all ended; want 0", s.Len())
	}
}

func TestRegistryListsRunningTasksAndForgetsEndedOnes(t *testing.T) {
	s := newScheduler(t)
	block := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
	a := s.Start(block, Named("a"))
	fg := s.Start(block, Named("typed command"), AsForeground())
	quick := s.Start(func() {})
	<-quick.Done()
	list := s.List()
	if len(list) != 2 || list[0] != a || list[1] != fg {
		t.Fatalf("List() = %v; want [a, typed command]", list)
	}
	if !fg.Foreground() || a.Foreground() || s.Foreground() != fg {
		t.Errorf("foreground marks wrong: a=%v fg=%v Foreground()=%v", a.Foreground(), fg.Foreground(), s.Foreground())
	}
	if got := fg.String(); got != fmt.Sprintf("<task %d typed command: running>", fg.ID()) {
		t.Errorf("String() = %q", got)
	}
	if n := s.CancelAll(ErrEmergencyStop); n != 2 {
		t.Errorf("CancelAll() = %d; want 2", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), long)
	defer cancel()
	if err := s.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Len() != 0 || s.Foreground() != nil {
		t.Errorf("after all ended: Len() = %d, Foreground() = %v; want 0, nil", s.Len(), s.Foreground())
	}
	if !errors.Is(a.Err(), ErrEmergencyStop) {
		t.Errorf("a.Err() = %v; want the emergency stop cause", a.Err())
	}
}

func TestCancelAllLeavesNoGoroutineBehind(t *testing.T) {
	// At most maxParked goroutines stay parked for later tasks (pool.go);
	// none is left per task.
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent(), goleak.IgnoreAnyFunction("github.com/concert-go/concert/internal/tasks.(*pool).work"))
	defer func() {
		if n := workers.parkedNow(); n > maxParked {
			t.Errorf("%d goroutines parked; want at most %d", n, maxParked)
		}
	}()
	s := NewScheduler(context.Background())
	const n = 10_000
	ts := make([]*Task, n)
	for i := range ts {
		ts[i] = s.Start(func(ctx context.Context) error {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Hour):
				return nil
			}
		})
	}
	if got := s.CancelAll(ErrEmergencyStop); got != n {
		t.Fatalf("CancelAll() = %d; want %d", got, n)
	}
	if _, err := Gather(context.Background(), ts...); !errors.Is(err, ErrEmergencyStop) {
		t.Fatalf("Gather() error does not carry the cause: %v", err)
	}
}

func TestCurrentAndParents(t *testing.T) {
	s := newScheduler(t)
	if got := s.Current(); got != nil {
		t.Fatalf("Current() outside any task = %v; want nil", got)
	}
	release := make(chan struct{})
	started := make(chan *Task)
	outer := s.Start(func(ctx context.Context) error {
		if s.Current() != FromContext(ctx) {
			t.Errorf("Current() in a task = %v; want the task itself", s.Current())
		}
		started <- s.Start(func() { <-release }) // no ChildOf: the caller is found
		<-release
		return nil
	}, Named("outer"))
	inner := <-started
	if inner.Parent() != outer || !inner.Within(outer) || outer.Within(inner) {
		t.Errorf("inner.Parent() = %v, Within(outer) = %v, outer.Within(inner) = %v; want outer, true, false", inner.Parent(), inner.Within(outer), outer.Within(inner))
	}
	adopted := s.Start(func() { <-release }, ChildOf(inner))
	if !adopted.Within(outer) {
		t.Errorf("a task given ChildOf(inner) is not within inner's parent")
	}
	close(release)
	Gather(context.Background(), outer, inner, adopted)
	if inner.Parent() != nil {
		t.Errorf("Parent() after the end = %v; want nil, so chains of tasks are freed", inner.Parent())
	}

	fg := s.Start(func(ctx context.Context) error { <-ctx.Done(); return nil }, AsForeground())
	if got := s.Current(); got != fg {
		t.Errorf("Current() on a goroutine of no task = %v; want the foreground %v", got, fg)
	}
	fg.Cancel()
	<-fg.Done()
}

func TestFromContextAndSelfAwait(t *testing.T) {
	s := newScheduler(t)
	task := s.Start(func(ctx context.Context) (any, error) {
		return FromContext(ctx).Await(ctx)
	}, Named("narcissus"))
	_, err := task.Await(context.Background())
	if want := fmt.Sprintf("task %d narcissus cannot await itself", task.ID()); err == nil || err.Error() != want {
		t.Errorf("error = %v; want %q", err, want)
	}
	if FromContext(context.Background()) != nil {
		t.Error("FromContext(Background) != nil")
	}
}

func TestWaitUntil(t *testing.T) {
	var n atomic.Int32
	cond := func() bool { return n.Add(1) >= 3 }
	if err := WaitUntil(context.Background(), cond, time.Millisecond, long); err != nil {
		t.Errorf("WaitUntil() = %v; want nil once the condition holds", err)
	}
	err := WaitUntil(context.Background(), func() bool { return false }, time.Millisecond, 20*time.Millisecond)
	if err == nil || err.Error() != "timed out after 20ms waiting for condition" || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitUntil() = %v; want a timeout error", err)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(ErrInterrupted)
	if err := WaitUntil(ctx, func() bool { return false }, time.Millisecond, 0); !errors.Is(err, ErrInterrupted) {
		t.Errorf("WaitUntil() on a cancelled context = %v; want its cause", err)
	}
	if err := WaitUntil(context.Background(), cond, 0, 0); err == nil || err.Error() != "wait until: interval must be positive, got 0s" {
		t.Errorf("WaitUntil() with interval 0 = %v", err)
	}
}

func TestStateNames(t *testing.T) {
	want := map[State]string{Running: "running", Cancelling: "cancelling", Done: "done", Failed: "failed", Cancelled: "cancelled", State(9): "State(9)"}
	for s, name := range want {
		if s.String() != name {
			t.Errorf("State(%d).String() = %q; want %q", int(s), s.String(), name)
		}
	}
}

// The session log is an audit trail: at info level only failures and
// the cancellations a user caused (ctrl-c, Cancel); starts, successful ends
// and what an emergency stop cancelled (its report counts them) at debug.
func TestLogAtInfoIsAnAuditTrail(t *testing.T) {
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		var buf strings.Builder
		var mu sync.Mutex
		logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			return buf.Write(p)
		}), &slog.HandlerOptions{Level: level, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}}))
		s := newScheduler(t)
		s.logger = func() *slog.Logger { return logger }

		scan := s.Start(func() {}, Named("scan"), Logged())
		<-scan.Done()
		broken := s.Start(func() error { return errors.New("camera offline") }, Named("grab"))
		<-broken.Done()
		wait := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
		stopped := s.Start(wait, Named("move"), Logged())
		stopped.CancelCause(ErrInterrupted)
		<-stopped.Done()
		estopped := s.Start(wait, Named("scan2"), Logged())
		estopped.CancelCause(ErrEmergencyStop)
		<-estopped.Done()

		mu.Lock()
		got := buf.String()
		mu.Unlock()
		want := fmt.Sprintf(`level=INFO msg="task failed" task=%[2]d name=grab err="camera offline"
level=INFO msg="task cancelled" task=%[3]d name=move cause="interrupted by ctrl-c"
`, scan.ID(), broken.ID(), stopped.ID(), estopped.ID())
		if level == slog.LevelDebug {
			want = fmt.Sprintf(`level=DEBUG msg="task started" task=%[1]d name=scan foreground=false
level=DEBUG msg="task done" task=%[1]d name=scan
level=DEBUG msg="task started" task=%[2]d name=grab foreground=false
level=INFO msg="task failed" task=%[2]d name=grab err="camera offline"
level=DEBUG msg="task started" task=%[3]d name=move foreground=false
level=INFO msg="task cancelled" task=%[3]d name=move cause="interrupted by ctrl-c"
level=DEBUG msg="task started" task=%[4]d name=scan2 foreground=false
level=DEBUG msg="task cancelled" task=%[4]d name=scan2 cause="emergency stop"
`, scan.ID(), broken.ID(), stopped.ID(), estopped.ID())
		}
		if got != want {
			t.Errorf("log at %v:\n%s\nwant:\n%s", level, got, want)
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// A function that leaves through runtime.Goexit (t.FailNow in a test,
// a library giving up its goroutine) has not returned a result: reading
// its task as done would call a failure a success.
func TestTaskEndedByGoexitFails(t *testing.T) {
	s := newScheduler(t)
	task := s.Start(func() (int, error) {
		runtime.Goexit()
		return 1, nil
	}, Named("quitter"))
	_, err := task.Await(context.Background())
	want := fmt.Sprintf("task %d quitter: the function called runtime.Goexit instead of returning", task.ID())
	if err == nil || err.Error() != want {
		t.Errorf("Await() error = %v; want %q", err, want)
	}
	if task.State() != Failed {
		t.Errorf("State() = %v; want failed", task.State())
	}
}

// Whoever sees a task gone from the scheduler (Len, List, Wait, the
// foreground slot) must find its outcome recorded: the shell prints the
// states of the tasks it stopped right after Wait.
func TestTaskLeavesTheSchedulerOnlyOnceItsOutcomeIsRecorded(t *testing.T) {
	s := newScheduler(t)
	for i := range 3000 {
		task := s.Start(func() error { return errors.New("late") }, AsForeground())
		for s.Len() != 0 || s.Foreground() != nil {
			runtime.Gosched()
		}
		if st := task.State(); st != Failed {
			t.Fatalf("run %d: Len() = 0 and Foreground() = nil while State() = %v; want failed", i, st)
		}
		if _, err := task.Result(); err == nil {
			t.Fatalf("run %d: Len() = 0 while Result() has no error yet", i)
		}
	}
}

// A task whose context ends because its scheduler's root was cancelled is
// cancelling, like one cancelled by hand, until its function returns.
func TestRootCancelledShowsTasksCancelling(t *testing.T) {
	root, cancel := context.WithCancelCause(context.Background())
	s := NewScheduler(root)
	release := make(chan struct{})
	stubborn := s.Start(func() { <-release })
	cancel(ErrShutdown)
	if got := stubborn.State(); got != Cancelling {
		t.Errorf("State() after the root was cancelled = %v; want cancelling", got)
	}
	close(release)
	<-stubborn.Done()
	if got := stubborn.State(); got != Cancelled || !errors.Is(stubborn.Err(), ErrShutdown) {
		t.Errorf("State(), Err() = %v, %v; want cancelled by the shutdown", got, stubborn.Err())
	}
}

// fragileError dereferences its receiver, as most error types do; returned
// as a nil *fragileError it is a non-nil error whose methods panic.
type fragileError struct{ inner error }

func (e *fragileError) Error() string { return "fragile: " + e.inner.Error() }
func (e *fragileError) Unwrap() error { return e.inner }

// var e *MyError; return e is a classic slip; in a task it must cost that
// task, not the shell, even when the task is being cancelled or logged.
func TestNilPointerErrorDoesNotCrashTheProcess(t *testing.T) {
	s := newScheduler(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	s.logger = func() *slog.Logger { return logger }
	nilErr := func(ctx context.Context) error {
		<-ctx.Done()
		var e *fragileError
		return e
	}
	task := s.Start(nilErr, Named("careless"))
	task.Cancel()
	_, err := task.Await(context.Background())
	want := fmt.Sprintf("task %d careless cancelled: cancelled (then: a nil *tasks.fragileError returned as error)", task.ID())
	if err == nil || err.Error() != want || task.State() != Cancelled {
		t.Errorf("Await() error = %v, state %v; want %q, cancelled", err, task.State(), want)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	failed := s.Start(func() error { return nilErr(ctx) })
	want = "a nil *tasks.fragileError returned as error"
	if _, err := failed.Await(context.Background()); err == nil || err.Error() != want || failed.State() != Failed {
		t.Errorf("Await() error = %v, state %v; want %q, failed", err, failed.State(), want)
	}
}

// A task started from a task that has since ended is still within the
// tasks above: a lock's holder starts a helper, the helper starts the
// mover and returns, and the mover must still count as the holder's.
func TestWithinSurvivesAnEndedTaskInBetween(t *testing.T) {
	s := newScheduler(t)
	release := make(chan struct{})
	defer close(release)
	holder := s.Start(func() { <-release }, Named("holder"))
	started := make(chan *Task, 1)
	helper := s.Start(func() { started <- s.Start(func() { <-release }, Named("mover")) }, ChildOf(holder), Named("helper"))
	<-helper.Done()
	mover := <-started
	if !mover.Within(holder) || !mover.Within(helper) {
		t.Errorf("mover.Within(holder) = %v, Within(helper) = %v after the helper ended; want true, true", mover.Within(holder), mover.Within(helper))
	}
	if helper.Parent() != nil || mover.Parent() != helper {
		t.Errorf("helper.Parent() = %v, mover.Parent() = %v; want nil for the ended helper, the helper for the mover", helper.Parent(), mover.Parent())
	}
	if holder.Within(mover) {
		t.Error("holder.Within(mover) = true")
	}
}

// An emergency stop never restarts anything: a task that goes on after
// ctrl-k (it ignores its context) cannot start new work, such as a motor
// move, and the work does not run.
func TestTaskStartedFromAnEmergencyStoppedTaskStartsCancelled(t *testing.T) {
	s := newScheduler(t)
	stopped := make(chan struct{})
	var ran atomic.Bool
	stubborn := s.Start(func(ctx context.Context) (*Task, error) {
		<-stopped // ignores its context, like a blocking compiled call
		return s.Start(func() { ran.Store(true) }, Named("motor.SetPosition")), nil
	}, Named("scan"))
	waitState(t, stubborn, Running)
	if n := s.CancelAll(ErrEmergencyStop); n != 1 {
		t.Fatalf("CancelAll() = %d; want 1", n)
	}
	close(stopped)
	v, _ := stubborn.Await(context.Background())
	move := v.(*Task)
	<-move.Done()
	if ran.Load() || move.State() != Cancelled || !errors.Is(move.Err(), ErrEmergencyStop) {
		t.Errorf("move after the emergency stop: ran %v, %v, err %v; want not run, cancelled by the emergency stop", ran.Load(), move, move.Err())
	}

	// A task cancelled otherwise (ctrl-c) may still start its cleanup.
	cleaned := make(chan struct{})
	interrupted := s.Start(func(ctx context.Context) error {
		<-ctx.Done()
		return s.Start(func() { close(cleaned) }).Err()
	})
	interrupted.CancelCause(ErrInterrupted)
	<-cleaned
}

// blockUntilCancelled is a task that waits for its cancellation.
func blockUntilCancelled(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }

// parentWithChild starts a task that starts a child and then waits; it
// returns both once the child runs.
func parentWithChild(s *Scheduler) (parent, child *Task) {
	started := make(chan *Task)
	parent = s.Start(func(ctx context.Context) error {
		started <- s.Start(blockUntilCancelled, Named("child"))
		<-ctx.Done()
		return ctx.Err()
	})
	return parent, <-started
}

// CancelAll also cancels what the tasks it cancels start while it runs:
// a task may start work after CancelAll listed the tasks and before it
// reached that task.
func TestCancelAllSweepsTasksStartedMeanwhile(t *testing.T) {
	s := newScheduler(t)
	parent, child := parentWithChild(s)
	// As if CancelAll had listed the tasks before the child was started:
	// it reaches the parent, and then sweeps what came after the listing.
	parent.CancelCause(ErrEmergencyStop)
	s.sweep(child.ID()-1, ErrEmergencyStop, false)
	select {
	case <-child.Done():
	case <-time.After(long):
		t.Fatalf("child started before its parent was cancelled still runs: %v", child)
	}
	if !errors.Is(child.Err(), ErrEmergencyStop) {
		t.Errorf("child started before its parent was cancelled: %v, err %v; want cancelled by the emergency stop", child, child.Err())
	}
	unrelated := s.Start(blockUntilCancelled)
	s.sweep(unrelated.ID()-1, ErrEmergencyStop, false)
	if unrelated.State() != Running {
		t.Errorf("sweep cancelled a task no cancelled task started: %v", unrelated)
	}
	unrelated.Cancel()
}

// An emergency stop sweeps before it wakes any task: a task started by a
// held task before Hold reached its parent is cancelled and counted once,
// and a listed task started after the watermark is counted once too.
func TestEmergencyStopSweepsBeforeTelling(t *testing.T) {
	for _, listed := range []bool{false, true} {
		s := newScheduler(t)
		parent, child := parentWithChild(s)
		// As if Hold had listed the parent (and, listed, the child too)
		// before the child was started.
		cause := ErrEmergencyStop
		list := []*Task{parent}
		parent.held.Store(&cause)
		if listed {
			list = append(list, child)
			child.held.Store(&cause)
		}
		if n := s.cancelListed(list, child.ID()-1, ErrEmergencyStop); n != 2 {
			t.Errorf("listed %v: %d tasks cancelled; want 2", listed, n)
		}
		select {
		case <-child.Done():
		case <-time.After(long):
			t.Fatalf("listed %v: the child still runs: %v", listed, child)
		}
		if !errors.Is(child.Err(), ErrEmergencyStop) {
			t.Errorf("listed %v: child %v, err %v; want cancelled by the emergency stop", listed, child, child.Err())
		}
	}
}

// panickyHandler is a log handler that panics, like a broken one a session
// might install.
type panickyHandler struct{ slog.Handler }

func (panickyHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (panickyHandler) Handle(context.Context, slog.Record) error { panic("log handler broke") }

// Logging is not the task's work: a log handler that panics must neither
// crash the process nor leave whoever awaits the task waiting for ever.
func TestTaskEndsWhenTheLogHandlerPanics(t *testing.T) {
	s := newScheduler(t)
	logger := slog.New(panickyHandler{})
	s.logger = func() *slog.Logger { return logger }
	task := s.Start(func() error { return errors.New("camera offline") }, Named("grab"))
	select {
	case <-task.Done():
	case <-time.After(long):
		t.Fatal("the task never ended")
	}
	if err := task.Err(); err == nil || err.Error() != "camera offline" {
		t.Errorf("Err() = %v; want the function's error", err)
	}
}

// AfterEnd runs its function once the task has ended, with Done closed and
// the final state set; on an ended task at once; a panic in it is lost,
// not the process.
func TestAfterEnd(t *testing.T) {
	s := newScheduler(t)
	release := make(chan struct{})
	task := s.Start(func() error { <-release; return errors.New("jammed") })
	saw := make(chan string, 3)
	task.AfterEnd(func() { saw <- "first" })
	task.AfterEnd(func() { panic("a watcher's bug") })
	task.AfterEnd(func() {
		select {
		case <-task.Done():
			saw <- task.State().String()
		default:
			saw <- "Done not closed"
		}
	})
	select {
	case got := <-saw:
		t.Fatalf("AfterEnd ran before the end: %s", got)
	default:
	}
	close(release)
	if got := <-saw; got != "first" {
		t.Errorf("AfterEnd's functions ran out of order: %s first", got)
	}
	if got := <-saw; got != "failed" {
		t.Errorf("AfterEnd saw %s; want failed", got)
	}
	ran := false
	task.AfterEnd(func() { ran = true })
	if !ran {
		t.Error("AfterEnd on an ended task did not run at once")
	}
}

// AfterEndOf gives its one function each task it watches, with the task's
// final state, beside AfterEnd's.
func TestAfterEndOf(t *testing.T) {
	s := newScheduler(t)
	saw := make(chan string, 4)
	watch := func(task *Task) { saw <- task.Name() + " " + task.State().String() }
	release := make(chan struct{})
	a := s.Start(func() error { <-release; return errors.New("jammed") }, Named("a"))
	b := s.Start(func() { <-release }, Named("b"))
	a.AfterEnd(func() { saw <- "a first" })
	a.AfterEndOf(watch)
	b.AfterEndOf(watch)
	close(release)
	got := map[string]bool{}
	for range 3 {
		got[<-saw] = true
	}
	for _, want := range []string{"a first", "a failed", "b done"} {
		if !got[want] {
			t.Errorf("AfterEndOf: saw %v; want %q", got, want)
		}
	}
}

// Goroutines are reused (pool.go), but a task never waits behind another:
// with many tasks blocked, more tasks start and run at once, also ones
// started and awaited from inside a blocked task.
func TestBlockedTasksDelayNoOtherTask(t *testing.T) {
	s := newScheduler(t)
	release := make(chan struct{})
	defer close(release)
	for range 2 * maxParked {
		s.Start(func() { <-release })
	}
	outer := s.Start(func(ctx context.Context) (any, error) {
		return s.Start(func() int { return 42 }).Await(ctx)
	})
	ctx, cancel := context.WithTimeout(context.Background(), long)
	defer cancel()
	if v, err := outer.Await(ctx); v != 42 || err != nil {
		t.Errorf("a task started while %d others block gave %v, %v; want 42, nil", 2*maxParked, v, err)
	}
}

// Held by an emergency stop, a task runs on until it is cancelled, but
// what it starts meanwhile never runs: no device operation starts after
// the devices were stopped.
func TestHoldRefusesWhatHeldTasksStartUntilCancelled(t *testing.T) {
	s := newScheduler(t)
	startChild := make(chan struct{})
	children := make(chan *Task, 1)
	var ran atomic.Bool
	held := s.Start(func(ctx context.Context) error {
		<-startChild
		children <- s.Start(func() { ran.Store(true) }, Named("child"))
		<-ctx.Done()
		return ctx.Err()
	})
	cancelAll := s.Hold(ErrEmergencyStop)
	if st := held.State(); st != Running {
		t.Fatalf("held task: %v; want it running until cancelled", st)
	}
	close(startChild)
	child := <-children
	if _, err := child.Await(context.Background()); !errors.Is(err, ErrEmergencyStop) {
		t.Errorf("task started by a held task: err %v; want cancelled by the emergency stop", err)
	}
	if ran.Load() {
		t.Error("the function of a task started by a held task ran")
	}
	if n := cancelAll(); n != 1 {
		t.Errorf("cancelAll() = %d; want 1 (the held task)", n)
	}
	if _, err := held.Await(context.Background()); !errors.Is(err, ErrEmergencyStop) {
		t.Errorf("held task after cancelAll: err %v; want cancelled by the emergency stop", err)
	}
	if _, err := s.Start(func() {}).Await(context.Background()); err != nil {
		t.Errorf("a task started from outside after the stop: %v; want it run", err)
	}
}
