// Scan: moves the motor in steps and takes a frame at each.
//
// Run it with concert start scan; then type await scan(3).

load("base") // another session, loaded once

m := motors.NewLinear("m")
cam := cameras.New("cam")

// scan moves m to n positions 1 mm apart and grabs a frame at each.
func scan(n int) *Task {
	return start(func(ctx context.Context) (int, error) {
		frames := 0
		for i := 0; i < n; i++ {
			await m.SetPosition(q.Length(i) * q.MM)
			await cam.Grab()
			frames++
		}
		return frames, nil
	})
}

await m.Home()
