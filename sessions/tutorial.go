//go:build ignore

// Tutorial: the examples of Concert's "Concurrent execution" page, in Go.
// It defines motor (linear, 1 mm/s), rotation (a rotation stage), shutter,
// camera, and corofunc, a function that runs as a task.
//
// Blocking and non-blocking:
//
//	task := start(corofunc) // starts it, does not block
//	result := await task    // blocks; result is 1 (an int)
//	await start(corofunc)   // blocks too
//	run := background(corofunc)
//	task = run()            // runs at once, does not block
//	result = await task     // blocks
//	await run()             // blocks too
//
// Devices: operations return a running *Task.
//
//	task = motor.Home()     // does not block
//	await task              // blocks
//	await motor.Home()      // blocks too
//	motor                   // the motor's parameters and state
//
// Concurrency: await gather(corofunc, corofunc) gives [1 1].
//
// ctrl-c cancels what you await (the motor stops); ctrl-k cancels every task
// and stops every device. tasks() lists what runs; help() lists the rest.
package sessions

// corofunc waits 0.1 s and returns 1: Concert's corofunc.
func corofunc(ctx context.Context) (int, error) {
	if err := sleep(ctx, 100*time.Millisecond); err != nil {
		return 0, err
	}
	return 1, nil
}
