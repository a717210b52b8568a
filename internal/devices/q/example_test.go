package q_test

import (
	"fmt"

	"github.com/concert-go/concert/internal/devices/q"
)

func Example() {
	pos := 2 * q.MM
	step := 0.5 * q.MM
	fmt.Println(pos+step, step)
	fmt.Println(pos.In(q.UM))
	fmt.Println((10 * q.MM).Per(2 * q.S))
	fmt.Println(1.0049999 * q.MM)
	// Output:
	// 2.5 mm 500 µm
	// 2000
	// 5 mm/s
	// 1.005 mm
}

func ExampleParseLength() {
	x, err := q.ParseLength("1500 um")
	fmt.Println(x, err)
	_, err = q.ParseLength("2 s")
	fmt.Println(err)
	// Output:
	// 1.5 mm <nil>
	// q: cannot parse "2 s": that is a duration, want a length (e.g. "2 mm")
}

func ExampleDim_Hint() {
	var want q.Quantity = q.Length(0)
	fmt.Println("write", want.Dim().Hint("5"))
	// Output: write 5 * q.MM
}
