"""The bot on the fake Bot API server, run the way `aidbot run` runs it (`serve`), in the test's
event loop."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fake_bot_api import FakeBotAPI
from telegram.ext import Application

from bot.answer import Answerer
from bot.settings import Settings
from bot.telegram import Timeouts, build_application, serve
from index.knowledge import KnowledgeBase

REPO = Path(__file__).resolve().parents[2]
ADMIN = 4242
FAST_RETRIES = {"retry_min": 0.01, "retry_max": 0.08}  # seconds: tests never wait long


@dataclass
class Bot:
    api: FakeBotAPI
    app: Application
    kb: KnowledgeBase
    settings: Settings
    task: asyncio.Task  # serve(); its result is the exit code
    stop: asyncio.Event


def make_settings(api: FakeBotAPI, kb: KnowledgeBase, **overrides: object) -> Settings:
    values: dict = {"corpus_dir": kb.corpus_dir, "index_dir": kb.index_dir,
                    "telegram_token": api.token, "telegram_api_url": api.url,
                    "admins": frozenset({ADMIN}), "allow_private_urls": True, **FAST_RETRIES}
    return Settings(**{**values, **overrides})


def free_port() -> int:
    """A port nothing listens on (connections to it are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_bot(settings: Settings, kb: KnowledgeBase, answerer: object = None,
              timeouts: Timeouts | None = None) -> tuple[Application, asyncio.Task, asyncio.Event,
                                                         asyncio.Event]:
    """serve() as a task: (application, task, stop, ready)."""
    app = build_application(settings, kb, answerer or Answerer(kb), timeouts)
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(app, settings, stop=stop, ready=ready))
    return app, task, stop, ready


async def until_ready(task: asyncio.Task, ready: asyncio.Event, timeout: float = 60) -> None:
    waiting = asyncio.ensure_future(ready.wait())
    done, _ = await asyncio.wait({task, waiting}, timeout=timeout,
                                 return_when=asyncio.FIRST_COMPLETED)
    waiting.cancel()
    if task in done:
        raise AssertionError(f"the bot stopped while starting, exit code {task.result()}")
    if not done:
        raise TimeoutError(f"the bot did not start in {timeout} s")


@asynccontextmanager
async def running_bot(api: FakeBotAPI, kb: KnowledgeBase, answerer: object = None,
                      webhook_port: int | None = None, timeouts: Timeouts | None = None,
                      **overrides: object) -> AsyncIterator[Bot]:
    """The bot, polling the fake server (or receiving its updates by webhook on
    127.0.0.1:`webhook_port`), until the block ends; it must then exit with code 0."""
    if webhook_port is not None:
        overrides = {"webhook_url": f"http://127.0.0.1:{webhook_port}/telegram",
                     "webhook_listen": "127.0.0.1", "webhook_port": webhook_port, **overrides}
    settings = make_settings(api, kb, **overrides)
    app, task, stop, ready = start_bot(settings, kb, answerer, timeouts)
    try:
        await until_ready(task, ready)
        yield Bot(api, app, kb, settings, task, stop)
    finally:
        stop.set()
        code = await asyncio.wait_for(task, 120)
    assert code == 0, f"the bot exited with code {code}"


async def ask(api: FakeBotAPI, user: dict, question: str, chat: dict | None = None) -> str:
    """The text of the bot's single reply to `question`."""
    message = api.send_message(user, question, chat)
    return (await api.reply_to(message)).text
