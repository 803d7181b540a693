"""The Telegram face of the bot: a python-telegram-bot Application built from settings.

In a private chat every text message is a question; in a group, a message that mentions the bot
or `/ask QUESTION`. Answers are HTML with numbered citations, split to Telegram's 4096-character
limit; a Sources button shows the full quotes, 👍/👎 buttons record whether the answer helped.
"I don't know"s and 👎s are kept (bot/feedback.py) for the administrators' /unanswered.
Administrators change the corpus with /add and /remove. `run_bot` runs it by long polling, or as
a webhook when a webhook URL is set, and keeps it connected (bot/connection.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
import signal
import sqlite3
import sys
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot import messages
from bot.answer import Answer, Answerer
from bot.connection import (
    POLL_TIMEOUT,
    Backoff,
    CannotContinue,
    Connection,
    Stopped,
    diagnose,
    poll,
)
from bot.feedback import FeedbackStore, Kind, format_groups
from bot.formatting import Part, format_answer, format_article_list, format_sources, format_text
from bot.settings import Settings, is_local_url
from index.articles import Article, IngestError, from_pasted_text, from_upload, load_source

log = logging.getLogger(__name__)

TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # the Bot API serves files up to 20 MB
STATE_KEY = "aidbot"
SOURCES_PREFIX = "sources:"
HELPFUL_PREFIX = "up:"
UNHELPFUL_PREFIX = "down:"
UNANSWERED_DAYS = 30
UNANSWERED_SHOWN = 40  # groups listed by /unanswered; `aidbot report` lists them all
EXIT_CANNOT_CONTINUE = 2  # a failure that restarting does not fix (the unit does not restart)
ANSWERS_KEPT = 2000  # answers whose Sources button still works
TYPING_EVERY = 4.5  # seconds; Telegram shows "typing…" for 5 s
SEND_ATTEMPTS = 3
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
NO_TOKEN_HELP = """\
No Telegram bot token: set TELEGRAM_BOT_TOKEN.

