package repl_test

import (
	"fmt"
	"os"

	"github.com/concert-go/concert/internal/repl"
)

func ExampleSession_Run() {
	s, err := repl.NewSession(repl.Options{Stdout: os.Stdout, Stderr: os.Stdout})
	if err != nil {
		panic(err)
	}
	s.Run("x := 2 * q.MM", "") // a statement prints nothing
	s.Run("x + 500*q.UM", "")  // an expression prints its value
	s.Run(`m := motors.NewLinear("example"); await m.SetPosition(1 * q.UM); m.Position()`, "")
	err = s.Run("m.SetPosition(5)", "")
	fmt.Println(err)
	// Output:
	// 2.5 mm
	// 1 µm
	// m.SetPosition(5): the number 5 has no unit (it would mean 5 m); write 5 * q.MM
}

func ExampleNeedsMore() {
	fmt.Println(repl.NeedsMore("func f() {"))
	fmt.Println(repl.NeedsMore("x := 1 +"))
	fmt.Println(repl.NeedsMore("x := 1"))
	// Output:
	// true
	// true
	// false
}

func ExampleCheck() {
	err := repl.Check("scan.go", []byte("// Scan.\n\nm := motors.NewLinear(\"m\")\ngo m.Home()\n"))
	fmt.Println(err)
	// Output:
	// scan.go:4:1: a go statement cannot run in the shell: use start(f) to run f as a task
}
