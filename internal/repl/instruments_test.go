package repl_test

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/concert-go/concert/internal/transport/transporttest"
)

// instrumentBlock is a README example of section "Real instruments": Go
// typed at the prompt, like those TestREADME runs, but talking to
// hardware, so fenced as "go instruments" and run here with the
// simulators started for it.
var instrumentBlock = regexp.MustCompile("(?s)```go instruments\n(.*?)```")

// TestREADMEInstruments runs each "go instruments" example of the README
// through the binary against a simulated SCPI power supply (the README's
// tcp://127.0.0.1:5025) and pymodbus's server running the simulated PLC
// (tcp://127.0.0.1:5020); tcp://127.0.0.1:5999 becomes a port where
// nothing listens.
func TestREADMEInstruments(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := instrumentBlock.FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 3 {
		t.Fatalf("the README has %d instrument examples; want the SCPI supply, the positioner and the interlock", len(blocks))
	}
	for i, b := range blocks {
		t.Run(fmt.Sprintf("example%d", i+1), func(t *testing.T) {
			psu := transporttest.PSU(t)
			plc := transporttest.ModbusTCP(t)
			src := strings.NewReplacer(
				"tcp://127.0.0.1:5025", psu.Addr,
				"tcp://127.0.0.1:5020", plc.Addr,
				"tcp://127.0.0.1:5999", "tcp://127.0.0.1:"+strconv.Itoa(transporttest.FreePort(t)),
			).Replace(b[1])
			runScript(t, fmt.Sprintf("README.md instrument example %d", i+1), src)
		})
	}
}