To get one, open Telegram, talk to @BotFather (https://t.me/BotFather), send /newbot and
follow the prompts; it replies with a token like 123456789:AAE... Then run:

    export TELEGRAM_BOT_TOKEN=<the token>
    aidbot run
"""
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_ADD_CAPTION = re.compile(r"^/add(@\w+)?(\s|$)", re.IGNORECASE)

T = TypeVar("T")


# ---- state shared by the handlers -------------------------------------------------------------

class UserRateLimit:
    """At most `per_minute` questions per user in any 60 seconds (0: no limit)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._asked: dict[int, deque[float]] = {}

    def check(self, user_id: int) -> float:
        """0 and counts the question when it is allowed, else the seconds to wait."""
        if self.per_minute <= 0:
            return 0.0
        now = self.clock()
        asked = self._asked.setdefault(user_id, deque())
        while asked and asked[0] <= now - 60:
            asked.popleft()
        if len(asked) >= self.per_minute:
            return asked[0] + 60 - now
        asked.append(now)
        if len(self._asked) > 10_000:
            self._asked = {u: q for u, q in self._asked.items() if q and q[-1] > now - 60}
        return 0.0


class AnswerMemory:
    """The latest answers, for their Sources buttons (callback data is limited to 64 bytes)."""

    def __init__(self, size: int = ANSWERS_KEPT) -> None:
        self.size = size
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._rated: set[str] = set()

    def put(self, answer: Answer) -> str:
        key = secrets.token_urlsafe(9)
        self._answers[key] = answer
        while len(self._answers) > self.size:
            forgotten, _ = self._answers.popitem(last=False)
            self._rated.discard(forgotten)
        return key

    def get(self, key: str) -> Answer | None:
        return self._answers.get(key)

    def rate_once(self, key: str) -> bool:
        """True the first time an answer is rated (👍 or 👎), False after."""
        if key in self._rated or key not in self._answers:
            return False
        self._rated.add(key)
        return True


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for the Bot API. A long poll waits `poll` for updates, then up to
    `poll_grace` more for the answer; beyond, the call counts as stalled and is retried."""

    connect: float = 10.0
    read: float = 20.0
    poll: float = POLL_TIMEOUT
    poll_grace: float = 10.0


@dataclass
class BotState:
    settings: Settings
    kb: Any  # index.knowledge.KnowledgeBase
    answerer: Answerer
    rate_limit: UserRateLimit
    feedback: FeedbackStore
    timeouts: Timeouts = field(default_factory=Timeouts)
    answers: AnswerMemory = field(default_factory=AnswerMemory)
    # corpus changes run one at a time on their own thread, so questions never queue behind them
    corpus_worker: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="corpus"))

    async def in_corpus_worker(self, call: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.corpus_worker, call, *args)

    def remember(self, kind: Kind, answer: Answer) -> None:
        """Keeps an "I don't know" or a 👍/👎 (blocking: run it on a thread). Never fails the
        reply: a store that cannot be written is logged."""
        if not any(c.isalnum() for c in answer.question):
            return
        embedder = getattr(self.kb, "embedder", None)
        try:
            vector = (embedder.queries([answer.question])[0]
                      if kind == "unanswered" and embedder is not None else None)
            self.feedback.record(kind, answer.question, answer.language, answer.citations,
                                 vector=vector, model=getattr(embedder, "name", ""))
        except (sqlite3.Error, OSError) as exc:
            log.warning("could not keep the reader's feedback in %s: %s",
                        self.feedback.path, exc)


class RateLimiter(AIORateLimiter):
    """Telegram's flood limits (30 messages/s overall, 20/min per group; a 429 pauses every
    request for its retry_after and is retried), except for chat actions: they are not messages,
    and "typing…" must never make an answer wait."""

    async def process_request(self, callback: Callable[..., Awaitable[Any]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: int | None) -> Any:
        # getMe and getUpdates are not messages either, and bot/connection.py retries them
        if endpoint in ("sendChatAction", "getMe", "getUpdates"):
            return await callback(*args, **kwargs)
        return await super().process_request(callback, args, kwargs, endpoint, data,
                                             rate_limit_args)


def _state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    return context.bot_data[STATE_KEY]


def _language(update: Update) -> str | None:
    user = update.effective_user
    return user.language_code if user else None


def _is_admin(update: Update, state: BotState) -> bool:
    user = update.effective_user
    return user is not None and user.id in state.settings.admins


# ---- sending --------------------------------------------------------------------------------

async def _retrying(call: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    """Retries a Bot API call on server and connection errors (5xx, refused connections).
    Flood control (429) is the rate limiter's job; Telegram's refusals are not retried, nor are
    timeouts, after which the message may have been sent."""
    for attempt in range(SEND_ATTEMPTS):
        try:
            return await call(*args, **kwargs)
        except (BadRequest, Forbidden, InvalidToken, Conflict, ChatMigrated, RetryAfter,
                TimedOut):
            raise
        except NetworkError as exc:
            if attempt == SEND_ATTEMPTS - 1:
                raise
            log.warning("Telegram call failed (%s); retrying", exc)
            await asyncio.sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")


async def _reply(message: Message, parts: Sequence[Part],
                 markup: InlineKeyboardMarkup | None = None) -> list[Message]:
    """Sends `parts` as replies to `message`, the last one with `markup`. When Telegram cannot
    parse a part's HTML, that part goes as plain text."""
    sent = []
    reply_to = message.build_reply_arguments(allow_sending_without_reply=True)
    for i, part in enumerate(parts):
        options: dict[str, Any] = {
            "do_quote": reply_to,
            "reply_markup": markup if i == len(parts) - 1 else None,
            "link_preview_options": LinkPreviewOptions(is_disabled=True),
        }
        try:
            sent.append(await _retrying(
                message.reply_text, part.html, parse_mode=ParseMode.HTML, **options))
        except BadRequest as exc:
            if "can't parse entities" not in exc.message.lower():
                raise
            log.warning("Telegram refused the HTML (%s); sending plain text", exc.message)
            sent.append(await _retrying(
                message.reply_text, part.text, parse_mode=None, **options))
    return sent


