// Package repl is the shell scientists type into: Go interpreted by yaegi,
// with the prelude in scope (units, devices, start, await, gather, ...), a
// line editor on a terminal and plain lines otherwise, and session files.
//
// A command goes through phases, one file each: read.go decides when an
// input is complete and cuts it into top-level items (yaegi evaluates
// declarations and statements separately); rewrite.go turns await into
// calls, names start's tasks, gives closures in a loop their own
// iteration's variables (yaegi predates Go 1.22), refuses raw go
// statements, top-level defers and, with guard.go, bare numbers where a
// quantity is wanted; eval.go runs the items
// with yaegi and turns its errors into positions in the user's file;
// print.go shows values for people. prompt.go, complete.go and history.go
// are the line editor; run.go ties a session, its init file and the
// commands together; prelude.go is what every session has in scope.
//
// Every command runs as the foreground task (see package tasks for the
// cancellation model); while it runs, package keys owns the terminal.
package repl
