//go:build unix

package keys

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/concert-go/concert/internal/devices"
)

// The shell tells its supervisor, over a pipe, what the supervisor must
// say when the shell dies of what Go cannot recover from (fatal error:
// concurrent map writes, a stack overflow, out of memory, SIGKILL): then
// no emergency stop ran, and the user must know which devices were
// moving (issue 15 item 17). The shell writes a line whenever the set of
// devices that are not at rest changes, and "end" when it ends in order
// (its devices stopped or left at rest by the shell itself).

// statusEnv names the shell's end of the status pipe: a file descriptor.
const statusEnv = "CONCERT_STATUS_FD"

// statusEvery is how often the shell looks at its devices' states.
const statusEvery = 100 * time.Millisecond

// status is the shell's end of the pipe; nil when no supervisor listens.
var status struct {
	mu    sync.Mutex
	w     io.WriteCloser
	ended bool
}

// reportStatus starts telling the supervisor, on the pipe fd names, which
// devices are not at rest.
func reportStatus(fd string) {
	n, err := strconv.Atoi(fd)
	if err != nil {
		return
	}
	syscall.CloseOnExec(n) // programs the session starts do not hold it open
	status.w = os.NewFile(uintptr(n), "status")
	go func() {
		defer func() { _ = recover() }()
		last := "-"
		for range time.Tick(statusEvery) {
			line := activeDevices()
			if line == last {
				continue
			}
			last = line
			status.mu.Lock()
			if !status.ended {
				_, _ = io.WriteString(status.w, "active "+line+"\n")
			}
			status.mu.Unlock()
		}
	}()
}

// Ended tells the supervisor that the shell ends in order: what follows is
// its exit, not a crash. Call it before os.Exit.
func Ended() {
	status.mu.Lock()
	defer status.mu.Unlock()
	if status.w == nil || status.ended {
		return
	}
	status.ended = true
	_, _ = io.WriteString(status.w, "end\n")
	_ = status.w.Close()
}

// restingStates are the states a device is safe to leave in.
var restingStates = map[devices.State]bool{
	devices.Standby: true, devices.Closed: true, devices.Off: true,
	devices.Unknown: true, devices.Error: true, devices.HardLimit: true,
}

// activeDevices lists the devices not at rest with their state, "motor
// moving, shutter open".
func activeDevices() string {
	var active []string
	for _, b := range devices.Devices() {
		if st := b.State(); !restingStates[st] {
			active = append(active, b.Name()+" "+string(st))
		}
	}
	return strings.Join(active, ", ")
}

// shellStatus is the supervisor's side: the last state the shell told.
type shellStatus struct {
	mu     sync.Mutex
	heard  bool   // the shell reports: it got as far as its session
	active string // the devices not at rest, last told
	ended  bool   // the shell ended in order
	done   chan struct{}
}

// listen reads the shell's reports from r until the shell's end closes.
func listen(r io.ReadCloser) *shellStatus {
	s := &shellStatus{done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer r.Close()
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.heard = true
			if line == "end" {
				s.ended = true
			} else if a, ok := strings.CutPrefix(line, "active "); ok {
				s.active = a
			} else if line == "active" {
				s.active = ""
			}
			s.mu.Unlock()
		}
	}()
	return s
}

// unstopped says, after the shell died without ending in order, that no
// emergency stop ran and which devices were not at rest; "" if the shell
// ended in order or never got to report.
func (s *shellStatus) unstopped() string {
	select {
	case <-s.done:
	case <-time.After(time.Second): // a process the shell started holds the pipe
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.heard || s.ended {
		return ""
	}
	msg := "concert: the shell died without an emergency stop: devices were NOT stopped. "
	if s.active == "" {
		return msg + "None was moving when last seen (0.1 s before).\n"
	}
	return msg + fmt.Sprintf("Last seen (0.1 s before): %s. Check them, or stop them by hand.\n", s.active)
}