async def _say(update: Update, key: str, **values: object) -> None:
    """Replies with one of the bot's sentences, in the user's language."""
    message = update.effective_message
    if message is not None:
        await _reply(message, format_text(messages.text(key, _language(update), **values)))


@contextlib.asynccontextmanager
async def _typing(message: Message) -> AsyncIterator[None]:
    """Shows "typing…" in the chat until the block ends."""

    async def keep_typing() -> None:
        while True:
            try:
                await message.reply_chat_action(ChatAction.TYPING)
            except TelegramError as exc:
                log.debug("chat action failed: %s", exc)
            await asyncio.sleep(TYPING_EVERY)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _command_text(message: Message) -> str:
    """The text after the leading /command (entity offsets count UTF-16 units; a command is
    ASCII, so its length is the same in characters)."""
    text = message.text or message.caption or ""
    entities = message.entities or message.caption_entities
    for entity in entities:
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            return text[entity.length:].strip()
    return re.sub(r"^/\S+", "", text).strip()


# ---- questions --------------------------------------------------------------------------------

async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    state = _state(context)
    if not question.strip():
        await _say(update, "empty_question")
        return
    wait = state.rate_limit.check(user.id)
    if wait:
        await _say(update, "rate_limited", seconds=max(1, round(wait)))
        return
    async with _typing(message):
        answer = await asyncio.to_thread(state.answerer.ask, question, user.language_code)
    markup = None
    if answer.found and answer.citations:
        key = state.answers.put(answer)
        markup = _answer_buttons(answer, key, rated=False)
    if not answer.found:
        await asyncio.to_thread(state.remember, "unanswered", answer)
    await _reply(message, format_answer(answer), markup)


def _answer_buttons(answer: Answer, key: str, rated: bool) -> InlineKeyboardMarkup:
    """Sources, then 👍 and 👎 until one of them is pressed (callback data ≤ 64 bytes: the
    answer itself stays in AnswerMemory)."""
    row = [InlineKeyboardButton(messages.text("sources_button", answer.language),
                                callback_data=SOURCES_PREFIX + key)]
    if not rated:
        row += [InlineKeyboardButton("👍", callback_data=HELPFUL_PREFIX + key),
                InlineKeyboardButton("👎", callback_data=UNHELPFUL_PREFIX + key)]
    return InlineKeyboardMarkup([row])


async def private_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text in a private chat is a question."""
    await _answer(update, context, update.effective_message.text or "")


async def group_mention(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group, a message that mentions the bot is a question (the mention removed)."""
    message = update.effective_message
    mention = f"@{context.bot.username}".lower()
    mentions = message.parse_entities([MessageEntity.MENTION])
    if not any(text.lower() == mention for text in mentions.values()):
        return
    question = re.sub(re.escape(mention), " ", message.text or "", flags=re.IGNORECASE)
    await _answer(update, context, " ".join(question.split()))


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask QUESTION, in any chat."""
    await _answer(update, context, _command_text(update.effective_message))


async def sources_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The Sources button under an answer: the full quotes and where they come from."""
    query = update.callback_query
    answer = _state(context).answers.get((query.data or "").removeprefix(SOURCES_PREFIX))
    language = query.from_user.language_code if query.from_user else None
    if answer is None or not isinstance(query.message, Message):
        await _retrying(query.answer, messages.text("sources_expired", language),
                        show_alert=True)
        return
    await _retrying(query.answer)
    await _reply(query.message, format_sources(answer))


async def feedback_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """👍 or 👎 under an answer: kept with the question, the citations and the time (never
    who pressed); then the two buttons go, so an answer is rated once."""
    query = update.callback_query
    state = _state(context)
    prefix, _, key = (query.data or "").partition(":")
    kind: Kind = "helpful" if prefix + ":" == HELPFUL_PREFIX else "unhelpful"
    answer = state.answers.get(key)
    language = query.from_user.language_code if query.from_user else None
    if answer is None:
        await _retrying(query.answer, messages.text("sources_expired", language),
                        show_alert=True)
        return
    first = state.answers.rate_once(key)
    if first:
        await asyncio.to_thread(state.remember, kind, answer)
    await _retrying(query.answer, messages.text(f"thanks_{kind}", language))
    if first and isinstance(query.message, Message):
        try:
            await _retrying(query.edit_message_reply_markup,
                            _answer_buttons(answer, key, rated=True))
        except BadRequest as exc:  # e.g. the message was deleted meanwhile
            log.info("could not remove the 👍/👎 buttons: %s", exc.message)


