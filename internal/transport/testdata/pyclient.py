"""The Python side of transport's side-by-side benchmark (bench_test.go).

Runs N operations against a server the Go benchmark started and prints one
JSON line: {"seconds": wall time of the loop, "cpu": CPU time of the loop}.
Start-up and connecting are not counted.

  pyclient.py modbus-read  HOST PORT N   pymodbus's sync TCP client, read 2 holding registers
  pyclient.py modbus-write HOST PORT N   pymodbus's sync TCP client, write 2 holding registers
  pyclient.py modbus-rtu   PATH BAUD N   pymodbus's sync RTU client, read 2 holding registers
  pyclient.py line         HOST PORT N   a plain socket, "VOLT?" and its reply line: the
                                         least a Python client can do per query
"""

import json
import socket
import sys
import time


def modbus_tcp(host, port):
    from pymodbus.client import ModbusTcpClient
    c = ModbusTcpClient(host, port=int(port))
    c.connect()
    return c


def main():
    what, a, b, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    if what == "modbus-read":
        c = modbus_tcp(a, b)
        op = lambda: c.read_holding_registers(0, 2)
    elif what == "modbus-write":
        c = modbus_tcp(a, b)
        op = lambda: c.write_registers(0, [1, 2])
    elif what == "modbus-rtu":
        from pymodbus.client import ModbusSerialClient
        from pymodbus.framer.rtu_framer import ModbusRtuFramer
        c = ModbusSerialClient(port=a, framer=ModbusRtuFramer, baudrate=int(b), timeout=1)
        c.connect()
        op = lambda: c.read_holding_registers(0, 2)
    elif what == "line":
        s = socket.create_connection((a, int(b)))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        f = s.makefile("rb")

        def op():
            s.sendall(b"VOLT?\n")
            f.readline()
    else:
        sys.exit("unknown workload " + what)
    op()  # the first exchange connects fully; not counted
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(n):
        op()
    print(json.dumps({"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0}))


if __name__ == "__main__":
    main()
