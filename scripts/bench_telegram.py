"""Load benchmark of the Telegram face (run on demand, not a test): simulated users ask questions
through the fake Bot API server to the real Application and knowledge base, on loopback.

Two measures, each from the moment an update is handed to the fake server to the moment the bot's
reply reaches it:
  * sustained: every user asks, waits for the reply, asks again (closed loop); questions/s and
    p50/p95 latency;
  * offered load: questions arrive at a fixed rate whatever the bot does (open loop); p50/p95.

    .venv/bin/python scripts/bench_telegram.py [--users 50] [--rounds 4] [--rate 20] [--seconds 15]

The per-user limit (AIDBOT_USER_QUESTIONS_PER_MINUTE) is off here: it is not what is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "bot"))

from fake_bot_api import BotMessage, FakeBotAPI  # noqa: E402

from bot.answer import Answerer  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.telegram import ALLOWED_UPDATES, build_application  # noqa: E402
from index.embeddings import Embedder  # noqa: E402
from index.knowledge import KnowledgeBase  # noqa: E402

TEMPLATES = [
    ("en", "How many laptops were sent to Ukraine{}?"),
    ("fr", "Combien d'ordinateurs portables ont été envoyés{} ?"),
    ("uk", "Скільки ноутбуків отримала Україна{}?"),
    ("en", "Who leads the IT coalition{}?"),
    ("en", "How many FPV drones were delivered{}?"),
    ("fr", "Combien de stations de charge ont été expédiées{} ?"),
    ("en", "How many tanks did Germany send{}?"),
    ("en", "What is the capital of Peru{}?"),
]
SUFFIXES = ["", " in 2025", " this summer", " by the partners", " according to the ministry",
            " last year", " to the armed forces", " so far", " in total", " recently", " again"]


def questions(seed: int = 0) -> list[tuple[str, str]]:
    """Distinct questions: asked in turn, one comes back only after the knowledge base's cache
    of recent question vectors (64) has forgotten it."""
    items = [(lang, template.format(suffix)) for lang, template in TEMPLATES
             for suffix in SUFFIXES]
    random.Random(seed).shuffle(items)
    return items


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


class Users:
    """Plays the users: injects questions and resolves a future when the reply arrives."""

    def __init__(self, api: FakeBotAPI, count: int) -> None:
        self.api = api
        languages = ["en", "fr", "uk", "de", "en"]
        self.users = [api.user(10_000 + i, languages[i % len(languages)]) for i in range(count)]
        self.pending: dict[tuple[int, int], tuple[float, asyncio.Future]] = {}
        self.found = 0
        api.listeners.append(self._on_sent)

    def _on_sent(self, message: BotMessage) -> None:
        waiting = self.pending.pop((message.chat_id, message.reply_to or 0), None)
        if waiting is not None:
            started, future = waiting
            self.found += bool(message.buttons)
            future.set_result(message.at - started)

    def ask(self, user: int, question: str) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        started = time.monotonic()
        message = self.api.send_message(self.users[user], question)
        self.pending[(message["chat"]["id"], message["message_id"])] = (started, future)
        return future


async def sustained(users: Users, rounds: int) -> tuple[float, list[float]]:
    pool = questions(1)
    latencies: list[float] = []

    async def one_user(i: int) -> None:
        for r in range(rounds):
            _, text = pool[(r * len(users.users) + i) % len(pool)]
            latencies.append(await users.ask(i, text))

    start = time.monotonic()
    await asyncio.gather(*(one_user(i) for i in range(len(users.users))))
    return len(latencies) / (time.monotonic() - start), latencies


async def offered(users: Users, rate: float, seconds: float) -> tuple[float, list[float]]:
    pool = questions(2)
    total = int(rate * seconds)
    futures = []
    start = time.monotonic()
    for n in range(total):
        delay = start + n / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        futures.append(users.ask(n % len(users.users), pool[n % len(pool)][1]))
    latencies = list(await asyncio.gather(*futures))
    return total / (time.monotonic() - start), latencies


def report(name: str, rate: float, latencies: list[float]) -> None:
    print(f"{name}: {len(latencies)} questions, {rate:.1f} questions/s, "
          f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {percentile(latencies, 95) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms", flush=True)


@asynccontextmanager
async def running_bot(user_count: int) -> AsyncIterator[tuple[FakeBotAPI, KnowledgeBase, Users]]:
    """The real Application on a copy of the corpus, polling the fake server, with users."""
    models = Path(os.environ.get("AIDBOT_MODEL_CACHE") or REPO / ".aidbot" / "models")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(REPO / "corpus", corpus)
        kb = KnowledgeBase(corpus, Path(tmp) / "index", Embedder(None, models))
        api = FakeBotAPI()
        await api.start()
        settings = Settings(corpus_dir=corpus, index_dir=Path(tmp) / "index",
                            telegram_token=api.token, telegram_api_url=api.url,
                            user_questions_per_minute=0)
        app = build_application(settings, kb, Answerer(kb))
        await app.initialize()
        await app.post_init(app)
        await app.updater.start_polling(timeout=10, allowed_updates=ALLOWED_UPDATES)
        await app.start()
        try:
            yield api, kb, Users(api, user_count)
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            await app.post_shutdown(app)
            await api.stop()
            kb.close()


async def main(args: argparse.Namespace) -> None:
    async with running_bot(args.users) as (api, kb, users):
        print(f"{os.cpu_count()} CPUs, {len(kb.articles())} article(s), "
              f"{args.users} users", flush=True)
        # warm-up: every distinct question once, so that the steady state is measured
        pool = questions(3)
        for start in range(0, len(pool), args.users):
            await asyncio.gather(*(users.ask(i, q) for i, (_, q) in
                                   enumerate(pool[start:start + args.users])))
        users.found = 0
        rate, latencies = await sustained(users, args.rounds)
        report(f"sustained, {args.users} users asking in turn", rate, latencies)
        print(f"  answered with citations: {users.found}, "
              f"calls to the Bot API: {len(api.calls)}", flush=True)
        users.found = 0
        rate, latencies = await offered(users, args.rate, args.seconds)
        report(f"offered {args.rate:g} questions/s for {args.seconds:g} s", rate, latencies)
        print(f"  answered with citations: {users.found}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=4, help="questions per user, sustained")
    parser.add_argument("--rate", type=float, default=20.0, help="questions/s offered")
    parser.add_argument("--seconds", type=float, default=15.0, help="duration of offered load")
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(parser.parse_args()))
