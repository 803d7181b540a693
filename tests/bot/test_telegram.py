"""The bot on Telegram, end to end: a real Application with the real knowledge base (model, FAISS,
SQLite) talking HTTP to a fake Bot API server on loopback. Assertions are on what users see."""

from __future__ import annotations

import asyncio
import io
import logging
import signal
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from fake_bot_api import FakeBotAPI
from harness import ADMIN, REPO, Bot, ask, free_port, running_bot

from bot.answer import Answer, Answerer, Citation
from bot.settings import Settings
from bot.telegram import (
    UserRateLimit,
    install_token_filter,
    run_bot,
)
from index.embeddings import Embedder
from index.knowledge import KnowledgeBase

SEED_QUOTE = ("Parmi les équipements envoyés figurent près de sept mille ordinateurs portables "
              "destinés aux unités des Forces armées ukrainiennes")
LAPTOPS = {
    "en": "How many laptops were sent to Ukraine?",
    "fr": "Combien d'ordinateurs portables ont été envoyés ?",
    "uk": "Скільки ноутбуків отримала Україна?",
    "de": "Wie viele Laptops hat die Ukraine bekommen?",
    "es": "¿Cuántos portátiles recibió Ucrania?",
    "pl": "Ile laptopów otrzymała Ukraina?",
    "ru": "Сколько ноутбуков получила Украина?",
}
LEADS = {"en": "Nearly 7,000 laptops [1]", "fr": "Près de 7\u202f000 ordinateurs portables [1]",
         "uk": "Майже 7\u00a0000 ноутбуків [1]", "de": "Fast 7.000 Laptops [1]",
         "es": "Casi 7.000 portátiles [1]", "pl": "Prawie 7\u00a0000 laptopów [1]",
         "ru": "Почти 7\u00a0000 ноутбуков [1]"}  # the fact in the asker's language (CLDR)
SOURCES_BUTTON = {"en": "Sources", "fr": "Sources", "uk": "Джерела", "de": "Quellen",
                  "es": "Fuentes", "pl": "Źródła", "ru": "Источники"}
NOT_FOUND = "I don't know: the articles I have do not answer this question."
NORWAY_HTML = b"""<!doctype html><html><head><title>Norway hands over electric buses to Kharkiv
</title></head><body><nav>Home | World | Ukraine</nav><article>
<h1>Norway hands over electric buses to Kharkiv</h1>
<p>Norway has handed over 25 electric buses to the city of Kharkiv, the Norwegian embassy in Kyiv
said on Tuesday.</p>
<p>The buses replace vehicles destroyed by Russian shelling of the city's depots during the
winter.</p>
<p>The mayor of Kharkiv, Ihor Terekhov, thanked the Norwegian people for their support and said
the buses would serve the northern districts first.</p>
<p>Norway has also financed the repair of two tram depots in the city this year.</p>
</article><footer>Contact us</footer></body></html>"""
JAPAN_TEXT = """Japan expands its energy support for Ukraine
The government of Japan delivered 40 industrial generators to the city of Zaporizhzhia in \
January 2025.
The generators will power hospitals and water pumping stations during blackouts.
Tokyo also pledged to finance the repair of two thermal power plants before next winter.
The Japanese ambassador said the support would continue for as long as needed."""
CANADA_TXT = b"""Canada announces new package for Ukraine

Canada allocated 15 million dollars to train Ukrainian deminers in 2025.

The training takes place in Poland and Lithuania and lasts six weeks.

Ottawa will also send 200 metal detectors to the State Emergency Service."""
SWEDEN_MD = b"""---
title: Sweden strengthens Ukrainian hospitals
source: https://news.example.se/ukraine-hospitals
published: 2025-03-14
---

Sweden delivered 30 ambulances to Ukrainian hospitals in the Kharkiv and Sumy regions.

The Swedish development agency also paid for surgical equipment in four hospitals.

Doctors in Sumy said the vehicles arrived just as a new wave of attacks began."""


