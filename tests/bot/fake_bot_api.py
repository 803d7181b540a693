"""A fake Telegram Bot API server on loopback, for tests and the load benchmark.

It speaks the real HTTP API (``/bot<token>/<method>`` and ``/file/bot<token>/<path>``) to a
python-telegram-bot Application pointed at it with ``base_url``/``base_file_url``, and enforces the
errors that matter to the bot: text longer than 4096 characters after entity parsing, HTML that
Telegram cannot parse, unknown chats and replies, files over 20 MB, a second getUpdates while
one is pending (409, the older one loses), getUpdates while a webhook is set (409). Tests play
the users: they inject messages, documents and button presses, then await what the bot sends
back. They also play the network: scripted errors (`fail_next`: 429, 5xx, 401, a proxy's HTML
error page), a server that stops answering (`stall`/`resume`), and one that goes away and comes
back on the same port (`go_down`/`come_back`).

    api = FakeBotAPI()
    await api.start()
    ...  # ApplicationBuilder().token(api.token).base_url(api.base_url)...
    alice = api.user(1001, "fr")
    question = api.send_message(alice, "Quelle aide ?")
    reply = await api.reply_to(question)
    await api.stop()
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import tornado.httpserver
import tornado.netutil
import tornado.web

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
DEFAULT_TOKEN = "123456789:AAH-fake-TOKEN_for-tests_0123456789ab"
_JSON_PARAMS = frozenset({
    "reply_markup", "reply_parameters", "commands", "scope", "link_preview_options",
    "allowed_updates", "entities", "caption_entities",
})
_BOOL_PARAMS = frozenset({"drop_pending_updates", "show_alert", "disable_notification",
                          "allow_sending_without_reply", "protect_content"})
_INT_PARAMS = frozenset({"offset", "limit", "timeout", "message_id", "max_connections",
                         "cache_time", "message_thread_id"})
# what Telegram (or a proxy in front of it) says with each status
DESCRIPTIONS = {
    401: "Unauthorized",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot "
         "instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: dict | None = None,
                 body: str | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters
        self.body = body  # sent as is (text/html) instead of Telegram's JSON


# ---- Telegram's HTML parse mode ------------------------------------------------------------------

_TAG_ENTITY = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}
_START_TAG = re.compile(
    r"<([a-zA-Z0-9-]+)((?:\s+[a-zA-Z_-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>"
)
_ATTR = re.compile(r"([a-zA-Z_-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
_END_TAG = re.compile(r"</([a-zA-Z0-9-]*)\s*>")
_CHAR_REF = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _unescape(text: str) -> str:
    def repl(m: re.Match) -> str:
        ref = m.group(1)
        if ref in _NAMED:
            return _NAMED[ref]
        try:
            return chr(int("0" + ref[1:], 0) if ref[1] in "xX" else int(ref[1:]))
        except (ValueError, OverflowError):
            return m.group(0)
    return _CHAR_REF.sub(repl, text)


def parse_html(source: str) -> tuple[str, list[dict]]:
    """Telegram's HTML parse mode: the visible text and its entities (offsets in UTF-16 units).
    Raises ApiError(400, "Bad Request: can't parse entities: ...") like Telegram does."""

    def fail(reason: str) -> ApiError:
        return ApiError(400, f"Bad Request: can't parse entities: {reason}")

    def byte_offset(i: int) -> int:
        return len(source[:i].encode("utf-8"))

    out: list[str] = []
    units = 0
    stack: list[dict] = []
    entities: list[dict] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "&":
            m = _CHAR_REF.match(source, i)
            piece = _unescape(m.group(0)) if m else "&"
            i = m.end() if m else i + 1
        elif ch == "<":
            if source.startswith("</", i):
                if not stack:
                    raise fail(f"Unexpected end tag at byte offset {byte_offset(i)}")
                m = _END_TAG.match(source, i)
                if not m:
                    raise fail(f"Unclosed end tag at byte offset {byte_offset(i)}")
                name = m.group(1).lower()
                top = stack.pop()
                if name and name != top["tag"]:
                    raise fail(
                        f"Unmatched end tag at byte offset {byte_offset(i)}, expected "
                        f'"</{top["tag"]}>", found "</{name}>"'
                    )
                entity = top["entity"]
                if entity is not None and units > top["offset"]:
                    entity["offset"], entity["length"] = top["offset"], units - top["offset"]
                    entities.append(entity)
                i = m.end()
                continue
            name_match = re.match(r"<([a-zA-Z0-9-]*)", source[i:])
            name = name_match.group(1).lower() if name_match else ""
            if name not in _TAG_ENTITY:
                raise fail(f'Unsupported start tag "{name}" at byte offset {byte_offset(i)}')
            m = _START_TAG.match(source, i)
            if not m:
                raise fail(f"Unclosed start tag at byte offset {byte_offset(i)}")
            attrs = {
                a.group(1).lower(): _unescape(a.group(2) or a.group(3) or a.group(4) or "")
                for a in _ATTR.finditer(m.group(2))
            }
            entity: dict | None = {"type": _TAG_ENTITY[name]}
            if name == "a":
                href = attrs.get("href", "")
                if not re.match(r"^(https?|tg)://\S+$", href):
                    entity = None  # Telegram shows the text without a link
                else:
                    entity["url"] = href
            elif name == "span" and attrs.get("class") != "tg-spoiler":
                raise fail(f'Tag "span" must have class "tg-spoiler" at byte offset '
                           f"{byte_offset(i)}")
            elif name == "blockquote":
                if any(t["tag"] == "blockquote" for t in stack):
                    raise fail(f"Can't nest blockquote entities at byte offset {byte_offset(i)}")
                if "expandable" in attrs:
                    entity["type"] = "expandable_blockquote"
            stack.append({"tag": name, "entity": entity, "offset": units})
            i = m.end()
            continue
        else:
            piece = ch
            i += 1
        out.append(piece)
        units += utf16_len(piece)
    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1]["tag"]}"')
    return _strip("".join(out), entities)


def _strip(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Telegram trims the message's outer whitespace; the entities follow."""
    lead = utf16_len(text) - utf16_len(text.lstrip())
    text = text.strip()
    end = utf16_len(text)
    kept = []
    for e in sorted(entities, key=lambda e: (e["offset"], -e["length"])):
        start = max(e["offset"] - lead, 0)
        stop = min(e["offset"] + e["length"] - lead, end)
        if stop > start:
            kept.append({**e, "offset": start, "length": stop - start})
    return text, kept


