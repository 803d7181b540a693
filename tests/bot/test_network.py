"""Network faults, at start-up and while the bot runs: the real Application and knowledge base
against the fake Bot API server (scripted 5xx, 429, 401, 409, stalls, going down and coming
back), a closed port and a name that cannot resolve, in this process and as the real `aidbot
run`. Each asserts the one log line per attempt, the retry or the exit code, that no traceback
and no token is printed, and that the bot answers once the server is back."""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fake_bot_api import FakeBotAPI
from harness import (
    REPO,
    ask,
    free_port,
    make_settings,
    running_bot,
    start_bot,
    until_ready,
)

from bot.settings import Settings, SettingsError
from bot.telegram import EXIT_CANNOT_CONTINUE, RedactToken, Timeouts
from index.embeddings import Embedder
from index.knowledge import KnowledgeBase

NOT_FOUND = "I don't know: the articles I have do not answer this question."
RETRY = re.compile(r"^cannot reach the Telegram Bot API at (\S+): (.+); retrying in ([\d.]+) s$")
WRONG_TOKEN = "987654321:AAE-revoked-TOKEN_for-tests_0123456789"
WEBHOOK_SECRET = "s3cret-Webhook_1"
QUESTION = "What is the capital of Peru?"


# ---- reading the logs ---------------------------------------------------------------------------

@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The log as `aidbot run` writes it: INFO and up, secrets redacted by the same filter."""
    caplog.set_level(logging.INFO)
    redact = RedactToken(FakeBotAPI().token, WRONG_TOKEN, WEBHOOK_SECRET)
    caplog.handler.addFilter(redact)
    yield caplog
    caplog.handler.removeFilter(redact)


def retries(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str, float]]:
    """(url, reason, delay) of every retry line."""
    found = []
    for record in caplog.records:
        match = RETRY.match(record.getMessage())
        if match:
            found.append((match.group(1), match.group(2), float(match.group(3))))
    return found


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The bot's errors (the fake server's access log is not the bot's)."""
    return [r.getMessage() for r in caplog.records
            if r.levelno >= logging.ERROR and r.name != "tornado.access"]


def assert_clean(caplog: pytest.LogCaptureFixture, *tokens: str) -> None:
    """No traceback, no token: in the records and in the text as the handler wrote it."""
    assert all(r.exc_info is None and not r.exc_text for r in caplog.records)
    assert "Traceback" not in caplog.text
    for token in (FakeBotAPI().token, *tokens):
        assert token not in caplog.text and token.split(":")[-1] not in caplog.text


