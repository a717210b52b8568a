"""The Python asyncio side of concert's side-by-side benchmarks.

Each workload mirrors one in bench/workload/main.go and prints one JSON
line: {"seconds": <time spent in the workload itself>}. Peak memory is read
by the runner (bench/compare) from the process's resource usage, the same
way for both sides.

Usage: python3 bench/workload.py WORKLOAD N
"""

import asyncio
import json
import sys
import time


async def trivial():
    return 1


async def sleep10ms():
    await asyncio.sleep(0.01)
    return 1


async def start_await(n):
    t0 = time.perf_counter()
    # Concert's start() wraps a coroutine into a running task.
    tasks = [asyncio.ensure_future(trivial()) for _ in range(n)]
    for t in tasks:
        await t
    return time.perf_counter() - t0


async def gather_sleep(n):
    t0 = time.perf_counter()
    await asyncio.gather(*[asyncio.ensure_future(sleep10ms()) for _ in range(n)])
    return time.perf_counter() - t0


async def cancel_all(n):
    ev = asyncio.Event()
    tasks = [asyncio.ensure_future(ev.wait()) for _ in range(n)]
    await asyncio.sleep(0)  # let every task start waiting
    t0 = time.perf_counter()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return time.perf_counter() - t0


class Device:
    """Stands in for a device whose emergency stop takes 10 ms."""

    async def emergency_stop(self):
        await asyncio.sleep(0.01)


async def emergency_stop(n):
    devices = [Device() for _ in range(n)]
    t0 = time.perf_counter()
    await asyncio.gather(*[d.emergency_stop() for d in devices])
    return time.perf_counter() - t0


class Parameter:
    """A parameter the way Concert runs one: an async getter and setter
    behind a lock, a unit check and a limit check, no motion."""

    def __init__(self):
        self.value = 0.0
        self.lock = asyncio.Lock()
        self.lower, self.upper = -1.0, 1.0

    async def get(self):
        async with self.lock:
            return self.value

    async def set(self, value):
        if not isinstance(value, float):
            raise TypeError("unit")
        if not self.lower <= value <= self.upper:
            raise ValueError("limit")
        async with self.lock:
            self.value = value


async def param_get_set(n):
    p = Parameter()
    t0 = time.perf_counter()
    for _ in range(n):
        v = await asyncio.ensure_future(p.get())
        await asyncio.ensure_future(p.set(v))
    return time.perf_counter() - t0


async def param_get_loop(n):
    p = Parameter()
    t0 = time.perf_counter()
    for _ in range(n):
        await asyncio.ensure_future(p.get())
    return time.perf_counter() - t0


async def nothing():
    return None


async def start_gather(n):
    t0 = time.perf_counter()
    tasks = [asyncio.create_task(nothing()) for _ in range(n)]
    await asyncio.gather(*tasks)
    return time.perf_counter() - t0


async def wait_memory(n):
    # Tasks that wait until they are cancelled, as shell-wait-memory's
    # wait on their context; the peak, all of them waiting, is the figure.
    waiting = 0
    loop = asyncio.get_running_loop()

    async def waiter():
        nonlocal waiting
        waiting += 1
        await loop.create_future()

    t0 = time.perf_counter()
    tasks = [asyncio.create_task(waiter()) for _ in range(n)]
    while waiting < n:
        await asyncio.sleep(0)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return time.perf_counter() - t0


async def concert_start_gather(n):
    # Python Concert's start() (CONCERT_SRC on PYTHONPATH), as a session
    # in Concert's shell would start tasks.
    from concert.coroutines.base import start

    t0 = time.perf_counter()
    tasks = [start(nothing()) for _ in range(n)]
    await asyncio.gather(*tasks)
    return time.perf_counter() - t0


WORKLOADS = {
    "start-await": start_await,
    "gather-sleep": gather_sleep,
    "cancel-all": cancel_all,
    "emergency-stop": emergency_stop,
    "param-get-set": param_get_set,
    "session-get-loop": param_get_loop,
    "shell-start-gather": start_gather,
    "shell-wait-memory": wait_memory,
    "concert-start-gather": concert_start_gather,
}


def main():
    name, n = sys.argv[1], int(sys.argv[2])
    # Each workload times itself: the Go side does not count its runtime's
    # start either, so the event loop's creation and shutdown stay out.
    print(json.dumps({"seconds": asyncio.run(WORKLOADS[name](n))}))


if __name__ == "__main__":
    main()
