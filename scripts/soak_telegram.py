"""Soak test (run on demand, not a test): questions at a steady rate through the fake Bot API
server to the real Application for a long time; reports answers, errors and memory.

    .venv/bin/python scripts/soak_telegram.py [--minutes 10] [--rate 5]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from bench_telegram import percentile, questions, running_bot  # noqa: E402

REPLY_TIMEOUT = 30.0


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def main(args: argparse.Namespace) -> None:
    async with running_bot(50) as (_, _, users):
        pool = questions(4)
        latencies: list[float] = []
        errors = 0
        start_rss = rss_mb()
        print(f"start: RSS {start_rss:.0f} MB, {args.rate:g} questions/s for "
              f"{args.minutes:g} min", flush=True)
        start = time.monotonic()
        total = int(args.rate * args.minutes * 60)
        inflight: list[asyncio.Future] = []
        for n in range(total):
            delay = start + n / args.rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            inflight.append(asyncio.ensure_future(asyncio.wait_for(
                users.ask(n % 50, pool[n % len(pool)][1]), REPLY_TIMEOUT)))
            if (n + 1) % int(args.rate * 60) == 0:
                print(f"  minute {(n + 1) // int(args.rate * 60)}: asked {n + 1}, "
                      f"RSS {rss_mb():.0f} MB", flush=True)
        for result in await asyncio.gather(*inflight, return_exceptions=True):
            if isinstance(result, BaseException):
                errors += 1
            else:
                latencies.append(result)
        print(f"end: asked {total}, answered {len(latencies)}, errors {errors}, "
              f"with citations {users.found}, p50 {statistics.median(latencies) * 1000:.0f}"
              f" ms, p95 {percentile(latencies, 95) * 1000:.0f} ms, "
              f"RSS {start_rss:.0f} → {rss_mb():.0f} MB", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=5.0)
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(parser.parse_args()))
