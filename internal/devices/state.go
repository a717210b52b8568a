package devices

// State is where a device is in its state machine. Drivers may add their
// own; these are the common ones.
type State string

// Common states.
const (
	Standby   State = "standby"
	Moving    State = "moving"
	HardLimit State = "hard-limit"
	Open      State = "open"
	Closed    State = "closed"
	Opening   State = "opening"
	Closing   State = "closing"
	Recording State = "recording"
	Counting  State = "counting"
	On        State = "on"
	Off       State = "off"
	Error     State = "error"
	Unknown   State = "unknown"
)

func (s State) String() string { return string(s) }
