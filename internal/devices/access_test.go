package devices_test

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/internal/devtest"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/devices/shutters"
	"github.com/concert-go/concert/internal/tasks"
)

func TestPlainSetWaitsForLockedSequence(t *testing.T) {
	m := fastMotor(t, "m")
	s := shutters.New("s")
	held, proceed := make(chan struct{}), make(chan struct{})
	var (
		other      *tasks.Task // written before proceed is closed
		end        q.Length
		otherEnded bool
	)
	lock := devices.Exclusive(func(ctx context.Context) error {
		close(held)
		<-proceed
		time.Sleep(10 * time.Millisecond) // room for the other set to interfere
		if _, err := m.SetPosition(2 * q.MM).Await(ctx); err != nil {
			return err
		}
		time.Sleep(30 * time.Millisecond)
		if _, err := s.Open().Await(ctx); err != nil {
			return err
		}
		end, otherEnded = m.Position(), other.State().Ended()
		return nil
	}, s, m.Param("position"))
	<-held
	other = tasks.Start(func(ctx context.Context) error {
		_, err := m.SetPosition(5 * q.MM).Await(ctx)
		return err
	})
	close(proceed)
	if _, err := devtest.Within(t, "locked sequence", lock); err != nil {
		t.Fatal(err)
	}
	if end != 2*q.MM {
		t.Errorf("locked sequence ended at %v; want 2 mm", end)
	}
	if otherEnded {
		t.Errorf("the other task's set ended while the lock was held: %v", other.Err())
	}
	if _, err := devtest.Within(t, "other set", other); err != nil {
		t.Fatal(err)
	}
	if m.Position() != 5*q.MM || s.State() != devices.Open {
		t.Errorf("after both: %v %s; want 5 mm open", m.Position(), s.State())
	}
}

func TestLockOrderDoesNotMatter(t *testing.T) {
	a, b := fastMotor(t, "a"), fastMotor(t, "b")
	s := shutters.New("s")
	body := func(ctx context.Context) error {
		for _, m := range []*motors.Linear{a, b} {
			target := 0.1 * q.MM
			if m.Position() > 0 {
				target = 0
			}
			if _, err := m.SetPosition(target).Await(ctx); err != nil {
				return err
			}
		}
		return nil
	}
	var ts []*tasks.Task
	for range 20 {
		ts = append(ts,
			devices.Exclusive(body, a, b, s),
			devices.Exclusive(body, s, b.Param("position"), a),
			devices.Exclusive(body, b, a.Param("position"), a))
	}
	g := tasks.Start(func(ctx context.Context) error { _, err := tasks.Gather(ctx, ts...); return err })
	if _, err := devtest.Within(t, "locks in opposite orders", g); err != nil {
		t.Fatal(err)
	}
}

func TestLockReleasedOnEveryPath(t *testing.T) {
	m := fastMotor(t, "m")
	boom := errors.New("boom")
	tests := []struct {
		name string
		f    any
		want func(error) bool
	}{
		{"error", func() error { return boom }, func(err error) bool { return errors.Is(err, boom) }},
		{"panic", func() { panic("oops") }, func(err error) bool {
			var pe *tasks.PanicError
			return errors.As(err, &pe)
		}},
		{"cancel", func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }, func(err error) bool {
			return errors.Is(err, tasks.ErrCancelled)
		}},
		{"bad shape", 42, func(err error) bool { return err != nil && strings.Contains(err.Error(), "cannot start") }},
	}
	for _, tt := range tests {
		lock := devices.Exclusive(tt.f, m)
		if tt.name == "cancel" {
			time.Sleep(5 * time.Millisecond)
			lock.Cancel()
		}
		_, err := devtest.Within(t, tt.name, lock)
		if !tt.want(err) {
			t.Errorf("%s: error = %v", tt.name, err)
		}
		if h := m.Holder(); h != nil {
			t.Errorf("%s: still held by %v", tt.name, h)
		}
		if _, err := devtest.Within(t, tt.name+": set after", m.SetPosition(0.01*q.MM)); err != nil {
			t.Errorf("%s: set after release: %v", tt.name, err)
		}
	}
}

