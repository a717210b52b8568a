// Runtime errors read as Go's, not as the interpreter's reflect calls.
var x interface{ Foo() }
x.Foo()
type E struct{ A int }
var e *E
e.A
var f func(int) int
f(1)
s := []int{1}
s[5] = 1
n := 3
s[1:n]
a := [3]int{}
i := 5
a[i]
var p *int
*p
var m map[string]int
m["a"] = 1
"still alive"
// Output:
// Sorry, panic: runtime error: invalid memory address or nil pointer dereference (a nil pointer or interface was used)
// Sorry, panic: runtime error: invalid memory address or nil pointer dereference (a nil pointer or interface was used)
// Sorry, panic: runtime error: call of a nil function
// Sorry, panic: runtime error: index out of range
// Sorry, panic: runtime error: slice bounds out of range
// Sorry, panic: runtime error: index out of range
// Sorry, panic: runtime error: invalid memory address or nil pointer dereference (a nil pointer or interface was used)
// Sorry, panic: assignment to entry in nil map
// still alive
