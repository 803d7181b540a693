"""Questions keep being answered, correctly, while articles are added and removed."""

import threading

from bot.answer import Answerer
from index.articles import from_pasted_text


def test_questions_answered_during_writes(kb):
    answerer = Answerer(kb)
    errors: list[str] = []
    answers = 0
    stop = threading.Event()

    def ask() -> None:
        nonlocal answers
        while not stop.is_set():
            try:
                answer = answerer.ask("how many laptops were sent?")
                if not answer.found or "sept mille" not in answer.citations[0].quote:
                    errors.append(f"wrong answer: {answer.text}")
                answers += 1
            except Exception as exc:  # any error a user would see
                errors.append(repr(exc))

    askers = [threading.Thread(target=ask) for _ in range(3)]
    for t in askers:
        t.start()
    for n in range(4):
        article = from_pasted_text(f"Update {n} on winter aid\nSweden sent {n + 3} mobile "
                                   "boiler units to Kharkiv. Each heats a school.")
        added = kb.add(article).article
        assert answerer.ask(f"How many boiler units did Sweden send? ({n})").found
        kb.remove(added.id)
    stop.set()
    for t in askers:
        t.join()
    assert errors == []
    assert answers > 0
    assert kb.problems() == []


def test_a_language_written_after_the_readers_snapshot_is_ranked_with_its_baseline(kb):
    """The race behind a wrong answer seen under load: a question reads the vectors and
    language means of one generation while an article in a new language is added."""
    before = kb.store.language_centroids()  # French only
    kb.add(from_pasted_text("Update on winter aid\nSweden sent 4 mobile boiler units to "
                            "Kharkiv. Each heats a school."))
    with kb._swap:
        kb._centroids = before  # the reader's snapshot predates the English article
    answer = Answerer(kb).ask("how many laptops were sent?")
    assert answer.found
    assert "sept mille" in answer.citations[0].quote


def test_a_passage_written_after_the_readers_language_snapshot_is_found(kb):
    """Passage languages are looked up in a snapshot taken with the vectors; a passage the
    snapshot lacks (written since) gets its language from the store, not left out."""
    kb.search("how many laptops were sent?")
    with kb._swap:
        before = kb._languages[1]
    assert len(before.ids) > 0
    kb.add(from_pasted_text("Update on winter aid\nSweden sent 4 mobile boiler units to "
                            "Kharkiv. Each heats a school."))
    assert len(kb.store.all_languages().ids) > len(before.ids)
    kb._refresh()  # the reader's vectors include the new passages, its languages do not
    with kb._swap:
        kb._languages = (kb._generation, before)
    answer = Answerer(kb).ask("How many boiler units did Sweden send?")
    assert answer.found
    assert "boiler units" in answer.citations[0].quote


def test_an_article_removed_between_search_and_ranking_is_left_out(kb):
    """The interleaving behind a KeyError seen under load: a question's search reads a passage,
    then its article is removed before the ranker reads the passage's vector."""
    added = kb.add(from_pasted_text("Update on winter aid\nSweden sent 4 mobile boiler units "
                                    "to Kharkiv. Each heats a school.")).article
    search = kb.search

    def search_then_remove(question, k=10):
        hits = search(question, k)
        assert any(h.passage.article_id == added.id for h in hits)
        kb.remove(added.id)
        return hits

    kb.search = search_then_remove
    candidates = kb.candidates("How many boiler units did Sweden send?")
    assert candidates and all(c.hit.passage.article_id != added.id for c in candidates)
