package devices

import (
	"slices"
	"testing"
)

// The records of the operations an emergency stop ends wait while it
// runs, and are written in order by LogStopRecords, which the shell calls
// after printing a report, also while another stop still runs (a signal's
// stop on the way out: the process exits after it, and a record left
// waiting would be lost). With no stop running a record is written at
// once.
func TestStopRecordsWaitForTheReport(t *testing.T) {
	var got []int
	add := func(i int) func() { return func() { got = append(got, i) } }
	release := holdRecords()
	record(add(1))
	record(add(2))
	if len(got) != 0 {
		t.Fatalf("records written during the stop: %v", got)
	}
	other := holdRecords() // a second stop, still running
	LogStopRecords()
	if !slices.Equal(got, []int{1, 2}) {
		t.Errorf("after LogStopRecords: %v; want [1 2]", got)
	}
	other()
	release()
	record(add(3))
	if !slices.Equal(got, []int{1, 2, 3}) {
		t.Errorf("with no stop running: %v; want [1 2 3]", got)
	}
}
