package epics

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/epics/ca"
)

// MotorPVs names the PVs of a motor. VAL, RBV, DMOV and STOP are needed;
// the others may be empty.
type MotorPVs struct {
	VAL  string // setpoint; a put with callback returns when the move is done (motor record) or at once
	RBV  string // readback position
	DMOV string // 1 when the motor stands
	STOP string // writing 1 stops the motor where it is
	HLM  string // upper soft limit
	LLM  string // lower soft limit
	VELO string // motion velocity, in EGU per second
	EGU  string // the unit's name, such as "mm" or "deg"
	HOMF string // writing 1 starts a homing move
	// Unit overrides EGU, for a motor whose EGU concert cannot read.
	Unit q.Quantity
}

// MotorRecord names the fields of the EPICS motor record prefix.
func MotorRecord(prefix string) MotorPVs {
	f := func(field string) string { return prefix + "." + field }
	return MotorPVs{VAL: f("VAL"), RBV: f("RBV"), DMOV: f("DMOV"), STOP: f("STOP"),
		HLM: f("HLM"), LLM: f("LLM"), VELO: f("VELO"), EGU: f("EGU"), HOMF: f("HOMF")}
}

// stopWithin bounds how long a stop after a cancel may take to bring the
// motor to a stand.
const stopWithin = 30 * time.Second

// MotorDriver is a motors.Driver over a motor's PVs.
type MotorDriver struct {
	name                 string
	val, rbv, dmov, stop *ca.Channel
	velo, homf           *ca.Channel // nil if not named
	unit                 q.Quantity
	lower, upper         float64
}

var (
	_ motors.Driver         = (*MotorDriver)(nil)
	_ motors.VelocityDriver = (*MotorDriver)(nil)
)

// Motor is a motor on the EPICS motor record prefix (its VAL, RBV, DMOV,
// STOP, HLM, LLM, VELO, EGU and HOMF fields): its unit comes from EGU, its
// limits from HLM and LLM; cancelling a move and ctrl-k write STOP.
//
//	m := epics.Motor("sample_x", "SIM:M1")
func Motor(name, prefix string) *motors.Motor { return MotorFrom(name, MotorRecord(prefix)) }

// MotorFrom is Motor over PVs named one by one, for a motor that is not
// a motor record.
func MotorFrom(name string, pvs MotorPVs) *motors.Motor {
	d, o, err := NewMotorDriver(context.Background(), name, pvs)
	if err != nil {
		panic(err)
	}
	if o.Velocity == nil { // the base would find d's velocity methods
		return motors.New(name, noVelocity{d}, o)
	}
	return motors.New(name, d, o)
}

// noVelocity is a driver without VELO: only the Driver methods.
type noVelocity struct{ d *MotorDriver }

func (n noVelocity) Position(ctx context.Context) (float64, error) { return n.d.Position(ctx) }
func (n noVelocity) MoveTo(ctx context.Context, x float64) error   { return n.d.MoveTo(ctx, x) }
func (n noVelocity) Stop(ctx context.Context) error                { return n.d.Stop(ctx) }
func (n noVelocity) Home(ctx context.Context) error                { return n.d.Home(ctx) }

// NewMotorDriver connects to the PVs and reads unit, limits and velocity;
// name is the device's, for errors.
func NewMotorDriver(ctx context.Context, name string, pvs MotorPVs) (*MotorDriver, motors.Options, error) {
	c, err := Client()
	if err != nil {
		return nil, motors.Options{}, &ConfigError{name, err}
	}
	for what, pv := range map[string]string{"VAL": pvs.VAL, "RBV": pvs.RBV, "DMOV": pvs.DMOV, "STOP": pvs.STOP} {
		if pv == "" {
			return nil, motors.Options{}, configError(name, "the %s PV is missing", what)
		}
	}
	names := []string{pvs.VAL, pvs.RBV, pvs.DMOV, pvs.STOP}
	for _, pv := range []string{pvs.VELO, pvs.HOMF, pvs.HLM, pvs.LLM, pvs.EGU} {
		if pv != "" {
			names = append(names, pv)
		}
	}
	chans, err := connect(ctx, c, names...)
	if err != nil {
		return nil, motors.Options{}, &ConfigError{name, err}
	}
	byName := map[string]*ca.Channel{}
	for _, ch := range chans {
		byName[ch.Name()] = ch
	}
	d := &MotorDriver{name: name, val: byName[pvs.VAL], rbv: byName[pvs.RBV], dmov: byName[pvs.DMOV],
		stop: byName[pvs.STOP], velo: byName[pvs.VELO], homf: byName[pvs.HOMF], unit: pvs.Unit}
	if err := d.readConfig(ctx, byName[pvs.EGU], byName[pvs.HLM], byName[pvs.LLM]); err != nil {
		return nil, motors.Options{}, &ConfigError{name, err}
	}
	o := motors.Options{Unit: d.unit, Lower: d.lower, Upper: d.upper, Kind: "EPICS motor"}
	if d.velo != nil {
		o.Velocity = d
	}
	return d, o, nil
}

