package ca

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

type chanState int

const (
	stSearching chanState = iota
	stConnecting
	stConnected
	stClosed
)

// Channel is one PV of a Client. It connects when its server answers the
// search and, when the server goes away, searches again and reconnects by
// itself, renewing its subscriptions. Operations on a channel that is not
// connected fail at once with ErrDisconnected. Safe for concurrent use.
type Channel struct {
	c    *Client
	name string
	cid  uint32

	mu      sync.Mutex
	state   chanState
	circ    *circuit
	sid     uint32
	native  FieldType
	count   int
	access  uint32
	up      chan struct{} // closed while connected
	lastErr error         // why it is not connected (nil: never was)
	subs    map[uint32]*Subscription
}

func newChannel(c *Client, name string, cid uint32) *Channel {
	return &Channel{c: c, name: name, cid: cid, up: make(chan struct{}), subs: map[uint32]*Subscription{}}
}

// Name is the PV name.
func (ch *Channel) Name() string { return ch.name }

// Connected reports whether the channel has a server now.
func (ch *Channel) Connected() bool {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	return ch.state == stConnected
}

// Info is what the server said about the channel when it connected.
type Info struct {
	Type     FieldType // native type
	Count    int       // native element count
	Server   string    // host:port
	CanRead  bool
	CanWrite bool
}

// Info describes the connected channel; ok is false when it is not
// connected.
func (ch *Channel) Info() (info Info, ok bool) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.state != stConnected {
		return Info{}, false
	}
	return Info{Type: ch.native, Count: ch.count, Server: ch.circ.addr,
		CanRead: ch.access&accessRead != 0, CanWrite: ch.access&accessWrite != 0}, true
}

// Wait blocks until the channel is connected, the context ends, or the
// client's search timeout passes: then the error is ErrNotFound (no
// server answered), or ErrDisconnected with the reason when a server was
// found but the channel could not be made or was lost.
func (ch *Channel) Wait(ctx context.Context) error {
	t := time.NewTimer(ch.c.cfg.SearchTimeout)
	defer t.Stop()
	for {
		ch.mu.Lock()
		state, up, last := ch.state, ch.up, ch.lastErr
		ch.mu.Unlock()
		switch state {
		case stConnected:
			return nil
		case stClosed:
			return ch.errorf("connect", ErrClosed, "")
		}
		select {
		case <-up:
		case <-ctx.Done():
			return ch.errorf("connect", ctxErr(ctx), "")
		case <-t.C:
			if last != nil {
				return ch.errorf("connect", ErrDisconnected, last.Error())
			}
			return ch.errorf("connect", ErrNotFound, fmt.Sprintf(
				"no server answered within %v at %s; check the name and EPICS_CA_ADDR_LIST", ch.c.cfg.SearchTimeout, ch.c.where))
		}
	}
}

// Close clears the channel on its server and ends its subscriptions.
func (ch *Channel) Close() error {
	ch.mu.Lock()
	if ch.state == stClosed {
		ch.mu.Unlock()
		return nil
	}
	prev, v, sid := ch.state, ch.circ, ch.sid
	ch.state, ch.circ = stClosed, nil
	subs := ch.subs
	ch.subs = map[uint32]*Subscription{}
	ch.mu.Unlock()
	ch.c.forget(ch.cid)
	for _, s := range subs {
		s.end(ch.errorf("monitor", ErrClosed, ""))
		if v != nil {
			v.removeSub(s.id)
		}
	}
	if v != nil {
		v.detach(ch.cid)
		if prev == stConnected {
			v.send(header{cmd: cmdClearChannel, p1: sid, p2: ch.cid}, nil)
		}
	}
	return nil
}

// found attaches the channel to the circuit of the server that answered
// its search.
func (ch *Channel) found(v *circuit) {
	ch.mu.Lock()
	if ch.state != stSearching {
		ch.mu.Unlock()
		return // a second answer (the name on two servers): keep the first
	}
	ch.state, ch.circ = stConnecting, v
	ch.mu.Unlock()
	if !v.attach(ch) {
		ch.disconnected(v, fmt.Errorf("server %s went away", v.addr))
	}
}

func (ch *Channel) setAccess(rights uint32) {
	ch.mu.Lock()
	ch.access = rights
	ch.mu.Unlock()
}

// connected is the server's reply to the channel's creation: the channel
// is usable and its subscriptions are renewed.
func (ch *Channel) connected(v *circuit, sid uint32, native FieldType, count int) {
	ch.mu.Lock()
	if ch.circ != v || ch.state != stConnecting {
		ch.mu.Unlock()
		return
	}
	ch.state, ch.sid, ch.native, ch.count = stConnected, sid, native, count
	close(ch.up)
	subs := make([]*Subscription, 0, len(ch.subs))
	for _, s := range ch.subs {
		subs = append(subs, s)
	}
	ch.mu.Unlock()
	for _, s := range subs {
		s.start(v, sid, count)
	}
}

// disconnected: the channel lost its server (or never got it); it tells
// its subscribers and searches again.
func (ch *Channel) disconnected(v *circuit, why error) {
	ch.mu.Lock()
	if ch.circ != v || ch.state == stClosed {
		ch.mu.Unlock()
		return
	}
	wasUp := ch.state == stConnected
	ch.state, ch.circ, ch.lastErr = stSearching, nil, why
	if wasUp {
		ch.up = make(chan struct{})
	}
	subs := make([]*Subscription, 0, len(ch.subs))
	for _, s := range ch.subs {
		subs = append(subs, s)
	}
	ch.mu.Unlock()
	if wasUp {
		for _, s := range subs {
			s.push(nil, ch.errorf("monitor", ErrDisconnected, why.Error()))
		}
	}
	ch.c.research(ch)
}

