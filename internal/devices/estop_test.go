package devices_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/devices/internal/devtest"
	"github.com/concert-go/concert/internal/devices/motors"
	"github.com/concert-go/concert/internal/devices/q"
	"github.com/concert-go/concert/internal/devices/shutters"
	"github.com/concert-go/concert/internal/tasks"
)

// TestCtrlKOnBusyDevicesStopsEverything is ctrl-k on a bench in random
// use: exclusive sequences over random targets, moves, continuous motions,
// stops and shutters, all at once. Whatever moment the stop hits, every
// task must end, no device may keep moving or stay held, every shutter
// must be closed.
func TestCtrlKOnBusyDevicesStopsEverything(t *testing.T) {
	for round := range 10 {
		ms := []*motors.ContinuousLinear{motors.NewContinuousLinear(uniq("a")), motors.NewContinuousLinear(uniq("b"))}
		ss := []*shutters.Device{shutters.New(uniq("s")), shutters.New(uniq("s"))}
		for _, m := range ms {
			m.SetMotionVelocity(50 * q.MMPerS).Await(ctx)
		}
		targets := []devices.Lockable{ms[0], ms[1], ss[0], ss[1], ms[0].Param("position"), ms[1].Param("velocity")}
		var all []*tasks.Task
		for i := 0; i < 20; i++ {
			r := rand.New(rand.NewPCG(uint64(round), uint64(i)))
			k := r.IntN(5)
			switch k {
			case 0:
				var ts []devices.Lockable
				for _, x := range targets {
					if r.IntN(2) == 0 {
						ts = append(ts, x)
					}
				}
				all = append(all, devices.Exclusive(func(ctx context.Context) error {
					for _, m := range ms {
						m.SetPosition(q.Length(r.Float64()) * q.MM).Await(ctx)
					}
					ss[0].Open().Await(ctx)
					ss[0].Close().Await(ctx)
					return nil
				}, ts...))
			case 1:
				all = append(all, ms[r.IntN(2)].SetVelocity(10*q.MMPerS))
			case 2:
				all = append(all, ms[r.IntN(2)].Stop())
			case 3:
				all = append(all, ss[r.IntN(2)].Open())
			case 4:
				all = append(all, ms[r.IntN(2)].SetPosition(2*q.MM))
			}
		}
		time.Sleep(time.Duration(round*3) * time.Millisecond) // the stop hits at another moment each round
		// As keys does on ctrl-k: tasks and devices at the same moment.
		go tasks.CancelAll(tasks.ErrEmergencyStop)
		rep := devices.EmergencyStopAll(ctx) // other tests' devices too
		for _, d := range []devices.Device{ms[0], ms[1], ss[0], ss[1]} {
			if !slices.Contains(rep.Stopped, d.Name()) {
				t.Fatalf("round %d: %s not stopped: %s", round, d.Name(), rep)
			}
		}
		for _, task := range all {
			devtest.Within(t, task.Name(), task)
		}
		for _, m := range ms {
			if m.Velocity() != 0 || m.State() == devices.Moving || m.Holder() != nil {
				t.Fatalf("round %d: %s turning %v state %s holder %v", round, m.Name(), m.Velocity(), m.State(), m.Holder())
			}
			p := m.Position()
			time.Sleep(15 * time.Millisecond) // more than a dummy's step
			if m.Position() != p {
				t.Fatalf("round %d: %s still moving", round, m.Name())
			}
		}
		for _, s := range ss {
			if s.State() != devices.Closed || s.Holder() != nil {
				t.Fatalf("round %d: %s %s", round, s.Name(), s.State())
			}
		}
	}
}

// TestRandomExclusiveUseNeverHangs: tasks hold random devices and
// parameters and use random devices, held or not, in random order. Some
// may fail (a deadlock refused, a motor busy for another task), but every
// task ends and nothing stays held.
func TestRandomExclusiveUseNeverHangs(t *testing.T) {
	ms := []*motors.Linear{fastMotor(t, uniq("a")), fastMotor(t, uniq("b")), fastMotor(t, uniq("c"))}
	targets := []devices.Lockable{ms[0], ms[1], ms[2], ms[0].Param("position"), ms[1].Param("position"), ms[2].Param("motion_velocity")}
	for round := range 10 {
		var all []*tasks.Task
		for i := range 12 {
			r := rand.New(rand.NewPCG(uint64(round), uint64(i)))
			var ts []devices.Lockable
			for _, x := range targets {
				if r.IntN(3) == 0 {
					ts = append(ts, x)
				}
			}
			order := r.Perm(len(ms))
			all = append(all, devices.Exclusive(func(ctx context.Context) error {
				for _, k := range order {
					if _, err := ms[k].SetPosition(q.Length(r.IntN(3)) * 0.1 * q.MM).Await(ctx); err != nil {
						return err
					}
				}
				return nil
			}, ts...))
		}
		for _, task := range all {
			devtest.Within(t, task.Name(), task)
		}
		for _, m := range ms {
			if h := m.Holder(); h != nil {
				t.Fatalf("round %d: %s still held by %v", round, m.Name(), h)
			}
		}
	}
}
