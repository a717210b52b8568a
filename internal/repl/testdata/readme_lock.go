await exclusive(func(ctx context.Context) error {
	await motor.SetPosition(2 * q.MM)
	await shutter.Open()
	return nil
}, shutter, motor.Param("position"))
motor.Position()
shutter.State()
// Output:
// 2 mm
// open
