// Package transport reaches instruments: a line protocol (SCPI and vendor
// protocols of one command per line) over TCP and serial lines, and Modbus
// TCP and RTU. Devices are built on it; it knows nothing of devices.
//
// Every client here is safe for concurrent use and takes a context on each
// exchange: a cancelled context (ctrl-c, ctrl-k) aborts the exchange that
// waits for a reply, and every exchange has a time limit (Timeout). An
// exchange that did not complete leaves the connection closed, because a
// reply arriving late would otherwise be read as the answer to the next
// question; the next exchange connects again. So does the exchange after
// the peer dropped the connection: a connection found dead when it is used
// again (the instrument was restarted) is reopened and the exchange retried
// once. Every exchange is logged at debug level with the address.
//
// On a serial line there is no new connection to hide behind: input that
// arrived unasked is discarded before each command, but a reply that comes
// after its query timed out and after the next command was sent is read as
// the next reply. Give slow instruments a long enough Timeout.
//
// Addresses are URLs:
//
//	tcp://host:port                     line protocol over TCP
//	serial:///dev/ttyUSB0?baud=9600     line protocol over a serial line
//	tcp://host:502                      Modbus TCP (NewModbus)
//	rtu:///dev/ttyUSB0?baud=19200       Modbus RTU (NewModbus)
//
// Errors are *Error values that name the address and the exchange, and wrap
// ErrTimeout, ErrRefused, ErrNoPort, ErrDropped, ErrReply, or the context's
// error for a cancelled exchange.
package transport
