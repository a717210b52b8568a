//go:build ignore

// Tutorial: Concert's "Concurrent execution" examples, in Go, with dummy
// devices: motor (linear, 1 mm/s), rotation (a rotation stage), shutter
// and camera.
//
// Operations return a running *Task at once; await blocks until it ends:
//
//	task := motor.Home()   // does not block
//	await task             // blocks
//	await motor.Home()     // blocks too
//	await motor.SetPosition(2 * q.MM)
//	pos := await motor.GetPosition()  // pos is a q.Length
//	motor                  // the motor's parameters and state
//
// Your own functions become tasks with start and background:
//
//	task = start(corofunc)        // does not block
//	result := await task          // blocks; result is 1
//	run := background(corofunc)   // Concert's @background
//	await run()                   // starts and blocks
//	await gather(corofunc, corofunc)  // both at once: [1 1]
//
// Exclusive access, Concert's `async with shutter, motor['position']:`:
//
//	await exclusive(func(ctx context.Context) error {
//		await motor.SetPosition(2 * q.MM)
//		await shutter.Open()
//		return nil
//	}, shutter, motor.Param("position"))
//
// ctrl-c cancels what you await (a moving motor stops where it is); ctrl-k
// cancels every task and stops every device. tasks() lists what runs,
// dstate() shows every device, help() lists the rest.
package sessions

motor := motors.NewLinear("motor")
rotation := motors.NewRotation("rotation")
shutter := shutters.New("shutter")
camera := cameras.New("camera")

// corofunc waits 0.1 s and returns 1: Concert's corofunc.
func corofunc(ctx context.Context) (int, error) {
	if err := sleep(ctx, 100*time.Millisecond); err != nil {
		return 0, err
	}
	return 1, nil
}
