package ca

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// echoTimeout is how long an echo may go unanswered before the server
// counts as gone.
const echoTimeout = 5 * time.Second

// circuit is one TCP connection to one server, shared by every channel
// of the client on that server. One goroutine reads and dispatches its
// messages; writers serialise on wmu.
type circuit struct {
	c    *Client
	addr string

	conn  net.Conn      // set (under mu) once dialled
	minor atomic.Uint32 // the server's minor protocol version

	wmu sync.Mutex // one message at a time on conn

	mu      sync.Mutex
	dead    error               // why the circuit ended; nil while it lives
	greeted bool                // channels attached from now on are created at once
	chans   map[uint32]*Channel // by cid
	ops     map[uint32]*pending // by ioid
	subs    map[uint32]*Subscription

	lastRecv atomic.Int64 // unix nanoseconds
	done     chan struct{}
}

// pending is a get or put-callback waiting for its reply; the reader
// decodes the reply and sends it on done.
type pending struct {
	ch   *Channel
	op   string
	dbr  DBRType
	done chan result
}

type result struct {
	v   *Value
	err error
}

func newCircuit(c *Client, addr string, minor uint16) *circuit {
	v := &circuit{c: c, addr: addr, done: make(chan struct{}),
		chans: map[uint32]*Channel{}, ops: map[uint32]*pending{}, subs: map[uint32]*Subscription{}}
	v.minor.Store(uint32(minor))
	return v
}

// start dials the server and greets it (version, user and host name),
// then creates the channels attached meanwhile and reads until the
// connection ends.
func (v *circuit) start() {
	defer v.c.wg.Done()
	conn, err := net.DialTimeout("tcp", v.addr, v.c.cfg.SearchTimeout)
	if err == nil {
		var b []byte
		b = appendMsg(b, header{cmd: cmdVersion, count: minorVersion}, nil)
		b = appendMsg(b, header{cmd: cmdClientName}, namePayload(v.c.cfg.User))
		b = appendMsg(b, header{cmd: cmdHostName}, namePayload(v.c.cfg.Host))
		if _, err = conn.Write(b); err != nil {
			conn.Close()
		}
	}
	if err != nil {
		v.fail(fmt.Errorf("cannot connect to %s: %v", v.addr, err))
		return
	}
	v.lastRecv.Store(time.Now().UnixNano())
	v.mu.Lock()
	v.conn = conn
	if v.dead != nil { // the client closed meanwhile
		v.mu.Unlock()
		v.fail(v.dead)
		return
	}
	v.greeted = true
	chans := make([]*Channel, 0, len(v.chans))
	for _, ch := range v.chans {
		chans = append(chans, ch)
	}
	v.mu.Unlock()
	for _, ch := range chans {
		v.createChan(ch)
	}
	v.c.wg.Add(1)
	go v.heartbeat()
	v.fail(v.readLoop())
}

// attach adds a channel found on this server; it is created on the
// server once the circuit is up. It reports false when the circuit has
// ended meanwhile.
func (v *circuit) attach(ch *Channel) bool {
	v.mu.Lock()
	if v.dead != nil {
		v.mu.Unlock()
		return false
	}
	v.chans[ch.cid] = ch
	greeted := v.greeted
	v.mu.Unlock()
	if greeted { // else start creates it
		v.createChan(ch)
	}
	return true
}

func (v *circuit) detach(cid uint32) {
	v.mu.Lock()
	delete(v.chans, cid)
	v.mu.Unlock()
}

func (v *circuit) createChan(ch *Channel) {
	v.send(header{cmd: cmdCreateChan, p1: ch.cid, p2: minorVersion}, namePayload(ch.name))
}

// send writes one message; a write error ends the circuit (the reader
// then sees the closed connection).
func (v *circuit) send(h header, payload []byte) error {
	b := appendMsg(make([]byte, 0, extHeaderSize+padded(len(payload))), h, payload)
	v.wmu.Lock()
	_, err := v.conn.Write(b)
	v.wmu.Unlock()
	if err != nil {
		v.conn.Close()
	}
	return err
}

// addOp registers a pending request under a new ioid.
func (v *circuit) addOp(p *pending) (uint32, error) {
	id := v.c.nextID()
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.dead != nil {
		return 0, v.dead
	}
	v.ops[id] = p
	return id, nil
}

