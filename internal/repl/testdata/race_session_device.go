// A device written in the session runs its operation's interpreted code on
// a task of its own, while the prompt declares names: the shell keeps the
// two apart (go test -race fails on any race).
n := new(int64)
busy, busyCtl := devices.New(devices.Config{Name: "busy", Kind: "test"})
t := busyCtl.Run(devices.Op{Name: "Count"}, func(ctx context.Context) (any, error) {
	for i := 0; i < 100; i++ {
		*n++
		time.Sleep(2 * time.Millisecond)
	}
	return *n, nil
})
a1 := 1
a2 := a1 + 1
a3 := a2 + 1
func f4() int { return a3 + 1 }
a5 := f4() + 1
a6 := a5 + 1
await t
a6
// Output:
// 100
// 6
