package tasks

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Background returns a function that starts f as a new task each time it
// is called, with the call's arguments after the context: Concert's
// @background. An f of a shape Start does not take, or arguments f does not
// take, give tasks that have already failed with an error saying why.
func (s *Scheduler) Background(f any, opts ...Option) func(args ...any) *Task {
	return func(args ...any) *Task {
		fn, name, err := adapt(f, args)
		return s.start(fn, name, err, opts)
	}
}

// Gather waits for every task and returns their results in argument order
// and their errors joined (nil if none failed). If ctx is cancelled first,
// every task still running is cancelled with ctx's cause, and Gather waits
// for all of them to end.
func Gather(ctx context.Context, ts ...*Task) ([]any, error) {
	for i, t := range ts {
		select {
		case <-t.Done():
			continue
		case <-ctx.Done():
		}
		cause := context.Cause(ctx)
		for _, rest := range ts[i:] {
			rest.CancelCause(cause)
		}
		for _, rest := range ts[i:] {
			<-rest.Done()
		}
		break
	}
	results := make([]any, len(ts))
	var errs []error
	for i, t := range ts {
		r, err := t.Result()
		results[i] = r
		if err != nil {
			errs = append(errs, err)
		}
	}
	return results, errors.Join(errs...)
}

// GatherTask starts a task that gathers the given tasks, so a session can
// write await gather(a, b). Each item is a *Task or a function, which is
// started first. Cancelling the gathering task cancels all of them.
func (s *Scheduler) GatherTask(items ...any) *Task {
	ts := make([]*Task, len(items))
	for i, it := range items {
		if t, ok := it.(*Task); ok {
			ts[i] = t
			continue
		}
		ts[i] = s.Start(it)
	}
	return s.Start(func(ctx context.Context) (any, error) {
		return Gather(ctx, ts...)
	}, Named(fmt.Sprintf("gather(%d)", len(ts))))
}

// WaitUntil calls cond every interval until it returns true, like Concert's
// wait_until. It returns a *TimeoutError after timeout (none if timeout is
// 0), or ctx's cause if ctx is cancelled first.
func WaitUntil(ctx context.Context, cond func() bool, interval, timeout time.Duration) error {
	if interval <= 0 {
		return fmt.Errorf("wait until: interval must be positive, got %v", interval)
	}
	var deadline <-chan time.Time
	if timeout > 0 {
		timer := time.NewTimer(timeout)
		defer timer.Stop()
		deadline = timer.C
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-deadline:
			if cond() {
				return nil
			}
			return &TimeoutError{What: "condition", After: timeout}
		case <-tick.C:
		}
	}
	return nil
}

// Background is Default.Background.
func Background(f any, opts ...Option) func(args ...any) *Task {
	return Default.Background(f, opts...)
}

// GatherTask is Default.GatherTask.
func GatherTask(items ...any) *Task { return Default.GatherTask(items...) }