func (v *circuit) removeOp(id uint32) {
	v.mu.Lock()
	delete(v.ops, id)
	v.mu.Unlock()
}

func (v *circuit) takeOp(id uint32) *pending {
	v.mu.Lock()
	p := v.ops[id]
	delete(v.ops, id)
	v.mu.Unlock()
	return p
}

func (v *circuit) addSub(s *Subscription) {
	v.mu.Lock()
	v.subs[s.id] = s
	v.mu.Unlock()
}

func (v *circuit) removeSub(id uint32) {
	v.mu.Lock()
	delete(v.subs, id)
	v.mu.Unlock()
}

// heartbeat sends an echo after ConnTimeout of silence and ends the
// circuit when it stays unanswered.
func (v *circuit) heartbeat() {
	defer v.c.wg.Done()
	tick := time.NewTicker(min(time.Second, v.c.cfg.ConnTimeout/2))
	defer tick.Stop()
	var echoAt time.Time
	for {
		select {
		case <-v.done:
			return
		case now := <-tick.C:
			last := time.Unix(0, v.lastRecv.Load())
			switch {
			case !echoAt.IsZero() && last.After(echoAt):
				echoAt = time.Time{}
			case !echoAt.IsZero() && now.Sub(echoAt) > echoTimeout:
				v.shutdown(fmt.Errorf("server %s did not answer an echo: %w", v.addr, StatusUnrespTmo))
				return
			case echoAt.IsZero() && now.Sub(last) > v.c.cfg.ConnTimeout:
				echoAt = now
				v.send(header{cmd: cmdEcho}, nil)
			}
		}
	}
}

// readLoop reads messages until the connection ends and says why.
func (v *circuit) readLoop() error {
	r := bufio.NewReaderSize(v.conn, 64<<10)
	hbuf := make([]byte, extHeaderSize)
	payload := make([]byte, 0, 4096)
	for {
		h, err := readHeader(r, hbuf)
		if err != nil {
			return v.closedErr(err)
		}
		v.lastRecv.Store(time.Now().UnixNano())
		if int64(h.size) > int64(v.c.cfg.MaxArrayBytes) {
			if _, err := io.CopyN(io.Discard, r, int64(h.size)); err != nil {
				return v.closedErr(err)
			}
			v.tooLarge(h)
			continue
		}
		if cap(payload) < int(h.size) {
			payload = make([]byte, h.size)
		}
		payload = payload[:h.size]
		if _, err := io.ReadFull(r, payload); err != nil {
			return v.closedErr(err)
		}
		v.dispatch(h, payload)
	}
}

func (v *circuit) closedErr(err error) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.dead != nil {
		return v.dead
	}
	if err == io.EOF {
		return fmt.Errorf("server %s closed the connection", v.addr)
	}
	return fmt.Errorf("connection to server %s lost: %v", v.addr, err)
}

func (v *circuit) tooLarge(h header) {
	detail := fmt.Sprintf("%d bytes > %d", h.size, v.c.cfg.MaxArrayBytes)
	switch h.cmd {
	case cmdReadNotify, cmdWriteNotify:
		if p := v.takeOp(h.p2); p != nil {
			p.done <- result{err: p.ch.errorf(p.op, StatusTooLarge, detail)}
		}
	case cmdEventAdd:
		v.mu.Lock()
		s := v.subs[h.p2]
		v.mu.Unlock()
		if s != nil {
			s.push(nil, s.ch.errorf("monitor", StatusTooLarge, detail))
		}
	}
}

// dispatch handles one message from the server.
func (v *circuit) dispatch(h header, payload []byte) {
	switch h.cmd {
	case cmdVersion:
		v.minor.Store(h.count)
	case cmdAccessRights:
		if ch := v.channel(h.p1); ch != nil {
			ch.setAccess(h.p2)
		}
	case cmdCreateChan:
		if ch := v.channel(h.p1); ch != nil {
			ch.connected(v, h.p2, FieldType(h.dtype), int(h.count))
		}
	case cmdCreateChFail, cmdServerDisconn:
		if ch := v.channel(h.p1); ch != nil {
			v.detach(ch.cid)
			why := "the server has no such PV any more"
			if h.cmd == cmdCreateChFail {
				why = "the server refused to create the channel"
			}
			ch.disconnected(v, fmt.Errorf("%s (%s)", why, v.addr))
		}
	case cmdReadNotify, cmdWriteNotify:
		v.reply(h, payload)
	case cmdEventAdd:
		v.event(h, payload)
	case cmdError:
		v.serverError(h, payload)
	}
}

