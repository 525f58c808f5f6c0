"""End-to-end reply latency: webhook POST -> task -> fake Claude -> fake Telegram.

Runs in one process with eager tasks against PostgreSQL (database `blufio_bench`,
created if missing) and the loopback fakes, through the real SDKs (`reply_loop.py`).
Prints p50/p99 per message and messages per second. Not a test; numbers only.

    .venv/bin/python bench/webhook_reply.py [--messages 200]
"""

import argparse
import statistics
import time

from reply_loop import percentile, reply_loop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()

    with reply_loop("blufio_bench") as loop:
        from costs.models import LedgerEntry

        timings = []
        started = time.perf_counter()
        for number in range(args.messages):
            answered = loop.answer(f"Question number {number}: what should I cook tonight?")
            timings.append((answered.returned - answered.started) * 1000)
            assert len(answered.telegram_at("sendMessage")) == 1, "no reply reached Telegram"
        elapsed = time.perf_counter() - started

        print(f"messages: {args.messages} (each: webhook, context, Claude call, ledger, reply)")
        print(
            f"p50 {statistics.median(timings):.1f} ms  p99 {percentile(timings, 0.99):.1f} ms  "
            f"max {max(timings):.1f} ms"
        )
        print(f"throughput: {args.messages / elapsed:.1f} messages/s on one process")
        print(f"ledger rows: {LedgerEntry.objects.count()}")


if __name__ == "__main__":
    main()