# ---- information ----------------------------------------------------------------------------

async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _say(update, "start")


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language = _language(update)
    text = messages.text("help", language, bot=context.bot.username)
    if _is_admin(update, _state(context)):
        text += "\n\n" + messages.text("help_admin", language)
    await _reply(update.effective_message, format_text(text))


async def sources_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/sources: the articles the answers come from."""
    articles = await asyncio.to_thread(_state(context).kb.articles)
    await _reply(update.effective_message, format_article_list(articles, _language(update)))


async def whoami_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/whoami: the user's Telegram id (what AIDBOT_ADMINS lists) and whether they are an
    administrator."""
    user = update.effective_user
    if user is None:
        return
    key = "whoami_admin" if _is_admin(update, _state(context)) else "whoami"
    await _say(update, key, id=user.id)


async def unanswered_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unanswered [DAYS] (administrators): the questions answered "I don't know", most asked
    first, similar ones grouped."""
    state = _state(context)
    if not _is_admin(update, state):
        await _say(update, "admin_only_report")
        return
    arguments = context.args or []
    days = UNANSWERED_DAYS
    if arguments:
        if len(arguments) > 1 or not arguments[0].isdigit() or not 1 <= int(arguments[0]) <= 365:
            await _say(update, "unanswered_usage")
            return
        days = int(arguments[0])
    embedder = getattr(state.kb, "embedder", None)
    async with _typing(update.effective_message):
        groups = await asyncio.to_thread(
            state.feedback.unanswered, days,
            embedder.queries if embedder is not None else None, getattr(embedder, "name", ""))
        rated = await asyncio.to_thread(state.feedback.articles, days)
    language = _language(update)
    unhelpful = sum(article.unhelpful for article in rated)
    if not groups:
        text = messages.text("unanswered_none", language, days=days)
    else:
        text = messages.text("unanswered_heading", language, days=days,
                             asked=sum(g.count for g in groups), questions=len(groups))
        text += "\n\n" + format_groups(groups[:UNANSWERED_SHOWN])
        if len(groups) > UNANSWERED_SHOWN:
            text += "\n\n" + messages.text("unanswered_more", language,
                                             more=len(groups) - UNANSWERED_SHOWN)
    text += "\n\n" + messages.text("unanswered_unhelpful", language, count=unhelpful)
    await _reply(update.effective_message, format_text(text))


# ---- corpus changes (administrators) ------------------------------------------------------------

async def _add(update: Update, context: ContextTypes.DEFAULT_TYPE,
               read: Callable[[], Awaitable[Article]]) -> None:
    """Reads an article with `read`, adds it and says what happened."""
    state = _state(context)
    message = update.effective_message
    try:
        async with _typing(message):
            article = await read()
            result = await state.in_corpus_worker(state.kb.add, article)
    except IngestError as exc:
        await _say(update, "add_failed", reason=str(exc))
        return
    info = result.article
    key = "duplicate" if result.duplicate else "added"
    log.info("%s article %s (%s) for user %s", key, info.id, info.title,
             update.effective_user.id)
    await _say(update, key, id=info.id, title=info.title, passages=info.passages)


async def _add_document(update: Update, context: ContextTypes.DEFAULT_TYPE,
                        document: Any) -> None:
    """Downloads a .txt/.md/.html/.pdf document (getFile, then the file) and adds it."""
    state = _state(context)
    limit = min(state.settings.max_article_bytes, TELEGRAM_DOWNLOAD_LIMIT)
    if document.file_size and document.file_size > limit:
        await _say(update, "file_too_big", size=round(document.file_size / 2**20, 1),
                   limit=round(limit / 2**20, 1))
        return

    async def read() -> Article:
        telegram_file = await _retrying(document.get_file)
        data = await _retrying(telegram_file.download_as_bytearray)
        return await asyncio.to_thread(
            from_upload, bytes(data), document.file_name or "document",
            max_bytes=state.settings.max_article_bytes, content_type=document.mime_type or "")

    await _add(update, context, read)


async def add_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/add URL, /add + pasted text (first line = title), /add in reply to a document."""
    if not _is_admin(update, _state(context)):
        await _say(update, "admin_only")
        return
    message = update.effective_message
    argument = _command_text(message)
    replied = message.reply_to_message
    if not argument and replied is not None and replied.document is not None:
        await _add_document(update, context, replied.document)
        return
    if not argument and replied is not None and replied.text:
        argument = replied.text
    settings = _state(context).settings
    if _URL.match(argument):
        async def read() -> Article:
            return await _state(context).in_corpus_worker(
                lambda: load_source(argument, allow_private_urls=settings.allow_private_urls,
                                    max_bytes=settings.max_article_bytes))
    elif len([line for line in argument.splitlines() if line.strip()]) >= 2:
        async def read() -> Article:
            return await asyncio.to_thread(from_pasted_text, argument)
    else:
        await _say(update, "add_usage")
        return
    await _add(update, context, read)


