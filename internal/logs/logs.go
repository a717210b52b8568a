// Package logs is the shell's own session log: the logger that the shell,
// the scheduler and the devices write to, and the buffered writer behind
// it.
//
// The shell never logs through slog.Default: a session may call
// slog.SetDefault with any handler, and a handler of the session's that
// panics or blocks must not take the shell's own records, or the shell,
// with it. L returns the shell's logger; Set installs one. Every handler
// installed with Set is guarded: a panic in it, or an error it returns,
// loses that record, never the caller (a task ending, an emergency stop)
// or the process.
//
// Writer keeps the writing off the hot path: a record is copied into a
// buffer and written by a goroutine of its own, whole and in order. Flush
// waits until what was logged is written; the shell calls it on every
// exit path (return, SIGTERM, SIGHUP, panic).
package logs

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
)

type state struct {
	logger *slog.Logger
	flush  func()
}

var current atomic.Pointer[state]

func init() { current.Store(&state{logger: slog.New(slog.DiscardHandler)}) }

// L returns the shell's logger: the one Set installed, or one that
// discards everything.
func L() *slog.Logger { return current.Load().logger }

// Set makes l, guarded (see the package doc), the shell's logger; flush,
// if not nil, is what Flush calls. onError, if not nil, is told of each
// record lost to a handler that panicked or failed (wrap it in Once to
// hear of the first only). restore puts the previous logger back.
func Set(l *slog.Logger, flush func(), onError func(error)) (restore func()) {
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	if onError == nil {
		onError = func(error) {}
	}
	g := &guard{h: l.Handler(), report: onError}
	prev := current.Swap(&state{logger: slog.New(g), flush: flush})
	return func() { current.Store(prev) }
}

// Flush writes out what the shell's logger has buffered, and waits for it.
func Flush() {
	if f := current.Load().flush; f != nil {
		f()
	}
}

// Once returns a func that calls report with the first error only: a log
// that cannot be written says so once on the terminal, not per record.
func Once(report func(error)) func(error) {
	if report == nil {
		return func(error) {}
	}
	var done atomic.Bool
	return func(err error) {
		if done.CompareAndSwap(false, true) {
			report(err)
		}
	}
}

// guard is a handler that loses a record rather than pass on a panic.
type guard struct {
	h      slog.Handler
	report func(error)
}

func (g *guard) Enabled(ctx context.Context, level slog.Level) (ok bool) {
	defer func() {
		if v := recover(); v != nil {
			ok = false
			g.report(fmt.Errorf("the log handler panicked: %v", v))
		}
	}()
	return g.h.Enabled(ctx, level)
}

func (g *guard) Handle(ctx context.Context, r slog.Record) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("the log handler panicked: %v", v)
		}
		if err != nil {
			g.report(err)
		}
	}()
	return g.h.Handle(ctx, r)
}

func (g *guard) WithAttrs(attrs []slog.Attr) (h slog.Handler) {
	defer func() {
		if v := recover(); v != nil {
			h = g
		}
	}()
	return &guard{h: g.h.WithAttrs(attrs), report: g.report}
}

func (g *guard) WithGroup(name string) (h slog.Handler) {
	defer func() {
		if v := recover(); v != nil {
			h = g
		}
	}()
	return &guard{h: g.h.WithGroup(name), report: g.report}
}

// Std is a writer for the standard log package, which yaegi prints its
// internal notes to ("nil type"): each line becomes a debug record of the
// shell's logger instead of text on the terminal.
type Std struct{}

func (Std) Write(p []byte) (int, error) {
	L().Debug(strings.TrimSpace(string(p)), "from", "log")
	return len(p), nil
}
