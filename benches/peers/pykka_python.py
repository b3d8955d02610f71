"""The scenarios of pykka-benches on Python's Pykka (ThreadingActor), for comparison.

Usage: pykka_python.py <scenario> [warm-up ms] [measure ms]
Prints `ns_per_op <value>` (the median of the samples) and, for `spawn`,
`bytes_per_actor <value>`: the protocol of pykka-benches' compare program.
"""

import os
import statistics
import sys
import threading
import time

import pykka

FAN_IN_SENDERS = 4
RING_SIZE = 1000
SPAWN_BATCH = 100
IDLE_ACTORS = 1000


class Echo(pykka.ThreadingActor):
    def on_receive(self, message):
        return message


class Asker(pykka.ThreadingActor):
    def __init__(self, echo):
        super().__init__()
        self.echo = echo

    def on_receive(self, n):
        return sum(self.echo.ask(i) for i in range(n))


class Counter(pykka.ThreadingActor):
    def __init__(self):
        super().__init__()
        self.count = 0

    def on_receive(self, message):
        if message == "add":
            self.count += 1
        return self.count


class FanSender(pykka.ThreadingActor):
    def __init__(self, sink):
        super().__init__()
        self.sink = sink

    def on_receive(self, k):
        for _ in range(k):
            self.sink.tell("add")
        return self.sink.ask("get")


class Node(pykka.ThreadingActor):
    def __init__(self, done):
        super().__init__()
        self.next = None
        self.done = done

    def on_receive(self, message):
        if isinstance(message, pykka.ActorRef):
            self.next = message
        elif message == 0:
            self.done.set()
        else:
            self.next.tell(message - 1)


class Store(pykka.ThreadingActor):
    def __init__(self):
        super().__init__()
        self.total = 0

    def add(self, n):
        self.total += n
        return self.total


def split(total, parts):
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def prepare(scenario):
    if scenario == "ask":
        asker = Asker.start(Echo.start())
        return lambda n: asker.ask(n)
    if scenario == "ask_from_thread":
        echo = Echo.start()

        def run(n):
            for i in range(n):
                echo.ask(i)

        return run
    if scenario == "tell":
        counter = Counter.start()

        def run(n):
            for _ in range(n):
                counter.tell("add")
            counter.ask("get")

        return run
    if scenario == "fan_in":
        sink = Counter.start()
        senders = [FanSender.start(sink) for _ in range(FAN_IN_SENDERS)]

        def run(n):
            futures = [s.ask(k, block=False) for s, k in zip(senders, split(n, FAN_IN_SENDERS))]
            pykka.get_all(futures)

        return run
    if scenario == "spawn":

        def run(n):
            left = n
            while left > 0:
                batch = min(left, SPAWN_BATCH)
                left -= batch
                actors = [Echo.start() for _ in range(batch)]
                futures = [a.stop(block=False) for a in actors]
                pykka.get_all(futures)

        return run
    if scenario == "ring":
        done = threading.Event()
        nodes = [Node.start(done) for _ in range(RING_SIZE)]
        for i, node in enumerate(nodes):
            node.ask(nodes[(i + 1) % RING_SIZE])

        def run(n):
            done.clear()
            nodes[0].tell(n)
            done.wait()

        return run
    if scenario in ("proxy_call", "proxy_field"):
        proxy = Store.start().proxy()
        if scenario == "proxy_call":

            def run(n):
                for _ in range(n):
                    proxy.add(1).get()

        else:

            def run(n):
                for _ in range(n):
                    proxy.total.get()

        return run
    sys.exit(f"unknown scenario {scenario}")


def resident_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def idle_memory(n):
    before = resident_bytes()
    actors = [Echo.start() for _ in range(n)]
    for a in actors:
        a.ask(0)
    after = resident_bytes()
    pykka.get_all([a.stop(block=False) for a in actors])
    return (after - before) / n


def ns_per_op(run, warm_up, measure):
    """The protocol of pykka_benches::measure::ns_per_op."""
    target = measure / 20
    iters = 1
    start = time.perf_counter()
    while True:
        t = time.perf_counter()
        run(iters)
        took = time.perf_counter() - t
        if took < target:
            iters *= 2
        elif time.perf_counter() - start >= warm_up:
            break
    samples = []
    start = time.perf_counter()
    while len(samples) < 5 or time.perf_counter() - start < measure:
        t = time.perf_counter()
        run(iters)
        samples.append((time.perf_counter() - t) * 1e9 / iters)
    return statistics.median(samples)


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: pykka_python.py <scenario> [warm-up ms] [measure ms]")
    scenario = sys.argv[1]
    warm_up = float(sys.argv[2]) / 1000 if len(sys.argv) > 2 else 0.3
    measure = float(sys.argv[3]) / 1000 if len(sys.argv) > 3 else 0.7
    if scenario == "spawn":
        idle_memory(1)  # one actor first, as pykka-benches' compare does
        print(f"bytes_per_actor {idle_memory(IDLE_ACTORS):.0f}")
    run = prepare(scenario)
    print(f"ns_per_op {ns_per_op(run, warm_up, measure):.1f}", flush=True)
    os._exit(0)


if __name__ == "__main__":
    main()