func TestWaitingForLockIsCancellable(t *testing.T) {
	m := fastMotor(t, "m")
	release, held := make(chan struct{}), make(chan struct{})
	holder := devices.Exclusive(func() { close(held); <-release }, m)
	<-held
	waiter := devices.Exclusive(func() {}, m.Param("position"))
	set := m.SetPosition(1 * q.MM)
	time.Sleep(10 * time.Millisecond)
	waiter.Cancel()
	set.Cancel()
	for name, task := range map[string]*tasks.Task{"waiting lock": waiter, "waiting set": set} {
		if _, err := devtest.Within(t, name, task); !errors.Is(err, tasks.ErrCancelled) {
			t.Errorf("%s: error = %v; want cancelled", name, err)
		}
	}
	if holder.State().Ended() {
		t.Errorf("holder ended: %v", holder.Err())
	}
	close(release)
	devtest.Within(t, "holder", holder)
	if m.Position() != 0 {
		t.Errorf("a cancelled waiting set moved the motor to %v", m.Position())
	}
}

func TestLockIsReentrant(t *testing.T) {
	m := fastMotor(t, "m")
	s := shutters.New("s")
	outer := devices.Exclusive(func(ctx context.Context) error {
		inner := devices.Exclusive(func(ctx context.Context) error {
			_, err := m.SetPosition(1 * q.MM).Await(ctx)
			return err
		}, m, s)
		if _, err := inner.Await(ctx); err != nil {
			return err
		}
		_, err := s.Open().Await(ctx)
		return err
	}, s, m)
	if _, err := devtest.Within(t, "nested lock", outer); err != nil {
		t.Fatal(err)
	}
	if m.Position() != 1*q.MM || s.State() != devices.Open {
		t.Errorf("after nested lock: %v %s", m.Position(), s.State())
	}
}

func TestEmergencyStopDuringLockedMove(t *testing.T) {
	m := motors.NewLinear("m")
	m.SetMotionVelocity(10 * q.MMPerS).Await(ctx)
	var move *tasks.Task
	started := make(chan struct{})
	defer func() { <-started }()
	lock := devices.Exclusive(func(ctx context.Context) error {
		move = m.SetPosition(50 * q.MM)
		close(started)
		_, err := move.Await(ctx)
		return err
	}, m)
	<-started
	devtest.Eventually(t, "moved", func() bool { return m.Position() > 0 })
	if err := m.EmergencyStop(ctx); err != nil {
		t.Fatal(err)
	}
	if !move.State().Ended() {
		t.Errorf("move still %s when EmergencyStop returned", move.State())
	}
	p := m.Position()
	if p <= 0 || p >= 50*q.MM || m.State() != devices.Standby {
		t.Errorf("after emergency stop: %v %s; want between 0 and 50 mm, standby", p, m.State())
	}
	if _, err := devtest.Within(t, "lock", lock); !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Errorf("lock error = %v; want emergency stop", err)
	}
	time.Sleep(30 * time.Millisecond)
	if m.Position() != p {
		t.Errorf("motor moved on after emergency stop: %v then %v", p, m.Position())
	}
}