def _auto_entities(text: str) -> list[dict]:
    """What Telegram marks in a user's message: a leading /command and @mentions."""
    entities = []
    m = re.match(r"/[a-zA-Z0-9_]{1,32}(@[a-zA-Z0-9_]{5,32})?", text)
    if m:
        entities.append({"type": "bot_command", "offset": 0, "length": m.end()})
    command_end = entities[0]["length"] if entities else 0
    for m in re.finditer(r"(?<![\w@])@[a-zA-Z0-9_]{5,32}", text):
        if m.start() >= command_end:
            entities.append({"type": "mention", "offset": utf16_len(text[: m.start()]),
                             "length": utf16_len(m.group(0))})
    return entities


# ---- what the bot sent -------------------------------------------------------------------------

@dataclass
class BotMessage:
    """A message the bot sent, as its recipient sees it."""

    chat_id: int
    message_id: int
    text: str  # the visible text, after entity parsing
    raw: str  # the text parameter as sent
    parse_mode: str | None
    entities: list[dict]
    reply_to: int | None  # id of the message it replies to
    reply_markup: dict | None
    date: int
    chat: dict
    bot_user: dict
    edits: int = 0
    at: float = field(default_factory=time.monotonic)  # when the server received it

    @property
    def buttons(self) -> list[dict]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    @property
    def links(self) -> list[tuple[str, str]]:
        """(visible text, URL) of every text link."""
        encoded = self.text.encode("utf-16-le")
        return [
            (encoded[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le"),
             e["url"])
            for e in self.entities if e["type"] == "text_link"
        ]

    def entity_texts(self, kind: str) -> list[str]:
        encoded = self.text.encode("utf-16-le")
        return [
            encoded[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
            for e in self.entities if e["type"] == kind
        ]

    def to_json(self) -> dict:
        message = {"message_id": self.message_id, "date": self.date, "chat": self.chat,
                   "from": self.bot_user, "text": self.text}
        if self.entities:
            message["entities"] = self.entities
        if self.reply_markup:
            message["reply_markup"] = self.reply_markup
        if self.edits:
            message["edit_date"] = self.date
        return message


@dataclass
class _Failure:
    status: int
    remaining: int
    method: str | None
    retry_after: int
    description: str
    body: str | None = None


@dataclass
class _Chat:
    chat: dict
    messages: dict[int, dict] = field(default_factory=dict)  # user messages by id
    next_id: itertools.count = field(default_factory=lambda: itertools.count(1))


class FakeBotAPI:
    """The fake server. All methods run on the test's event loop."""

    def __init__(self, token: str = DEFAULT_TOKEN, username: str = "aidbot_test_bot") -> None:
        self.token = token
        self.bot_user = {"id": int(token.split(":")[0]), "is_bot": True, "first_name": "Aid Bot",
                         "username": username, "can_join_groups": True,
                         "can_read_all_group_messages": False, "supports_inline_queries": False}
        self.url = ""
        self.calls: list[tuple[str, dict]] = []  # every API call: (method, parameters)
        self.sent: list[BotMessage] = []
        self.chat_actions: list[tuple[int, str]] = []
        self.callback_answers: list[dict] = []
        self.commands: dict[tuple[str, str], list[dict]] = {}  # (scope type, language) → list
        self.webhook: dict | None = None
        self.webhook_deliveries: list[int] = []  # HTTP status of each POST to the webhook
        self.files: dict[str, tuple[bytes, str]] = {}
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._chats: dict[int, _Chat] = {}
        self._failures: list[_Failure] = []
        self._changed = asyncio.Event()
        self._closing = False
        self._stalled: asyncio.Event | None = None
        self._polls = 0  # getUpdates calls so far: a newer one ends the pending one with a 409
        self._server: tornado.httpserver.HTTPServer | None = None
        self._tasks: set[asyncio.Task] = set()
        self.listeners: list[Callable[[BotMessage], None]] = []  # called with each sent message

    # ---- life cycle ------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = tornado.web.Application([
            (r"/bot([^/]+)/([A-Za-z]+)", _ApiHandler, {"api": self}),
            (r"/file/bot([^/]+)/(.+)", _FileHandler, {"api": self}),
        ])
        sockets = tornado.netutil.bind_sockets(port, host, family=socket.AF_INET)
        self._closing = False
        self._server = tornado.httpserver.HTTPServer(app)
        self._server.add_sockets(sockets)
        self.url = f"http://{host}:{sockets[0].getsockname()[1]}"

    async def stop(self) -> None:
        """Wakes pending long polls and stalled requests, then closes the server and its
        connections."""
        self._closing = True
        self.resume()
        self._notify()
        for task in list(self._tasks):
            task.cancel()
        if self._server is not None:
            self._server.stop()
            await asyncio.sleep(0)
            await self._server.close_all_connections()
            self._server = None

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    async def go_down(self) -> None:
        """The server goes away: pending requests are cut and the port is closed (connections
        are refused) until `come_back`. Chats, updates and what the bot sent are kept."""
        await self.stop()

    async def come_back(self) -> None:
        """The server answers again, on the same port."""
        await self.start(port=self.port)
        self._notify()

    def stall(self) -> None:
        """From now on requests are accepted and left unanswered, until `resume`."""
        if self._stalled is None:
            self._stalled = asyncio.Event()

    def resume(self) -> None:
        if self._stalled is not None:
            self._stalled.set()
            self._stalled = None

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    # ---- playing the users -----------------------------------------------------------------

    def user(self, user_id: int, language_code: str | None = "en",
             first_name: str | None = None) -> dict:
        user = {"id": user_id, "is_bot": False, "first_name": first_name or f"User{user_id}"}
        if language_code:
            user["language_code"] = language_code
        return user

    def private_chat(self, user: dict) -> dict:
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}

    def group_chat(self, chat_id: int = -1001234567890, title: str = "Aid watchers") -> dict:
        return {"id": chat_id, "type": "supergroup", "title": title}

    def _chat(self, chat: dict) -> _Chat:
        if chat["id"] not in self._chats:
            self._chats[chat["id"]] = _Chat(chat)
        return self._chats[chat["id"]]

    def _user_message(self, user: dict, chat: dict | None, reply_to: dict | BotMessage | None,
                      **content: Any) -> dict:
        chat = chat or self.private_chat(user)
        record = self._chat(chat)
        message = {"message_id": next(record.next_id), "date": int(time.time()),
                   "chat": chat, "from": user, **content}
        if reply_to is not None:
            replied = reply_to.to_json() if isinstance(reply_to, BotMessage) else reply_to
            message["reply_to_message"] = {k: v for k, v in replied.items()
                                           if k != "reply_to_message"}
        record.messages[message["message_id"]] = message
        return message

    def send_message(self, user: dict, text: str, chat: dict | None = None,
                     reply_to: dict | BotMessage | None = None) -> dict:
        """A text message from `user` (in their private chat unless `chat` is given)."""
        content: dict[str, Any] = {"text": text}
        entities = _auto_entities(text)
        if entities:
            content["entities"] = entities
        message = self._user_message(user, chat, reply_to, **content)
        self.inject({"message": message})
        return message

    def send_document(self, user: dict, data: bytes, file_name: str,
                      caption: str | None = None, mime_type: str = "application/octet-stream",
                      chat: dict | None = None, reply_to: dict | BotMessage | None = None,
                      inject: bool = True) -> dict:
        """A document from `user`; its bytes can then be fetched with getFile."""
        file_id = f"DOC{next(self._file_ids):04d}-{file_name}"
        self.files[file_id] = (data, file_name)
        content: dict[str, Any] = {"document": {
            "file_id": file_id, "file_unique_id": f"U{file_id}", "file_name": file_name,
            "mime_type": mime_type, "file_size": len(data)}}
        if caption is not None:
            content["caption"] = caption
            entities = _auto_entities(caption)
            if entities:
                content["caption_entities"] = entities
        message = self._user_message(user, chat, reply_to, **content)
        if inject:
            self.inject({"message": message})
        return message

    def press_button(self, message: BotMessage, user: dict, data: str | None = None) -> dict:
        """`user` presses an inline button of `message` (the first one unless `data` is given)."""
        if data is None:
            data = message.buttons[0]["callback_data"]
        query = {"id": str(next(self._callback_ids)), "from": user,
                 "message": message.to_json(), "chat_instance": str(message.chat_id),
                 "data": data}
        self.inject({"callback_query": query})
        return query

    def inject(self, update: dict) -> dict:
        """Queues an update for getUpdates, or posts it to the webhook when one is set."""
        update = {"update_id": next(self._update_ids), **update}
        if self.webhook:
            task = asyncio.get_running_loop().create_task(self._deliver(update))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            self._updates.append(update)
        self._notify()
        return update

    async def _deliver(self, update: dict) -> None:
        assert self.webhook is not None
        headers = {}
        if self.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
        async with httpx.AsyncClient(trust_env=False, timeout=30) as client:
            response = await client.post(self.webhook["url"], json=update, headers=headers)
        self.webhook_deliveries.append(response.status_code)
        self._notify()

    def fail_next(self, count: int = 1, status: int = 429, method: str | None = None,
                  retry_after: int = 1, description: str = "", body: str | None = None) -> None:
        """The next `count` calls (of `method`, or any method) get this error instead: 429 (too
        many requests, retry after `retry_after` s), 5xx, 401, 409 (another poller), or any
        status with `description`; with `body`, that text as an HTML page instead of
        Telegram's JSON (a proxy's error page)."""
        self._failures.append(_Failure(status, count, method, retry_after, description, body))

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    # ---- waiting for the bot ---------------------------------------------------------------

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 60) -> Any:
        """Waits until `predicate()` is truthy and returns its value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"the bot did not do it in {timeout} s; it sent: "
                                   f"{[m.text[:200] for m in self.sent[-5:]]}")
            changed = self._changed
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                pass

    def replies(self, message: dict | BotMessage) -> list[BotMessage]:
        chat_id, message_id = _ids(message)
        return [m for m in self.sent if m.chat_id == chat_id and m.reply_to == message_id]

    async def reply_to(self, message: dict | BotMessage, timeout: float = 60) -> BotMessage:
        """The first message the bot sends in reply to `message`."""
        found = await self.wait_for(lambda: self.replies(message), timeout)
        return found[0]

    async def answer_to(self, message: dict | BotMessage, timeout: float = 60
                        ) -> list[BotMessage]:
        """Every part of an answer with buttons: the messages replying to `message`, up to and
        including the first one that carries an inline keyboard."""
        def complete() -> list[BotMessage] | None:
            found = self.replies(message)
            for i, part in enumerate(found):
                if part.buttons:
                    return found[: i + 1]
            return None

        return await self.wait_for(complete, timeout)

    def messages_in(self, chat_id: int) -> list[BotMessage]:
        return [m for m in self.sent if m.chat_id == chat_id]

    def calls_to(self, method: str) -> list[dict]:
        return [params for name, params in self.calls if name == method]

    # ---- the API ---------------------------------------------------------------------------

    def _check_failure(self, method: str) -> None:
        for failure in self._failures:
            if failure.remaining > 0 and failure.method in (None, method):
                failure.remaining -= 1
                if failure.status == 429:
                    raise ApiError(429, f"Too Many Requests: retry after {failure.retry_after}",
                                   {"retry_after": failure.retry_after})
                description = failure.description or DESCRIPTIONS.get(
                    failure.status, "Internal Server Error")
                raise ApiError(failure.status, description, body=failure.body)

    async def call(self, method: str, params: dict) -> Any:
        self.calls.append((method, params))
        self._notify()
        if self._stalled is not None:
            await self._stalled.wait()
        self._check_failure(method)
        handler = getattr(self, f"_api_{method.lower()}", None)
        if handler is None:
            raise ApiError(404, "Not Found")
        result = await handler(params)
        self._notify()
        return result

    def _known_chat(self, params: dict) -> _Chat:
        try:
            chat_id = int(params.get("chat_id", ""))
        except ValueError:
            raise ApiError(400, "Bad Request: chat not found") from None
        if chat_id not in self._chats:
            raise ApiError(400, "Bad Request: chat not found")
        return self._chats[chat_id]

    @staticmethod
    def _visible(params: dict, key: str = "text") -> tuple[str, list[dict]]:
        raw = params.get(key)
        if raw is None:
            raise ApiError(400, f"Bad Request: {key} is empty")
        if (params.get("parse_mode") or "").upper() == "HTML":
            text, entities = parse_html(str(raw))
        else:
            text, entities = str(raw).strip(), list(params.get("entities") or [])
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > MAX_TEXT_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        return text, entities

    async def _api_getme(self, params: dict) -> dict:
        return self.bot_user

    async def _api_logout(self, params: dict) -> bool:
        return True

    async def _api_close(self, params: dict) -> bool:
        return True

    async def _api_getupdates(self, params: dict) -> list[dict]:
        if self.webhook:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        self._polls += 1
        poll = self._polls
        offset = int(params.get("offset") or 0)
        limit = min(int(params.get("limit") or 100), 100)
        timeout = float(params.get("timeout") or 0)
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if poll != self._polls:
                raise ApiError(409, DESCRIPTIONS[409])
            pending = self._updates[:limit]
            remaining = deadline - loop.time()
            if pending or self._closing or remaining <= 0:
                return copy.deepcopy(pending)
            changed = self._changed
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                pass

    async def _api_setwebhook(self, params: dict) -> bool:
        url = params.get("url") or ""
        secret = params.get("secret_token") or ""
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {"url": url, "secret_token": secret} if url else None
        if self.webhook:
            for update in self._updates:
                task = asyncio.get_running_loop().create_task(self._deliver(update))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            self._updates.clear()
        return True

    async def _api_deletewebhook(self, params: dict) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _api_getwebhookinfo(self, params: dict) -> dict:
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    async def _api_sendmessage(self, params: dict) -> dict:
        record = self._known_chat(params)
        text, entities = self._visible(params)
        reply_to = None
        reply = params.get("reply_parameters") or {}
        if reply:
            reply_to = int(reply["message_id"])
            exists = reply_to in record.messages or any(
                m.message_id == reply_to for m in self.messages_in(record.chat["id"]))
            if not exists:
                if not reply.get("allow_sending_without_reply"):
                    raise ApiError(400, "Bad Request: message to be replied not found")
                reply_to = None
        message = BotMessage(
            chat_id=record.chat["id"], message_id=next(record.next_id), text=text,
            raw=str(params["text"]), parse_mode=params.get("parse_mode"), entities=entities,
            reply_to=reply_to, reply_markup=params.get("reply_markup"),
            date=int(time.time()), chat=record.chat, bot_user=self.bot_user)
        self.sent.append(message)
        for listener in self.listeners:
            listener(message)
        result = message.to_json()
        if reply_to is not None:
            replied = record.messages.get(reply_to) or next(
                m.to_json() for m in self.sent if m.message_id == reply_to
                and m.chat_id == record.chat["id"])
            result["reply_to_message"] = {k: v for k, v in replied.items()
                                          if k != "reply_to_message"}
        return result

    def _bot_message(self, params: dict) -> BotMessage:
        record = self._known_chat(params)
        message_id = int(params.get("message_id") or 0)
        for message in self.sent:
            if message.chat_id == record.chat["id"] and message.message_id == message_id:
                return message
        raise ApiError(400, "Bad Request: message to edit not found")

    async def _api_editmessagetext(self, params: dict) -> dict:
        message = self._bot_message(params)
        text, entities = self._visible(params)
        if text == message.text and params.get("reply_markup") == message.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified: specified new message "
                                "content and reply markup are exactly the same as a current "
                                "content and reply markup of the message")
        message.text, message.entities, message.raw = text, entities, str(params["text"])
        message.parse_mode = params.get("parse_mode")
        message.reply_markup = params.get("reply_markup")
        message.edits += 1
        return message.to_json()

    async def _api_editmessagereplymarkup(self, params: dict) -> dict:
        message = self._bot_message(params)
        if params.get("reply_markup") == message.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified: specified new message "
                                "content and reply markup are exactly the same as a current "
                                "content and reply markup of the message")
        message.reply_markup = params.get("reply_markup")
        message.edits += 1
        return message.to_json()

    async def _api_deletemessage(self, params: dict) -> bool:
        message = self._bot_message(params)
        self.sent.remove(message)
        return True

    async def _api_answercallbackquery(self, params: dict) -> bool:
        self.callback_answers.append(params)
        return True

    async def _api_sendchataction(self, params: dict) -> bool:
        record = self._known_chat(params)
        self.chat_actions.append((record.chat["id"], str(params.get("action"))))
        return True

    async def _api_setmycommands(self, params: dict) -> bool:
        scope = (params.get("scope") or {}).get("type", "default")
        self.commands[(scope, params.get("language_code") or "")] = list(params["commands"])
        return True

    async def _api_getmycommands(self, params: dict) -> list[dict]:
        scope = (params.get("scope") or {}).get("type", "default")
        return self.commands.get((scope, params.get("language_code") or ""), [])

    async def _api_deletemycommands(self, params: dict) -> bool:
        scope = (params.get("scope") or {}).get("type", "default")
        self.commands.pop((scope, params.get("language_code") or ""), None)
        return True

    async def _api_getfile(self, params: dict) -> dict:
        file_id = str(params.get("file_id") or "")
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        data = self.files[file_id][0]
        if len(data) > MAX_DOWNLOAD_BYTES:
            raise ApiError(400, "Bad Request: file is too big")
        return {"file_id": file_id, "file_unique_id": f"U{file_id}", "file_size": len(data),
                "file_path": f"documents/{file_id}"}


def _ids(message: dict | BotMessage) -> tuple[int, int]:
    if isinstance(message, BotMessage):
        return message.chat_id, message.message_id
    return message["chat"]["id"], message["message_id"]


def _params(request: tornado.httputil.HTTPServerRequest) -> dict:
    content_type = request.headers.get("Content-Type", "")
    if content_type.startswith("application/json") and request.body:
        return json.loads(request.body)
    params: dict[str, Any] = {}
    for name, values in request.arguments.items():
        if not values:
            continue
        value = values[-1].decode("utf-8")
        if name in _JSON_PARAMS:
            params[name] = json.loads(value)
        elif name in _BOOL_PARAMS:
            params[name] = value.lower() in ("true", "1")
        elif name in _INT_PARAMS:
            params[name] = int(float(value))
        else:
            params[name] = value
    return params


class _ApiHandler(tornado.web.RequestHandler):
    def initialize(self, api: FakeBotAPI) -> None:
        self.api = api

    async def get(self, token: str, method: str) -> None:
        await self.post(token, method)

    async def post(self, token: str, method: str) -> None:
        if token != self.api.token:
            self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        try:
            result = await self.api.call(method, _params(self.request))
        except ApiError as exc:
            if exc.body is not None:
                self.set_status(exc.status)
                self.set_header("Content-Type", "text/html")
                self.finish(exc.body)
                return
            body = {"ok": False, "error_code": exc.status, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            self._reply(exc.status, body)
            return
        self._reply(200, {"ok": True, "result": result})

    def _reply(self, status: int, body: dict) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    def log_exception(self, *args: Any) -> None:  # client hung up during a long poll
        if not self.api._closing:
            super().log_exception(*args)


class _FileHandler(tornado.web.RequestHandler):
    def initialize(self, api: FakeBotAPI) -> None:
        self.api = api

    async def get(self, token: str, path: str) -> None:
        file_id = path.removeprefix("documents/")
        if token != self.api.token or file_id not in self.api.files:
            self.set_status(404)
            self.finish(json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}))
            return
        self.api.calls.append(("<download>", {"file_path": path}))
        self.set_header("Content-Type", "application/octet-stream")
        self.finish(self.api.files[file_id][0])
