package store

import (
	"strings"
	"testing"
)

const bundledSrc = `//go:build ignore

// Tutorial: a motor, a shutter and a camera. Try motor.SetPosition.
// Second line.

package sessions

motor := 1
`

func TestValidName(t *testing.T) {
	tests := []struct {
		name, wantErr string
	}{
		{"tutorial", ""},
		{"my-session_2", ""},
		{"2024beam", ""},
		{"", "session name is empty: give a plain name such as tutorial"},
		{"../x", `invalid session name "../x": a session name is a plain name such as tutorial, not a path`},
		{"/etc/passwd", `invalid session name "/etc/passwd": a session name is a plain name such as tutorial, not a path`},
		{"..", `invalid session name "..": a session name is a plain name such as tutorial, not a path`},
		{`a\b`, `invalid session name "a\\b": a session name is a plain name such as tutorial, not a path`},
		{"x.go", `invalid session name "x.go": leave out the .go suffix (x)`},
		{"-rf", `invalid session name "-rf": it must start with a letter or a digit`},
		{"_x", `invalid session name "_x": it must start with a letter or a digit`},
		{"a b", `invalid session name "a b": ' ' is not allowed; use letters, digits, '_' and '-'`},
		{"a.b", `invalid session name "a.b": '.' is not allowed; use letters, digits, '_' and '-'`},
		{"café", `invalid session name "café": 'é' is not allowed; use letters, digits, '_' and '-'`},
		{strings.Repeat("a", 101), `invalid session name "` + strings.Repeat("a", 101) + `": longer than 100 characters`},
	}
	for _, tt := range tests {
		err := ValidName(tt.name)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.wantErr {
			t.Errorf("ValidName(%q) = %q; want %q", tt.name, got, tt.wantErr)
		}
	}
}

func TestDescription(t *testing.T) {
	tests := []struct {
		name, src, want, summary string
	}{
		{"bundled", bundledSrc, "Tutorial: a motor, a shutter and a camera. Try motor.SetPosition.\nSecond line.",
			"Tutorial: a motor, a shutter and a camera."},
		{"user", "// Scan the sample.\n//\n//   indented\nmotor := 1\n// not this\n", "Scan the sample.\n\n  indented", "Scan the sample."},
		{"paragraphs", "// First\n// line\n//\n// More.\n", "First\nline\n\nMore.", "First line"},
		{"directive skipped", "// concert:multi-instance\n// Runs twice.\n", "Runs twice.", "Runs twice."},
		{"code first", "x := 1 // note\n// later\n", "", ""},
		{"empty", "", "", ""},
		{"blank lines first", "\n\n//No space.\n\n// second block\n", "No space.", "No space."},
		{"crlf", "// Windows.\r\n// Lines.\r\nx := 1\r\n", "Windows.\nLines.", "Windows."},
	}
	for _, tt := range tests {
		if got := Description([]byte(tt.src)); got != tt.want {
			t.Errorf("%s: Description = %q; want %q", tt.name, got, tt.want)
		}
		if got := Summary([]byte(tt.src)); got != tt.summary {
			t.Errorf("%s: Summary = %q; want %q", tt.name, got, tt.summary)
		}
	}
}

func TestBody(t *testing.T) {
	tests := []struct {
		name, src, want string
		line            int
	}{
		{"bundled", bundledSrc, strings.Replace(strings.Replace(bundledSrc, "//go:build ignore", "                 ", 1), "package sessions", "                ", 1), 7},
		{"user", "// Doc.\nmotor := 1\n", "// Doc.\nmotor := 1\n", 1},
		{"package only", "package main\nx := 1\n", "            \nx := 1\n", 2},
		{"package with semicolon", "package p; x := 1\n", "           x := 1\n", 2},
		{"build only", "//go:build ignore\nx := 1\n", "                 \nx := 1\n", 2},
		{"package inside comment", "/* package p */\nx := 1\n", "/* package p */\nx := 1\n", 1},
		{"package without name", "package\n", "package\n", 1},
		{"empty", "", "", 1},
	}
	for _, tt := range tests {
		got, line := Body([]byte(tt.src))
		if string(got) != tt.want || line != tt.line {
			t.Errorf("%s: Body = %q, %d; want %q, %d", tt.name, got, line, tt.want, tt.line)
		}
		if strings.Count(string(got), "\n") != strings.Count(tt.src, "\n") {
			t.Errorf("%s: Body changed the number of lines", tt.name)
		}
	}
}

func TestMultiInstance(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"// Doc.\n// concert:multi-instance\nx := 1\n", true},
		{"x := 1\n//concert:multi-instance\n", true},
		{"// Doc mentioning concert:multi-instance in prose.\n", false},
		{"x := 1\n", false},
	}
	for _, tt := range tests {
		if got := MultiInstance([]byte(tt.src)); got != tt.want {
			t.Errorf("MultiInstance(%q) = %v; want %v", tt.src, got, tt.want)
		}
	}
}