// readConfig reads the unit (unless given) and the soft limits.
func (d *MotorDriver) readConfig(ctx context.Context, egu, hlm, llm *ca.Channel) error {
	if d.unit == nil {
		if egu == nil {
			return fmt.Errorf("no EGU PV and no Unit: name one")
		}
		v, err := egu.Get(ctx)
		if err != nil {
			return err
		}
		u, err := q.Parse("1 " + strings.TrimSpace(v.String()))
		if err != nil || (u.Dim() != q.DimLength && u.Dim() != q.DimAngle) {
			return fmt.Errorf("%s is %q, not a length or angle unit concert knows; give MotorPVs.Unit", egu.Name(), v.String())
		}
		d.unit = u
	}
	for _, lim := range []struct {
		ch *ca.Channel
		to *float64
	}{{hlm, &d.upper}, {llm, &d.lower}} {
		if lim.ch == nil {
			continue
		}
		v, err := lim.ch.Get(ctx)
		if err != nil {
			return err
		}
		*lim.to = v.Float64()
	}
	if d.lower > d.upper {
		return fmt.Errorf("the soft limits are inverted (%s %g above %s %g): fix them on the IOC, or make both 0 for none", llm.Name(), d.lower, hlm.Name(), d.upper)
	}
	return nil
}

// Position reads RBV.
func (d *MotorDriver) Position(ctx context.Context) (float64, error) {
	v, err := d.rbv.Get(ctx)
	if err != nil {
		return 0, mark(err)
	}
	return v.Float64(), nil
}

// MoveTo writes VAL with callback and waits until DMOV says the motor
// stands. When ctx ends first, it writes STOP and waits for the stand.
func (d *MotorDriver) MoveTo(ctx context.Context, target float64) error {
	return d.motion(ctx, d.val, target)
}

// Home writes HOMF and waits for the stand, as MoveTo.
func (d *MotorDriver) Home(ctx context.Context) error {
	if d.homf == nil {
		return fmt.Errorf("no HOMF PV: this motor cannot home")
	}
	return d.motion(ctx, d.homf, 1)
}

func (d *MotorDriver) motion(ctx context.Context, ch *ca.Channel, v any) error {
	err := ch.PutWait(ctx, v)
	if err == nil {
		err = d.standing(ctx)
	}
	if ctx.Err() != nil {
		// Stop where it is, whatever the cancel interrupted, then say why
		// the move ended.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopWithin)
		defer cancel()
		if serr := d.Stop(sctx); serr != nil {
			return serr
		}
		return context.Cause(ctx)
	}
	return mark(err)
}

// Stop writes STOP and waits until DMOV says the motor stands.
func (d *MotorDriver) Stop(ctx context.Context) error {
	if err := d.stop.PutWait(ctx, 1); err != nil {
		return mark(err)
	}
	return mark(d.standing(ctx))
}

// standing waits until DMOV is 1. It subscribes only now, after the
// write that started the motion completed: the first update is DMOV as
// the IOC has it after that write, never a stale "done" from before.
func (d *MotorDriver) standing(ctx context.Context) error {
	sub, err := d.dmov.Subscribe(ca.DBR(ca.Plain, ca.Long), ca.MaskValue)
	if err != nil {
		return err
	}
	defer sub.Close()
	for {
		v, err := sub.Next(ctx)
		if err != nil {
			return err
		}
		if v.Float64() == 1 {
			return nil
		}
	}
}

// MotionVelocity reads VELO.
func (d *MotorDriver) MotionVelocity(ctx context.Context) (float64, error) {
	v, err := d.velo.Get(ctx)
	if err != nil {
		return 0, mark(err)
	}
	return v.Float64(), nil
}

// SetMotionVelocity writes VELO with callback.
func (d *MotorDriver) SetMotionVelocity(ctx context.Context, v float64) error {
	return mark(d.velo.PutWait(ctx, v))
}