# ---- the bot (tests/conftest.py: models_dir, embedder, corpus_dir, kb, cli_env;
# tests/bot/conftest.py: shared_kb, api; tests/bot/harness.py: running_bot) ------------------------

@pytest.fixture
async def bot(api: FakeBotAPI, shared_kb: KnowledgeBase) -> AsyncIterator[Bot]:
    async with running_bot(api, shared_kb) as running:
        yield running


@pytest.fixture
async def admin_bot(api: FakeBotAPI, kb: KnowledgeBase) -> AsyncIterator[Bot]:
    async with running_bot(api, kb) as running:
        yield running


@pytest.fixture
def web() -> Iterator[dict]:
    """A local web server: put {path: (content type, body)} in pages; requests lists the paths
    asked for."""
    site: dict = {"pages": {}, "requests": []}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            site["requests"].append(self.path)
            if self.path not in site["pages"]:
                self.send_error(404)
                return
            content_type, body = site["pages"][self.path]
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site["url"] = f"http://127.0.0.1:{server.server_address[1]}"
    yield site
    server.shutdown()
    server.server_close()


def tiny_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a text layer (ASCII lines, Helvetica)."""
    def escape(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = "BT /F1 11 Tf 50 780 Td 14 TL " + " ".join(
        f"({escape(line)}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = "%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


def corpus_state(kb: KnowledgeBase) -> tuple[list, list]:
    return sorted(a.id for a in kb.articles()), sorted(p.name for p in kb.corpus_dir.iterdir())


# ---- questions ----------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "fr", "uk", "de", "es", "pl", "ru"])
async def test_question_gets_a_cited_reply_in_the_users_language(bot: Bot, language: str):
    user = bot.api.user(100 + len(language) + ord(language[0]), language)
    question = bot.api.send_message(user, LAPTOPS[language])
    [reply] = await bot.api.answer_to(question)
    # the lead, the quote once as a blockquote, its source under it
    assert reply.text.startswith(f"{LEADS[language]}\n{SEED_QUOTE}")
    assert reply.text.count(SEED_QUOTE) == 1
    assert reply.entity_texts("blockquote")[0].startswith(SEED_QUOTE)
    assert "médicale.\n[1] La coalition IT fournit 10 millions" in reply.text
    assert reply.reply_to == question["message_id"]
    assert reply.buttons[0]["text"] == SOURCES_BUTTON[language]
    assert (user["id"], "typing") in bot.api.chat_actions


async def test_out_of_scope_question_gets_i_dont_know(bot: Bot):
    user = bot.api.user(201, "en")
    question = bot.api.send_message(user, "What is the capital of Peru?")
    reply = await bot.api.reply_to(question)
    assert reply.text == NOT_FOUND
    assert not reply.buttons


@pytest.mark.parametrize("language, question, expected", [
    ("de", "Was ist die Hauptstadt von Peru?",
     "Ich weiß es nicht: Die Artikel, die ich habe, beantworten diese Frage nicht."),
    ("es", "¿Cuál es la capital de Perú?",
     "No lo sé: los artículos que tengo no responden a esta pregunta."),
    ("pl", "Jaka jest stolica Peru?",
     "Nie wiem: artykuły, które mam, nie odpowiadają na to pytanie."),
    ("ru", "Какая столица Перу?", "Я не знаю: в моих статьях нет ответа на этот вопрос."),
])
async def test_i_dont_know_is_said_in_the_askers_language(bot: Bot, language, question,
                                                          expected):
    user = bot.api.user(210 + len(question), "en")  # the question's language, not the app's
    reply = await bot.api.reply_to(bot.api.send_message(user, question))
    assert reply.text == expected
    assert not reply.buttons


async def test_sources_button_shows_full_quotes_and_ids(bot: Bot):
    user = bot.api.user(202, "fr")
    [answer] = await bot.api.answer_to(bot.api.send_message(user, LAPTOPS["fr"]))
    seed = bot.kb.articles()[0]
    bot.api.press_button(answer, user)
    sources = await bot.api.reply_to(answer)
    assert sources.text.startswith("Sources\n\n[1] La coalition IT fournit 10 millions")
    assert seed.id in sources.text
    assert SEED_QUOTE in sources.entity_texts("blockquote")[0]
    assert bot.api.callback_answers and not bot.api.callback_answers[0].get("show_alert")


async def test_button_of_a_forgotten_answer_says_to_ask_again(bot: Bot):
    user = bot.api.user(203, "en")
    [answer] = await bot.api.answer_to(bot.api.send_message(user, LAPTOPS["en"]))
    bot.api.press_button(answer, user, data="sources:forgotten")
    alert = await bot.api.wait_for(lambda: bot.api.callback_answers)
    assert alert[0]["text"] == "I no longer have this answer; please ask the question again."
    assert alert[0]["show_alert"] is True


async def test_group_answers_mentions_and_ask_only(bot: Bot):
    alice, bob = bot.api.user(301, "en"), bot.api.user(302, "fr")
    group = bot.api.group_chat()
    chatter = bot.api.send_message(alice, "How many laptops were sent? I wonder", group)
    other = bot.api.send_message(alice, "@someone_else How many laptops were sent?", group)
    asked = bot.api.send_message(bob, "/ask Combien d'ordinateurs portables ont été envoyés ?",
                                 group)
    mentioned = bot.api.send_message(
        alice, "@aidbot_test_bot how many laptops were sent to Ukraine?", group)
    addressed = bot.api.send_message(
        bob, "/ask@aidbot_test_bot Скільки ноутбуків отримала Україна?", group)
    for message, language in ((asked, "fr"), (mentioned, "en"), (addressed, "uk")):
        [reply] = await bot.api.answer_to(message)
        assert reply.text.startswith(f"{LEADS[language]}\n{SEED_QUOTE}")
    # a command sent after everything else: once it is answered, the rest was handled too
    await bot.api.reply_to(bot.api.send_message(alice, "/start", group))
    assert not bot.api.replies(chatter) and not bot.api.replies(other)


async def test_empty_ask_asks_for_a_question(bot: Bot):
    text = await ask(bot.api, bot.api.user(303, "uk"), "/ask")
    assert text == "Поставте запитання про міжнародну допомогу Україні."


# ---- information --------------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "start", "help_"), [
    ("en", "Hello! I answer questions", "In a group, mention me (@aidbot_test_bot)"),
    ("fr", "Bonjour ! Je réponds", "Dans un groupe, mentionnez-moi (@aidbot_test_bot)"),
    ("uk", "Вітаю! Я відповідаю", "У групі згадайте мене (@aidbot_test_bot)"),
    ("de", "Hallo! Ich beantworte Fragen",
     "In einer Gruppe erwähnen Sie mich (@aidbot_test_bot)"),
    ("es", "¡Hola! Respondo a preguntas", "En un grupo, mencióneme (@aidbot_test_bot)"),
    ("pl", "Cześć! Odpowiadam na pytania", "W grupie oznacz mnie (@aidbot_test_bot)"),
    ("ru", "Здравствуйте! Я отвечаю", "В группе упомяните меня (@aidbot_test_bot)"),
    ("it", "Hello! I answer questions", "In a group, mention me (@aidbot_test_bot)"),
    (None, "Hello! I answer questions", "In a group, mention me (@aidbot_test_bot)"),
])
async def test_start_and_help_speak_the_users_language(bot: Bot, language, start, help_):
    user = bot.api.user(400 + len(str(language)), language)
    assert (await ask(bot.api, user, "/start")).startswith(start)
    help_text = await ask(bot.api, user, "/help")
    assert help_ in help_text
    assert "/add" not in help_text


async def test_help_shows_admin_commands_to_admins(bot: Bot):
    help_text = await ask(bot.api, bot.api.user(ADMIN, "en"), "/help")
    assert "/add URL: add the article at a web address" in help_text
    assert "/remove ID" in help_text


async def test_command_menu_is_set_in_each_language(bot: Bot):
    menus = bot.api.commands
    assert [c["command"] for c in menus[("default", "")]] == ["ask", "sources", "help", "start"]
    assert menus[("default", "fr")][0]["description"] == "Poser une question"
    assert menus[("default", "uk")][0]["description"] == "Поставити запитання"
    assert [c["description"] for c in menus[("default", "de")]] == [
        "Eine Frage stellen", "Die Artikel, die ich kenne", "So benutzen Sie diesen Bot",
        "Willkommen"]
    assert menus[("default", "es")][0]["description"] == "Hacer una pregunta"
    assert menus[("default", "pl")][0]["description"] == "Zadaj pytanie"
    assert menus[("default", "ru")][0]["description"] == "Задать вопрос"
    # the same public commands in every language; /whoami is in /help, the admins' commands
    # (/add, /remove, /unanswered) in the admins' /help only
    for language in ("", "fr", "uk", "de", "es", "pl", "ru"):
        assert [c["command"] for c in menus[("default", language)]] == [
            "ask", "sources", "help", "start"]


async def test_sources_lists_the_articles(bot: Bot):
    seed = bot.kb.articles()[0]
    text = await ask(bot.api, bot.api.user(410, "en"), "/sources")
    assert text.startswith("Articles I know (1):")
    assert f"{seed.id} {seed.title}" in text
    assert f"passages: {seed.passages}" in text


# ---- corpus changes -----------------------------------------------------------------------------

async def test_admin_adds_a_url_then_questions_are_answered_from_it(admin_bot: Bot, web: dict):
    api = admin_bot.api
    admin = api.user(ADMIN, "en")
    web["pages"]["/norway.html"] = ("text/html; charset=utf-8", NORWAY_HTML)
    url = web["url"] + "/norway.html"
    added = await ask(api, admin, f"/add {url}")
    new = [a for a in admin_bot.kb.articles() if a.source == url]
    assert len(new) == 1
    assert added == (f"Added {new[0].id}: Norway hands over electric buses to Kharkiv "
                     f"(passages: {new[0].passages}). I now answer from it too.")
    [reply] = await api.answer_to(api.send_message(
        api.user(501, "en"), "How many electric buses did Norway give to Kharkiv?"))
    assert reply.text.startswith("25 electric buses [1]\n")
    assert reply.entity_texts("blockquote") == [
        "Norway has handed over 25 electric buses to the city of Kharkiv, the Norwegian "
        "embassy in Kyiv said on Tuesday."]
    assert reply.links == [("Norway hands over electric buses to Kharkiv", url)]
    again = await ask(api, admin, f"/add {url}")
    assert again.startswith(f"Already in the corpus as {new[0].id}: Norway hands over")


async def test_admin_adds_pasted_text(admin_bot: Bot):
    api = admin_bot.api
    added = await ask(api, api.user(ADMIN, "fr"), f"/add {JAPAN_TEXT}")
    assert added.startswith("Ajouté ")
    assert "Japan expands its energy support for Ukraine (passages : " in added
    [reply] = await api.answer_to(api.send_message(
        api.user(502, "en"), "How many generators did Japan deliver to Zaporizhzhia?"))
    assert "The government of Japan delivered 40 industrial generators" in reply.text


async def test_admin_adds_documents_by_caption_and_by_reply(admin_bot: Bot):
    api = admin_bot.api
    admin = api.user(ADMIN, "en")
    with_caption = api.send_document(admin, CANADA_TXT, "canada.txt", caption="/add",
                                     mime_type="text/plain")
    assert (await api.reply_to(with_caption)).text.startswith("Added ")
    document = api.send_document(admin, SWEDEN_MD, "sweden.md", inject=False)
    command = api.send_message(admin, "/add", reply_to=document)
    assert (await api.reply_to(command)).text.startswith(
        "Added ") and "Sweden strengthens Ukrainian hospitals" in api.replies(command)[0].text
    assert len(api.calls_to("getFile")) == 2
    user = api.user(503, "en")
    [canada] = await api.answer_to(api.send_message(
        user, "How much did Canada allocate to train deminers?"))
    assert "Canada allocated 15 million dollars to train Ukrainian deminers in 2025." in canada.text
    [sweden] = await api.answer_to(
        api.send_message(user, "How many ambulances did Sweden deliver?"))
    assert "Sweden delivered 30 ambulances to Ukrainian hospitals" in sweden.text
    assert "2025-03-14" in sweden.text
    assert sweden.links == [("Sweden strengthens Ukrainian hospitals",
                             "https://news.example.se/ukraine-hospitals")]


async def test_admin_adds_a_pdf(admin_bot: Bot):
    api = admin_bot.api
    pdf = tiny_pdf(["Sweden strengthens Ukrainian hospitals",
                    "Sweden delivered 30 ambulances to Ukrainian hospitals in the Kharkiv region.",
                    "Doctors said the vehicles arrived just as a new wave of attacks began."])
    message = api.send_document(api.user(ADMIN, "en"), pdf, "report.pdf", caption="/add",
                                mime_type="application/pdf")
    assert "Sweden strengthens Ukrainian hospitals" in (await api.reply_to(message)).text
    assert any("Sweden" in a.title for a in admin_bot.kb.articles())


async def test_ingest_errors_are_shown_and_nothing_changes(admin_bot: Bot):
    api = admin_bot.api
    admin = api.user(ADMIN, "en")
    before = corpus_state(admin_bot.kb)
    binary = api.send_document(admin, b"MZ\x90\x00" * 100, "tool.exe", caption="/add")
    assert (await api.reply_to(binary)).text.startswith("I could not add this article: ")
    empty = api.send_document(admin, b"   \n", "empty.txt", caption="/add")
    assert (await api.reply_to(empty)).text == (
        "I could not add this article: the file is empty: there is no text to add")
    missing = await ask(api, admin, "/add http://127.0.0.1:9/nothing-listens-here")
    assert missing.startswith("I could not add this article: cannot fetch")
    usage = await ask(api, admin, "/add")
    assert usage.startswith("To add an article: /add URL")
    assert corpus_state(admin_bot.kb) == before


async def test_file_over_the_limit_is_refused_before_download(api: FakeBotAPI,
                                                              kb: KnowledgeBase):
    async with running_bot(api, kb, max_article_bytes=1000):
        message = api.send_document(api.user(ADMIN, "en"), b"x" * 5000, "big.txt", caption="/add")
        assert (await api.reply_to(message)).text == (
            "This file is too big (0.0 MB); the limit is 0.0 MB.")
        assert not api.calls_to("getFile")


async def test_non_admins_cannot_change_the_corpus(admin_bot: Bot, web: dict):
    api = admin_bot.api
    mallory = api.user(666, "en")
    web["pages"]["/norway.html"] = ("text/html", NORWAY_HTML)
    seed = admin_bot.kb.articles()[0]
    before = corpus_state(admin_bot.kb)
    refusal = "Only the bot's administrators can change the articles."
    assert await ask(api, mallory, f"/add {web['url']}/norway.html") == refusal
    assert await ask(api, mallory, f"/add {JAPAN_TEXT}") == refusal
    document = api.send_document(mallory, CANADA_TXT, "canada.txt", caption="/add")
    assert (await api.reply_to(document)).text == refusal
    assert await ask(api, mallory, f"/remove {seed.id}") == refusal
    assert await ask(api, api.user(667, "fr"), "/remove x") == (
        "Seuls les administrateurs du bot peuvent modifier les articles.")
    assert corpus_state(admin_bot.kb) == before
    assert web["requests"] == [] and not api.calls_to("getFile")


async def test_admin_removes_an_article(admin_bot: Bot):
    api = admin_bot.api
    admin = api.user(ADMIN, "en")
    seed = admin_bot.kb.articles()[0]
    assert await ask(api, admin, "/remove nope") == (
        "There is no article with the id nope; /sources shows the ids.")
    assert await ask(api, admin, "/remove") == "Usage: /remove ID (/sources shows the ids)."
    assert await ask(api, admin, f"/remove {seed.id}") == f"Removed {seed.id}: {seed.title}."
    assert admin_bot.kb.articles() == []
    assert await ask(api, api.user(504, "en"), LAPTOPS["en"]) == NOT_FOUND
    assert await ask(api, admin, "/sources") == "I have no articles yet."


# ---- long answers, Telegram's errors ------------------------------------------------------------

class LongAnswerer:
    """Answers every question with a synthetic answer of about 20,000 characters."""

    quotes = [f"Quote {n} <b>&: " + " ".join(f"fact{n}_{i}." for i in range(300))
              for n in range(1, 4)]

    def ask(self, question: str, language: str | None = None) -> Answer:
        text = " ".join(f"Sentence {i} of the answer, with <tags> & more [1]." for i in range(200))
        citations = [Citation(n, f"id{n}", f"Title <{n}>", f"https://example.org/{n}?a=1&b=2",
                              "2025-01-0" + str(n), q) for n, q in enumerate(self.quotes, 1)]
        return Answer(question, True, text, citations, "en")


async def test_long_answer_is_split_into_messages_telegram_accepts(api: FakeBotAPI,
                                                                    shared_kb: KnowledgeBase):
    async with running_bot(api, shared_kb, answerer=LongAnswerer()):
        question = api.send_message(api.user(601, "en"), "Tell me everything")
        parts = await api.answer_to(question)
    assert len(parts) >= 4
    assert all(len(p.text.encode("utf-16-le")) // 2 <= 4096 for p in parts)
    assert [bool(p.buttons) for p in parts] == [False] * (len(parts) - 1) + [True]
    texts = [p.text for p in parts]
    for quote in LongAnswerer.quotes:
        assert sum(quote in t for t in texts) == 1
    for i in range(200):
        assert sum(f"Sentence {i} of the answer, with <tags> & more [1]." in t for t in texts) == 1
    assert not [name for name, _ in api.calls if name == "sendMessage"][len(parts):]


async def test_refused_html_is_resent_as_plain_text(bot: Bot):
    bot.api.fail_next(1, status=400, method="sendMessage",
                      description="Bad Request: can't parse entities: Unsupported start tag "
                                  '"x" at byte offset 0')
    [reply] = await bot.api.answer_to(bot.api.send_message(bot.api.user(602, "en"),
                                                           LAPTOPS["en"]))
    assert SEED_QUOTE in reply.text and reply.parse_mode is None
    assert reply.buttons


@pytest.mark.parametrize("status", [429, 500])
async def test_flood_control_and_server_errors_are_survived(bot: Bot, status: int):
    bot.api.fail_next(1, status=status, method="sendMessage", retry_after=1)
    text = await ask(bot.api, bot.api.user(603, "en"), "What is the capital of Peru?")
    assert text == NOT_FOUND
    assert len(bot.api.calls_to("sendMessage")) == 2


async def test_polling_survives_a_server_error(bot: Bot):
    bot.api.fail_next(2, status=500, method="getUpdates")
    assert await ask(bot.api, bot.api.user(604, "en"), "/start") != ""


# ---- staying up ---------------------------------------------------------------------------------

class BrokenAnswerer:
    def ask(self, question: str, language: str | None = None) -> Answer:
        raise RuntimeError("the index is on fire")


async def test_errors_are_logged_and_the_user_is_told(api: FakeBotAPI, shared_kb: KnowledgeBase,
                                                      caplog: pytest.LogCaptureFixture):
    async with running_bot(api, shared_kb, answerer=BrokenAnswerer()):
        text = await ask(api, api.user(701, "fr"), "Combien ?")
    assert text == "Désolé, quelque chose s'est mal passé de mon côté. Réessayez dans un instant."
    assert "the index is on fire" in caplog.text


async def test_per_user_rate_limit(api: FakeBotAPI, shared_kb: KnowledgeBase):
    async with running_bot(api, shared_kb, user_questions_per_minute=2):
        eager, patient = api.user(702, "en"), api.user(703, "en")
        assert await ask(api, eager, "What is the capital of Peru?") == NOT_FOUND
        assert await ask(api, eager, "What is the capital of Chile?") == NOT_FOUND
        third = await ask(api, eager, "What is the capital of Bolivia?")
        assert third.startswith("You are asking faster than I can answer. Please wait ")
        assert await ask(api, patient, "What is the capital of Peru?") == NOT_FOUND


def test_rate_limit_counts_the_last_minute_per_user():
    now = [1000.0]
    limit = UserRateLimit(2, clock=lambda: now[0])
    assert limit.check(1) == 0 and limit.check(1) == 0
    assert limit.check(1) == 60  # the first of the two must leave the window
    assert limit.check(2) == 0  # others are not affected
    now[0] += 30
    assert limit.check(1) == 30
    now[0] += 30
    assert limit.check(1) == 0
    assert UserRateLimit(0).check(1) == 0  # 0: no limit


class BarrierAnswerer:
    """Each question waits until `users` questions are being answered at once."""

    def __init__(self, kb: KnowledgeBase, users: int) -> None:
        self.answerer = Answerer(kb)
        self.barrier = threading.Barrier(users, timeout=60)

    def ask(self, question: str, language: str | None = None) -> Answer:
        self.barrier.wait()
        return self.answerer.ask(question, language)


async def test_questions_are_answered_concurrently(api: FakeBotAPI, shared_kb: KnowledgeBase):
    async with running_bot(api, shared_kb, answerer=BarrierAnswerer(shared_kb, 5)):
        questions = [api.send_message(api.user(800 + i, "en"), LAPTOPS["en"]) for i in range(5)]
        for question in questions:
            [reply] = await api.answer_to(question)
            assert SEED_QUOTE in reply.text


class BlockingKnowledgeBase:
    """The real knowledge base, whose `add` waits until the test lets it go on."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.release = threading.Event()

    def add(self, article):  # noqa: ANN001, ANN201
        assert self.release.wait(60)
        return self.kb.add(article)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.kb, name)


