package store_test

import (
	"fmt"

	"github.com/concert-go/concert/internal/store"
)

const session = `//go:build ignore

// Tomography: rotate the sample and grab projections.
// concert:multi-instance

package sessions

stage := motors.NewRotation("stage")
`

func ExampleDescription() {
	src := []byte(session)
	fmt.Println(store.Description(src))
	fmt.Println(store.MultiInstance(src))
	// Output:
	// Tomography: rotate the sample and grab projections.
	// true
}

func ExampleBody() {
	body, line := store.Body([]byte(session))
	fmt.Printf("%q\n", body)
	fmt.Println("code from line", line)
	// Output:
	// "                 \n\n// Tomography: rotate the sample and grab projections.\n// concert:multi-instance\n\n                \n\nstage := motors.NewRotation(\"stage\")\n"
	// code from line 7
}

func ExampleValidName() {
	for _, name := range []string{"tomo-2026", "../etc/passwd", "scan.go"} {
		fmt.Println(store.ValidName(name))
	}
	// Output:
	// <nil>
	// invalid session name "../etc/passwd": a session name is a plain name such as tutorial, not a path
	// invalid session name "scan.go": leave out the .go suffix (scan)
}

func ExampleParseOutline() {
	o := store.ParseOutline([]byte(session))
	for _, d := range o.Devices {
		fmt.Printf("%s := %s (line %d)\n", d.Name, d.Code, d.Line)
	}
	// Output:
	// stage := motors.NewRotation("stage") (line 8)
}