func (v *circuit) channel(cid uint32) *Channel {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.chans[cid]
}

func (v *circuit) reply(h header, payload []byte) {
	p := v.takeOp(h.p2)
	if p == nil {
		return // its caller gave up (cancelled)
	}
	if st := Status(h.p1); !st.OK() {
		p.done <- result{err: p.ch.errorf(p.op, st, "")}
		return
	}
	if h.cmd == cmdWriteNotify {
		p.done <- result{}
		return
	}
	val, err := decodeValue(DBRType(h.dtype), int(h.count), payload)
	if err != nil {
		err = p.ch.errorf(p.op, StatusBadType, err.Error())
	}
	p.done <- result{v: val, err: err}
}

func (v *circuit) event(h header, payload []byte) {
	v.mu.Lock()
	s := v.subs[h.p2]
	v.mu.Unlock()
	if s == nil || h.size == 0 { // cancelled: the server's confirmation
		return
	}
	if st := Status(h.p1); !st.OK() {
		s.push(nil, s.ch.errorf("monitor", st, ""))
		return
	}
	val, err := decodeValue(DBRType(h.dtype), int(h.count), payload)
	if err != nil {
		s.push(nil, s.ch.errorf("monitor", StatusBadType, err.Error()))
		return
	}
	s.push(val, nil)
}

// serverError handles CA_PROTO_ERROR: the payload is the header of the
// request that failed, then the server's message.
func (v *circuit) serverError(h header, payload []byte) {
	orig, n := parseHeader(payload)
	if n == 0 {
		return
	}
	msg := cstring(payload[n:])
	st := Status(h.p2)
	switch orig.cmd {
	case cmdReadNotify, cmdWriteNotify:
		if p := v.takeOp(orig.p2); p != nil {
			p.done <- result{err: p.ch.errorf(p.op, st, msg)}
		}
	case cmdEventAdd:
		v.mu.Lock()
		s := v.subs[orig.p2]
		v.mu.Unlock()
		if s != nil {
			s.push(nil, s.ch.errorf("monitor", st, msg))
		}
	default:
		name := v.addr
		if ch := v.channel(h.p1); ch != nil {
			name = ch.name
		}
		op := map[uint16]string{cmdWrite: "put", cmdCreateChan: "connect"}[orig.cmd]
		if op == "" {
			op = "request " + fmt.Sprint(orig.cmd)
		}
		v.c.asyncError(&Error{PV: name, Op: op, Err: st, Detail: msg})
	}
}

// fail ends the circuit: every pending request fails, every channel on
// it goes back to searching.
func (v *circuit) fail(err error) {
	v.mu.Lock()
	if v.dead == nil {
		v.dead = err
	}
	err = v.dead
	ops, chans := v.ops, v.chans
	v.ops, v.chans, v.subs = map[uint32]*pending{}, map[uint32]*Channel{}, map[uint32]*Subscription{}
	conn := v.conn
	v.mu.Unlock()
	select {
	case <-v.done:
	default:
		close(v.done)
	}
	if conn != nil {
		conn.Close()
	}
	v.c.dropCircuit(v)
	for _, p := range ops {
		p.done <- result{err: p.ch.errorf(p.op, ErrDisconnected, err.Error())}
	}
	for _, ch := range chans {
		ch.disconnected(v, err)
	}
}

// shutdown ends the circuit from outside (the client closes): the
// reader sees the closed connection and fails the rest.
func (v *circuit) shutdown(err error) {
	v.mu.Lock()
	if v.dead == nil {
		v.dead = err
	}
	conn := v.conn
	v.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
}

// canCountZero reports whether the server takes a count of 0 as "all
// elements" (protocol 4.13).
func (v *circuit) canCountZero() bool { return v.minor.Load() >= 13 }

// putUint16 is a helper for the monitor request payload.
func putUint16(b []byte, x uint16) { binary.BigEndian.PutUint16(b, x) }
