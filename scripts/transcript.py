"""Print a conversation with the real bot (python-telegram-bot Application, real model and
index) through the local fake Bot API server used by the tests, as Markdown for the README.

    .venv/bin/python scripts/transcript.py
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
from bot.telegram import ALLOWED_UPDATES, build_application  # noqa: E402
from index.embeddings import Embedder  # noqa: E402
from index.knowledge import KnowledgeBase  # noqa: E402
from tests.bot.fake_bot_api import FakeBotAPI  # noqa: E402

ADMIN, READER = 1001, 2002
NEW_ARTICLE = """Japan sends generators to Zaporizhzhia
The government of Japan delivered 40 industrial generators to Zaporizhzhia in November, \
the regional administration said.
The generators will keep water pumping stations and hospitals running during power cuts."""


def show(who: str, text: str) -> None:
    print(f"**{who}:**\n")
    print("\n".join(f"> {line}" if line else ">" for line in text.splitlines()))
    print()


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
    await app.initialize()
    await app.post_init(app)
    await app.updater.start_polling(timeout=5, allowed_updates=ALLOWED_UPDATES)
    await app.start()
    reader, admin = api.user(READER, "en"), api.user(ADMIN, "en")
    try:
        for user, who, text in [
            (reader, "reader", "how many laptops were sent?"),
            (reader, "reader", "Скільки дронів FPV отримали ЗСУ?"),
            (admin, "admin", "/add " + NEW_ARTICLE),
            (reader, "reader", "How many generators did Japan deliver?"),
            (reader, "reader", "How many tanks did Germany send?"),
        ]:
            show(who, text)
            message = api.send_message(user, text)
            for reply in [await api.reply_to(message)]:
                show("aidbot", reply.text)
                if reply.buttons and who == "reader" and "laptops" in text:
                    show("reader", f"(presses “{reply.buttons[0]['text']}”)")
                    api.press_button(reply, user)
                    await api.wait_for(lambda: len(api.calls_to("answerCallbackQuery")) > 0)
                    await asyncio.sleep(0.5)
                    latest = api.messages_in(user["id"])[-1]
                    show("aidbot", latest.text)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await api.stop()
        kb.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
