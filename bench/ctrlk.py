"""The Python asyncio side of the shell-ctrl-k benchmark (bench/compare).

Runs in a pseudo-terminal like the concert shell: N_TASKS background
tasks wait and N_MOTORS dummy motors move in 10 ms steps; it prints
"ready" and a prompt, and on the ctrl-k byte cancels every task, stops
every motor (each waiting until its move has ended, within 2 s) and prints
the report line, as concert's ctrl-k does. The runner times from the byte
to that line.

Usage: python3 bench/ctrlk.py N_TASKS N_MOTORS
"""

import asyncio
import os
import sys
import termios
import tty

CTRL_K = b"\x0b"


class Motor:
    """A dummy motor: moves in 10 ms steps until cancelled."""

    def __init__(self):
        self.position = 0.0
        self.moving = None

    async def _move_to(self, target):
        while self.position < target:
            await asyncio.sleep(0.01)
            self.position += 0.01

    def move_to(self, target):
        self.moving = asyncio.ensure_future(self._move_to(target))

    async def emergency_stop(self):
        if self.moving is not None:
            self.moving.cancel()
            try:
                await self.moving
            except asyncio.CancelledError:
                pass


async def main(n_tasks, n_motors):
    loop = asyncio.get_running_loop()
    forever = asyncio.Event()
    background = [asyncio.ensure_future(forever.wait()) for _ in range(n_tasks)]
    motors = [Motor() for _ in range(n_motors)]
    for m in motors:
        m.move_to(90)
    await asyncio.sleep(0.02)  # every task waits, every motor has moved
    key = asyncio.Event()

    def on_input():
        if CTRL_K in os.read(sys.stdin.fileno(), 1024):
            key.set()

    loop.add_reader(sys.stdin.fileno(), on_input)
    print("ready\nasyncio > ", end="", flush=True)
    await key.wait()
    me = asyncio.current_task()
    everything = [t for t in asyncio.all_tasks() if t is not me]
    for t in everything:
        t.cancel()
    results = await asyncio.gather(
        *[asyncio.wait_for(m.emergency_stop(), 2) for m in motors], return_exceptions=True
    )
    stopped = sum(1 for r in results if r is None)
    timed_out = sum(1 for r in results if isinstance(r, asyncio.TimeoutError))
    failed = len(results) - stopped - timed_out
    line = f"Emergency stop: {len(everything)} tasks cancelled, {stopped} devices stopped"
    if failed:
        line += f", {failed} failed"
    if timed_out:
        line += f", {timed_out} timed out"
    print("\n" + line, flush=True)
    await asyncio.gather(*background, return_exceptions=True)


if __name__ == "__main__":
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)  # keys arrive one by one; output keeps its newlines
    try:
        asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