async def test_questions_do_not_wait_behind_an_add(api: FakeBotAPI, kb: KnowledgeBase):
    slow = BlockingKnowledgeBase(kb)
    async with running_bot(api, slow, answerer=Answerer(kb)):
        adding = api.send_message(api.user(ADMIN, "en"), f"/add {JAPAN_TEXT}")
        await api.wait_for(lambda: (ADMIN, "typing") in api.chat_actions)
        for i in range(3):
            [reply] = await api.answer_to(api.send_message(api.user(900 + i, "en"), LAPTOPS["en"]))
            assert SEED_QUOTE in reply.text
        assert not api.replies(adding)
        slow.release.set()
        assert (await api.reply_to(adding)).text.startswith("Added ")


# ---- webhook ------------------------------------------------------------------------------------

async def test_webhook_with_right_and_wrong_secret(api: FakeBotAPI, shared_kb: KnowledgeBase):
    port = free_port()
    async with running_bot(api, shared_kb, webhook_port=port, webhook_secret="s3cret-Token_1"):
        assert api.webhook == {"url": f"http://127.0.0.1:{port}/telegram",
                               "secret_token": "s3cret-Token_1"}
        question = api.send_message(api.user(1001, "uk"), LAPTOPS["uk"])
        [reply] = await api.answer_to(question)
        assert SEED_QUOTE in reply.text
        forged = {"update_id": 999, "message": {
            "message_id": 1, "date": 0, "chat": {"id": 1002, "type": "private"},
            "from": {"id": 1002, "is_bot": False, "first_name": "M"}, "text": "/start"}}
        async with httpx.AsyncClient(trust_env=False) as client:
            url = f"http://127.0.0.1:{port}/telegram"
            wrong = await client.post(url, json=forged,
                                      headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
            missing = await client.post(url, json=forged)
        assert (wrong.status_code, missing.status_code) == (403, 403)
        assert api.webhook_deliveries == [200]
        assert not api.messages_in(1002)


def test_run_bot_without_token_explains_botfather(capsys: pytest.CaptureFixture):
    assert run_bot(Settings(telegram_token="")) == 2
    assert "@BotFather" in capsys.readouterr().err


def test_run_bot_refuses_a_webhook_without_secret(capsys: pytest.CaptureFixture):
    settings = Settings(telegram_token="1:x", webhook_url="https://bot.example.org/hook")
    assert run_bot(settings) == 2
    assert "AIDBOT_WEBHOOK_SECRET" in capsys.readouterr().err


# ---- the real process ---------------------------------------------------------------------------

async def _serve_one_question(api: FakeBotAPI, process: asyncio.subprocess.Process) -> str:
    await api.wait_for(lambda: api.calls_to("getUpdates") or process.returncode is not None,
                       timeout=300)
    assert process.returncode is None, "the bot exited before polling"
    [reply] = await api.answer_to(api.send_message(api.user(1101, "fr"), LAPTOPS["fr"]),
                                  timeout=120)
    return reply.text


@pytest.mark.parametrize(("how", "stop"), [("aidbot run", signal.SIGINT),
                                           ("run_bot with debug logging", signal.SIGTERM)])
async def test_real_process_answers_and_stops_cleanly_without_logging_the_token(
        api: FakeBotAPI, cli_env: dict, embedder: Embedder, how: str, stop: signal.Signals):
    # `embedder`: the model is prepared in models_dir before the process starts
    env = {k: v for k, v in cli_env.items() if k.upper() != "NO_PROXY"}
    env.update({  # a proxy from the environment must not catch the loopback Bot API
        "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.url, "PYTHONUNBUFFERED": "1",
        "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"})
    if how == "aidbot run":
        script = Path(sys.executable).with_name("aidbot")  # the installed console script
        command = [str(script), "run"] if script.exists() else [
            sys.executable, "-m", "bot.cli", "run"]
    else:
        command = [sys.executable, "-c",
                   "import logging, sys\n"
                   "logging.basicConfig(level=logging.DEBUG)\n"
                   "from bot.settings import Settings\n"
                   "from bot.telegram import run_bot\n"
                   "sys.exit(run_bot(Settings.from_env()))\n"]
    process = await asyncio.create_subprocess_exec(
        *command, cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    output = asyncio.ensure_future(process.communicate())
    try:
        text = await _serve_one_question(api, process)
        process.send_signal(stop)
        stdout, stderr = await asyncio.wait_for(output, 120)
    finally:
        if process.returncode is None:
            process.kill()
    logs = (stdout + stderr).decode()
    assert SEED_QUOTE in text
    assert process.returncode == 0, logs
    assert api.token not in logs
    assert api.token.split(":")[1] not in logs
    if how != "aidbot run":
        assert "/bot<token>/getUpdates" in logs  # the request URLs were logged, redacted


async def test_token_filter_redacts_request_urls_in_this_process(bot: Bot):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    httpx_logger = logging.getLogger("httpx")
    level = httpx_logger.level
    httpx_logger.setLevel(logging.INFO)
    redact = install_token_filter(bot.api.token)
    try:
        assert await ask(bot.api, bot.api.user(1201, "en"), "/start")
        # httpx logs a request once its response is read, which may be after the fake server
        # shows the reply: a second exchange makes sure the first one's line is in
        assert await ask(bot.api, bot.api.user(1201, "en"), "/help")
        logging.getLogger("aidbot.test").error("token %s in args", bot.api.token)
        try:
            raise RuntimeError(f"cannot reach /bot{bot.api.token}/getMe")
        except RuntimeError:
            logging.getLogger("aidbot.test").exception("in a traceback")
    finally:
        httpx_logger.setLevel(level)
        for h in root.handlers:
            h.removeFilter(redact)
        root.removeHandler(handler)
    logs = stream.getvalue()
    assert "/bot<token>/sendMessage" in logs
    assert "token <token> in args" in logs
    assert "RuntimeError: cannot reach /bot<token>/getMe" in logs
    assert bot.api.token not in logs
