"""A small PLC for concert's tests, served by pymodbus's own server.

The Modbus server is pymodbus 3.0's (Debian python3-pymodbus), over TCP
(--port, 0 picks a free one) or RTU on a serial line (--rtu PATH, one end of
a socat pty pair). What this file adds is the PLC's logic, run every 10 ms
on the server's event loop, on tables of 100 entries each (addresses from 0):

  loopback wiring    coils 0-9 and 20-29 drive discrete inputs 0-9 and 20-29;
                     holding registers 0-9 drive input registers 0-9
  positioner         holding 10-11  target, int32, high word first, in um
                     input 10-11    readback, int32, high word first, in um
                     discrete in 10 moving
                     coil 10        stop: the target becomes the readback,
                                    the coil clears itself
                     holding 12     velocity in um/s (default --velocity)
                     holding 13     1 = the next move ends in a drive fault
                                    (discrete input 11 set, motion halts)
                     holding 14     1 = reset: the axis at 0, standing, no
                                    fault (for tests; clears itself)

On start it prints "READY <port or path>" on stdout, once the server listens.
"""

import argparse
import asyncio
import socket
import sys

from pymodbus.datastore import (ModbusSequentialDataBlock, ModbusServerContext,
                                ModbusSlaveContext)
from pymodbus.framer.rtu_framer import ModbusRtuFramer
from pymodbus.server import StartAsyncSerialServer, StartAsyncTcpServer

N = 100
HR, IR, CO, DI = 3, 4, 1, 2  # function codes that name the tables
STEP = 0.01


def int32(words):
    v = (words[0] << 16) | words[1]
    return v - (1 << 32) if v & 0x80000000 else v


def words(v):
    v &= 0xFFFFFFFF
    return [v >> 16, v & 0xFFFF]


def plc_step(slave, default_velocity):
    # loopback wiring
    for lo in (0, 20):
        slave.setValues(DI, lo, slave.getValues(CO, lo, 10))
    slave.setValues(IR, 0, slave.getValues(HR, 0, 10))
    # positioner
    if slave.getValues(HR, 14, 1)[0] == 1:
        slave.setValues(HR, 10, [0, 0])
        slave.setValues(IR, 10, [0, 0])
        slave.setValues(HR, 13, [0, 0])
        slave.setValues(DI, 10, [False, False])
        slave.setValues(CO, 10, [False])
        return
    pos = int32(slave.getValues(IR, 10, 2))
    if slave.getValues(CO, 10, 1)[0]:
        slave.setValues(HR, 10, words(pos))
        slave.setValues(CO, 10, [False])
    target = int32(slave.getValues(HR, 10, 2))
    vel = slave.getValues(HR, 12, 1)[0] or default_velocity
    if slave.getValues(DI, 11, 1)[0]:
        slave.setValues(DI, 10, [False])
        return
    step = max(1, int(vel * STEP))
    if pos != target and slave.getValues(HR, 13, 1)[0] == 1:
        slave.setValues(DI, 11, [True])
        slave.setValues(HR, 13, [0])
        return
    if abs(target - pos) <= step:
        pos = target
    else:
        pos += step if target > pos else -step
    slave.setValues(IR, 10, words(pos))
    slave.setValues(DI, 10, [pos != target])


async def plc(slave, default_velocity, ready):
    await asyncio.sleep(0.05)
    print("READY " + ready, flush=True)
    while True:
        plc_step(slave, default_velocity)
        await asyncio.sleep(STEP)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


async def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int)
    ap.add_argument("--rtu")
    ap.add_argument("--baud", type=int, default=115200)
    ap.add_argument("--velocity", type=int, default=5000, help="um/s")
    args = ap.parse_args()

    block = lambda v: ModbusSequentialDataBlock(0, [v] * N)
    slave = ModbusSlaveContext(di=block(False), co=block(False), hr=block(0),
                               ir=block(0), zero_mode=True)
    context = ModbusServerContext(slaves=slave, single=True)
    if args.rtu:
        server = await StartAsyncSerialServer(
            context=context, framer=ModbusRtuFramer, port=args.rtu,
            baudrate=args.baud, defer_start=True)
        await server.start()
        ready = args.rtu
    else:
        port = args.port or free_port()
        server = await StartAsyncTcpServer(
            context=context, address=("127.0.0.1", port),
            allow_reuse_address=True, defer_start=True)
        ready = str(port)
    asyncio.create_task(plc(slave, args.velocity, ready))
    await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
