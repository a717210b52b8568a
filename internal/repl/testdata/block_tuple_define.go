// A command's block, loop, if or switch that declares two names from one
// value (v, err := t.Result(), x, ok := m[k], v, ok := <-c) runs, as in
// a function.
ts := []*Task{start(func() (int, error) { return 1, nil }), start(func() (int, error) { return 0, fmt.Errorf("bad") })}
for _, t := range ts { v, err := t.Await(context.Background()); fmt.Println(v, err) }
m := map[string]int{"a": 1}
{ x, ok := m["a"]; fmt.Println(x, ok); y := 2; _ = y }
switch v, ok := m["b"]; { case ok: fmt.Println(v); default: fmt.Println("none") }
ch := make(chan int, 1)
ch <- 5
if v, ok := <-ch; ok { fmt.Println(v) }
// Output:
// 1 <nil>
// 0 bad
// 1 true
// none
// 5
