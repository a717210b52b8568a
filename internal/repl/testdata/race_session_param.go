// A parameter of a device written in the session, read every 10 ms by
// compiled code (Wait, on a task of its own), while the prompt declares
// names: each read holds its share of the interpreter's gate from its
// first step (go test -race fails on any race).
k := new(int64)
probe, probeCtl := devices.New(devices.Config{Name: "probe", Kind: "test"})
level := probeCtl.Add(devices.ParamSpec{Name: "level", Zero: int64(0), Get: func(ctx context.Context) (any, error) {
	*k++
	return *k, nil
}})
w := level.Wait(int64(50), nil, 0*q.S)
b1 := 1
b2 := 2
b3 := 3
b4 := 4
b5 := 5
b6 := 6
b7 := 7
b8 := 8
b9 := 9
b10 := 10
b11 := 11
b12 := 12
b13 := 13
b14 := 14
b15 := 15
b16 := 16
b17 := 17
b18 := 18
b19 := 19
b20 := 20
b21 := 21
b22 := 22
b23 := 23
b24 := 24
await w
b24
// Output:
// 50
// 24
