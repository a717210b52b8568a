// A name a value does not have is said to be missing from its type; the
// hint to convert an any is only for what really is an any.
motor.Foo()
x := 3
x.Foo()
var y any = motor
y.Foo()
// Output:
// Sorry, undefined method: Foo (*motors.Linear has no method Foo; help(motor) lists its methods)
// Sorry, undefined selector: Foo (int has no field or method Foo)
// Sorry, undefined selector: Foo (y is an any, as what await gives inside a function or loop and gather's results are: convert it, y.(*motors.Linear))
