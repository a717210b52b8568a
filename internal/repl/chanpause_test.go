package repl

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/tasks"
)

// newTestSession is a session whose background failures are collected.
func newTestSession(t testing.TB) (*Session, func() []string) {
	t.Helper()
	var mu = make(chan struct{}, 1)
	var failures []string
	s, err := NewSession(Options{Stdout: io.Discard, Stderr: io.Discard, Notify: func(err error) {
		mu <- struct{}{}
		failures = append(failures, err.Error())
		<-mu
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		tasks.CancelAll(tasks.ErrShutdown)
		for tasks.Default.Len() > 0 {
			time.Sleep(time.Millisecond)
		}
	})
	return s, func() []string {
		mu <- struct{}{}
		defer func() { <-mu }()
		return append([]string(nil), failures...)
	}
}

// run runs each line as a command of its own, as a session file's
// top-level statements run, and fails the test on an error.
func run(t testing.TB, s *Session, lines ...string) {
	t.Helper()
	for _, line := range lines {
		if err := s.Run(line, ""); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
}

// value evaluates expr and returns what it prints.
func value(t *testing.T, s *Session, expr string) string {
	t.Helper()
	var out strings.Builder
	s.out = &out
	defer func() { s.out = io.Discard }()
	run(t, s, expr)
	return strings.TrimSpace(out.String())
}

// Background tasks blocked in channel operations of their own code (the
// issue 17 session: a thousand tasks in <-ctx.Done()) let every later
// command take the gate: none goes on without it, each of the forms still
// receives and sends what it should, and cancelling the tasks ends them.
func TestBlockedChannelOperationsGiveUpTheGate(t *testing.T) {
	s, _ := newTestSession(t)
	run(t, s,
		`import "sync/atomic"`,
		`var waiting atomic.Int64`,
		`in := make(chan int)`,
		`var got atomic.Int64`,
		`var last int`,
		`box := []int{0}`,
		`f := func(ctx context.Context) { waiting.Add(1); <-ctx.Done() }`,
		`ts := make([]*Task, 0, 300)`,
		`for i := 0; i < 200; i++ { ts = append(ts, start(f)) }`,
		// v := <-c; v, ok = <-c into a global; x[i] = <-c
		`ts = append(ts, start(func(ctx context.Context) { waiting.Add(1); v := <-in; got.Add(int64(v)); w, ok := 0, false; w, ok = <-in; if ok { got.Add(int64(w)) }; last = <-in; box[0] = <-in }))`,
		// select with a receive into a global, a send and ctx.Done()
		`in2, out := make(chan int), make(chan int)`,
		`ts = append(ts, start(func(ctx context.Context) { waiting.Add(1); for { select { case last = <-in2: got.Add(1000); case out <- last * 2: case <-ctx.Done(): return } } }))`,
		// range over a channel, each value captured by a task of its own
		`rc := make(chan int)`,
		`ts = append(ts, start(func(ctx context.Context) { waiting.Add(1); for v := range rc { t := start(func(ctx context.Context) { got.Add(int64(v) * 10000) }); await t } }))`,
		// return <-c
		`rr := make(chan int)`,
		`rv := start(func(ctx context.Context) (any, error) { waiting.Add(1); return <-rr, nil })`,
		// receives inside a statement, before anything else it does
		`in3 := make(chan int)`,
		`ts = append(ts, start(func(ctx context.Context) { waiting.Add(1); if v, ok := <-in3; ok { got.Add(int64(v) * 100000) } }))`,
		`ts = append(ts, start(func(ctx context.Context) { waiting.Add(1); got.Add(int64(<-in3) * 1000000) }))`,
		// range over a channel field of a global
		`type feed struct{ C chan int }`,
		`fd := &feed{C: make(chan int)}`,
		`ts = append(ts, start(func(ctx context.Context) { waiting.Add(1); for v := range fd.C { got.Add(int64(v) * 10000000) } }))`,
		`for waiting.Load() < 207 { time.Sleep(5 * time.Millisecond) }`,
	)
	for i := 0; i < 10; i++ {
		run(t, s, `x := 1`, `x++`)
	}
	run(t, s,
		`in <- 1`, `in <- 2`, `in <- 3`, `in <- 4`, // the first task
		`in2 <- 5`, // the select
		`<-out`,
		`rc <- 6`, `rc <- 7`, // the range loop
		`rr <- 7`,
		`in3 <- 1`, `in3 <- 1`,
		`fd.C <- 1`, `close(fd.C)`,
	)
	if got := value(t, s, `<-out`); got != "10" {
		t.Errorf("the select sent %s; want 10 (last*2 after it received 5)", got)
	}
	run(t, s, `close(rc)`)
	if got := value(t, s, `await rv`); got != "7" {
		t.Errorf("return <-rr gave %s; want 7", got)
	}
	run(t, s, `for _, t := range ts { t.Cancel() }`, `for _, t := range ts { <-t.Done() }`)
	if got, want := value(t, s, `[]any{got.Load(), box[0], last}`), "[11231003 4 5]"; got != want {
		t.Errorf("received %s; want %s: 1+2 (v, w), 1000 (the select), 60000+70000 (the range), 100000+1000000 (in3), 10000000 (fd.C)", got, want)
	}
	if n := s.gate.unguarded.Load(); n != 0 {
		t.Errorf("%d evaluations went on without the gate while tasks were blocked in channel operations", n)
	}
	gateFree(t, s)
}

// gateFree fails unless no share of the gate is left taken.
func gateFree(t *testing.T, s *Session) {
	t.Helper()
	if !s.gate.mu.TryLock() {
		t.Fatal("a share of the gate is still held after every task ended")
	}
	s.gate.mu.Unlock()
}

// A pause that never sees its resume: a send on a closed channel panics
// while the share is given up, and yaegi's stop of the interpreter (ctrl-c
// three times) ends a receive that ignores its context. The panic still
// becomes the task's error, a function that recovers it runs guarded, and
// the share is never given back twice (a fatal error) nor left taken.
func TestChannelPauseWithoutResume(t *testing.T) {
	s, _ := newTestSession(t)
	run(t, s,
		`closed := make(chan int)`,
		`close(closed)`,
		`t1 := start(func(ctx context.Context) { closed <- 1 })`,
		`try := func(c chan int) (err any) { defer func() { err = recover() }(); c <- 1; return nil }`,
		`var recovered any`,
		`t2 := start(func(ctx context.Context) { recovered = try(closed); <-ctx.Done() })`,
	)
	if _, err := s.Start(`await t1`, "").Await(t.Context()); err == nil || !strings.Contains(err.Error(), "send on closed channel") {
		t.Errorf("await t1: %v; want the panic, send on closed channel", err)
	}
	run(t, s, `x := 1`, `t2.Cancel()`, `<-t2.Done()`)
	if got := value(t, s, `fmt.Sprint(recovered)`); !strings.Contains(got, "send on closed channel") {
		t.Errorf("the recovered panic is %q; want send on closed channel", got)
	}
	// ctrl-c on a command awaiting a task blocked in a select that
	// watches its context.
	run(t, s, `never := make(chan int)`)
	cmd := s.Start(`await start(func(ctx context.Context) error { select { case <-ctx.Done(): return ctx.Err(); case <-never: return nil } })`, "")
	time.Sleep(50 * time.Millisecond)
	cmd.Cancel()
	if _, err := cmd.Await(t.Context()); !errors.Is(err, context.Canceled) {
		t.Errorf("the command cancelled in a select returned %v; want it cancelled", err)
	}
	// ctrl-c on a command awaiting a task that ignores its context, then
	// the stop of the interpreter.
	cmd = s.Start(`await start(func(ctx context.Context) { <-never })`, "")
	time.Sleep(50 * time.Millisecond)
	cmd.Cancel()
	time.Sleep(50 * time.Millisecond)
	s.StopInterpreter()
	if _, err := cmd.Await(t.Context()); err == nil {
		t.Error("the cancelled command returned no error")
	}
	for tasks.Default.Len() > 0 {
		time.Sleep(time.Millisecond)
	}
	// No command now: yaegi's stopped evaluation may still end on its own
	// goroutine, in no order the race detector sees (see settle).
	settle()
	if n := s.gate.unguarded.Load(); n != 0 {
		t.Errorf("%d evaluations went on without the gate", n)
	}
	gateFree(t, s)
}

// BenchmarkCommandWhileTasksReceive is one top-level statement while 100
// tasks of the session are blocked in <-ctx.Done(). Before their receive
// gave up the gate's share, each statement waited the gate's patience
// (200 ms) and then ran without the gate (unguarded/op 1).
func BenchmarkCommandWhileTasksReceive(b *testing.B) {
	s, _ := newTestSession(b)
	run(b, s,
		`import "sync/atomic"`,
		`var waiting atomic.Int64`,
		`f := func(ctx context.Context) { waiting.Add(1); <-ctx.Done() }`,
		`for i := 0; i < 100; i++ { start(f) }`,
		`for waiting.Load() < 100 { time.Sleep(time.Millisecond) }`,
		`x := 0`,
	)
	before := s.gate.unguarded.Load()
	for b.Loop() {
		run(b, s, `x++`)
	}
	b.ReportMetric(float64(s.gate.unguarded.Load()-before)/float64(b.N), "unguarded/op")
}