func TestEmergencyStopAllReportsHangingAndFailing(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	hangName, failName, okName := uniq("hang"), uniq("fail"), uniq("okmotor")
	hang, _ := devices.New(devices.Config{Name: hangName, EmergencyStop: func(context.Context) error {
		<-release // ignores its context
		return nil
	}})
	fail, _ := devices.New(devices.Config{Name: failName, EmergencyStop: func(context.Context) error {
		return errors.New("brake fault")
	}})
	panicName := uniq("panicky")
	panicky, _ := devices.New(devices.Config{Name: panicName, EmergencyStop: func(context.Context) error {
		panic("driver bug")
	}})
	m := fastMotor(t, okName)
	move := m.SetPosition(50 * q.MM)
	time.Sleep(10 * time.Millisecond)
	rep := devices.EmergencyStopAllWithin(ctx, 100*time.Millisecond)
	if !slices.Contains(rep.TimedOut, hangName) || slices.Contains(rep.Stopped, hangName) {
		t.Errorf("%s not reported as timed out: %s", hangName, rep)
	}
	i := slices.IndexFunc(rep.Failed, func(f devices.StopFailure) bool { return f.Device == failName })
	if i < 0 || rep.Failed[i].Err.Error() != failName+": emergency stop: brake fault" {
		t.Errorf("%s not reported: %+v", failName, rep.Failed)
	}
	i = slices.IndexFunc(rep.Failed, func(f devices.StopFailure) bool { return f.Device == panicName })
	if i < 0 || rep.Failed[i].Err.Error() != "panic: driver bug" {
		t.Errorf("%s not reported: %+v", panicName, rep.Failed)
	}
	if !slices.Contains(rep.Stopped, okName) || !move.State().Ended() {
		t.Errorf("%s not stopped: %s (move %s)", okName, rep, move.State())
	}
	if rep.OK() {
		t.Errorf("OK() = true with failures")
	}
	if !strings.Contains(rep.String(), failName+": emergency stop: brake fault") || !strings.Contains(rep.String(), "1 timed out after 100ms ("+hangName+")") {
		t.Errorf("report = %s", rep)
	}
	runtime.KeepAlive(hang)
	runtime.KeepAlive(fail)
	runtime.KeepAlive(panicky)
}

func TestEmergencyStopIgnoresLocksAndWaitingOps(t *testing.T) {
	m := fastMotor(t, "m")
	release := make(chan struct{})
	var once sync.Once
	defer once.Do(func() { close(release) })
	held := make(chan struct{})
	holder := devices.Exclusive(func(ctx context.Context) error {
		close(held)
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	}, m)
	<-held
	queued := m.SetPosition(3 * q.MM) // waits for the holder
	time.Sleep(5 * time.Millisecond)
	if err := m.EmergencyStop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := devtest.Within(t, "queued set", queued); !errors.Is(err, tasks.ErrEmergencyStop) {
		t.Errorf("queued set: %v; want cancelled by emergency stop", err)
	}
	once.Do(func() { close(release) })
	devtest.Within(t, "holder", holder)
	if m.Position() != 0 {
		t.Errorf("emergency stop let a queued move run: %v", m.Position())
	}
}

// TestOperationCalledBeforeEmergencyStopDoesNotStart covers the moment
// between a call and its task's start: an emergency stop then must keep
// the operation from starting afterwards. Whether the task started before
// the stop or not, the motor must not move once EmergencyStop returned.
func TestOperationCalledBeforeEmergencyStopDoesNotStart(t *testing.T) {
	for range 200 {
		m := motors.NewLinear("m")
		move := m.SetPosition(1 * q.MM)
		if err := m.EmergencyStop(ctx); err != nil {
			t.Fatal(err)
		}
		stopped := m.Position()
		if _, err := devtest.Within(t, "move", move); !errors.Is(err, tasks.ErrEmergencyStop) {
			t.Fatalf("move called before the emergency stop: error = %v; want emergency stop", err)
		}
		time.Sleep(time.Millisecond)
		if p := m.Position(); p != stopped {
			t.Fatalf("motor moved after the emergency stop: %v then %v", stopped, p)
		}
	}
}