async def add_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document sent with /add as its caption."""
    if not _is_admin(update, _state(context)):
        await _say(update, "admin_only")
        return
    await _add_document(update, context, update.effective_message.document)


async def remove_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remove ID."""
    state = _state(context)
    if not _is_admin(update, state):
        await _say(update, "admin_only")
        return
    if len(context.args or []) != 1:
        await _say(update, "remove_usage")
        return
    article_id = context.args[0]
    try:
        info = await state.in_corpus_worker(state.kb.remove, article_id)
    except KeyError:
        await _say(update, "unknown_article", id=article_id)
        return
    log.info("removed article %s (%s) for user %s", info.id, info.title,
             update.effective_user.id)
    await _say(update, "removed", id=info.id, title=info.title)


# ---- staying up -------------------------------------------------------------------------------

async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the error and tells the user something went wrong. When the Bot API cannot be
    reached, one line: telling the user would need it too."""
    if isinstance(context.error, NetworkError):
        fault = diagnose(context.error, _state(context).settings.telegram_api_url)
        log.warning("could not finish answering an update: %s", fault.reason)
        return
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_message is None:
        return
    try:
        await _say(update, "error")
    except TelegramError as exc:
        log.warning("could not tell the user about the error: %s", exc)


async def post_init(application: Application) -> None:
    """The command menu, in each language the bot speaks."""
    for language in (None, *messages.LANGUAGES):
        commands = [BotCommand(name, messages.text(f"cmd_{name}", language))
                    for name in ("ask", "sources", "help", "start")]
        try:
            await _retrying(application.bot.set_my_commands, commands, language_code=language)
        except TelegramError as exc:
            log.warning("could not set the command menu: %s", exc)


async def post_shutdown(application: Application) -> None:
    state: BotState | None = application.bot_data.get(STATE_KEY)
    if state is not None:
        state.corpus_worker.shutdown(wait=True, cancel_futures=True)
        state.feedback.close()


# ---- the application ----------------------------------------------------------------------------

def _request(settings: Settings, timeouts: Timeouts, read_timeout: float,
             pool_size: int) -> HTTPXRequest:
    # A local Bot API server is reached directly, never through a proxy from the environment.
    httpx_kwargs = {"trust_env": False} if is_local_url(settings.telegram_api_url) else None
    return HTTPXRequest(connection_pool_size=pool_size, connect_timeout=timeouts.connect,
                        read_timeout=read_timeout, write_timeout=20.0, pool_timeout=10.0,
                        media_write_timeout=60.0, httpx_kwargs=httpx_kwargs)


def build_application(settings: Settings, kb: Any, answerer: Answerer,
                      timeouts: Timeouts | None = None) -> Application:
    """The bot, ready for `serve` (or initialize/start in tests)."""
    timeouts = timeouts or Timeouts()
    api = settings.telegram_api_url.rstrip("/")
    application = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .request(_request(settings, timeouts, read_timeout=timeouts.read, pool_size=256))
        # python-telegram-bot adds the long poll's own timeout to this one
        .get_updates_request(_request(settings, timeouts, read_timeout=timeouts.poll_grace,
                                      pool_size=2))
        .rate_limiter(RateLimiter(max_retries=3))
        .concurrent_updates(True)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    application.bot_data[STATE_KEY] = BotState(
        settings, kb, answerer, UserRateLimit(settings.user_questions_per_minute),
        FeedbackStore(settings.feedback_path), timeouts)

    new = filters.UpdateType.MESSAGE
    text = new & filters.TEXT & ~filters.COMMAND
    application.add_handler(CommandHandler("start", start, filters=new))
    application.add_handler(CommandHandler("help", help_command, filters=new))
    application.add_handler(CommandHandler("sources", sources_command, filters=new))
    application.add_handler(CommandHandler("ask", ask_command, filters=new))
    application.add_handler(CommandHandler("add", add_command, filters=new))
    application.add_handler(CommandHandler("remove", remove_command, filters=new))
    application.add_handler(CommandHandler("whoami", whoami_command, filters=new))
    application.add_handler(CommandHandler("unanswered", unanswered_command, filters=new))
    application.add_handler(MessageHandler(
        new & filters.Document.ALL & filters.CaptionRegex(_ADD_CAPTION), add_document))
    application.add_handler(MessageHandler(text & filters.ChatType.PRIVATE, private_question))
    application.add_handler(MessageHandler(
        text & filters.ChatType.GROUPS & filters.Entity(MessageEntity.MENTION), group_mention))
    application.add_handler(CallbackQueryHandler(sources_button, pattern=f"^{SOURCES_PREFIX}"))
    application.add_handler(CallbackQueryHandler(
        feedback_button, pattern=f"^({HELPFUL_PREFIX}|{UNHELPFUL_PREFIX})"))
    application.add_error_handler(error_handler)
    return application


# ---- running ----------------------------------------------------------------------------------

class RedactToken(logging.Filter):
    """Replaces secrets in log records with "<token>": the bot token is in every request URL
    that httpx and python-telegram-bot log, the webhook secret in setWebhook's parameters."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        forms = {form for s in secrets if s for form in (s, s.replace(":", "%3A"))}
        self.secrets = sorted(forms, key=len, reverse=True)

    def _redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<token>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record is logging's problem, not ours
            return True
        if any(s in message for s in self.secrets):
            record.msg, record.args = self._redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


