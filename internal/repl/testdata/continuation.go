// Unfinished input continues on the next line: open brackets, raw
// strings, trailing operators. Declarations and statements mix.
total := 1 +
	2 +
	3
total
text := `first
second`
len(text)
values := []int{
	1,
	2,
}
len(values)
func add(a,
	b int) int {
	return a + b
}
add(
	1, 2)
func sq(v int) int { return v * v }; sq(4)
// Output:
// 6
// 12
// 2
// 3
// 16