// TestStoppedOperationCannotUndoEmergencyStop covers an operation that
// changes the state just after an emergency stop set it: a shutter whose
// opening completes as the stop closes it, or whose cancelled close
// reverts to open. The stop must have the last word.
func TestStoppedOperationCannotUndoEmergencyStop(t *testing.T) {
	tests := []struct {
		name       string
		cancelling error // the operation was cancelled with this before the stop; nil for none
	}{
		{"completes as the stop comes", nil},
		{"reverts after ctrl-c, as the stop comes", tasks.ErrInterrupted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ctl *devices.Control
			var b *devices.Base
			b, ctl = devices.New(devices.Config{Name: uniq("gate"), State: devices.Closed,
				EmergencyStop: func(context.Context) error { ctl.SetState(devices.Closed); return nil }})
			reached, finish := make(chan struct{}), make(chan struct{})
			op := ctl.Run(devices.Op{Name: "Open", From: []devices.State{devices.Closed}, Via: devices.Opening, Motion: true},
				func(ctx context.Context) (any, error) {
					close(reached)
					<-finish // the hardware moved; the driver has not said so yet
					ctl.SetState(devices.Open)
					return nil, nil
				})
			<-reached
			if tt.cancelling != nil {
				op.CancelCause(tt.cancelling)
			}
			// With a done context EmergencyStop returns once the driver's
			// stop has run, without waiting for the operation held here.
			done, cancel := context.WithCancel(ctx)
			cancel()
			b.EmergencyStop(done)
			close(finish)
			_, err := devtest.Within(t, "operation", op)
			if s := b.State(); s != devices.Closed {
				t.Errorf("state after the emergency stop = %s; want closed", s)
			}
			want := tasks.ErrEmergencyStop
			if tt.cancelling != nil {
				want = tt.cancelling
			}
			if !errors.Is(err, want) {
				t.Errorf("operation error = %v; want %v", err, want)
			}
		})
	}
}

// TestConcurrentStashRestore is for the race detector: many tasks push on
// and pop from one parameter's stash at once.
func TestConcurrentStashRestore(t *testing.T) {
	m := fastMotor(t, "m")
	p := m.Param("motion_velocity")
	p.Stash().Await(ctx)
	var all []*tasks.Task
	for range 200 {
		all = append(all, p.Stash(), p.Restore())
	}
	for _, task := range all {
		devtest.Within(t, task.Name(), task)
	}
}

// TestNestedExclusiveMayNotAddTargets: an exclusive inside another that
// takes targets the outer does not hold could deadlock with a task holding
// those, as nested mutexes do; it fails at once and says what to do.
func TestNestedExclusiveMayNotAddTargets(t *testing.T) {
	m := fastMotor(t, "m")
	s := shutters.New("s")
	pos, vel := m.Param("position"), m.Param("motion_velocity")
	tests := []struct {
		name         string
		outer, inner []devices.Lockable
		wantErr      string
	}{
		{"same targets", []devices.Lockable{m, s}, []devices.Lockable{s, m}, ""},
		{"a parameter of a held device", []devices.Lockable{m}, []devices.Lockable{pos}, ""},
		{"a held parameter", []devices.Lockable{pos, vel}, []devices.Lockable{vel}, ""},
		{"another device", []devices.Lockable{m}, []devices.Lockable{m, s},
			"exclusive(m, s) inside exclusive(m) would also take s, which may deadlock; name every target in the outer exclusive"},
		{"the device of a held parameter", []devices.Lockable{pos}, []devices.Lockable{m},
			"exclusive(m) inside exclusive(m.position) would also take m, which may deadlock; name every target in the outer exclusive"},
		{"another parameter", []devices.Lockable{pos}, []devices.Lockable{pos, vel, s},
			"exclusive(m.position, m.motion_velocity, s) inside exclusive(m.position) would also take m.motion_velocity, s, which may deadlock; name every target in the outer exclusive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outer := devices.Exclusive(func(ctx context.Context) error {
				_, err := devices.Exclusive(func() {}, tt.inner...).Await(ctx)
				return err
			}, tt.outer...)
			_, err := devtest.Within(t, "outer", outer)
			var nerr *devices.NestingError
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("error = %v; want none", err)
			case tt.wantErr != "" && (!errors.As(err, &nerr) || err.Error() != tt.wantErr):
				t.Errorf("error = %v; want %s", err, tt.wantErr)
			}
			if h := m.Holder(); h != nil {
				t.Errorf("m still held by %v", h)
			}
		})
	}
}