async def until(predicate: Callable[[], object], timeout: float = 60) -> None:
    """Waits until predicate() is true (for what the fake server does not see: log lines)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError(f"still waiting after {timeout} s")
        await asyncio.sleep(0.01)


def backoff_is_capped_exponential(delays: list[float], first: float, cap: float) -> bool:
    expected = [min(first * 2**i, cap) for i in range(len(delays))]
    return delays == pytest.approx(expected)


# ---- at start-up --------------------------------------------------------------------------------

async def test_closed_port_is_retried_until_the_server_comes_up(
        shared_kb: KnowledgeBase, logs: pytest.LogCaptureFixture):
    port = free_port()
    api = FakeBotAPI()
    url = f"http://127.0.0.1:{port}"
    settings = make_settings(api, shared_kb, telegram_api_url=url)
    app, task, stop, ready = start_bot(settings, shared_kb)
    try:
        await until(lambda: len(retries(logs)) >= 5)
        assert not task.done()
        await api.start(port=port)
        await until_ready(task, ready)
        assert await ask(api, api.user(2001, "en"), QUESTION) == NOT_FOUND
    finally:
        stop.set()
        code = await task
        await api.stop()
    assert code == 0
    lines = retries(logs)
    assert {(u, reason) for u, reason, _ in lines} == {(url, "connection refused")}
    assert backoff_is_capped_exponential([d for *_, d in lines], 0.01, 0.08)
    assert f"reached the Telegram Bot API at {url} again" in logs.messages
    assert errors(logs) == []
    assert_clean(logs)


async def test_a_name_that_does_not_resolve_is_retried_and_stopping_exits_0(
        shared_kb: KnowledgeBase, logs: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch):
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                  "all_proxy"):
        monkeypatch.delenv(proxy, raising=False)
    api = FakeBotAPI()
    settings = make_settings(api, shared_kb, telegram_api_url="http://api.telegram.invalid")
    app, task, stop, ready = start_bot(settings, shared_kb)
    await until(lambda: len(retries(logs)) >= 3 or task.done())
    stop.set()
    assert await task == 0
    lines = retries(logs)
    assert len(lines) >= 3 and not ready.is_set()
    for url, reason, _ in lines:
        assert url == "http://api.telegram.invalid"
        assert reason.startswith("cannot resolve api.telegram.invalid (")
    assert_clean(logs)


async def test_server_errors_and_a_proxy_error_page_at_start_are_retried(
        api: FakeBotAPI, shared_kb: KnowledgeBase, logs: pytest.LogCaptureFixture):
    api.fail_next(1, status=500, method="getMe")
    api.fail_next(1, status=502, method="getMe",
                  body="<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 "
                       "Bad Gateway</h1></center><hr><center>nginx</center></body></html>")
    api.fail_next(1, status=503, method="getMe")
    async with running_bot(api, shared_kb):
        assert await ask(api, api.user(2002, "en"), QUESTION) == NOT_FOUND
    assert [reason for _, reason, _ in retries(logs)] == [
        "the server answered Internal Server Error",
        "the server answered Bad Gateway (502) (not a Bot API answer)",
        "the server answered Service Unavailable",
    ]
    assert len(api.calls_to("getMe")) == 4
    assert_clean(logs)


async def test_flood_control_at_start_waits_as_long_as_telegram_asks(
        api: FakeBotAPI, shared_kb: KnowledgeBase, logs: pytest.LogCaptureFixture):
    api.fail_next(1, status=429, method="getMe", retry_after=1)
    async with running_bot(api, shared_kb):
        assert await ask(api, api.user(2003, "en"), QUESTION) == NOT_FOUND
    assert retries(logs) == [(api.url, "too many requests (429), asked to wait 1 s", 1.0)]
    assert_clean(logs)


async def test_a_refused_token_stops_at_once_with_one_line(
        api: FakeBotAPI, shared_kb: KnowledgeBase, logs: pytest.LogCaptureFixture):
    settings = make_settings(api, shared_kb, telegram_token=WRONG_TOKEN)
    app, task, stop, ready = start_bot(settings, shared_kb)
    assert await asyncio.wait_for(task, 60) == EXIT_CANNOT_CONTINUE
    assert errors(logs) == [
        f"the Telegram Bot API at {api.url} rejected the bot token (401 Unauthorized): "
        "TELEGRAM_BOT_TOKEN is wrong or was revoked; copy the bot's current token from "
        "@BotFather (/mybots, the bot, API Token) and start again"]
    assert retries(logs) == [] and not ready.is_set()
    assert_clean(logs, WRONG_TOKEN)


async def test_a_webhook_set_while_polling_stops_at_once_with_the_fix(
        api: FakeBotAPI, shared_kb: KnowledgeBase, logs: pytest.LogCaptureFixture):
    api.webhook = {"url": "https://bot.example.org/telegram", "secret_token": ""}
    app, task, stop, ready = start_bot(make_settings(api, shared_kb), shared_kb)
    assert await asyncio.wait_for(task, 60) == EXIT_CANNOT_CONTINUE
    [line] = errors(logs)
    assert line.startswith("cannot poll for updates: a webhook is set for this bot (409 "
                           "Conflict). Either serve by webhook (set AIDBOT_WEBHOOK_URL")
    assert line.endswith(f'or remove the webhook: curl "{api.url}/bot$TELEGRAM_BOT_TOKEN/'
                         'deleteWebhook"')
    assert api.webhook == {"url": "https://bot.example.org/telegram", "secret_token": ""}
    assert not api.calls_to("deleteWebhook") and retries(logs) == []
    assert_clean(logs)


async def test_webhook_mode_retries_set_webhook(api: FakeBotAPI, shared_kb: KnowledgeBase,
                                                logs: pytest.LogCaptureFixture):
    api.fail_next(2, status=500, method="setWebhook")
    async with running_bot(api, shared_kb, webhook_port=free_port(),
                           webhook_secret=WEBHOOK_SECRET):
        assert api.webhook is not None
        assert await ask(api, api.user(2004, "en"), QUESTION) == NOT_FOUND
    assert [reason for _, reason, _ in retries(logs)] == [
        "the server answered Internal Server Error"] * 2
    assert_clean(logs, WEBHOOK_SECRET)


# ---- while running ------------------------------------------------------------------------------

async def test_server_errors_while_polling_are_retried(
        api: FakeBotAPI, shared_kb: KnowledgeBase, logs: pytest.LogCaptureFixture):
    async with running_bot(api, shared_kb):
        api.fail_next(3, status=500, method="getUpdates")
        question = api.send_message(api.user(2101, "en"), QUESTION)
        assert (await api.reply_to(question)).text == NOT_FOUND
    lines = retries(logs)
    assert [reason for _, reason, _ in lines] == ["the server answered Internal Server Error"] * 3
    assert backoff_is_capped_exponential([d for *_, d in lines], 0.01, 0.08)
    assert_clean(logs)


async def test_server_going_down_and_coming_back(
        api: FakeBotAPI, shared_kb: KnowledgeBase, logs: pytest.LogCaptureFixture):
    async with running_bot(api, shared_kb) as bot:
        reader = api.user(2102, "en")
        assert await ask(api, reader, QUESTION) == NOT_FOUND
        await api.go_down()
        await until(lambda: len(retries(logs)) >= 4)
        assert not bot.task.done()
        asked_meanwhile = api.send_message(reader, "What is the capital of Chile?")
        await api.come_back()
        assert (await api.reply_to(asked_meanwhile)).text == NOT_FOUND
    reasons = {reason for _, reason, _ in retries(logs)}
    assert "connection refused" in reasons
    assert reasons <= {"connection refused"} | {r for r in reasons
                                                if r.startswith("the connection failed (")}
    assert f"reached the Telegram Bot API at {api.url} again" in logs.messages
    assert_clean(logs)


async def test_a_stalled_server_is_given_up_on_and_retried(
        api: FakeBotAPI, shared_kb: KnowledgeBase, logs: pytest.LogCaptureFixture):
    timeouts = Timeouts(connect=1, read=1, poll=0.5, poll_grace=0.5)
    async with running_bot(api, shared_kb, timeouts=timeouts):
        api.stall()
        await until(lambda: len(retries(logs)) >= 2)
        asked_meanwhile = api.send_message(api.user(2103, "en"), QUESTION)
        api.resume()
        assert (await api.reply_to(asked_meanwhile)).text == NOT_FOUND
    assert {reason for _, reason, _ in retries(logs)} == {"no answer in time (timed out)"}
    assert_clean(logs)


async def test_a_token_revoked_while_running_stops_at_once(
        api: FakeBotAPI, shared_kb: KnowledgeBase, logs: pytest.LogCaptureFixture):
    app, task, stop, ready = start_bot(make_settings(api, shared_kb), shared_kb)
    await until_ready(task, ready)
    assert await ask(api, api.user(2104, "en"), QUESTION) == NOT_FOUND
    api.fail_next(1, status=401, method="getUpdates")
    api.inject({})  # wakes the pending long poll, so the next one meets the 401
    assert await asyncio.wait_for(task, 60) == EXIT_CANNOT_CONTINUE
    [line] = errors(logs)
    assert line.startswith(f"the Telegram Bot API at {api.url} rejected the bot token (401 "
                           "Unauthorized): ")
    assert retries(logs) == []
    assert_clean(logs)


async def test_another_instance_polling_stops_this_one_with_the_fix(
        api: FakeBotAPI, shared_kb: KnowledgeBase, logs: pytest.LogCaptureFixture):
    app, task, stop, ready = start_bot(make_settings(api, shared_kb), shared_kb)
    await until_ready(task, ready)
    await api.wait_for(lambda: api.calls_to("getUpdates"))
    async with httpx.AsyncClient(trust_env=False) as other_instance:
        taken = await other_instance.post(f"{api.base_url}{api.token}/getUpdates",
                                          json={"timeout": 0})
    assert taken.json()["ok"] is True
    assert await asyncio.wait_for(task, 60) == EXIT_CANNOT_CONTINUE
    [line] = errors(logs)
    assert line.startswith("another process is polling for this bot's updates (409 Conflict: "
                           "terminated by other getUpdates request")
    assert line.endswith("Telegram lets one process poll per token: stop the other one, or "
                         "give this one a bot token of its own")
    assert retries(logs) == []
    assert_clean(logs)


async def test_a_reply_that_cannot_be_sent_is_one_line_and_the_bot_goes_on(
        api: FakeBotAPI, shared_kb: KnowledgeBase, logs: pytest.LogCaptureFixture):
    async with running_bot(api, shared_kb):
        reader = api.user(2105, "en")
        api.fail_next(3, status=502, method="sendMessage")
        lost = api.send_message(reader, QUESTION)
        await api.wait_for(lambda: len(api.calls_to("sendMessage")) == 3)
        assert await ask(api, reader, "What is the capital of Chile?") == NOT_FOUND
        assert not api.replies(lost)
    assert "could not finish answering an update: the server answered Bad Gateway" in (
        logs.messages)
    assert_clean(logs)


# ---- settings -----------------------------------------------------------------------------------

def test_backoff_and_api_url_settings():
    settings = Settings.from_env({"AIDBOT_RETRY_MIN": "0.5", "AIDBOT_RETRY_MAX": "30"})
    assert (settings.retry_min, settings.retry_max) == (0.5, 30.0)
    assert (Settings().retry_min, Settings().retry_max) == (1.0, 60.0)
    with pytest.raises(SettingsError, match="AIDBOT_RETRY_MAX must be more than 0 seconds"):
        Settings.from_env({"AIDBOT_RETRY_MAX": "0"})
    with pytest.raises(SettingsError, match="TELEGRAM_API_URL must start with https://"):
        Settings.from_env({"TELEGRAM_API_URL": "api.telegram.org"})


# ---- the real process ---------------------------------------------------------------------------

class Process:
    """`aidbot run` with its stderr read line by line as it comes."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self._changed = asyncio.Event()
        self._reader = asyncio.ensure_future(self._read())

    @classmethod
    async def start(cls, env: dict[str, str], sigint: object = signal.SIG_DFL) -> Process:
        """sigint: how the process finds SIGINT handled when it starts (a shell's background
        job finds it ignored)."""
        script = Path(sys.executable).with_name("aidbot")
        command = [str(script), "run"] if script.exists() else [
            sys.executable, "-m", "bot.cli", "run"]
        process = await asyncio.create_subprocess_exec(
            *command, cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            preexec_fn=lambda: signal.signal(signal.SIGINT, sigint))
        return cls(process)

    async def _read(self) -> None:
        assert self.process.stdout is not None
        async for line in self.process.stdout:
            self.lines.append(line.decode().rstrip("\n"))
            self._changed.set()
        self._changed.set()

    async def wait_for(self, predicate: Callable[[list[str]], object],
                       timeout: float = 300) -> None:
        async def watch() -> None:
            while not predicate(self.lines):
                if self._reader.done():
                    raise AssertionError("the bot exited:\n" + "\n".join(self.lines))
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(watch(), timeout)

    async def exit_code(self, timeout: float = 120) -> int:
        await asyncio.wait_for(self._reader, timeout)
        return await asyncio.wait_for(self.process.wait(), timeout)

    def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()

    @property
    def output(self) -> str:
        return "\n".join(self.lines)


