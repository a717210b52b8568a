package scpi

import (
	"context"
	"fmt"
	"time"

	"github.com/concert-go/concert/internal/logs"
)

// interlockWithin bounds an interlock's query: one that takes longer
// counts as tripped, so a hung instrument cannot blind the watchdog.
const interlockWithin = time.Second

// Interlock returns a check for watchdog that is true, tripped, while
// the Flag parameter flag reads tripped: Interlock("protection_tripped",
// true) trips when the supply's protection does, Interlock("door_closed",
// false) when the door opens. It fails safe: a query that fails, gets no
// 1/0/ON/OFF reply or takes over a second counts as tripped, and is
// logged. The query bypasses locks and exclusive access, which must not
// delay a safety check. It panics with an error if the instrument has no
// such Flag that can be read.
//
//	psu := scpi.New("psu", "tcp://psu:5025", scpi.Flag("protection_tripped", "OUTP:PROT:TRIP?", ""))
//	wd := watchdog(psu.Interlock("protection_tripped", true), 100*time.Millisecond)
func (in *Instrument) Interlock(flag string, tripped bool) func() bool {
	var def *ParamDef
	for i, p := range in.cfg.params {
		if p.name == flag && p.kind == flagKind && p.get != "" {
			def = &in.cfg.params[i]
		}
	}
	if def == nil {
		panic(&ConfigError{in.Name(), fmt.Errorf("an interlock needs a Flag with a query; %q is none (declare scpi.Flag(%q, \"QUERY?\", \"\"))", flag, flag)})
	}
	p := in.Param(flag)
	return func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), interlockWithin)
		defer cancel()
		v, err := p.Read(ctx)
		if err != nil {
			logs.L().Warn("interlock unreadable: counts as tripped", "device", in.Name(), "flag", flag, "query", def.get, "err", err.Error())
			return true
		}
		return v.(bool) == tripped
	}
}