// TestExclusiveWaitingHoldsNothing: a task that holds the shutter moves a
// motor it did not name, while another task wants both. The other must not
// keep the motor while it waits for the shutter, or each waits for the
// other for ever.
func TestExclusiveWaitingHoldsNothing(t *testing.T) {
	m := fastMotor(t, "m")
	s := shutters.New("s")
	holds, proceed := make(chan struct{}), make(chan struct{})
	first := devices.Exclusive(func(ctx context.Context) error {
		close(holds)
		<-proceed
		_, err := m.SetPosition(1 * q.MM).Await(ctx)
		return err
	}, s)
	<-holds
	second := devices.Exclusive(func(ctx context.Context) error {
		_, err := m.SetPosition(2 * q.MM).Await(ctx)
		return err
	}, m, s)
	time.Sleep(20 * time.Millisecond) // room for the second to start waiting
	close(proceed)
	for name, task := range map[string]*tasks.Task{"first": first, "second": second} {
		if _, err := devtest.Within(t, name, task); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if p := m.Position(); p != 2*q.MM {
		t.Errorf("motor at %v; want 2 mm, where the second left it", p)
	}
}

// TestStopWaitsForHolderOfPosition: a Stop from another task ends a move
// of the position as surely as a set does, so it waits for the task that
// holds the position, like a set.
func TestStopWaitsForHolderOfPosition(t *testing.T) {
	m := motors.NewLinear("m")
	m.SetMotionVelocity(20 * q.MMPerS).Await(ctx)
	moving := make(chan *tasks.Task, 1)
	lock := devices.Exclusive(func(ctx context.Context) error {
		move := m.SetPosition(1 * q.MM)
		moving <- move
		_, err := move.Await(ctx)
		return err
	}, m.Param("position"))
	move := <-moving
	devtest.Eventually(t, "moving", func() bool { return m.Position() > 0 })
	stop := m.Stop()
	if _, err := devtest.Within(t, "locked move", lock); err != nil {
		t.Errorf("locked move: %v", err)
	}
	if _, err := devtest.Within(t, "stop", stop); err != nil {
		t.Errorf("stop after the release: %v", err)
	}
	if p := m.Position(); p != 1*q.MM || move.Err() != nil {
		t.Errorf("locked move ended at %v (%v); want 1 mm", p, move.Err())
	}
}

// TestCrossedHoldersFailInsteadOfDeadlock: two tasks each hold one motor
// and then move the other one's. Each would wait for the other for ever;
// the second to wait fails with a DeadlockError naming both, its holder
// releases, and the first goes on.
func TestCrossedHoldersFailInsteadOfDeadlock(t *testing.T) {
	a, b := fastMotor(t, "a"), fastMotor(t, "b")
	held := make(chan struct{}, 2)
	proceed := make(chan struct{})
	cross := func(other *motors.Linear) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			held <- struct{}{}
			<-proceed
			_, err := other.SetPosition(1 * q.MM).Await(ctx)
			return err
		}
	}
	x := devices.Exclusive(cross(b), a)
	z := devices.Exclusive(cross(a), b)
	<-held
	<-held
	close(proceed)
	_, errX := devtest.Within(t, "exclusive(a)", x)
	_, errZ := devtest.Within(t, "exclusive(b)", z)
	if (errX == nil) == (errZ == nil) {
		t.Fatalf("errors %v and %v; want exactly one", errX, errZ)
	}
	err, want := errX, "b.SetPosition would wait for exclusive(b), which waits for exclusive(a), inside which it runs: a deadlock; name all the devices in one exclusive"
	if errZ != nil {
		err, want = errZ, "a.SetPosition would wait for exclusive(a), which waits for exclusive(b), inside which it runs: a deadlock; name all the devices in one exclusive"
	}
	var derr *devices.DeadlockError
	if !errors.As(err, &derr) || derr.Error() != want {
		t.Errorf("error = %v; want %s", err, want)
	}
	if a.Holder() != nil || b.Holder() != nil {
		t.Errorf("still held: %v %v", a.Holder(), b.Holder())
	}
}
