"""What readers miss: the feedback store (bounded, no user ids, grouped by meaning with the real
model) and, end to end, readers' "I don't know"s and 👎 reaching the admin's /unanswered and
`aidbot report`."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from pathlib import Path

import numpy as np
import pytest
from fake_bot_api import FakeBotAPI
from harness import ADMIN, REPO, ask, running_bot

from bot.answer import Citation
from bot.feedback import GROUP_THRESHOLD, FeedbackStore, question_key
from index.embeddings import Embedder
from index.knowledge import KnowledgeBase

NOT_FOUND = "I don't know: the articles I have do not answer this question."
DAY = 86_400


def cite(article_id: str, title: str, n: int = 1) -> Citation:
    return Citation(n, article_id, title, "https://example.org/a", "2025-01-01", "A quote.")


class Clock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


# ---- the store ----------------------------------------------------------------------------------

def test_the_store_is_bounded_and_forgets_the_oldest_first(tmp_path: Path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3", limit=5)
    for i in range(8):
        store.record("unanswered", f"Question number {i}?", "en")
    assert store.count() == 5
    assert [g.question for g in store.unanswered()] == [
        f"Question number {i}?" for i in (7, 6, 5, 4, 3)]
    store.close()


def test_only_the_last_days_are_listed_and_typing_variants_count_together(tmp_path: Path):
    clock = Clock()
    store = FeedbackStore(tmp_path / "feedback.sqlite3", clock=clock)
    store.record("unanswered", "An old question?", "en")
    clock.now += 31 * DAY
    for typed in ("How many tanks did Germany send?", "how many tanks did germany send",
                  "How many  tanks did Germany send ?"):
        store.record("unanswered", typed, "en")
    store.record("unanswered", "What is the capital of Peru?", "en")
    [tanks, peru] = store.unanswered(days=30)
    assert (tanks.question, tanks.count, tanks.phrasings) == (
        "How many tanks did Germany send?", 3, [])
    assert (peru.question, peru.count) == ("What is the capital of Peru?", 1)
    assert [g.question for g in store.unanswered(days=40)][-1] == "An old question?"
    assert question_key("¿Qué?  ") == question_key("¿qué")
    store.close()


def test_feedback_is_counted_per_article_once_per_answer(tmp_path: Path):
    clock = Clock()
    store = FeedbackStore(tmp_path / "feedback.sqlite3", clock=clock)
    a, b = cite("aaaa", "Article A"), cite("bbbb", "Article B", 2)
    store.record("unhelpful", "Wrong answer?", "en", [a, cite("aaaa", "Article A", 3), b])
    clock.now += 60
    store.record("unhelpful", "Also wrong?", "fr", [a])
    store.record("helpful", "Fine?", "en", [b])
    [first, second] = store.articles()
    assert (first.article_id, first.title, first.helpful, first.unhelpful) == (
        "aaaa", "Article A", 0, 2)
    assert [q for q, _ in first.complaints] == ["Also wrong?", "Wrong answer?"]
    assert (second.article_id, second.helpful, second.unhelpful) == ("bbbb", 1, 1)
    assert store.unanswered() == []
    store.close()


def test_no_reader_is_identifiable_in_the_store(tmp_path: Path):
    path = tmp_path / "feedback.sqlite3"
    FeedbackStore(path).close()
    with sqlite3.connect(path) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(events)")}
    assert columns == {"id", "kind", "at", "question", "key", "language", "citations"}


# ---- grouping by meaning, with the real model --------------------------------------------------

# Readers rephrasing one question, and different questions, in English and in French.
SIMILAR = {
    "en": [
        ["How many tanks did Germany send?", "How many tanks has Germany sent to Ukraine?",
         "number of tanks Germany delivered"],
        ["When will the F-16 jets arrive?", "When are the F-16s expected to arrive?"],
        ["What is the capital of Peru?"],
        ["Did Japan send any ambulances?"],
    ],
    "fr": [
        ["Qui finance la reconstruction de Kharkiv ?", "Qui paie pour reconstruire Kharkiv ?"],
        ["Le Japon a-t-il envoyé des générateurs ?",
         "Est-ce que le Japon a livré des générateurs à l'Ukraine ?"],
        ["Quand les systèmes Patriot arriveront-ils ?"],
        ["Quelle est la capitale du Pérou ?"],
    ],
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_rephrasings_are_grouped_and_different_questions_are_not(
        tmp_path: Path, embedder: Embedder, language: str):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    for group in SIMILAR[language]:
        store.record("unanswered", group[0], language)  # the first is the most asked
        for question in group:
            store.record("unanswered", question, language)
    groups = store.unanswered(embed=embedder.queries, model=embedder.name)
    assert sorted(sorted([g.question, *g.phrasings]) for g in groups) == sorted(
        sorted(group) for group in SIMILAR[language])
    by_question = {group[0]: len(group) + 1 for group in SIMILAR[language]}
    assert {g.question: g.count for g in groups} == by_question
    store.close()


def test_vectors_are_computed_once_per_question(tmp_path: Path, embedder: Embedder):
    calls: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return embedder.queries(texts)

    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    tanks = "How many tanks did Germany send?"
    store.record("unanswered", tanks, "en", vector=embedder.queries([tanks])[0],
                 model=embedder.name)
    store.record("unanswered", "What is the capital of Peru?", "en")
    assert len(store.unanswered(embed=embed, model=embedder.name)) == 2
    assert calls == [["What is the capital of Peru?"]]
    assert len(store.unanswered(embed=embed, model=embedder.name)) == 2
    assert len(calls) == 1
    store.close()


def test_the_threshold_is_the_documented_one():
    assert GROUP_THRESHOLD == 0.81


# ---- end to end ---------------------------------------------------------------------------------

LAPTOPS = "How many laptops were sent to Ukraine?"
TANKS = ("How many tanks did Germany send?", "How many tanks has Germany sent to Ukraine?")
PERU = "What is the capital of Peru?"


async def test_readers_misses_reach_unanswered_and_their_thumbs_down_the_report(
        api: FakeBotAPI, shared_kb: KnowledgeBase, tmp_path: Path, cli_env: dict):
    feedback_db = tmp_path / "feedback.sqlite3"
    anna, boris, chloe = (api.user(918273645, "en"), api.user(918273646, "en"),
                          api.user(918273647, "uk"))
    async with running_bot(api, shared_kb, feedback_db=feedback_db):
        [answer] = await api.answer_to(api.send_message(anna, LAPTOPS))
        assert [b["text"] for b in answer.buttons] == ["Sources", "👍", "👎"]
        assert all(len(b["callback_data"].encode()) <= 64 for b in answer.buttons)
        assert await ask(api, boris, TANKS[0]) == NOT_FOUND
        assert await ask(api, boris, TANKS[1]) == NOT_FOUND
        assert await ask(api, chloe, PERU) == NOT_FOUND

        thumbs_down = answer.buttons[2]["callback_data"]
        api.press_button(answer, anna, data=thumbs_down)
        await api.wait_for(lambda: answer.edits)
        assert [b["text"] for b in answer.buttons] == ["Sources"]
        api.press_button(answer, anna, data=thumbs_down)  # the old keyboard, pressed again
        thanks = await api.wait_for(lambda: len(api.callback_answers) == 2
                                    and api.callback_answers)
        assert [t["text"] for t in thanks] == [
            "Thank you: I have noted that this answer did not help."] * 2

        unanswered = await ask(api, api.user(ADMIN, "en"), "/unanswered")
        refused = await ask(api, anna, "/unanswered")
        whoami = await ask(api, anna, "/whoami")
    assert unanswered == (
        "Questions I could not answer in the last 30 days (3 times, 2 different), most "
        "asked first:\n\n"
        f"2× {TANKS[0]}\n    · {TANKS[1]}\n"
        f"1× {PERU}\n\n"
        "Answers marked 👎 in that time: 1 (`aidbot report` shows them by article).")
    assert refused == "Only the bot's administrators can see what readers asked."
    assert whoami.startswith("Your Telegram user id is 918273645. You are not an "
                             "administrator of this bot;")

    with sqlite3.connect(feedback_db) as db:
        dump = "\n".join(db.iterdump())
    for reader in (anna, boris, chloe):
        assert str(reader["id"]) not in dump

    env = {**cli_env, "AIDBOT_FEEDBACK_DB": str(feedback_db)}
    script = Path(sys.executable).with_name("aidbot")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]
    process = await asyncio.create_subprocess_exec(
        *command, "report", cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    stdout, stderr = await asyncio.wait_for(process.communicate(), 300)
    report = stdout.decode()
    assert process.returncode == 0, stderr.decode()
    assert f"2× {TANKS[0]}\n    · {TANKS[1]}\n1× {PERU}\n" in report
    seed = shared_kb.articles()[0]
    lines = report.splitlines()
    row = lines.index(f"{seed.id:<18}{0:>4}{1:>4}  {seed.title}")
    assert lines[row + 1].startswith("    👎 ") and lines[row + 1].endswith(f"  {LAPTOPS}")
    assert "Feedback by article, last 30 days: 👍 0, 👎 1" in report
