// A function with unnamed parameters, called through a func value or an
// interface (func(int) int { ... } handed to a function, a method that
// ignores its argument), receives its arguments and returns its results.
func apply(g func(float64) float64) float64 { return g(2) }
apply(func(float64) float64 { return 3 })
func four(int) int { return 4 }
fs := []func(int) int{four, func(int) int { return 5 }}
fs[0](0) + fs[1](0)
type Fake struct{}
func (Fake) Read(context.Context, string) (int, error) { return 6, nil }
type Reader interface{ Read(context.Context, string) (int, error) }
var r Reader = Fake{}
r.Read(context.Background(), "")
func sum(...int) int { return 7 }
func callv(g func(...int) int) int { return g(1, 2) }
callv(sum)
// Output:
// 3
// 9
// 6
// 7
