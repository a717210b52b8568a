// Package ca is a Channel Access client (protocol 4.13) in pure Go: it
// finds EPICS process variables by UDP search, talks to their servers
// (IOCs) over one TCP circuit per server, and reads, writes and monitors
// them. It is written from the protocol specification; no C library is
// involved.
//
// A Client reads its configuration from the environment the C tools use
// (EPICS_CA_ADDR_LIST, EPICS_CA_AUTO_ADDR_LIST, EPICS_CA_SERVER_PORT,
// EPICS_CA_CONN_TMO, EPICS_CA_MAX_ARRAY_BYTES; see ConfigFromEnv). A
// Channel is one PV: Get, GetCtrl and GetAs read it (plain, STS, TIME,
// GR and CTRL request types), Put and PutWait write it (PutWait is put
// with callback: it returns when the record has processed the write),
// Subscribe monitors it.
//
// Every operation takes a context; cancelling it returns at once with an
// error that matches context.Canceled and the cancel cause. Every error
// is an *Error naming the PV and the operation, wrapping a Status (the
// server's CA status code), ErrNotFound, ErrDisconnected or ErrClosed.
//
// Channels reconnect by themselves: when a server goes away (the IOC
// stops, its connection breaks, it stops answering echoes), its channels
// search again with the usual back-off, and when it is back they
// reconnect and renew their subscriptions. Meanwhile operations fail at
// once with ErrDisconnected.
package ca
