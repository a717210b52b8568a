// Channel operations in functions of the session, which the shell
// rewrites to give up the interpreter's gate while they block: each form
// still does what Go does.
const half = 0.5
const two = 2
fs := make(chan float64, 8)
results, tr := make(chan string), make(chan string)
var total float64
producer := start(func(ctx context.Context) {
	fs <- 1
	fs <- two
	fs <- half
	fs <- float64(len("four"))
	close(fs)
})
consumer := start(func(ctx context.Context) error {
	for f := range fs {
		total += f
	}
	results <- fmt.Sprint("total ", total)
	return nil
})
ticks := start(func(ctx context.Context) {
	n := 0
	for range time.Tick(time.Millisecond) {
		if n++; n == 3 {
			break
		}
	}
	select {
	case tr <- fmt.Sprint("ticks ", n):
	case <-ctx.Done():
	}
})
fmt.Println(<-results)
fmt.Println(<-tr)
box := map[string]int{}
in := make(chan int)
t := start(func(ctx context.Context) (any, error) {
	box["a"] = <-in
	v, ok := <-in
	box["b"], ok = <-in
	close(in)
	_, ok2 := <-in
	return []any{v, ok, ok2}, nil
})
in <- 1
in <- 2
in <- 3
await t
box
nums := make(chan int, 3)
nums <- 4; nums <- 5; nums <- 6
u := start(func(ctx context.Context) (any, error) {
	fmt.Println("got", <-nums)
	if v, ok := <-nums; ok {
		fmt.Println("then", v)
	}
	close(nums)
	switch x := float64(<-nums) * 2; x {
	case 12:
		fmt.Println("twelve")
	}
	return <-nums * 3, nil
})
await u
tk := time.NewTicker(time.Millisecond)
w := start(func(ctx context.Context) (any, error) {
	n := 0
	for range tk.C {
		if n++; n == 2 {
			break
		}
	}
	tk.Stop()
	return n, nil
})
await w
// Output:
// total 7.5
// ticks 3
// [2 true false]
// map[a:1 b:3]
// got 4
// then 5
// twelve
// 0
// 2
