package store

import (
	"testing"
)

// BenchmarkLogRecord is the cost of one session log record, as the shell
// writes one per command, task end and parameter set: JSON, the
// cross-process lock, the rotation check and the write.
func BenchmarkLogRecord(b *testing.B) {
	b.Setenv("XDG_DATA_HOME", b.TempDir())
	s, err := New(nil)
	if err != nil {
		b.Fatal(err)
	}
	logLog, err := s.OpenLog(LogOptions{Session: "bench", MaxSize: 1 << 20, Keep: 2})
	if err != nil {
		b.Fatal(err)
	}
	log, closeLog := logLog.Logger, logLog.Close
	defer closeLog()
	b.ReportAllocs()
	for b.Loop() {
		log.Info("set", "device", "motor", "param", "position", "new", "2 mm")
	}
}

// BenchmarkLock is the instance lock a start takes and releases.
func BenchmarkLock(b *testing.B) {
	b.Setenv("XDG_DATA_HOME", b.TempDir())
	s, err := New(nil)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		l, _, err := s.Lock("bench", nil)
		if err != nil {
			b.Fatal(err)
		}
		l.Release()
	}
}

// BenchmarkList is concert show over 100 sessions.
func BenchmarkList(b *testing.B) {
	b.Setenv("XDG_DATA_HOME", b.TempDir())
	s, err := New(nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		if err := s.Write("s"+string(rune('a'+i%26))+string(rune('a'+i/26)), []byte(bundledSrc), false); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if _, err := s.List(); err != nil {
			b.Fatal(err)
		}
	}
}