def run_env(cli_env: dict[str, str], url: str, token: str) -> dict[str, str]:
    env = {k: v for k, v in cli_env.items() if "proxy" not in k.lower()}
    env.update({"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": url, "PYTHONUNBUFFERED": "1",
                "AIDBOT_RETRY_MIN": "0.05", "AIDBOT_RETRY_MAX": "0.2"})
    return env


def assert_clean_output(output: str, *tokens: str) -> None:
    assert "Traceback" not in output and "KeyboardInterrupt" not in output
    for token in tokens:
        assert token not in output and token.split(":")[1] not in output


def retry_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if "cannot reach the Telegram Bot API at" in line]


async def test_real_process_waits_for_the_server_then_answers_and_ctrl_c_exits_0(
        cli_env: dict, embedder: Embedder):
    # `embedder`: the model is prepared before the process starts
    port = free_port()
    api = FakeBotAPI()
    url = f"http://127.0.0.1:{port}"
    process = await Process.start(run_env(cli_env, url, api.token))
    try:
        await process.wait_for(lambda lines: len(retry_lines(lines)) >= 4)
        await api.start(port=port)
        await api.wait_for(lambda: api.calls_to("getUpdates"), timeout=120)
        assert await ask(api, api.user(2201, "fr"), QUESTION) != ""
        process.process.send_signal(signal.SIGINT)
        code = await process.exit_code()
    finally:
        process.kill()
        await api.stop()
    assert code == 0, process.output
    for line in retry_lines(process.lines):
        assert re.search(rf"WARNING bot\.connection: cannot reach the Telegram Bot API at "
                         rf"{re.escape(url)}: connection refused; retrying in [\d.]+ s$", line)
    assert any(line.endswith(f"reached the Telegram Bot API at {url} again")
               for line in process.lines)
    assert process.lines[-1].endswith(" INFO bot.telegram: stopped")
    assert_clean_output(process.output, api.token)


