// A select case that assigns what it receives to a variable declared
// before (case x = <-c) gets the value: yaegi v0.16.1 lost it (a local
// stayed 0) or panicked (reflect.Select: invalid Dir) with a default.
var g int
func blocking() (int, bool) {
	c := make(chan int, 1)
	c <- 5
	var x int
	var ok bool
	select {
	case x, ok = <-c:
	}
	return x, ok
}
blocking()
func single() int {
	c := make(chan int, 1)
	c <- 4
	var x int
	select {
	case x = <-c:
	}
	return x
}
single()
func withDefault() int {
	c := make(chan int, 1)
	c <- 6
	var x int
	select {
	case x = <-c:
	default:
	}
	return x
}
withDefault()
func toGlobal() int {
	c := make(chan int, 1)
	c <- 7
	select {
	case g = <-c:
	}
	return g
}
toGlobal()
// Output:
// 5
// true
// 4
// 6
// 7
