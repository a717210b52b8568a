package keys_test

import (
	"fmt"
	"time"

	"github.com/concert-go/concert/internal/keys"
)

// What each ctrl-c press during one command does, for a command that
// ignores cancellation.
func ExampleEscalation() {
	e := keys.Escalation{CanStop: true}
	start := time.Now()
	for _, at := range []time.Duration{0, 300 * time.Millisecond, 600 * time.Millisecond, 1200 * time.Millisecond, 1500 * time.Millisecond} {
		action, msg := e.Press(start.Add(at))
		fmt.Printf("%v: %s: %q\n", at, action, msg)
	}
	// Output:
	// 0s: cancel: ""
	// 300ms: wait: "Cancelling: waiting for the command to clean up. ctrl-c again stops the interpreter, ctrl-k stops everything."
	// 600ms: wait: "Cancelling: waiting for the command to clean up. ctrl-c again stops the interpreter, ctrl-k stops everything."
	// 1.2s: stop interpreter: "Stopping the interpreter: every task ends cancelled."
	// 1.5s: stopping: "Still waiting: the command runs compiled code that ignores cancellation. ctrl-k stops every device."
}
