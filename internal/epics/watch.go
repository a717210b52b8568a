package epics

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/concert-go/concert/internal/epics/ca"
)

// Watch is camonitor in the shell: a task function that prints a line for
// every change of the PV, "NAME  time  value  [severity]", with print
// (fmt.Println from a session, which prints above the prompt), until its
// task is cancelled. It says when the PV disconnects and goes on when it
// is back. It counts the updates it printed.
//
//	w := start(epics.Watch("SIM:M1:RBV", fmt.Println))
//	w.Cancel()
func Watch(pv string, print func(a ...any) (int, error)) func(ctx context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		c, err := Client()
		if err != nil {
			return 0, err
		}
		ch, err := c.Connect(ctx, pv)
		if err != nil {
			return 0, err
		}
		defer ch.Close()
		sub, err := ch.Subscribe(ca.Native(ca.Time), ca.MaskValue|ca.MaskAlarm)
		if err != nil {
			return 0, err
		}
		defer sub.Close()
		n := 0
		for {
			v, err := sub.Next(ctx)
			switch {
			case ctx.Err() != nil:
				return n, context.Cause(ctx)
			case errors.Is(err, ca.ErrDisconnected):
				print(pv + " *** disconnected")
				continue
			case err != nil:
				return n, err
			}
			print(watchLine(pv, v))
			n++
		}
	}
}

func watchLine(pv string, v *ca.Value) string {
	s := fmt.Sprintf("%-30s %s %s", pv, v.Stamp.Local().Format("2006-01-02 15:04:05.000000"), strings.Join(v.Strings(), " "))
	if v.Severity != ca.NoAlarm {
		s += " " + v.Severity.String()
	}
	if v.Dropped > 0 {
		s += fmt.Sprintf(" (%d updates dropped before this one)", v.Dropped)
	}
	return s
}