async def test_real_process_with_a_refused_token_exits_2_with_one_line(
        api: FakeBotAPI, cli_env: dict, embedder: Embedder):
    process = await Process.start(run_env(cli_env, api.url, WRONG_TOKEN))
    try:
        code = await process.exit_code(timeout=300)
    finally:
        process.kill()
    assert code == EXIT_CANNOT_CONTINUE, process.output
    refused = [line for line in process.lines if "401" in line]
    assert len(refused) == 1 and " ERROR bot.telegram: the Telegram Bot API at " in refused[0]
    assert retry_lines(process.lines) == []
    assert_clean_output(process.output, WRONG_TOKEN, api.token)


@pytest.mark.parametrize(("moment", "stop"), [
    ("loading the model", signal.SIGINT),
    ("loading the model, started as a background job", signal.SIGINT),
    ("retrying an unresolvable name", signal.SIGINT),
    ("retrying an unresolvable name", signal.SIGTERM),
])
async def test_real_process_stops_at_any_moment_with_exit_0_and_no_traceback(
        cli_env: dict, embedder: Embedder, moment: str, stop: signal.Signals):
    env = run_env(cli_env, "http://api.telegram.invalid", FakeBotAPI().token)
    background = "background" in moment
    process = await Process.start(env, signal.SIG_IGN if background else signal.SIG_DFL)
    try:
        if moment.startswith("loading the model"):
            await process.wait_for(lambda lines: any("loading the index" in line
                                                     for line in lines))
        else:
            await process.wait_for(lambda lines: len(retry_lines(lines)) >= 2)
            assert "cannot resolve api.telegram.invalid" in retry_lines(process.lines)[0]
        process.process.send_signal(stop)
        code = await process.exit_code()
    finally:
        process.kill()
    assert code == 0, process.output
    assert_clean_output(process.output, FakeBotAPI().token)
