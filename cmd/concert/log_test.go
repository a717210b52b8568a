package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concert-go/concert/internal/ptytest"
	"github.com/concert-go/concert/internal/store"
)

// localTime renders a record time as concert log prints it.
func localTime(s string) string {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t.Local().Format("2006-01-02 15:04:05.000")
}

const logText = `{"time":"2026-11-25T02:04:05.123Z","level":"INFO","msg":"command","session":"tutorial","input":"await motor.Home()"}
{"time":"2026-11-25T02:04:06Z","level":"WARN","msg":"emergency stop","session":"scan","stopped":2,"report":{"motor":"stopped"}}
not json
{"time":"2026-11-25T02:04:07.5Z","level":"INFO","msg":"task end","session":"tutorial","task":7,"state":"Cancelled"}
`

func TestLog(t *testing.T) {
	e, st := testEnv(t)
	if _, errOut, code := run(e, "log"); errOut != "No log yet at "+st.LogPath()+"; concert start writes it\n" || code != 0 {
		t.Errorf("log without a log: %q, %d", errOut, code)
	}
	os.MkdirAll(filepath.Dir(st.LogPath()), 0o755)
	os.WriteFile(st.LogPath()+".1", []byte(logText[:strings.Index(logText, "not json")]), 0o644)
	os.WriteFile(st.LogPath(), []byte(logText[strings.Index(logText, "not json"):]), 0o644)
	l1 := localTime("2026-11-25T02:04:05.123Z") + ` INFO  tutorial: command input="await motor.Home()"`
	l2 := localTime("2026-11-25T02:04:06Z") + ` WARN  scan: emergency stop stopped=2 report={"motor":"stopped"}`
	l3 := localTime("2026-11-25T02:04:07.5Z") + ` INFO  tutorial: task end task=7 state=Cancelled`
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"log"}, l1 + "\n" + l2 + "\nnot json\n" + l3 + "\n"},
		{[]string{"log", "tutorial"}, l1 + "\n" + l3 + "\n"},
		{[]string{"log", "scan"}, l2 + "\n"},
		{[]string{"log", "-n", "1", "tutorial"}, l3 + "\n"},
		{[]string{"log", "--logfile", st.LogPath() + ".1", "scan"}, l2 + "\n"},
	}
	for _, tt := range tests {
		out, errOut, code := run(e, tt.args...)
		if out != tt.want || errOut != "" || code != 0 {
			t.Errorf("concert %s:\nstdout %q\nstderr %q, status %d\nwant %q", strings.Join(tt.args, " "), out, errOut, code, tt.want)
		}
	}
	// A name with no records: a session without any yet, or no session at
	// all (issue 16: nothing printed, status 0).
	st.Write("quiet", []byte("x := 1\n"), false)
	noRecords := []struct {
		name, wantErr string
		wantStatus    int
	}{
		{"quiet", "No records of session quiet in " + st.LogPath() + " yet\n", 0},
		{"nosuch", "concert: no session \"nosuch\", and no records of one in the log (concert show lists the sessions)\n", 1},
	}
	for _, tt := range noRecords {
		out, errOut, code := run(e, "log", tt.name)
		if out != "" || errOut != tt.wantErr || code != tt.wantStatus {
			t.Errorf("concert log %s: stdout %q, stderr %q, status %d; want stderr %q, status %d", tt.name, out, errOut, code, tt.wantErr, tt.wantStatus)
		}
	}
}

func TestLogFollow(t *testing.T) {
	e, st := testEnv(t)
	defer func(p time.Duration) { followPoll = p }(followPoll)
	followPoll = 5 * time.Millisecond
	logLog, err := st.OpenLog(storeLogOptions("tutorial", 400))
	if err != nil {
		t.Fatal(err)
	}
	log, closeLog := logLog.Logger, logLog.Close
	defer closeLog()
	otherLog, _ := st.OpenLog(storeLogOptions("scan", 400))
	other, closeOther := otherLog.Logger, otherLog.Close
	defer closeOther()
	log.Info("before follow")
	logLog.Flush()

	ctx, cancel := context.WithCancel(context.Background())
	out := &ptytest.Buffer{}
	done := make(chan int)
	go func() {
		defer func() { recover() }()
		o := &logOptions{env: &env{Out: out, Err: &ptytest.Buffer{}, Bundled: e.Bundled}, session: "tutorial", follow: true}
		o.run(ctx)
		done <- 0
	}()
	waitFor := func(text string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(out.String(), text) {
			if time.Now().After(deadline) {
				t.Fatalf("no %q in the followed log:\n%s", text, out.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("tutorial: before follow")
	// Enough records to rotate the 400-byte log many times; a step at a
	// time, so that rotated files stay within store.LogKeep.
	for i := 0; i < 20; i++ {
		log.Info("moving", "step", i)
		other.Info("not shown")
		waitFor("tutorial: moving step=" + strconv.Itoa(i) + "\n")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("log --follow did not end with its context")
	}
	got := out.String()
	if strings.Contains(got, "not shown") {
		t.Errorf("records of another session shown:\n%s", got)
	}
	for i := 0; i < 20; i++ {
		if strings.Count(got, " moving step="+strconv.Itoa(i)+"\n") != 1 {
			t.Errorf("step %d not shown exactly once:\n%s", i, got)
		}
	}
}

func storeLogOptions(session string, max int64) store.LogOptions {
	return store.LogOptions{Session: session, MaxSize: max, Keep: store.LogKeep}
}

// log -f -n 1: the last record so far, then the new ones.
func TestLogFollowLast(t *testing.T) {
	e, st := testEnv(t)
	defer func(p time.Duration) { followPoll = p }(followPoll)
	followPoll = 5 * time.Millisecond
	logLog, err := st.OpenLog(storeLogOptions("tutorial", 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	log, closeLog := logLog.Logger, logLog.Close
	defer closeLog()
	for i := 0; i < 3; i++ {
		log.Info("old", "n", i)
	}
	logLog.Flush() // the records are on disk before log -f looks
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &ptytest.Buffer{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		o := &logOptions{env: &env{Out: out, Err: &ptytest.Buffer{}, Bundled: e.Bundled}, follow: true, lines: 1}
		o.run(ctx)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "old n=2") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	log.Info("new")
	for !strings.Contains(out.String(), "tutorial: new") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	got := out.String()
	if strings.Count(got, "\n") != 2 || !strings.Contains(got, " INFO  tutorial: old n=2\n") || !strings.HasSuffix(got, " INFO  tutorial: new\n") {
		t.Errorf("log -f -n 1 printed:\n%s", got)
	}
}
