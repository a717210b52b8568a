package logs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// maxPending is how many bytes of records may wait for the disk before a
// caller waits too. Records at info level are few (commands, sets, device
// operations, failures); only a debug-level log of a storm of tasks gets
// here, and then slowing the storm is better than losing the trail.
const maxPending = 4 << 20

// Writer writes records to an io.Writer from a goroutine of its own, so
// that logging costs its caller a copy, not a write to disk. Each Write
// must be one whole record (slog's handlers write one record per call);
// records are written whole and in the order of the Write calls, several
// per write to the destination. The zero value is not usable; use
// NewWriter.
type Writer struct {
	dst     io.Writer
	onError func(error)

	mu      sync.Mutex
	cond    *sync.Cond // for the flusher: work or closing; for callers: progress
	pending []byte
	spare   []byte
	queued  uint64 // bytes accepted by Write so far
	written uint64 // bytes handed to dst so far (written or lost to an error)
	closed  bool
	stopped chan struct{}
}

// NewWriter starts a Writer on dst. onError, if not nil, is told of every
// failed write to dst (the records of that write are lost); wrap it in
// Once to say it once.
func NewWriter(dst io.Writer, onError func(error)) *Writer {
	w := &Writer{dst: dst, onError: onError, stopped: make(chan struct{})}
	w.cond = sync.NewCond(&w.mu)
	go w.run()
	return w
}

// Write queues a copy of p, one whole record. It waits only when more
// than maxPending bytes wait for the disk. After Close it fails.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for !w.closed && len(w.pending) > maxPending {
		w.cond.Wait()
	}
	if w.closed {
		return 0, os.ErrClosed
	}
	w.pending = append(w.pending, p...)
	w.queued += uint64(len(p))
	w.cond.Broadcast()
	return len(p), nil
}

// Flush waits until every record queued before the call has been written.
func (w *Writer) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	target := w.queued
	for w.written < target && !w.done() {
		w.cond.Wait()
	}
}

// done reports, under mu, whether the flusher has stopped.
func (w *Writer) done() bool {
	select {
	case <-w.stopped:
		return true
	default:
		return false
	}
}

// Close writes what is queued, stops the flusher and closes dst if it is
// an io.Closer. Writes after Close fail; Close again does nothing.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	w.cond.Broadcast()
	w.mu.Unlock()
	<-w.stopped
	if c, ok := w.dst.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// run writes batches of records until Close, then the rest.
func (w *Writer) run() {
	defer close(w.stopped)
	for {
		w.mu.Lock()
		for len(w.pending) == 0 && !w.closed {
			w.cond.Wait()
		}
		if len(w.pending) == 0 {
			w.cond.Broadcast()
			w.mu.Unlock()
			return
		}
		batch := w.pending
		w.pending = w.spare[:0]
		w.mu.Unlock()

		err := w.write(batch)

		w.mu.Lock()
		w.written += uint64(len(batch))
		w.spare = batch
		if cap(w.spare) > 2*maxPending {
			w.spare = nil // a burst is over; give its memory back
		}
		w.cond.Broadcast()
		w.mu.Unlock()
		if err != nil && w.onError != nil {
			w.onError(err)
		}
	}
}

// write hands batch to dst; a panicking destination loses the batch, not
// the process.
func (w *Writer) write(batch []byte) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("the log writer panicked: %v", v)
		}
	}()
	_, err = w.dst.Write(batch)
	if err == nil {
		return nil
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return err
	}
	return fmt.Errorf("writing the log: %w", err)
}