def install_token_filter(*secrets: str) -> RedactToken:
    """Adds the redacting filter to every handler of the root logger (configuring logging first
    when nothing has)."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                            level=logging.INFO)
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    redact = RedactToken(*secrets)
    for handler in root.handlers:
        handler.addFilter(redact)
    return redact


class _QuietRetryLoop(logging.Filter):
    """python-telegram-bot logs a failure of its own retry loop (used when the webhook is set)
    with a traceback; Connection already says it in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Network Retry Loop")


_QUIET = _QuietRetryLoop()


async def serve(application: Application, settings: Settings,
                stop: asyncio.Event | None = None, ready: asyncio.Event | None = None) -> int:
    """Runs the bot until `stop` is set (without one: until SIGINT or SIGTERM), by long polling
    or, when settings.webhook_url is set, as a webhook. Start-up and polling wait out the
    failures that can pass (bot/connection.py). Returns the exit code: 0 once stopped,
    EXIT_CANNOT_CONTINUE after a failure that cannot pass."""
    own_stop = stop is None
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    if own_stop:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    logging.getLogger("telegram.ext").addFilter(_QUIET)
    # A reply that is not JSON (a proxy's error page) is logged with a traceback there; the
    # failure itself reaches Connection, which says it in one line.
    logging.getLogger("telegram.request.BaseRequest").setLevel(logging.CRITICAL)
    state: BotState = application.bot_data[STATE_KEY]
    connection = Connection(settings.telegram_api_url,
                            Backoff(settings.retry_min, settings.retry_max), stop)
    code = 0
    try:
        await connection.call(application.initialize)
        if application.post_init is not None:
            await application.post_init(application)
        if settings.webhook_url:
            await _start_webhook(application, settings, connection)
        await application.start()
        if ready is not None:
            ready.set()
        if settings.webhook_url:
            log.info("receiving updates at %s (listening on %s:%d)", settings.webhook_url,
                     settings.webhook_listen, settings.webhook_port)
            await connection.until_stopped(stop.wait())
        else:
            log.info("polling %s for updates", settings.telegram_api_url)
            await poll(application, connection, state.timeouts.poll, ALLOWED_UPDATES)
    except Stopped:
        pass
    except CannotContinue as exc:
        log.error("%s", exc)
        code = EXIT_CANNOT_CONTINUE
    finally:
        await _wind_down(application)
        if own_stop:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
    return code


