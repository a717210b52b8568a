//go:build ignore

// Tomo: a tomography on the dummy devices, written to disk: darks, flats
// and projections over 180 degrees.
//
// It loads the tutorial (motor, rotation, shutter, camera) and adds
// flat_motor, which moves the sample out of the beam for the flats.
//
//	await tomo(32)        // 4 darks, 4 flats, 32 projections: one run
//	concert data tomo     // (in your shell) the runs; concert data tomo 1 shows one
//
// Each run holds frames/darks, frames/flats and frames/projections as
// 16-bit TIFF files, points.csv (a row per frame with its mean) and
// meta.json (the command, and every device's parameters at the start).
package sessions

load("tutorial")

// flatMotor moves the sample out of the beam for the flats.
flatMotor := motors.NewLinear("flat_motor")

// Fast dummies: a tomography should take seconds here, not minutes.
await rotation.SetMotionVelocity(3600 * q.DegPerS)
await flatMotor.SetMotionVelocity(1000 * q.MMPerS)
await camera.SetExposureTime(1 * q.MS)

// tomo takes 4 darks (shutter closed), 4 flats (flat_motor at 20 mm) and
// n projections over 180 degrees, then closes the shutter and turns the
// stage back to 0 deg.
func tomo(n int) *Task {
	return start(func(ctx context.Context) (*scans.Result, error) {
		r := await acquire("tomo",
			darks(camera, shutter, 4),
			flats(camera, shutter, flatMotor, 20*q.MM, 4),
			projections(camera, shutter, rotation, n, 180*q.Deg))
		await shutter.Close()
		await rotation.SetPosition(0 * q.Deg)
		return r.(*scans.Result), nil
	}, "tomo")
}
