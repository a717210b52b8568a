// Declarations at the prompt while an interpreted task runs: the shell
// keeps yaegi's global frame safe (a race-built binary reports none).
n := 0
t := start(func(ctx context.Context) error {
	for i := 0; i < 30; i++ {
		n++
		if err := sleep(ctx, 5*time.Millisecond); err != nil {
			return err
		}
	}
	return nil
})
var a1 = 1
var a2 = 2
func g1() int { return 1 }
x3 := 3
x4 := 4
type pt struct{ X int }
x5 := pt{5}
await t
n
// Output:
// 30
