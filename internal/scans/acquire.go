package scans

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/concert-go/concert/internal/data"
	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/cameras"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/devices/shutters"
	"github.com/concert-go/concert/internal/tasks"
)

// Acquisition takes a number of frames with a camera into a directory of
// its own in the run (frames/NAME/), after putting the devices where it
// needs them: Concert's dark, flat and projection acquisitions. Make one
// with Darks, Flats, Projections or Frames; run them with Acquire.
type Acquisition struct {
	name   string
	cam    cameras.Camera
	frames int
	// before puts the devices in place; step, if set, runs before frame
	// i; after puts them back (also after a ctrl-c, with a context of
	// its own).
	before, after func(ctx context.Context) error
	step          func(ctx context.Context, i int) error
	err           error
}

// String prints the acquisition: <acquisition darks: 10 frames>.
func (a *Acquisition) String() string {
	if a.err != nil {
		return "<acquisition: " + a.err.Error() + ">"
	}
	return fmt.Sprintf("<acquisition %s: %d frames>", a.name, a.frames)
}

// Frames takes n frames with cam as acquisition name, moving nothing.
func Frames(cam cameras.Camera, name string, n int) *Acquisition {
	a := &Acquisition{name: name, cam: cam, frames: n}
	if n < 1 {
		a.err = fmt.Errorf("acquisition %s: %d frames; give at least 1", name, n)
	}
	return a
}

// Darks takes n frames with the shutter closed.
func Darks(cam cameras.Camera, shutter shutters.Shutter, n int) *Acquisition {
	a := Frames(cam, "darks", n)
	a.before = func(ctx context.Context) error { return setShutter(ctx, shutter, false) }
	return a
}

// Flats takes n frames with the shutter open and the sample out of the
// beam: flatMotor (a motor or a parameter) moves to out first and back
// where it was after.
func Flats(cam cameras.Camera, shutter shutters.Shutter, flatMotor any, out any, n int) *Acquisition {
	a := Frames(cam, "flats", n)
	p, err := target("flats", flatMotor)
	if err == nil {
		out, err = quantity("flats", "the position out of the beam", out, p.Unit().Dim())
	}
	if err == nil {
		err = p.Check(out)
	}
	if err != nil {
		a.err = err
		return a
	}
	var back any
	a.before = func(ctx context.Context) error {
		v, err := p.Read(ctx)
		if err != nil {
			return err
		}
		back = v
		if _, err := p.Set(out).Await(ctx); err != nil {
			return err
		}
		return setShutter(ctx, shutter, true)
	}
	a.after = func(ctx context.Context) error {
		if back == nil {
			return nil
		}
		_, err := p.Set(back).Await(ctx)
		return err
	}
	return a
}

// Projections takes n frames with the shutter open, turning stage (a
// motor or a parameter) from where it is through span in n equal steps,
// the end excluded: Projections(camera, shutter, rotation, 1500,
// 180*q.Deg).
func Projections(cam cameras.Camera, shutter shutters.Shutter, stage any, n int, span any) *Acquisition {
	a := Frames(cam, "projections", n)
	p, err := target("projections", stage)
	if err == nil {
		span, err = quantity("projections", "span", span, p.Unit().Dim())
	}
	if err != nil || a.err != nil {
		a.err = errors.Join(a.err, err)
		return a
	}
	var start q.Quantity
	a.before = func(ctx context.Context) error {
		v, err := p.Read(ctx)
		if err != nil {
			return err
		}
		start = v.(q.Quantity)
		for i := range n { // every angle within the limits before the first move
			if err := p.Check(angle(start, span.(q.Quantity), i, n)); err != nil {
				return fmt.Errorf("projection %d of %d: %w; nothing moved", i+1, n, err)
			}
		}
		return setShutter(ctx, shutter, true)
	}
	a.step = func(ctx context.Context, i int) error {
		_, err := p.Set(angle(start, span.(q.Quantity), i, n)).Await(ctx)
		return err
	}
	return a
}

func angle(start, span q.Quantity, i, n int) q.Quantity {
	return q.New(start.Dim(), start.Base()+span.Base()*float64(i)/float64(n))
}

// setShutter opens or closes the shutter unless it is so already.
func setShutter(ctx context.Context, s shutters.Shutter, open bool) error {
	if s == nil {
		return nil
	}
	switch st := s.State(); {
	case open && st == devices.Open, !open && st == devices.Closed:
		return nil
	case open:
		_, err := s.Open().Await(ctx)
		return err
	}
	_, err := s.Close().Await(ctx)
	return err
}

// Consumer sees every frame of an acquisition as it arrives, on the
// stream's goroutine, not the grabbing one: a live statistic, a writer of
// your own. A consumer that panics is logged and skipped.
type Consumer func(acquisition string, f *cameras.Frame)

// Acquire runs the acquisitions one after the other into one run named
// kind (default "acquire"): every frame is streamed to the run's TIFF
// writer, to a live statistic (its mean, a row of the table per frame) and
// to every Consumer among items. items are *Acquisition, Consumer (or a
// func(string, *cameras.Frame)) and a string naming the run's kind. The
// task's result is a *Result. Cancelled (ctrl-c), it stops, puts back what
// an acquisition moved (the flat-field motor) and keeps every frame
// written; after an emergency stop it moves nothing back.
func Acquire(items ...any) *tasks.Task {
	kind := "acquire"
	var (
		acqs  []*Acquisition
		users []Consumer
	)
	for _, it := range items {
		switch it := it.(type) {
		case *Acquisition:
			if it == nil || it.err != nil {
				return failedTask(kind, fmt.Errorf("%s: %w", kind, it.err))
			}
			acqs = append(acqs, it)
		case Consumer:
			users = append(users, it)
		case func(string, *cameras.Frame):
			users = append(users, it)
		case string:
			kind = it
		default:
			return failedTask(kind, fmt.Errorf("%s: cannot use a %T; give acquisitions (darks(...), flats(...), projections(...)), consumers func(name string, f *cameras.Frame) and a name", kind, it))
		}
	}
	if len(acqs) == 0 {
		return failedTask(kind, fmt.Errorf("%s: no acquisition; give darks(...), flats(...), projections(...) or frames(...)", kind))
	}
	return tasks.Start(func(ctx context.Context) (*Result, error) {
		return acquire(ctx, kind, acqs, users)
	}, tasks.Named(kind), tasks.ChildOf(tasks.Current()), tasks.Logged())
}

