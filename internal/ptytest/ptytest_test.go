//go:build unix

package ptytest

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestMain(m *testing.M) { Main(m) }

const wait = 10 * time.Second

func TestStrip(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "hello\r\nworld", "hello\nworld"},
		{"doubled carriage return", "report\r\r\nnext\rover", "report\nnext\rover"},
		{"colour", "\x1b[1;31mSorry,\x1b[0m no", "Sorry, no"},
		{"cursor and erase", "\x1b[2K\x1b[1G>>> \x1b[?25h", ">>> "},
		{"title by BEL", "\x1b]0;concert\x07ready", "ready"},
		{"title by ST", "\x1b]2;x\x1b\\ready", "ready"},
		{"save cursor, charset", "\x1b7a\x1b(Bb\x1b8", "ab"},
		{"bell", "a\x07b", "ab"},
		{"cut escape stays", "ok\x1b[3", "ok\x1b[3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Strip([]byte(tt.in)); got != tt.want {
				t.Errorf("Strip(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSendAndWaitFor(t *testing.T) {
	p := Start(t, Options{}, "sh", "-c", `printf 'name? '; read x; printf '\033[1mhello %s\033[0m\n' "$x"; read y; echo "second $y"`)
	p.WaitFor("name? ", wait)
	p.SendString("ada\r")
	p.WaitFor("hello ada\n", wait)
	p.SendString("two\r")
	m := p.WaitForRegexp(regexp.MustCompile(`second (\w+)`), wait)
	if want := []string{"second two", "two"}; fmt.Sprint(m) != fmt.Sprint(want) {
		t.Errorf("WaitForRegexp = %q; want %q", m, want)
	}
	if ps := p.Wait(wait); ps.ExitCode() != 0 {
		t.Errorf("exit code %d; want 0", ps.ExitCode())
	}
	// The terminal echoes what was typed, as a real one does.
	if out := p.Output(); !strings.Contains(out, "name? ada\nhello ada\ntwo\nsecond two\n") {
		t.Errorf("Output() = %q", out)
	}
}

func TestWaitForMovesOn(t *testing.T) {
	p := Start(t, Options{}, "sh", "-c", `echo one; echo '>'; read x; echo '>'; read x`)
	p.WaitFor(">", wait)
	p.SendString("a\r")
	// The first prompt is behind the mark: this waits for the second one.
	p.WaitFor(">", wait)
	p.SendString("b\r")
	p.Wait(wait)
}

func TestEnvAndSize(t *testing.T) {
	p := Start(t, Options{Rows: 30, Cols: 100, Env: []string{"TERM=dumb", "CONCERT_X=1"}},
		"sh", "-c", `echo "[$TERM|$NO_COLOR|$CONCERT_X|$(stty size)]"`)
	p.WaitFor("[dumb|1|1|30 100]", wait)
}

func TestCtrlCRaisesSIGINT(t *testing.T) {
	p := Start(t, Options{}, "sleep", "60")
	p.Send([]byte{0x03})
	ps := p.Wait(wait)
	if sig, ok := ExitedBySignal(ps); !ok || sig != syscall.SIGINT {
		t.Errorf("sleep ended with %v; want killed by SIGINT", ps)
	}
}

func TestStty(t *testing.T) {
	tests := []struct {
		name   string
		script string
		same   bool
	}{
		{"restored", "stty -icanon -echo -isig; stty icanon echo isig", true},
		{"left raw", "stty -icanon -echo -isig", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Start(t, Options{}, "sh", "-c", tt.script)
			p.Wait(wait)
			before, after := p.SttyBefore(), p.Stty()
			if !strings.Contains(before, " echo ") || !strings.Contains(before, " icanon ") {
				t.Fatalf("stty before = %q; want a cooked terminal", before)
			}
			if (before == after) != tt.same {
				t.Errorf("stty after %q: same = %v; want %v\nbefore: %s\nafter:  %s", tt.script, before == after, tt.same, before, after)
			}
		})
	}
}

func TestCloseKillsStubbornProgram(t *testing.T) {
	p := Start(t, Options{}, "sh", "-c", `trap '' INT TERM HUP; echo ready; sleep 60; sleep 60`)
	p.WaitFor("ready", wait)
	start := time.Now()
	p.Close()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Close took %v", d)
	}
	if ps := p.Wait(time.Second); ps.Exited() {
		t.Errorf("program exited normally (%v); want killed", ps)
	}
}

// fatalTB records Fatalf instead of ending the goroutine.
type fatalTB struct {
	testing.TB
	msg string
}

type fatal struct{}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic(fatal{})
}

func TestWaitForFails(t *testing.T) {
	tests := []struct {
		name, script, want string
	}{
		{"timeout", "echo partial; sleep 60", `"never" did not appear within 200ms; output:` + "\npartial\n"},
		{"closed", "echo partial", "terminal closed before \"never\" appeared; output:\npartial\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Start(t, Options{}, "sh", "-c", tt.script)
			p.WaitFor("partial", wait)
			p.mark = 0
			f := &fatalTB{TB: t}
			p.t = f
			func() {
				defer func() {
					if v := recover(); v != nil && v != (fatal{}) {
						panic(v)
					}
				}()
				if tt.name == "closed" {
					p.Wait(wait)
					p.Close() // our own handle keeps the terminal open
				}
				p.WaitFor("never", 200*time.Millisecond)
			}()
			p.t = t
			if want := "ptytest: " + tt.want; f.msg != want {
				t.Errorf("Fatalf message = %q; want %q", f.msg, want)
			}
		})
	}
}

func TestConcert(t *testing.T) {
	p := Start(t, Options{}, Concert(t), "--version")
	p.WaitFor("concert", 2*time.Minute)
	p.Wait(wait)
}

func TestOpen(t *testing.T) {
	master, tty := Open(t, 24, 80)
	if _, err := master.Write([]byte("hi\r")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	n, err := tty.Read(buf) // cooked: one line, \r turned into \n
	if err != nil || string(buf[:n]) != "hi\n" {
		t.Fatalf("tty.Read = %q, %v; want \"hi\\n\"", buf[:n], err)
	}
	// A read with nothing to read ends at its deadline instead of hanging.
	master.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	for {
		_, err := master.Read(buf) // the echo of "hi", then nothing
		if err != nil {
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("master.Read error = %v; want deadline exceeded", err)
			}
			break
		}
	}
}

func TestScreen(t *testing.T) {
	s := StartScreen(t, Options{Rows: 10, Cols: 40, Env: []string{"CONCERT_X=7"}},
		"sh", "-c", `printf 'name? '; read x; printf 'abcdef\rXY\n'; echo "hi $x $CONCERT_X $NO_COLOR"; sleep 60`)
	s.WaitFor("name?", wait)
	s.SendString("ada\r")
	s.WaitFor("hi ada 7 1", wait)
	// The screen shows what the carriage return overwrote, as a user sees it.
	want := "name? ada\nXYcdef\nhi ada 7 1"
	if got := s.Text(); got != want {
		t.Errorf("screen =\n%s\nwant\n%s", got, want)
	}
}

func TestScreenAfterExit(t *testing.T) {
	// The short sleep lets tmux set the window up before the program
	// writes: a program that wrote and ended while tmux was still making
	// the window left it blank now and then on a loaded machine; what
	// this checks is that the screen stays once the program has ended.
	s := StartScreen(t, Options{}, "sh", "-c", "sleep 0.2; echo bye")
	s.WaitFor("bye", wait)
	time.Sleep(100 * time.Millisecond)
	if got := s.Text(); got != "bye" {
		t.Errorf("screen after exit = %q; want %q", got, "bye")
	}
}
