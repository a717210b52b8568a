package devices

import (
	"context"
	"reflect"
	"time"
)

// ChangesEvery is how often Changes reads a parameter whose value the
// device may change by itself (a motor moving, a beam current decaying).
const ChangesEvery = 100 * time.Millisecond

// Changes returns a channel that receives the parameter's value now and
// then each time it changes, for a live display or a logger, until ctx
// ends; then the channel is closed. Give it the ctx of the task that
// reads it, so that cancelling the task (ctrl-c, ctrl-k) ends the
// subscription too:
//
//	start(func(ctx context.Context) error {
//		for v := range motor.Param("position").Changes(ctx) {
//			fmt.Println(v)
//		}
//		return nil
//	})
//
// The value is read every ChangesEvery and at once after each set. The
// channel holds the newest value only: a reader slower than the changes
// sees the latest, never a backlog, and never slows the device. A read
// that fails is skipped. A write-only parameter's channel is closed at
// once.
func (p *Parameter) Changes(ctx context.Context) <-chan any {
	ch := make(chan any, 1)
	if !p.readable() {
		close(ch)
		return ch
	}
	p.subs.Add(1)
	go func() {
		defer close(ch)
		defer p.subs.Add(-1)
		tick := time.NewTicker(ChangesEvery)
		defer tick.Stop()
		var last any
		first := true
		for {
			kick := p.kicked()
			if v, err := p.Read(ctx); err == nil && (first || !same(v, last)) {
				first, last = false, v
				select { // the newest value replaces one not read yet
				case <-ch:
				default:
				}
				ch <- v
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			case <-kick:
			}
		}
	}()
	return ch
}

// kicked returns the channel that the next set closes.
func (p *Parameter) kicked() <-chan struct{} {
	p.dev.mu.Lock()
	defer p.dev.mu.Unlock()
	if p.kick == nil {
		p.kick = make(chan struct{})
	}
	return p.kick
}

// changed wakes the Changes of the parameter after a set.
func (p *Parameter) changed() {
	p.dev.mu.Lock()
	defer p.dev.mu.Unlock()
	if p.kick != nil {
		close(p.kick)
		p.kick = nil
	}
}

// same reports whether two values of a parameter are equal, for values
// that cannot be compared with == too.
func same(a, b any) bool {
	if a == nil || b == nil || reflect.TypeOf(a) != reflect.TypeOf(b) || !reflect.TypeOf(a).Comparable() {
		return a == nil && b == nil
	}
	return a == b
}
