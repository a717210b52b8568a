package ca

import (
	"context"
	"sync"
)

// Mask selects which changes a subscription reports (DBE_xxx).
type Mask uint16

// Event masks; combine with |.
const (
	MaskValue    Mask = 1 // the value changed by more than the monitor deadband
	MaskLog      Mask = 2 // the value changed by more than the archive deadband
	MaskAlarm    Mask = 4 // the alarm status or severity changed
	MaskProperty Mask = 8 // metadata changed (units, limits, enum strings)
)

// Subscription is a monitor on a channel: the server sends the value when
// it subscribes and whenever a change matching the mask happens; Next
// hands the updates out in the order they came.
//
// Slow consumer policy: the client never stops reading a circuit for one
// slow subscriber (that would stall every channel on the server). Each
// subscription holds up to Config.MonitorQueue updates; when full, the
// oldest is dropped and the next update handed out says how many were
// dropped before it in Value.Dropped. So a consumer always ends at the
// newest value and knows whether it saw every one.
//
// When the channel loses its server, Next returns an *Error wrapping
// ErrDisconnected once; the subscription stays, and when the channel
// reconnects it is renewed and updates resume with the current value.
type Subscription struct {
	ch   *Channel
	id   uint32
	dbr  DBRType
	mask Mask

	mu      sync.Mutex
	ring    []item
	head, n int
	carry   int // dropped with nothing queued after them yet
	ended   error
	notify  chan struct{}
}

type item struct {
	v       *Value
	err     error
	dropped int
}

// Subscribe starts a monitor of request type dbr (Native(Time) is usual)
// for the changes in mask. On a channel not connected yet, it starts when
// the channel connects.
func (ch *Channel) Subscribe(dbr DBRType, mask Mask) (*Subscription, error) {
	if dbr&nativeFlag == 0 && !dbr.valid() {
		return nil, ch.errorf("monitor", StatusBadType, "")
	}
	if mask == 0 {
		return nil, ch.errorf("monitor", StatusBadMask, "the mask selects no event")
	}
	s := &Subscription{ch: ch, id: ch.c.nextID(), dbr: dbr, mask: mask,
		ring: make([]item, ch.c.cfg.MonitorQueue), notify: make(chan struct{}, 1)}
	ch.mu.Lock()
	if ch.state == stClosed {
		ch.mu.Unlock()
		return nil, ch.errorf("monitor", ErrClosed, "")
	}
	ch.subs[s.id] = s
	up := ch.state == stConnected
	v, sid, count := ch.circ, ch.sid, ch.count
	ch.mu.Unlock()
	if up {
		s.start(v, sid, count)
	}
	return s, nil
}

// start sends the subscription request on a (re)connected channel.
func (s *Subscription) start(v *circuit, sid uint32, count int) {
	dbr := s.dbr
	if dbr&nativeFlag != 0 {
		s.ch.mu.Lock()
		dbr = DBR(Class(dbr&^nativeFlag), s.ch.native)
		s.ch.mu.Unlock()
	}
	if v.canCountZero() {
		count = 0
	}
	v.addSub(s)
	payload := make([]byte, 16) // low, high, timeout (unused floats), mask, pad
	putUint16(payload[12:], uint16(s.mask))
	v.send(header{cmd: cmdEventAdd, dtype: uint16(dbr), count: uint32(count), p1: sid, p2: s.id}, payload)
}

// Next waits for the next update. It returns an error when the channel
// disconnects (then call Next again: updates resume on reconnection),
// when the subscription or channel is closed (ErrClosed: final), or when
// ctx ends.
func (s *Subscription) Next(ctx context.Context) (*Value, error) {
	for {
		s.mu.Lock()
		if s.n > 0 {
			it := s.ring[s.head]
			s.ring[s.head] = item{}
			s.head = (s.head + 1) % len(s.ring)
			s.n--
			s.mu.Unlock()
			if it.v != nil {
				it.v.Dropped = it.dropped
			}
			return it.v, it.err
		}
		if s.ended != nil {
			s.mu.Unlock()
			return nil, s.ended
		}
		s.mu.Unlock()
		select {
		case <-s.notify:
		case <-ctx.Done():
			return nil, s.ch.errorf("monitor", ctxErr(ctx), "")
		}
	}
}

// push queues an update (or an error), dropping the oldest when full.
func (s *Subscription) push(v *Value, err error) {
	s.mu.Lock()
	if s.ended != nil {
		s.mu.Unlock()
		return
	}
	if s.n == len(s.ring) {
		old := s.ring[s.head]
		s.ring[s.head] = item{}
		s.head = (s.head + 1) % len(s.ring)
		s.n--
		if s.n > 0 {
			s.ring[s.head].dropped += old.dropped + 1
		} else {
			s.carry += old.dropped + 1
		}
	}
	s.ring[(s.head+s.n)%len(s.ring)] = item{v: v, err: err, dropped: s.carry}
	s.carry = 0
	s.n++
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// end makes Next return err once the queue is drained.
func (s *Subscription) end(err error) {
	s.mu.Lock()
	if s.ended == nil {
		s.ended = err
	}
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// Close cancels the monitor on the server; Next then returns what is
// queued, then ErrClosed.
func (s *Subscription) Close() error {
	ch := s.ch
	ch.mu.Lock()
	_, mine := ch.subs[s.id]
	delete(ch.subs, s.id)
	up := ch.state == stConnected
	v, sid := ch.circ, ch.sid
	dbr := s.dbr
	if dbr&nativeFlag != 0 {
		dbr = DBR(Class(dbr&^nativeFlag), ch.native)
	}
	ch.mu.Unlock()
	s.end(ch.errorf("monitor", ErrClosed, ""))
	if mine && v != nil {
		v.removeSub(s.id)
		if up {
			v.send(header{cmd: cmdEventCancel, dtype: uint16(dbr), p1: sid, p2: s.id}, nil)
		}
	}
	return nil
}
