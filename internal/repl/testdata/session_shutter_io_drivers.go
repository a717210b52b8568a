// Drivers written in the session for the shutter and IO families: the base
// gives them states, refusals, panics named, safe values and closing at an
// emergency stop, and an interlock.
type Flap struct{ open, jammed bool }
func (f *Flap) IsOpen(ctx context.Context) (bool, error) { return f.open, nil }
func (f *Flap) Open(ctx context.Context) error {
	if f.jammed {
		panic("motor stalled")
	}
	f.open = true
	return nil
}
func (f *Flap) Close(ctx context.Context) error { f.open = false; return nil }
drv := &Flap{}
flap := shutters.NewDevice("flap", drv, shutters.Options{Kind: "flap shutter"})
await flap.Open()
await flap.Open()
flap.EmergencyStop(context.Background())
fmt.Println(flap.State(), drv.open)
drv.jammed = true
await flap.Open()
flap
type Relays struct{ on map[string]bool }
func (r *Relays) ReadDigital(ctx context.Context, ch string) (bool, error) { return r.on[ch], nil }
func (r *Relays) WriteDigital(ctx context.Context, ch string, on bool) error { r.on[ch] = on; return nil }
func (r *Relays) ReadAnalog(ctx context.Context, ch string) (float64, error) { return 0, fmt.Errorf("no analog channels") }
func (r *Relays) WriteAnalog(ctx context.Context, ch string, v float64) error { return fmt.Errorf("no analog channels") }
relays := &Relays{on: map[string]bool{}}
rack := signals.NewDevice("rack", relays, signals.Options{Kind: "relay rack"}, signals.DigitalOut("pump").Safe(false), signals.DigitalIn("door_open"), signals.AnalogIn("level", q.MM))
await rack.Param("pump").Set(true)
await rack.Param("pump").Set(1)
await rack.Param("level").Get()
tripped := rack.Interlock("door_open", true)
tripped()
relays.on["door_open"] = true
tripped()
rack.EmergencyStop(context.Background())
rack
// Output:
// Sorry, flap: cannot Open in state open (only in closed)
// closed false
// Sorry, flap: Open: driver panicked: motor stalled
// flap (flap shutter): closed
// Sorry, rack.pump: 1 (int) is not a bool
// Sorry, rack.level: no analog channels
// false
// true
// rack (relay rack): standby
//   parameter  value                               limits  notes
//   pump       false
//   door_open  true                                        read-only
//   level      ? (rack.level: no analog channels)          read-only
