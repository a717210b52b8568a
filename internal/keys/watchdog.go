package keys

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/concert-go/concert/internal/tasks"
)

// watchdogs runs the watchdogs. They are tasks of their own scheduler
// because an emergency stop cancels every task of the Default one, and a
// safety monitor that its own alarm switches off would watch only once.
var watchdogs = tasks.NewScheduler(context.Background())

// Watchdog starts Concert's check_emergency_stop: a background task that
// calls check every interval and, when it becomes true, triggers the same
// emergency stop as ctrl-k and logs it with the report. It triggers once
// per alarm: it re-arms only when check has been false again. A check that
// panics counts as true (fail safe) and the panic is logged.
//
// The task runs until it is cancelled (Task.Cancel); an emergency stop does
// not end it. It does not appear in the Default scheduler's task list.
func Watchdog(check func() bool, interval time.Duration) *tasks.Task {
	return startWatchdog(check, interval, EmergencyStop)
}

func startWatchdog(check func() bool, interval time.Duration, estop func(context.Context) Report) *tasks.Task {
	return watchdogs.Start(func(ctx context.Context) error {
		if check == nil {
			return fmt.Errorf("watchdog: check is nil; want a func() bool that says when to stop everything")
		}
		if interval <= 0 {
			return fmt.Errorf("watchdog: interval must be positive, got %v", interval)
		}
		log := slog.Default()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		armed := true
		for {
			alarm, perr := safeCheck(check)
			switch {
			case alarm && armed:
				armed = false
				r := estop(ctx)
				if perr != nil {
					log.Error("watchdog: emergency stop", "report", r.String(), "check_panic", perr)
				} else {
					log.Error("watchdog: emergency stop", "report", r.String())
				}
			case !alarm && !armed:
				armed = true
				log.Info("watchdog: check cleared, re-armed")
			}
			select {
			case <-ctx.Done():
				return nil
			case <-tick.C:
			}
		}
	}, tasks.Named("watchdog"))
}

func safeCheck(check func() bool) (alarm bool, perr any) {
	defer func() {
		if v := recover(); v != nil {
			alarm, perr = true, v
		}
	}()
	return check(), nil
}