async def _start_webhook(application: Application, settings: Settings,
                         connection: Connection) -> None:
    """Listens for updates and sets the webhook (setWebhook retried like any call)."""
    try:
        await connection.call(lambda: application.updater.start_webhook(
            listen=settings.webhook_listen, port=settings.webhook_port,
            url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url, secret_token=settings.webhook_secret,
            allowed_updates=ALLOWED_UPDATES, bootstrap_retries=0))
    except OSError as exc:
        raise CannotContinue(
            f"cannot listen for webhook updates on {settings.webhook_listen}:"
            f"{settings.webhook_port}: {exc.strerror or exc} (AIDBOT_WEBHOOK_LISTEN, "
            "AIDBOT_WEBHOOK_PORT)") from None


async def _wind_down(application: Application) -> None:
    """Stops what was started: the webhook server, the handlers (answers in progress are
    finished), the HTTP clients."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    await application.bot.shutdown()  # its clients stay open when getMe never succeeded
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


def run_bot(settings: Settings) -> int:
    """Runs the bot until SIGINT/SIGTERM: long polling, or a webhook when settings.webhook_url is
    set. Returns the process exit code: 0 when stopped, 2 when it cannot run as configured."""
    if not settings.telegram_token:
        print(NO_TOKEN_HELP, file=sys.stderr)
        return 2
    if settings.webhook_url and not settings.webhook_secret:
        print("Refusing to run a webhook without a secret: set AIDBOT_WEBHOOK_SECRET to 1-256 "
              "characters among A-Z, a-z, 0-9, _ and - (Telegram sends it with every update, "
              "so nobody else can post fake updates).", file=sys.stderr)
        return 2
    if settings.webhook_url and not _WEBHOOK_SECRET.fullmatch(settings.webhook_secret):
        print("AIDBOT_WEBHOOK_SECRET may only hold 1-256 characters among A-Z, a-z, 0-9, _ "
              "and -.", file=sys.stderr)
        return 2
    install_token_filter(settings.telegram_token, settings.webhook_secret)
    # SIGINT or SIGTERM while loading stops like Ctrl-C, even when the bot was started with
    # SIGINT ignored (as a shell's background job is); once serving, serve() handles both
    previous = {sig: signal.signal(sig, signal.default_int_handler)
                for sig in (signal.SIGINT, signal.SIGTERM)}
    kb = None
    try:
        from index.knowledge import KnowledgeBase

        log.info("loading the index from %s and the model", settings.index_dir)
        kb = KnowledgeBase.open(settings.corpus_dir, settings.index_dir, model=settings.model,
                                models_dir=settings.models_dir)
        answerer = Answerer(kb)
        answerer.warm_up_in_background()
        application = build_application(settings, kb, answerer)
        code = asyncio.run(serve(application, settings))
    except KeyboardInterrupt:
        code = 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if kb is not None:
            kb.close()
    log.info("stopped" if code == 0 else "stopped: the bot cannot run as configured")
    return code
