// A value used as an interface it does not implement is Go's compile
// error, not the interpreter's "panic: method not found".
photodiodes.NewDevice("i3", 3, photodiodes.Options{})
var d photodiodes.Driver = 3
// Output:
// Sorry, a value does not implement the interface it is used as (missing method Intensity)
// Sorry, a value does not implement the interface it is used as (missing method Intensity)
