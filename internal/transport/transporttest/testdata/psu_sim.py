"""A simulated SCPI power supply for concert's tests, standard library only.

This is a simulator, not a packaged server: no Debian package ships a SCPI
instrument server, so the line-protocol tests talk to this one. It speaks
line-terminated SCPI over TCP (--port, 0 picks a free one) or over a serial
line (--serial PATH, one end of a socat pty pair), one command per line.

The output voltage ramps towards its setpoint at --slew volts per second,
so a reading right after a set shows the ramp, as on a real supply.

Commands (case-insensitive):
  *IDN?            identity
  *RST             setpoint, voltage and current limit to 0, output off
  VOLT <v>         voltage setpoint in V, 0..30; out of range queues -222
  VOLT?            present (ramping) output voltage
  VOLT:SETP?       the setpoint
  CURR <a> / CURR? current limit in A, 0..5
  OUTP ON|OFF|1|0 / OUTP?
  OUTP:PROT:TRIP?  1 while the protection is tripped (output forced off)
  OUTP:PROT:CLE    clear a trip
  SYST:ERR?        oldest queued error, or 0,"No error"
Fault injection, for tests:
  SIM:DELAY <s>    answer every later query after s seconds
  SIM:FAULT garbage|short|none
                   garbage: the next query (SYST:ERR? aside) is answered
                   with bytes that are no number; short: with a partial
                   line, no terminator
  SIM:CLOSE        drop the connection at once (TCP)
  SIM:TRIP [s]     trip the protection, as an overload would (after s
                   seconds, if given)
Unknown commands queue -113,"Undefined header"; a query not known answers
nothing, as instruments do.

On start it prints "READY <port or path>" on stdout.
"""

import argparse
import os
import socket
import sys
import termios
import threading
import time
import tty


class PSU:
    def __init__(self, slew):
        self.lock = threading.Lock()
        self.slew = slew
        self.errors = []
        self.delay = 0.0
        self.fault = "none"
        self.reset()

    def reset(self):
        self.setpoint = 0.0
        self.start_v = 0.0
        self.start_t = time.monotonic()
        self.current = 0.0
        self.output = False
        self.tripped = False

    def voltage(self):
        dt = time.monotonic() - self.start_t
        span = self.setpoint - self.start_v
        step = self.slew * dt
        if abs(span) <= step:
            return self.setpoint
        return self.start_v + (step if span > 0 else -step)

    def set_voltage(self, v):
        now = self.voltage()
        self.start_v, self.start_t, self.setpoint = now, time.monotonic(), v

    def trip(self):
        with self.lock:
            self.tripped, self.output = True, False

    def error(self, code, text):
        if len(self.errors) < 16:
            self.errors.append('%d,"%s"' % (code, text))

    def number(self, arg, lo, hi):
        try:
            v = float(arg)
        except ValueError:
            self.error(-104, "Data type error")
            return None
        if not lo <= v <= hi:
            self.error(-222, "Data out of range")
            return None
        return v

    def handle(self, line):
        """Returns (reply or None, close?)."""
        parts = line.strip().split(None, 1)
        if not parts:
            return None, False
        cmd, arg = parts[0].upper(), (parts[1] if len(parts) > 1 else "")
        with self.lock:
            return self._handle(cmd, arg)

    def _handle(self, cmd, arg):
        if cmd == "*IDN?":
            return "CONCERT,PSU-SIM,0,1.0", False
        if cmd == "*RST":
            self.reset()
        elif cmd in ("VOLT", "VOLTAGE"):
            v = self.number(arg, 0, 30)
            if v is not None:
                self.set_voltage(v)
        elif cmd in ("VOLT?", "VOLTAGE?"):
            return "%.4f" % self.voltage(), False
        elif cmd == "VOLT:SETP?":
            return "%.4f" % self.setpoint, False
        elif cmd in ("CURR", "CURRENT"):
            v = self.number(arg, 0, 5)
            if v is not None:
                self.current = v
        elif cmd in ("CURR?", "CURRENT?"):
            return "%.4f" % self.current, False
        elif cmd in ("OUTP", "OUTPUT"):
            a = arg.strip().upper()
            if a in ("ON", "1"):
                self.output = True
            elif a in ("OFF", "0"):
                self.output = False
            else:
                self.error(-224, "Illegal parameter value")
        elif cmd in ("OUTP?", "OUTPUT?"):
            return "1" if self.output else "0", False
        elif cmd == "OUTP:PROT:TRIP?":
            return "1" if self.tripped else "0", False
        elif cmd == "OUTP:PROT:CLE":
            self.tripped = False
        elif cmd == "SIM:TRIP":
            if arg.strip():
                delay = self.number(arg, 0, 60)
                if delay is not None:
                    threading.Timer(delay, self.trip).start()
            else:
                self.tripped, self.output = True, False
        elif cmd == "SYST:ERR?":
            return (self.errors.pop(0) if self.errors else '0,"No error"'), False
        elif cmd == "SIM:DELAY":
            self.delay = float(arg)
        elif cmd == "SIM:FAULT":
            self.fault = arg.strip().lower()
        elif cmd == "SIM:CLOSE":
            return None, True
        elif not cmd.endswith("?"):
            self.error(-113, "Undefined header")
        return None, False

    def reply(self, text, query):
        """The bytes to send for a reply, with any injected fault; reading
        the error queue does not use up a fault."""
        if self.delay:
            time.sleep(self.delay)
        fault = self.fault
        if query.strip().upper() != b"SYST:ERR?":
            self.fault = "none"
        else:
            fault = "none"
        if fault == "garbage":
            return b"\x15#!?%\xfe\n"
        if fault == "short":
            return text[: max(1, len(text) // 2)].encode()
        return (text + "\n").encode()


def serve(psu, read, write):
    buf = b""
    while True:
        data = read()
        if not data:
            return
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            reply, close = psu.handle(line.decode("latin-1").strip("\r"))
            if close:
                return
            if reply is not None:
                write(psu.reply(reply, line))


def serve_tcp(psu, port):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(8)
    print("READY %d" % srv.getsockname()[1], flush=True)
    while True:
        conn, _ = srv.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def run(c=conn):
            try:
                serve(psu, lambda: c.recv(4096), c.sendall)
            except OSError:
                pass
            finally:
                c.close()

        threading.Thread(target=run, daemon=True).start()


def serve_serial(psu, path):
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd, termios.TCSANOW)
    print("READY %s" % path, flush=True)
    serve(psu, lambda: os.read(fd, 4096), lambda b: os.write(fd, b))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int)
    ap.add_argument("--serial")
    ap.add_argument("--slew", type=float, default=10.0, help="volts per second")
    args = ap.parse_args()
    psu = PSU(args.slew)
    if args.serial:
        serve_serial(psu, args.serial)
    else:
        serve_tcp(psu, args.port or 0)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
