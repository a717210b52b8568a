package store

import (
	"fmt"
	"strings"
)

// maxNameLen keeps names usable as file names on every file system.
const maxNameLen = 100

// NameError says why a session name was refused.
type NameError struct {
	Name   string
	Reason string
}

func (e *NameError) Error() string {
	if e.Name == "" {
		return "session name is empty: give a plain name such as tutorial"
	}
	return fmt.Sprintf("invalid session name %q: %s", e.Name, e.Reason)
}

// ValidName reports whether name may name a session: a plain name of
// letters, digits, '_' and '-', starting with a letter or digit, so that it
// can never reach outside the sessions directory or read as a flag.
func ValidName(name string) error {
	bad := func(reason string) error { return &NameError{Name: name, Reason: reason} }
	switch {
	case name == "":
		return &NameError{}
	case strings.ContainsAny(name, `/\`) || name == "." || name == "..":
		return bad("a session name is a plain name such as tutorial, not a path")
	case strings.HasSuffix(name, ".go"):
		return bad(fmt.Sprintf("leave out the .go suffix (%s)", strings.TrimSuffix(name, ".go")))
	case len(name) > maxNameLen:
		return bad(fmt.Sprintf("longer than %d characters", maxNameLen))
	}
	for i, r := range name {
		letterOrDigit := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if i == 0 && !letterOrDigit {
			return bad("it must start with a letter or a digit")
		}
		if !letterOrDigit && r != '_' && r != '-' {
			return bad(fmt.Sprintf("%q is not allowed; use letters, digits, '_' and '-'", r))
		}
	}
	return nil
}
