// Package slits has pseudo-motors built from the two blades of a slit:
// its gap (upper blade minus lower blade) and its offset (their middle),
// as SPEC's s1hg and s1ho. Each is a motors.Motor over a Driver that
// drives both blades at once, so everything a motor has (limits, locks,
// Move, Stop, cancel, emergency stop, scans) holds for it:
//
//	gap := slits.New("s1hg", lower, upper, slits.Gap)
//	offset := slits.New("s1ho", lower, upper, slits.Offset)
//	await gap.SetPosition(2 * q.MM)
//
// A move checks both blades' targets against their limits and write
// locks before either blade moves; cancelled, both blades stop where they
// are; an emergency stop of the pseudo-motor stops both blades.
package slits

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/tasks"
)

// Blade is a motor a slit moves: any device with a position parameter in
// a length unit (motors.NewLinear, modbus.NewMotor, an EPICS motor, a
// motors.New over any driver).
type Blade interface {
	devices.Device
	Param(name string) *devices.Parameter
}

// Axis is which coordinate of a slit a pseudo-motor drives.
type Axis int

const (
	// Gap is the upper blade's position minus the lower blade's; at
	// least 0.
	Gap Axis = iota
	// Offset is the middle between the blades.
	Offset
)

func (a Axis) String() string {
	if a == Gap {
		return "gap"
	}
	return "offset"
}

// Driver is the motors.Driver of a slit's gap or offset over its two
// blades, in millimetres. A move keeps the other coordinate as it is when
// the move starts.
type Driver struct {
	lower, upper Blade
	lo, hi       *devices.Parameter // the blades' positions
	axis         Axis
}

var (
	_ motors.Driver           = (*Driver)(nil)
	_ motors.EmergencyStopper = (*Driver)(nil)
)

// NewDriver checks the blades and returns the driver of axis over them.
func NewDriver(lower, upper Blade, axis Axis) (*Driver, error) {
	if lower == nil || upper == nil {
		return nil, errors.New("a slit needs two blade motors, lower and upper")
	}
	if lower == upper {
		return nil, fmt.Errorf("the lower and the upper blade are both %s; give two motors", lower.Name())
	}
	d := &Driver{lower: lower, upper: upper, axis: axis}
	for _, b := range []Blade{lower, upper} {
		p, err := position(b)
		if err != nil {
			return nil, err
		}
		if b == lower {
			d.lo = p
		} else {
			d.hi = p
		}
	}
	return d, nil
}

// position is a blade's position parameter, which must be a readable and
// writable length.
func position(b Blade) (p *devices.Parameter, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("blade %s has no position: %v", b.Name(), v)
		}
	}()
	p = b.Param("position")
	if u := p.Unit(); u == nil || u.Dim() != q.DimLength || !p.Readable() || !p.Writable() {
		return nil, fmt.Errorf("blade %s: its position must be a length that can be read and set", b.Name())
	}
	return p, nil
}

// New makes the pseudo-motor called name of axis over the two blades.
// A mistake in the blades panics with an error saying what is wrong.
func New(name string, lower, upper Blade, axis Axis) *motors.Motor {
	d, err := NewDriver(lower, upper, axis)
	if err != nil {
		panic(fmt.Errorf("%s: %w", name, err))
	}
	return motors.New(name, d, d.Options())
}

// Options are the motors.Options of the pseudo-motor: millimetres, and a
// gap at least 0 (the blades do not cross).
func (d *Driver) Options() motors.Options {
	o := motors.Options{Unit: q.MM, Kind: "slit " + d.axis.String(), EmergencyStopper: d}
	if d.axis == Gap {
		o.Lower, o.Upper = 0, math.Inf(1)
	}
	return o
}

func mm(x float64) q.Quantity { return q.New(q.DimLength, x*q.MM.Base()) }

// blades reads both blades' positions in mm.
func (d *Driver) blades(ctx context.Context) (lo, hi float64, err error) {
	for i, p := range []*devices.Parameter{d.lo, d.hi} {
		v, err := p.Read(ctx)
		if err != nil {
			return 0, 0, err
		}
		x := v.(q.Quantity).Base() / q.MM.Base()
		if i == 0 {
			lo = x
		} else {
			hi = x
		}
	}
	return lo, hi, nil
}

// Position is the gap or offset the blades make now.
func (d *Driver) Position(ctx context.Context) (float64, error) {
	lo, hi, err := d.blades(ctx)
	if d.axis == Gap {
		return hi - lo, err
	}
	return (lo + hi) / 2, err
}

// MoveTo moves both blades at once so that the axis reaches target,
// checking both blades' targets (type, limits, write locks) before either
// moves. Cancelled, it cancels both blades' moves, which stop where they
// are, and returns once both stand.
func (d *Driver) MoveTo(ctx context.Context, target float64) error {
	lo, hi, err := d.blades(ctx)
	if err != nil {
		return err
	}
	var tlo, thi float64
	if d.axis == Gap {
		mid := (lo + hi) / 2
		tlo, thi = mid-target/2, mid+target/2
	} else {
		half := (hi - lo) / 2
		tlo, thi = target-half, target+half
	}
	if err := errors.Join(d.lo.Check(mm(tlo)), d.hi.Check(mm(thi))); err != nil {
		return err
	}
	return together(ctx, d.lo.Set(mm(tlo)), d.hi.Set(mm(thi)))
}

// together waits for the blades' tasks. When ctx ends, it cancels both
// and returns ctx's cause once both have ended; when one fails, it
// cancels the other (a slit half moved is stopped, not left running) and
// returns the failure.
func together(ctx context.Context, ts ...*tasks.Task) error {
	gctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	for _, t := range ts {
		wg.Go(func() {
			if _, err := t.Await(gctx); err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return context.Cause(gctx)
}

// Stop stops both blades, if they are devices.Stoppers, and returns once
// both stand.
func (d *Driver) Stop(ctx context.Context) error {
	var ts []*tasks.Task
	for _, b := range []Blade{d.lower, d.upper} {
		if s, ok := b.(devices.Stopper); ok {
			ts = append(ts, s.Stop())
		}
	}
	_, err := tasks.Gather(ctx, ts...)
	return err
}

// Home homes both blades at once.
func (d *Driver) Home(ctx context.Context) error {
	var homers []devices.Homer
	var missing []string
	for _, b := range []Blade{d.lower, d.upper} {
		if h, ok := b.(devices.Homer); ok {
			homers = append(homers, h)
		} else {
			missing = append(missing, b.Name())
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("blade %s cannot Home", strings.Join(missing, " and "))
	}
	return together(ctx, homers[0].Home(), homers[1].Home())
}

// EmergencyStop stops both blades at once by their own emergency stops.
func (d *Driver) EmergencyStop(ctx context.Context) error {
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, b := range []Blade{d.lower, d.upper} {
		wg.Go(func() { errs[i] = b.EmergencyStop(ctx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
