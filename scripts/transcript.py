"""Print a conversation with the real bot (python-telegram-bot Application, real model and
index) through the local fake Bot API server used by the tests, as Markdown for the README.

    .venv/bin/python scripts/transcript.py

A quote the bot sends as a Telegram blockquote is printed as a nested Markdown quote.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.answer import Answerer  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.telegram import build_application, serve  # noqa: E402
from index.embeddings import Embedder  # noqa: E402
from index.knowledge import KnowledgeBase  # noqa: E402
from tests.bot.fake_bot_api import BotMessage, FakeBotAPI  # noqa: E402

ADMIN, READER, LECTRICE, CHYTACH = 1001, 2002, 2003, 2004
NEW_ARTICLE = """Japan sends generators to Zaporizhzhia
The government of Japan delivered 40 industrial generators to Zaporizhzhia in November, \
the regional administration said.
The generators will keep water pumping stations and hospitals running during power cuts."""


def show(who: str, text: str, quotes: tuple[str, ...] = ()) -> None:
    """A turn as Markdown: the lines of a blockquote nested one level deeper."""
    print(f"**{who}:**\n")
    nested = False
    for line in text.splitlines():
        quoted = bool(line) and any(line in q for q in quotes)
        if nested and not quoted and line:
            print(">")  # ends the nested quote: Markdown would run the next line into it
        if not line:
            print(">")
        else:
            print(f"> > {line}" if quoted else f"> {line}")
        nested = quoted
    print()


def quotes_of(message: BotMessage) -> tuple[str, ...]:
    return tuple(message.entity_texts("blockquote") + message.entity_texts("expandable_blockquote"))


async def main() -> None:
    models = Path(os.environ.get("AIDBOT_MODEL_CACHE") or REPO / ".aidbot" / "models")
    tmp = Path(tempfile.mkdtemp(prefix="aidbot-transcript-"))
    shutil.copytree(REPO / "corpus", tmp / "corpus")
    kb = KnowledgeBase(tmp / "corpus", tmp / "index", Embedder(None, models))
    api = FakeBotAPI()
    await api.start()
    settings = Settings(corpus_dir=kb.corpus_dir, index_dir=kb.index_dir,
                        telegram_token=api.token, telegram_api_url=api.url,
                        admins=frozenset({ADMIN}))
    app = build_application(settings, kb, Answerer(kb))
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(app, settings, stop=stop, ready=ready))
    await ready.wait()
    reader, admin = api.user(READER, "en"), api.user(ADMIN, "en")
    lectrice, chytach = api.user(LECTRICE, "fr"), api.user(CHYTACH, "uk")
    try:
        for user, who, text in [
            (reader, "reader", "how many laptops were sent?"),
            (lectrice, "lectrice", "Combien d'ordinateurs portables ont été envoyés ?"),
            (chytach, "читач", "Скільки ноутбуків отримала Україна?"),
            (chytach, "читач", "Скільки роутерів передала Латвія?"),
            (admin, "admin", "/add " + NEW_ARTICLE),
            (reader, "reader", "How many generators did Japan deliver?"),
            (reader, "reader", "How many tanks did Germany send?"),
        ]:
            show(who, text)
            reply = await api.reply_to(api.send_message(user, text))
            show("aidbot", reply.text, quotes_of(reply))
            sources = [b for b in reply.buttons if b.get("text") == "Sources"]
            if sources and who == "reader" and "laptops" in text:
                show("reader", "(presses “Sources”)")
                chat, before = user["id"], len(api.messages_in(user["id"]))
                api.press_button(reply, user, data=sources[0]["callback_data"])
                await api.wait_for(lambda c=chat, n=before: len(api.messages_in(c)) > n)
                latest = api.messages_in(chat)[-1]
                show("aidbot", latest.text, quotes_of(latest))
    finally:
        stop.set()
        await task
        await api.stop()
        kb.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
