// What the prompt prints: expressions their value, nothing else.
x := 2 * q.MM
x
x + 500*q.UM
90 * q.Deg
var n int
n = 3
n
func twice(v int) int { return 2 * v }
twice(n)
fmt.Println("printed once")
strings.ToUpper("abc")
func pair() (int, error) { return 7, nil }
pair()
func fails() (int, error) { return 0, fmt.Errorf("it failed") }
fails()
func nothing() {}
nothing()
type point struct{ X, Y int }
point{1, 2}
[]int{1, 2, 3}
nil
var ts []*Task // the task type of the prelude
ts = append(ts, start(func() {}))
len(ts)
// Output:
// 2 mm
// 2.5 mm
// 90 deg
// 3
// 6
// printed once
// ABC
// 7
// Sorry, it failed
// {1 2}
// [1 2 3]
// 1
