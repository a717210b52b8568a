package keys

import (
	"context"
	"log/slog"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/logs"
)

// deviceStops stops the devices at ctrl-k and says how each went:
// devices.EmergencyStopAll, or a fake in tests.
type deviceStops func(ctx context.Context) *devices.StopReport

// logReport logs an emergency stop's report, by whom it was called,
// after the records of the operations it ended (see
// devices.LogStopRecords).
func logReport(r *devices.StopReport, by string) {
	devices.LogStopRecords()
	level := slog.LevelWarn
	if !r.OK() {
		level = slog.LevelError
	}
	logs.L().Log(context.Background(), level, "emergency stop", "by", by,
		"tasks", r.Tasks, "stopped", len(r.Stopped), "failed", len(r.Failed),
		"timed_out", len(r.TimedOut), "took", r.Took, "report", r.String())
}
