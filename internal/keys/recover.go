//go:build unix

package keys

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/concert-go/concert/internal/devices"
	"github.com/concert-go/concert/internal/logs"
)

// Recover, deferred first thing in main and in every goroutine the shell
// starts, makes a panic end the process in order: an emergency stop
// (bounded in time), the terminal restored as Guard found it, and then the
// panic goes on, with its stack, as if never recovered.
//
//	defer keys.Recover()
func Recover() {
	v := recover()
	if v == nil {
		return
	}
	fmt.Fprintf(os.Stderr, "concert: panic: %v\nconcert: emergency stop, then exit.\n", v)
	stopped := make(chan *devices.StopReport, 1)
	go func() {
		defer func() { _ = recover() }() // dying already; the report is lost at worst
		r := devices.EmergencyStopEverything(context.Background())
		logReport(r, "panic")
		stopped <- r
	}()
	select {
	case r := <-stopped:
		fmt.Fprintf(os.Stderr, "concert: %s\n", r)
	case <-time.After(exitStopTimeout):
		fmt.Fprintf(os.Stderr, "concert: emergency stop did not finish within %v\n", exitStopTimeout)
	}
	restoreFinal()
	logs.Flush()
	Ended() // the devices had their emergency stop: no word from the supervisor
	panic(v)
}
