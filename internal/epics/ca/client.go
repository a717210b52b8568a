package ca

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// Client is a Channel Access client: it finds PVs by UDP search and keeps
// one TCP circuit per server, shared by all channels on that server. It
// is safe for concurrent use. Close it when done; its channels end with
// it.
type Client struct {
	cfg    Config
	search *searcher
	where  string // the searched addresses, for error messages
	ids    atomic.Uint32
	wg     sync.WaitGroup

	mu       sync.Mutex
	closed   bool
	circuits map[string]*circuit // by server address
	chans    map[uint32]*Channel // by cid
}

// NewClient starts a client with cfg (see ConfigFromEnv). It fails when
// there is nowhere to search.
func NewClient(cfg Config) (*Client, error) {
	cfg = cfg.withDefaults()
	addrs, err := cfg.searchAddrs()
	if err != nil {
		return nil, err
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("channel access: %w", StatusNoSearchAddr)
	}
	var where []string
	for _, a := range addrs {
		where = append(where, a.String())
	}
	c := &Client{cfg: cfg, where: strings.Join(where, " "),
		circuits: map[string]*circuit{}, chans: map[uint32]*Channel{}}
	c.search, err = newSearcher(addrs, cfg.MaxSearchPeriod, c.found)
	if err != nil {
		return nil, fmt.Errorf("channel access: cannot open the search socket: %v", err)
	}
	return c, nil
}

// Config is the configuration in use, defaults filled in.
func (c *Client) Config() Config { return c.cfg }

// Close clears every channel and closes every circuit; operations still
// waiting fail with ErrClosed. It waits for the client's goroutines.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	chans := make([]*Channel, 0, len(c.chans))
	for _, ch := range c.chans {
		chans = append(chans, ch)
	}
	circuits := make([]*circuit, 0, len(c.circuits))
	for _, v := range c.circuits {
		circuits = append(circuits, v)
	}
	c.mu.Unlock()
	for _, ch := range chans {
		ch.Close()
	}
	for _, v := range circuits {
		v.shutdown(fmt.Errorf("client closed: %w", ErrClosed))
	}
	c.search.close()
	c.wg.Wait()
	return nil
}

// Channel makes a channel for a PV name and starts searching for it; it
// returns at once. Use Wait before the first operation, or Connect.
func (c *Client) Channel(name string) *Channel {
	ch := newChannel(c, name, c.nextID())
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		ch.state = stClosed
		return ch
	}
	c.chans[ch.cid] = ch
	c.mu.Unlock()
	c.search.add(ch.cid, name)
	return ch
}

// Connect makes a channel and waits until it is connected, at most the
// search timeout: a name no server answers for fails with ErrNotFound.
func (c *Client) Connect(ctx context.Context, name string) (*Channel, error) {
	ch := c.Channel(name)
	if err := ch.Wait(ctx); err != nil {
		ch.Close()
		return nil, err
	}
	return ch, nil
}

// Pending is the number of gets and puts with callback waiting for their
// server's answer.
func (c *Client) Pending() int {
	c.mu.Lock()
	circuits := make([]*circuit, 0, len(c.circuits))
	for _, v := range c.circuits {
		circuits = append(circuits, v)
	}
	c.mu.Unlock()
	n := 0
	for _, v := range circuits {
		v.mu.Lock()
		n += len(v.ops)
		v.mu.Unlock()
	}
	return n
}

func (c *Client) nextID() uint32 { return c.ids.Add(1) }

// found is the searcher's answer: the channel's server is at addr.
func (c *Client) found(cid uint32, addr string, minor uint16) {
	c.mu.Lock()
	ch := c.chans[cid]
	if ch == nil || c.closed {
		c.mu.Unlock()
		return
	}
	v := c.circuits[addr]
	if v == nil {
		v = newCircuit(c, addr, minor)
		c.circuits[addr] = v
		c.wg.Add(1)
		go v.start()
	}
	c.mu.Unlock()
	ch.found(v)
}

func (c *Client) dropCircuit(v *circuit) {
	c.mu.Lock()
	if c.circuits[v.addr] == v {
		delete(c.circuits, v.addr)
	}
	c.mu.Unlock()
}

func (c *Client) forget(cid uint32) {
	c.mu.Lock()
	delete(c.chans, cid)
	c.mu.Unlock()
	c.search.remove(cid)
}

// researchLater puts a channel back into the search, unless the client
// closed.
func (c *Client) research(ch *Channel) {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if !closed {
		c.search.add(ch.cid, ch.name)
	}
}

func (c *Client) asyncError(err error) {
	if f := c.cfg.OnError; f != nil {
		f(err)
	}
}

// cancelled is a context's end as an error: errors.Is matches both
// context.Canceled (or DeadlineExceeded) and the cause the canceller
// gave (ctrl-c, ctrl-k), and the message is the cause.
type cancelled struct{ err, cause error }

func (e cancelled) Error() string   { return e.cause.Error() }
func (e cancelled) Unwrap() []error { return []error{e.err, e.cause} }

func ctxErr(ctx context.Context) error {
	return cancelled{err: ctx.Err(), cause: context.Cause(ctx)}
}
