package ca

import (
	"encoding/binary"
	"net"
	"strconv"
	"sync"
	"time"
)

// firstSearchPeriod is the wait before an unanswered search is repeated;
// each repetition doubles it up to Config.MaxSearchPeriod.
const firstSearchPeriod = 32 * time.Millisecond

// searcher resolves names to servers by UDP search: it repeats the
// searches of unresolved channels with back-off, many names to a
// datagram, to every address of the list, and hands answers to the
// client.
type searcher struct {
	conn  *net.UDPConn
	addrs []*net.UDPAddr
	max   time.Duration
	found func(cid uint32, addr string, minor uint16)

	mu      sync.Mutex
	pending map[uint32]*searchEntry
	wake    chan struct{}
	done    chan struct{}
	wg      sync.WaitGroup
}

type searchEntry struct {
	name   string
	next   time.Time
	period time.Duration
}

func newSearcher(addrs []*net.UDPAddr, max time.Duration, found func(uint32, string, uint16)) (*searcher, error) {
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{})
	if err != nil {
		return nil, err
	}
	s := &searcher{conn: conn, addrs: addrs, max: max, found: found,
		pending: map[uint32]*searchEntry{}, wake: make(chan struct{}, 1), done: make(chan struct{})}
	s.wg.Add(2)
	go s.sendLoop()
	go s.recvLoop()
	return s, nil
}

// add starts (or restarts, with the back-off reset) the search for a
// channel.
func (s *searcher) add(cid uint32, name string) {
	s.mu.Lock()
	s.pending[cid] = &searchEntry{name: name, next: time.Now(), period: firstSearchPeriod}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *searcher) remove(cid uint32) {
	s.mu.Lock()
	delete(s.pending, cid)
	s.mu.Unlock()
}

func (s *searcher) close() {
	close(s.done)
	s.conn.Close()
	s.wg.Wait()
}

func (s *searcher) sendLoop() {
	defer s.wg.Done()
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		next := s.sendDue(time.Now())
		if !next.IsZero() {
			t.Reset(time.Until(next))
		}
		select {
		case <-s.done:
			return
		case <-s.wake:
		case <-t.C:
		}
	}
}

// sendDue sends the searches that are due and says when the next one is.
func (s *searcher) sendDue(now time.Time) time.Time {
	s.mu.Lock()
	var next time.Time
	var due []uint32
	var names []string
	for cid, e := range s.pending {
		if !e.next.After(now) {
			due = append(due, cid)
			names = append(names, e.name)
			e.next = now.Add(e.period)
			e.period = min(2*e.period, s.max)
		}
		if next.IsZero() || e.next.Before(next) {
			next = e.next
		}
	}
	s.mu.Unlock()
	if len(due) > 0 {
		s.send(due, names)
	}
	return next
}

// send packs the searches into datagrams of at most maxUDPSend bytes, each
// starting with a version message, and sends each to every address.
func (s *searcher) send(cids []uint32, names []string) {
	start := func() []byte {
		return appendMsg(make([]byte, 0, maxUDPSend), header{cmd: cmdVersion, count: minorVersion}, nil)
	}
	b := start()
	flush := func() {
		for _, a := range s.addrs {
			s.conn.WriteToUDP(b, a) // a lost datagram is searched again later
		}
	}
	for i, cid := range cids {
		msg := appendMsg(nil, header{cmd: cmdSearch, dtype: searchDontReply, count: minorVersion, p1: cid, p2: cid}, namePayload(names[i]))
		if len(b)+len(msg) > maxUDPSend && len(b) > headerSize {
			flush()
			b = start()
		}
		b = append(b, msg...)
	}
	flush()
}

func (s *searcher) recvLoop() {
	defer s.wg.Done()
	buf := make([]byte, 0xffff+16)
	for {
		n, from, err := s.conn.ReadFromUDP(buf)
		if err != nil {
			select {
			case <-s.done:
				return
			default:
				continue
			}
		}
		s.parse(buf[:n], from)
	}
}

// parse handles a datagram of replies: a search answer names the
// server's TCP port and, unless it is all ones, its IP address.
func (s *searcher) parse(b []byte, from *net.UDPAddr) {
	for len(b) > 0 {
		h, n := parseHeader(b)
		if n == 0 || len(b) < n+int(h.size) {
			return
		}
		payload := b[n : n+int(h.size)]
		b = b[n+int(h.size):]
		if h.cmd != cmdSearch {
			continue
		}
		ip := from.IP
		if h.p1 != 0xffffffff {
			ip = make(net.IP, 4)
			binary.BigEndian.PutUint32(ip, h.p1)
		}
		var minor uint16
		if len(payload) >= 2 {
			minor = binary.BigEndian.Uint16(payload)
		}
		s.mu.Lock()
		_, ok := s.pending[h.p2]
		delete(s.pending, h.p2)
		s.mu.Unlock()
		if ok {
			s.found(h.p2, net.JoinHostPort(ip.String(), strconv.Itoa(int(h.dtype))), minor)
		}
	}
}
