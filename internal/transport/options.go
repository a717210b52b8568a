package transport

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	"github.com/concert-go/concert/internal/logs"
)

// DefaultTimeout is the time limit of one exchange unless Timeout says
// otherwise.
const DefaultTimeout = 2 * time.Second

// Option configures a client.
type Option func(*config)

type config struct {
	timeout    time.Duration
	terminator string
	baud       int
	unitID     uint8
	logger     *slog.Logger
}

func newConfig(opts []Option) config {
	c := config{timeout: DefaultTimeout, terminator: "\n", unitID: 1}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// Timeout sets the time limit of one exchange (connecting included).
func Timeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// Terminator sets what ends a command and a reply on a line protocol;
// default "\n". A "\r" before it in a reply is dropped too.
func Terminator(s string) Option { return func(c *config) { c.terminator = s } }

// Baud sets the speed of a serial line (default 9600 for a line protocol,
// 19200 for Modbus RTU); the address's ?baud= does the same.
func Baud(n int) Option { return func(c *config) { c.baud = n } }

// UnitID sets the Modbus unit (slave) id; default 1.
func UnitID(id uint8) Option { return func(c *config) { c.unitID = id } }

// Logger sets where exchanges are logged at debug level; default the
// shell's logger (package logs) at the time of each exchange, never
// slog.Default, which a session may replace.
func Logger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

func (c *config) log() *slog.Logger {
	if c.logger != nil {
		return c.logger
	}
	return logs.L()
}

// debug logs one exchange when debug logging is on; the check first keeps
// the cost out of every exchange otherwise.
func (c *config) debug(addr, msg string, args ...any) {
	l := c.log()
	if !l.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	l.Debug(msg, append([]any{"addr", addr}, args...)...)
}

// endpoint is a parsed address.
type endpoint struct {
	scheme string // tcp, serial, rtu
	host   string // host:port for tcp
	path   string // device path for serial and rtu
}

func parseAddr(addr string, schemes ...string) (endpoint, int, error) {
	u, err := url.Parse(addr)
	if err != nil || u.Scheme == "" {
		return endpoint{}, 0, fmt.Errorf("address %q: want one of %v, e.g. tcp://192.168.1.10:5025 or serial:///dev/ttyUSB0?baud=9600", addr, schemesOf(schemes))
	}
	ok := false
	for _, s := range schemes {
		ok = ok || s == u.Scheme
	}
	if !ok {
		return endpoint{}, 0, fmt.Errorf("address %q: scheme %s not supported here; want one of %v", addr, u.Scheme, schemesOf(schemes))
	}
	e := endpoint{scheme: u.Scheme}
	if u.Scheme == "tcp" {
		if u.Port() == "" {
			return endpoint{}, 0, fmt.Errorf("address %q: no port; write tcp://host:port", addr)
		}
		e.host = u.Host
	} else {
		e.path = u.Path
		if u.Host != "" { // serial://dev/ttyUSB0 reads "dev" as a host
			e.path = "/" + u.Host + u.Path
		}
		if e.path == "" {
			return endpoint{}, 0, fmt.Errorf("address %q: no device path; write %s:///dev/ttyUSB0", addr, u.Scheme)
		}
	}
	baud := 0
	if b := u.Query().Get("baud"); b != "" {
		if baud, err = strconv.Atoi(b); err != nil || baud <= 0 {
			return endpoint{}, 0, fmt.Errorf("address %q: baud %q is not a positive number", addr, b)
		}
	}
	return e, baud, nil
}

func schemesOf(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = x + "://"
	}
	return out
}