func acquire(ctx context.Context, kind string, acqs []*Acquisition, users []Consumer) (*Result, error) {
	total := 0
	desc := map[string]any{}
	for _, a := range acqs {
		total += a.frames
		desc[a.name] = map[string]any{"camera": a.cam.Name(), "frames": a.frames}
	}
	run, err := data.Create(data.Meta{Kind: kind, Command: command(), Scan: desc, Planned: total, Baseline: data.Baseline(ctx)})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", kind, err)
	}
	res := &Result{Run: run.Number(), Dir: run.Dir()}
	view := newView(kind, run.Number(), total, xAxis{})
	s := &stream{run: run, res: res, view: view, users: users}
	for _, a := range acqs {
		if err = s.acquisition(ctx, a); err != nil {
			break
		}
	}
	status := statusOf(ctx, err)
	run.Close(status, err)
	view.end(res, status)
	if err != nil && ctx.Err() == nil {
		err = fmt.Errorf("%s: %w; %d frames are saved in run %d", kind, err, res.Points, res.Run)
	}
	return res, err
}

// stream hands the frames of a run to its consumers.
type stream struct {
	run   *data.Run
	res   *Result
	view  *view
	users []Consumer
	mu    sync.Mutex // the table's rows come from the writer goroutine
}

// acquisition runs one acquisition: before, the frames, after.
func (s *stream) acquisition(ctx context.Context, a *Acquisition) (err error) {
	if a.before != nil {
		if err := a.before(ctx); err != nil {
			return fmt.Errorf("%s: %w", a.name, err)
		}
	}
	defer func() {
		if a.after == nil || errors.Is(context.Cause(ctx), tasks.ErrEmergencyStop) || errors.Is(err, tasks.ErrEmergencyStop) {
			return // an emergency stop is never followed by a move
		}
		if aerr := a.after(context.WithoutCancel(ctx)); aerr != nil && err == nil {
			err = fmt.Errorf("%s: putting things back: %w", a.name, aerr)
		}
	}()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	frames := make(chan *cameras.Frame, 16)
	var wg sync.WaitGroup
	var werr error
	wg.Add(1)
	go func() { // the writer and the live statistic
		defer wg.Done()
		for f := range frames {
			if werr != nil {
				continue
			}
			if werr = s.consume(a, f); werr != nil {
				cancel(werr)
			}
		}
	}()
	for i := 0; i < a.frames && err == nil; i++ {
		err = s.grab(ctx, a, i, frames)
	}
	close(frames)
	wg.Wait()
	if werr != nil {
		return werr
	}
	if err != nil && ctx.Err() != nil && context.Cause(ctx) != werr {
		return context.Cause(ctx)
	}
	return err
}

// grab moves for frame i if the acquisition steps, grabs, and streams.
func (s *stream) grab(ctx context.Context, a *Acquisition, i int, frames chan<- *cameras.Frame) error {
	if a.step != nil {
		if err := a.step(ctx, i); err != nil {
			return fmt.Errorf("%s: frame %d: %w", a.name, i+1, err)
		}
	}
	v, err := a.cam.Grab().Await(ctx)
	if err != nil {
		return fmt.Errorf("%s: frame %d: %w", a.name, i+1, err)
	}
	f, ok := v.(*cameras.Frame)
	if !ok || f == nil {
		return fmt.Errorf("%s: %s.Grab gave %T, not a frame", a.name, a.cam.Name(), v)
	}
	select {
	case frames <- f:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// consume writes a frame, adds its row and hands it to the user's
// consumers.
func (s *stream) consume(a *Acquisition, f *cameras.Frame) error {
	idx := s.run.Meta().Frames[a.name]
	if _, err := s.run.Frame(a.name, f.Width, f.Height, f.Pixels); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.res.Columns == nil {
		cols := []data.Column{{Name: "point"}, {Name: "acquisition"}, {Name: "frame"}, {Name: a.cam.Name() + ".mean"}}
		if err := s.run.SetColumns(cols, 0, []int{3}); err != nil {
			return err
		}
		s.res.Columns = headers(cols)
		s.view.header(s.res.Columns, 3)
	}
	vals := []any{s.res.Points + 1, a.name, idx, Mean(f)}
	if err := s.run.Point(vals); err != nil {
		return err
	}
	s.res.Points++
	s.view.row(vals, 0)
	for _, u := range s.users {
		callConsumer(u, a.name, f)
	}
	return nil
}

// callConsumer keeps a panicking consumer from taking the shell down; its
// panic is logged and the acquisition goes on.
func callConsumer(u Consumer, name string, f *cameras.Frame) {
	defer func() {
		if v := recover(); v != nil {
			slog.Warn("frame consumer panicked", "acquisition", name, "frame", f.Number, "panic", v)
		}
	}()
	u(name, f)
}
