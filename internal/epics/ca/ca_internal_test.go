package ca

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestHeaderRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name    string
		h       header
		payload int
		size    int // bytes on the wire
	}{
		{"small", header{cmd: cmdReadNotify, dtype: 20, count: 3, p1: 7, p2: 9}, 5, headerSize + 8},
		{"large count", header{cmd: cmdEventAdd, dtype: 6, count: 70000, p1: 1, p2: 2}, 16, extHeaderSize + 16},
		{"large payload", header{cmd: cmdWriteNotify, dtype: 6, count: 9000, p1: 1, p2: 2}, 72000, extHeaderSize + 72000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := appendMsg(nil, tc.h, bytes.Repeat([]byte{1}, tc.payload))
			if len(b) != tc.size {
				t.Fatalf("message is %d bytes; want %d", len(b), tc.size)
			}
			got, n := parseHeader(b)
			want := tc.h
			want.size = uint32(padded(tc.payload))
			if got != want || n+int(got.size) != len(b) {
				t.Errorf("parseHeader = %v, %d; want %v", got, n, want)
			}
		})
	}
}

func TestEncodePut(t *testing.T) {
	for _, tc := range []struct {
		name    string
		native  FieldType
		n       int
		v       any
		dbr     DBRType
		want    string // the payload decoded again
		wantErr string
	}{
		{"number to double", Double, 1, 2.5, DBR(Plain, Double), "2.5", ""},
		{"int to long", Long, 1, -3, DBR(Plain, Long), "-3", ""},
		{"numeric string to long", Long, 1, "12", DBR(Plain, Long), "12", ""},
		{"fraction to long", Long, 1, 1.5, 0, "", "1.5 is not an integer in -2.147483648e+09..2.147483647e+09; the PV is LONG"},
		{"word to double", Double, 1, "abc", 0, "", `"abc" is not a number; the PV is DOUBLE`},
		{"too big for short", Short, 1, 40000, 0, "", "40000 is not an integer in -32768..32767; the PV is SHORT"},
		{"state name to enum", Enum, 1, "open", DBR(Plain, String), "open", ""},
		{"index to enum", Enum, 1, 2, DBR(Plain, Enum), "2", ""},
		{"number to string", String, 1, 1.25, DBR(Plain, String), "1.25", ""},
		{"text to char array", Char, 64, "hi", DBR(Plain, Char), "104 105 0", ""},
		{"array to double array", Double, 10, []float64{1, 2, 3}, DBR(Plain, Double), "1 2 3", ""},
		{"array too long", Long, 2, []int{1, 2, 3}, 0, "", "count: 3 elements do not fit the PV's 2"},
		{"long string", String, 1, strings.Repeat("x", 40), 0, "", "is longer than the 39 characters of an EPICS string"},
		{"struct", Double, 1, struct{}{}, 0, "", "a struct {} is not a number; the PV is DOUBLE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbr, count, b, err := encodePut(tc.native, tc.n, tc.v)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("encodePut(%v, %v) error = %v; want %q", tc.native, tc.v, err, tc.wantErr)
				}
				return
			}
			if err != nil || dbr != tc.dbr || len(b) != count*dbr.Field().size() {
				t.Fatalf("encodePut(%v, %v) = %v, %d, %d bytes, %v; want %v", tc.native, tc.v, dbr, count, len(b), err, tc.dbr)
			}
			v, err := decodeValue(dbr, count, b)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(v.Strings(), " "); got != tc.want {
				t.Errorf("payload decodes to %q; want %q", got, tc.want)
			}
		})
	}
}

func TestStatusIs(t *testing.T) {
	wire := Status(47<<3 | 2) // other severity bits than the constant
	err := &Error{PV: "X:Y", Op: "put", Err: wire}
	if !errors.Is(err, StatusNoWtAccess) || errors.Is(err, StatusNoRdAccess) {
		t.Errorf("errors.Is does not match by message number: %v", err)
	}
	want := "PV X:Y: put: no write access (the IOC's access security makes this PV read-only)"
	if err.Error() != want {
		t.Errorf("message %q; want %q", err.Error(), want)
	}
}

// A slow consumer loses the oldest updates, never the newest, and learns
// how many it lost.
func TestSubscriptionDropsOldest(t *testing.T) {
	s := &Subscription{ring: make([]item, 3), notify: make(chan struct{}, 1), ch: &Channel{name: "X"}}
	for i := range 7 {
		s.push(&Value{Type: Long, Data: []int32{int32(i)}}, nil)
	}
	var got []string
	for s.n > 0 {
		v, err := s.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v.String()+"/"+string(rune('0'+v.Dropped)))
	}
	if want := "4/4 5/0 6/0"; strings.Join(got, " ") != want {
		t.Errorf("updates %v; want %s (value/dropped before it)", got, want)
	}
}

func TestConfigFrom(t *testing.T) {
	env := map[string]string{
		"EPICS_CA_ADDR_LIST":        "127.0.0.1 10.0.0.255:5070",
		"EPICS_CA_AUTO_ADDR_LIST":   "NO",
		"EPICS_CA_SERVER_PORT":      "6064",
		"CONCERT_CA_SEARCH_TIMEOUT": "250ms",
	}
	cfg, err := ConfigFrom(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := cfg.searchAddrs()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AutoAddrList || len(addrs) != 2 || addrs[0].String() != "127.0.0.1:6064" || addrs[1].String() != "10.0.0.255:5070" || cfg.SearchTimeout.String() != "250ms" {
		t.Errorf("config %+v, addresses %v", cfg, addrs)
	}
	env["EPICS_CA_SERVER_PORT"] = "x"
	if _, err := ConfigFrom(func(k string) string { return env[k] }); err == nil || err.Error() != `EPICS_CA_SERVER_PORT="x" is not a port number` {
		t.Errorf("bad port: %v", err)
	}
}