// errorf makes the error of an operation on this channel.
func (ch *Channel) errorf(op string, err error, detail string) error {
	return &Error{PV: ch.name, Op: op, Err: err, Detail: detail}
}

// ready gives what an operation needs, or the reason it cannot run:
// not connected, or no access for it.
func (ch *Channel) ready(op string, need uint32) (*circuit, uint32, FieldType, int, error) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	switch ch.state {
	case stClosed:
		return nil, 0, 0, 0, ch.errorf(op, ErrClosed, "")
	case stConnected:
	default:
		detail := "not connected yet"
		if ch.lastErr != nil {
			detail = ch.lastErr.Error()
		}
		return nil, 0, 0, 0, ch.errorf(op, ErrDisconnected, detail)
	}
	if need&accessRead != 0 && ch.access&accessRead == 0 {
		return nil, 0, 0, 0, ch.errorf(op, StatusNoRdAccess, "")
	}
	if need&accessWrite != 0 && ch.access&accessWrite == 0 {
		return nil, 0, 0, 0, ch.errorf(op, StatusNoWtAccess, "")
	}
	return ch.circ, ch.sid, ch.native, ch.count, nil
}

// Get reads the value with alarm status and timestamp in the channel's
// native type (DBR_TIME_xxx), every element.
func (ch *Channel) Get(ctx context.Context) (*Value, error) {
	return ch.GetAs(ctx, Native(Time), 0)
}

// GetCtrl reads the value with its metadata: units, precision, limits,
// enum state strings (DBR_CTRL_xxx of the native type).
func (ch *Channel) GetCtrl(ctx context.Context) (*Value, error) {
	return ch.GetAs(ctx, Native(Ctrl), 0)
}

// GetAs reads count elements (0: all the PV has now) as request type
// dbr (DBR(Time, Double), or Native(Ctrl) for the channel's own type);
// the server converts.
func (ch *Channel) GetAs(ctx context.Context, dbr DBRType, count int) (*Value, error) {
	v, sid, native, n, err := ch.ready("get", accessRead)
	if err != nil {
		return nil, err
	}
	if dbr&nativeFlag != 0 {
		dbr = DBR(Class(dbr&^nativeFlag), native)
	}
	if !dbr.valid() {
		return nil, ch.errorf("get", StatusBadType, fmt.Sprintf("request type %d", uint16(dbr)))
	}
	if count == 0 && !v.canCountZero() {
		count = n
	}
	p := &pending{ch: ch, op: "get", dbr: dbr, done: make(chan result, 1)}
	r, err := ch.roundTrip(ctx, v, p, header{cmd: cmdReadNotify, dtype: uint16(dbr), count: uint32(count), p1: sid}, nil)
	return r.v, err
}

// Put writes v without waiting for the record to process: it returns
// once the request is sent. A refusal by the server arrives later, to
// Config.OnError. v is a number, bool, string or slice of them, checked
// and converted on this side (see PutWait).
func (ch *Channel) Put(ctx context.Context, v any) error {
	circ, sid, native, n, err := ch.ready("put", accessWrite)
	if err != nil {
		return err
	}
	dbr, count, payload, err := encodePut(native, n, v)
	if err != nil {
		return ch.putError("put", err)
	}
	if err := circ.send(header{cmd: cmdWrite, dtype: uint16(dbr), count: uint32(count), p1: sid, p2: ch.c.nextID()}, payload); err != nil {
		return ch.errorf("put", ErrDisconnected, err.Error())
	}
	return nil
}

// PutWait writes v and waits until the record has processed it (put with
// callback): a motor record calls back when the move is done. Numbers go
// in the native type and must fit it (1.5 to a LONG PV fails with
// StatusNoConvert, as does "abc" to a DOUBLE); a string goes to an ENUM
// PV as a state name and to a CHAR array as text. Cancelling ctx stops
// the wait, not the write: the server has no way to undo it.
func (ch *Channel) PutWait(ctx context.Context, v any) error {
	circ, sid, native, n, err := ch.ready("put-callback", accessWrite)
	if err != nil {
		return err
	}
	dbr, count, payload, err := encodePut(native, n, v)
	if err != nil {
		return ch.putError("put-callback", err)
	}
	p := &pending{ch: ch, op: "put-callback", dbr: dbr, done: make(chan result, 1)}
	_, err = ch.roundTrip(ctx, circ, p, header{cmd: cmdWriteNotify, dtype: uint16(dbr), count: uint32(count), p1: sid}, payload)
	return err
}

func (ch *Channel) putError(op string, err error) error {
	if errors.Is(err, errCount) {
		return ch.errorf(op, StatusBadCount, err.Error())
	}
	return ch.errorf(op, StatusNoConvert, err.Error())
}

// roundTrip sends a request that the server answers and waits for the
// answer or the end of ctx.
func (ch *Channel) roundTrip(ctx context.Context, v *circuit, p *pending, h header, payload []byte) (result, error) {
	if err := ctx.Err(); err != nil {
		return result{}, ch.errorf(p.op, ctxErr(ctx), "")
	}
	id, err := v.addOp(p)
	if err != nil {
		return result{}, ch.errorf(p.op, ErrDisconnected, err.Error())
	}
	h.p2 = id
	if err := v.send(h, payload); err != nil {
		v.removeOp(id)
		return result{}, ch.errorf(p.op, ErrDisconnected, err.Error())
	}
	select {
	case r := <-p.done:
		return r, r.err
	case <-ctx.Done():
		v.removeOp(id)
		return result{}, ch.errorf(p.op, ctxErr(ctx), "")
	}
}
