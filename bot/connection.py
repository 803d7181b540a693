"""Staying connected to the Telegram Bot API.

A failure that can pass (no network, a name that does not resolve, a refused or broken
connection, a stall, a 5xx, a 429) is retried with capped exponential backoff for ever, one log
line per attempt: "cannot reach the Telegram Bot API at <url>: <reason>; retrying in N s". One
that cannot (the token is refused, another process polls with the same token, a webhook is
set while polling) stops the bot at once with one line that says what to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import socket
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10.0  # seconds a long poll waits for updates
CONFIRM_TIMEOUT = 5.0  # seconds to confirm the last updates when stopping
_RESOLVE_FAILED = re.compile(
    r"name or service not known|nodename nor servname|temporary failure in name resolution|"
    r"no address associated with hostname|getaddrinfo failed|\[errno -[235]\]", re.IGNORECASE)

T = TypeVar("T")


class Stopped(Exception):
    """The bot was asked to stop (SIGINT, SIGTERM) while it waited."""


class CannotContinue(Exception):
    """A failure that retrying cannot fix; the message says what to do."""


@dataclass(frozen=True)
class Fault:
    reason: str  # one line, for the log; never the token
    fatal: bool
    wait: float = 0.0  # at least this many seconds before the next attempt (a 429's retry_after)


class Backoff:
    """first, 2×first, 4×first … up to `cap` seconds; back to `first` after a success."""

    def __init__(self, first: float, cap: float) -> None:
        self.first = first
        self.cap = max(cap, first)
        self._next = first

    def next(self) -> float:
        delay = self._next
        self._next = min(self._next * 2, self.cap)
        return delay

    def reset(self) -> None:
        self._next = self.first


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def diagnose(exc: TelegramError, api_url: str) -> Fault:
    """What a failed Bot API call means: a reason for the log, and whether it can pass."""
    if isinstance(exc, InvalidToken):
        # Bot.initialize re-raises it with the token in the message: read the original
        original = exc.__cause__ if isinstance(exc.__cause__, InvalidToken) else exc
        if "not found" in original.message.lower():
            return Fault(
                f"the Telegram Bot API at {api_url} answered 404 Not Found for this bot: "
                "TELEGRAM_BOT_TOKEN is malformed (a token looks like 123456789:AA…) or "
                "TELEGRAM_API_URL is not a Bot API server; copy the token again from "
                "@BotFather (/mybots, the bot, API Token)", fatal=True)
        return Fault(
            f"the Telegram Bot API at {api_url} rejected the bot token (401 Unauthorized): "
            "TELEGRAM_BOT_TOKEN is wrong or was revoked; copy the bot's current token from "
            "@BotFather (/mybots, the bot, API Token) and start again", fatal=True)
    if isinstance(exc, Conflict):
        if "webhook" in exc.message.lower():
            return Fault(
                "cannot poll for updates: a webhook is set for this bot (409 Conflict). Either "
                "serve by webhook (set AIDBOT_WEBHOOK_URL and AIDBOT_WEBHOOK_SECRET), or remove "
                f'the webhook: curl "{api_url}/bot$TELEGRAM_BOT_TOKEN/deleteWebhook"',
                fatal=True)
        said = _one_line(exc.message, 120)
        said = said if said.lower().startswith("conflict") else f"Conflict: {said}"
        return Fault(
            f"another process is polling for this bot's updates (409 {said}). Telegram lets "
            "one process poll per token: stop the other one, or give this one a bot token of "
            "its own", fatal=True)
    if isinstance(exc, BadRequest | Forbidden):
        return Fault(f"the Telegram Bot API at {api_url} refused the request: "
                     f"{_one_line(exc.message)}", fatal=True)
    if isinstance(exc, RetryAfter):
        with warnings.catch_warnings():  # its type changes in a later release: either is fine
            warnings.simplefilter("ignore")
            after = exc.retry_after
        seconds = float(after.total_seconds() if hasattr(after, "total_seconds") else after)
        return Fault(f"too many requests (429), asked to wait {seconds:g} s", fatal=False,
                     wait=seconds)
    if isinstance(exc, TimedOut):
        return Fault("no answer in time (timed out)", fatal=False)
    if isinstance(exc, NetworkError):
        return Fault(_network_reason(exc, api_url), fatal=False)
    return Fault(_one_line(exc.message), fatal=False)


def _socket_error(exc: BaseException) -> OSError | None:
    """The operating system's error under httpx's (which may only say "All connection attempts
    failed")."""
    found, seen = None, 0
    while exc is not None and seen < 12:
        if isinstance(exc, OSError) and exc.errno is not None:
            found = exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return found


def _network_reason(exc: NetworkError, api_url: str) -> str:
    match = re.match(r"httpx\.(\w+): ?(.*)", exc.message, re.DOTALL)
    if match is None:  # the server answered, with an error status
        text, _, _ = exc.message.partition(". Parsing the server response")
        suffix = " (not a Bot API answer)" if text != exc.message else ""
        return f"the server answered {_one_line(text, 120)}{suffix}"
    kind, detail = match.group(1), _one_line(match.group(2), 200)
    cause = _socket_error(exc)
    if isinstance(cause, socket.gaierror) or _RESOLVE_FAILED.search(detail):
        what = cause.strerror if isinstance(cause, socket.gaierror) else detail
        return f"cannot resolve {urlsplit(api_url).hostname} ({what})"
    if isinstance(cause, ConnectionRefusedError) or "refused" in detail.lower():
        return "connection refused"
    if kind == "ConnectError":
        return f"cannot connect ({cause.strerror if cause is not None else detail or kind})"
    return f"the connection failed ({kind}{': ' + detail if detail else ''})"


class Connection:
    """Runs Bot API calls until they succeed, retrying the failures that can pass."""

    def __init__(self, api_url: str, backoff: Backoff, stop: asyncio.Event) -> None:
        self.api_url = api_url
        self.backoff = backoff
        self.stop = stop
        self.failing = False

    async def call(self, action: Callable[[], Awaitable[T]]) -> T:
        """action(): a fresh attempt each time. Raises Stopped when `stop` is set meanwhile,
        CannotContinue on a failure that cannot pass."""
        while True:
            try:
                result = await self.until_stopped(action())
            except TelegramError as exc:
                fault = diagnose(exc, self.api_url)
                if fault.fatal:
                    raise CannotContinue(fault.reason) from None
                delay = max(self.backoff.next(), fault.wait)
                self.failing = True
                log.warning("cannot reach the Telegram Bot API at %s: %s; retrying in %s s",
                            self.api_url, fault.reason, f"{delay:g}")
                await self.sleep(delay)
                continue
            if self.failing:
                log.info("reached the Telegram Bot API at %s again", self.api_url)
                self.failing = False
            self.backoff.reset()
            return result

    async def until_stopped(self, awaitable: Awaitable[T]) -> T:
        """The awaitable's result, or Stopped (and the awaitable cancelled) once `stop` is set."""
        if self.stop.is_set():
            if asyncio.iscoroutine(awaitable):
                awaitable.close()
            raise Stopped
        task = asyncio.ensure_future(awaitable)
        stopping = asyncio.ensure_future(self.stop.wait())
        try:
            await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if task.cancelled():
            raise Stopped
        return task.result()

    async def sleep(self, seconds: float) -> None:
        """Waits `seconds`, or raises Stopped as soon as `stop` is set."""
        try:
            await asyncio.wait_for(self.stop.wait(), seconds)
        except TimeoutError:
            return
        raise Stopped


async def poll(application: Application, connection: Connection, timeout: float,
               allowed_updates: Sequence[str]) -> None:
    """Long polling: fetches updates into the application's queue until Stopped (or a failure
    that cannot pass)."""
    bot = application.bot
    offset = 0
    fetch: Callable[..., Any] = functools.partial(bot.get_updates, timeout=timeout,
                                                  allowed_updates=allowed_updates)
    try:
        while True:
            updates = await connection.call(functools.partial(fetch, offset=offset))
            for update in updates:
                await application.update_queue.put(update)
            if updates:
                offset = updates[-1].update_id + 1
    except Stopped:
        if offset and not connection.failing:
            # confirm the updates already taken, so the next start does not fetch them again
            with contextlib.suppress(TelegramError, TimeoutError):
                await asyncio.wait_for(fetch(offset=offset, timeout=0), CONFIRM_TIMEOUT)
        raise
