package ca

import (
	"fmt"
	"net"
	"os"
	"os/user"
	"strconv"
	"strings"
	"time"
)

// Config says where and how a Client looks for PVs. ConfigFromEnv reads
// it from the variables the C library reads; the zero value searches
// nowhere.
type Config struct {
	// AddrList is where searches go: "host" or "host:port" entries
	// (EPICS_CA_ADDR_LIST); a missing port is ServerPort.
	AddrList []string
	// AutoAddrList adds the broadcast address of every IPv4 interface
	// that is up (EPICS_CA_AUTO_ADDR_LIST, default YES).
	AutoAddrList bool
	// ServerPort is the servers' UDP and TCP port (EPICS_CA_SERVER_PORT,
	// default 5064).
	ServerPort int
	// SearchTimeout is how long Connect and Channel.Wait search before a
	// PV counts as not found (CONCERT_CA_SEARCH_TIMEOUT, default 3 s).
	SearchTimeout time.Duration
	// MaxSearchPeriod caps the search back-off: an unanswered search is
	// repeated after 32 ms, then twice as long each time up to this
	// (default 5 s; the C library goes to 300 s but re-searches early on
	// server beacons, which this client does not listen to).
	MaxSearchPeriod time.Duration
	// ConnTimeout is how long a circuit may be silent before the client
	// sends an echo; a server that does not answer the echo within 5 s
	// more is dropped and its channels search again (EPICS_CA_CONN_TMO,
	// default 30 s).
	ConnTimeout time.Duration
	// MaxArrayBytes bounds one message's payload; a larger one is skipped
	// and its request fails (EPICS_CA_MAX_ARRAY_BYTES; at least 64 MiB).
	MaxArrayBytes int
	// MonitorQueue is how many updates a subscription holds for a slow
	// consumer before it drops the oldest (default 1024).
	MonitorQueue int
	// User and Host are the names the client gives servers for their
	// access security (default: the login name and host name).
	User, Host string
	// OnError receives errors no caller waits for: a plain Put the server
	// refused. Nil drops them.
	OnError func(error)
}

// ConfigFromEnv reads EPICS_CA_ADDR_LIST, EPICS_CA_AUTO_ADDR_LIST,
// EPICS_CA_SERVER_PORT, EPICS_CA_CONN_TMO, EPICS_CA_MAX_ARRAY_BYTES and
// CONCERT_CA_SEARCH_TIMEOUT from the process environment.
func ConfigFromEnv() (Config, error) { return ConfigFrom(os.Getenv) }

// ConfigFrom is ConfigFromEnv over any lookup function.
func ConfigFrom(getenv func(string) string) (Config, error) {
	cfg := Config{
		AddrList:     strings.Fields(getenv("EPICS_CA_ADDR_LIST")),
		AutoAddrList: true,
		ServerPort:   DefaultServerPort,
	}
	if v := strings.TrimSpace(getenv("EPICS_CA_AUTO_ADDR_LIST")); v != "" {
		cfg.AutoAddrList = !strings.HasPrefix(strings.ToLower(v), "n")
	}
	if v := strings.TrimSpace(getenv("EPICS_CA_SERVER_PORT")); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p <= 0 || p > 65535 {
			return cfg, fmt.Errorf("EPICS_CA_SERVER_PORT=%q is not a port number", v)
		}
		cfg.ServerPort = p
	}
	if v := strings.TrimSpace(getenv("EPICS_CA_CONN_TMO")); v != "" {
		s, err := strconv.ParseFloat(v, 64)
		if err != nil || s <= 0 {
			return cfg, fmt.Errorf("EPICS_CA_CONN_TMO=%q is not a number of seconds", v)
		}
		cfg.ConnTimeout = time.Duration(s * float64(time.Second))
	}
	if v := strings.TrimSpace(getenv("EPICS_CA_MAX_ARRAY_BYTES")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return cfg, fmt.Errorf("EPICS_CA_MAX_ARRAY_BYTES=%q is not a number of bytes", v)
		}
		cfg.MaxArrayBytes = n
	}
	if v := strings.TrimSpace(getenv("CONCERT_CA_SEARCH_TIMEOUT")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return cfg, fmt.Errorf("CONCERT_CA_SEARCH_TIMEOUT=%q is not a duration such as 3s", v)
		}
		cfg.SearchTimeout = d
	}
	return cfg, nil
}

// withDefaults fills what the caller left zero.
func (cfg Config) withDefaults() Config {
	if cfg.ServerPort == 0 {
		cfg.ServerPort = DefaultServerPort
	}
	if cfg.SearchTimeout <= 0 {
		cfg.SearchTimeout = 3 * time.Second
	}
	if cfg.MaxSearchPeriod <= 0 {
		cfg.MaxSearchPeriod = 5 * time.Second
	}
	if cfg.ConnTimeout <= 0 {
		cfg.ConnTimeout = 30 * time.Second
	}
	cfg.MaxArrayBytes = max(cfg.MaxArrayBytes, 64<<20)
	if cfg.MonitorQueue <= 0 {
		cfg.MonitorQueue = 1024
	}
	if cfg.User == "" {
		if u, err := user.Current(); err == nil {
			cfg.User = u.Username
		} else {
			cfg.User = os.Getenv("USER")
		}
	}
	if cfg.Host == "" {
		cfg.Host, _ = os.Hostname()
	}
	return cfg
}

// searchAddrs resolves the address list and, when asked, the interfaces'
// broadcast addresses.
func (cfg Config) searchAddrs() ([]*net.UDPAddr, error) {
	var out []*net.UDPAddr
	for _, a := range cfg.AddrList {
		if _, _, err := net.SplitHostPort(a); err != nil {
			a = net.JoinHostPort(a, strconv.Itoa(cfg.ServerPort))
		}
		ua, err := net.ResolveUDPAddr("udp4", a)
		if err != nil {
			return nil, fmt.Errorf("EPICS_CA_ADDR_LIST entry %q: %v", a, err)
		}
		out = append(out, ua)
	}
	if cfg.AutoAddrList {
		out = append(out, broadcastAddrs(cfg.ServerPort)...)
	}
	return out, nil
}

func broadcastAddrs(port int) []*net.UDPAddr {
	var out []*net.UDPAddr
	ifs, _ := net.Interfaces()
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagBroadcast == 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok || ipn.IP.To4() == nil || len(ipn.Mask) != net.IPv4len {
				continue
			}
			ip := ipn.IP.To4()
			b := make(net.IP, net.IPv4len)
			for i := range b {
				b[i] = ip[i] | ^ipn.Mask[i]
			}
			out = append(out, &net.UDPAddr{IP: b, Port: port})
		}
	}
	return out
}
