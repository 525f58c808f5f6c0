"""Routing speed and accuracy. Not a test: prints numbers.

    .venv/bin/python bench/route_bench.py

Latency: p50/p99 of one `route()` call over the labelled cases, and over 4 KB,
10 KB, 100 KB and 1 MB messages, in CPU time of the routing thread (the machine is
shared: time spent waiting for a core is not the router's) and, for comparison, in
wall-clock time. The labelled cases are timed twice: with the memo of earlier turns
cleared before each call (cold: every context turn is read afresh) and kept (warm: as
in a chat, where each message comes with the turns the one before it had). Accuracy:
exact and acceptable tier shares on the tuning and validation parts of the labelled set.
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from routing import compiled  # noqa: E402
from routing.core import forget_turns, route  # noqa: E402
from tests.routing_cases import PARTS, evaluate, load, load_all  # noqa: E402


def timings(
    calls: list[tuple[str, list]], repeat: int, cold: bool = False
) -> tuple[list[float], list[float]]:
    cpu, wall = [], []
    for _ in range(repeat):
        for message, context in calls:
            if cold:
                forget_turns()
            start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
            route(message, context)
            cpu.append((time.thread_time_ns() - start_cpu) / 1000)
            wall.append((time.perf_counter_ns() - start) / 1000)
    return cpu, wall


def show(label: str, micros: tuple[list[float], list[float]]) -> None:
    cpu, wall = micros
    print(
        f"{label:<34} CPU p50 {statistics.median(cpu):>8.1f} µs  p99 {_p99(cpu):>8.1f} µs"
        f"   wall p50 {statistics.median(wall):>8.1f} µs  p99 {_p99(wall):>8.1f} µs"
    )


def _p99(micros: list[float]) -> float:
    ordered = sorted(micros)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def main() -> None:
    print(f"router: {'compiled (make compiled)' if compiled.IN_USE else 'from its sources'}")
    cases = load_all()
    calls = [(c["message"], c.get("context") or []) for c in cases]
    timings(calls, 1)  # warm up
    small = [(m, c) for m, c in calls if len(m.encode()) <= 4096]
    for memo, cold in (("cold", True), ("warm", False)):
        show(f"labelled set ({len(calls)}), {memo} memo", timings(calls, 20, cold))
        show(f"labelled ≤ 4 KB ({len(small)}), {memo} memo", timings(small, 20, cold))
    paragraph = (
        "2026-11-21 10:00:01 INFO request served in 12 ms\n"
        "We should think about the design of the cache and its trade-offs here.\n"
    )
    for size, repeat in ((4_096, 200), (10_240, 100), (102_400, 20), (1_048_576, 5)):
        text = (paragraph * (size // len(paragraph) + 1))[:size] + "\nwhat's the date on line 3?"
        show(f"{size // 1024} KB message", timings([(text, [])], repeat))
    for part in PARTS:
        score = evaluate(load(part))
        print(
            f"{part:<10} exact {score.accuracy:6.1%}, acceptable {score.acceptable_share:6.1%} "
            f"({score.total} cases), opus routed to haiku: {len(score.opus_to_haiku)}"
        )


if __name__ == "__main__":
    main()
