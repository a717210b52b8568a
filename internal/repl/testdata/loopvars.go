// Each iteration of a loop has its own variables, as in Go 1.22 and later:
// closures and tasks started in a loop see their own iteration's value.
// yaegi predates that, so the shell gives each iteration a copy.
fs := []func() int{}
for i := 0; i < 3; i++ { fs = append(fs, func() int { return i }) }
fs[0]() + 10*fs[1]() + 100*fs[2]()
for _, v := range []int{5, 6} {
	fs = append(fs, func() int { return v })
}
fs[3]()
var ts []*Task
for i := 1; i <= 3; i++ {
	ts = append(ts, start(func(ctx context.Context) (int, error) { return i, nil }))
}
await gather(ts[0], ts[1], ts[2])
func pointers() []*int {
	var ps []*int
	for i := 0; i < 2; i++ {
		ps = append(ps, &i)
	}
	return ps
}
*pointers()[0]
for i := 0; i < 6; i++ { if i%2 == 0 { i++ }; fmt.Print(i, " ") }; fmt.Println()
outer:
for _, w := range []string{"a", "b", "c"} {
	for i := 0; i < 2; i++ {
		if w == "b" { continue outer }
		if w == "c" { break outer }
		fs = append(fs, func() int { return len(w) + i })
	}
}
fs[5]() + fs[6]()
for i := 0; i < 2; i++ { undefinedInLoop }
for i := 0; i < 2; i++ { g := func() int { return i }; _ = g; nope
}
// Output:
// 210
// 5
// [1 2 3]
// 0
// 1 3 5 
// 3
// Sorry, undefined: undefinedInLoop
// Sorry, line 1:63: undefined: nope
