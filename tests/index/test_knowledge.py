import sqlite3

import numpy as np

from index.articles import from_pasted_text, write_corpus_file
from index.knowledge import KnowledgeBase

NEW = ("Norway funds mobile kitchens for Odesa\n"
       "Norway has paid for twelve mobile field kitchens that will feed displaced families in "
       "Odesa this winter. The kitchens arrive in December.")


def passage_rows(kb: KnowledgeBase) -> int:
    return kb.store.db.execute("SELECT count(*) FROM passages").fetchone()[0]


def test_add_search_remove(kb):
    before = passage_rows(kb)
    result = kb.add(from_pasted_text(NEW))
    assert not result.duplicate and result.article.passages == 3
    assert (kb.corpus_dir / f"{result.article.id}.md").is_file()
    hits = kb.search("how many field kitchens did Norway pay for?", k=3)
    assert hits[0].passage.text.startswith("Norway has paid for twelve mobile field kitchens")
    again = kb.add(from_pasted_text(NEW.replace(" ", "  ")))
    assert again.duplicate and again.article.id == result.article.id
    assert passage_rows(kb) == before + 3
    kb.remove(result.article.id)
    assert passage_rows(kb) == before
    assert not (kb.corpus_dir / f"{result.article.id}.md").exists()
    assert all("Norway" not in h.passage.text for h in kb.search("Norway kitchens", k=5))


def test_another_process_sees_changes(kb, embedder):
    other = KnowledgeBase(kb.corpus_dir, kb.index_dir, embedder)
    added = kb.add(from_pasted_text(NEW)).article
    assert other.search("Norway mobile kitchens Odesa", k=1)[0].passage.article_id == added.id
    other.remove(added.id)
    assert all(h.passage.article_id != added.id for h in kb.search("Norway kitchens", k=5))


def test_crash_after_corpus_write_is_completed_at_start(kb, embedder, caplog):
    # what a crash between writing the corpus file and committing the index leaves behind
    article = from_pasted_text(NEW)
    write_corpus_file(kb.corpus_dir, article)
    kb.close()
    with caplog.at_level("INFO"):
        reopened = KnowledgeBase(kb.corpus_dir, kb.index_dir, embedder)
    assert any("not in the index" in r.message for r in caplog.records)
    assert reopened.article(article.id).passages == 3
    assert reopened.add(article).duplicate


def test_crash_after_corpus_removal_is_completed_at_start(kb, embedder):
    article = kb.add(from_pasted_text(NEW)).article
    (kb.corpus_dir / f"{article.id}.md").unlink()
    reopened = KnowledgeBase(kb.corpus_dir, kb.index_dir, embedder)
    assert reopened.article(article.id) is None


def test_missing_or_damaged_vector_file_is_rebuilt(kb, embedder):
    files = list(kb.index_dir.glob("vectors-*.faiss"))
    assert len(files) == 1
    files[0].write_bytes(b"garbage")
    reopened = KnowledgeBase(kb.corpus_dir, kb.index_dir, embedder)
    assert "sept mille" in reopened.search("how many laptops were sent?", k=1)[0].passage.text
    files[0].unlink()
    reopened = KnowledgeBase(kb.corpus_dir, kb.index_dir, embedder)
    assert "sept mille" in reopened.search("how many laptops were sent?", k=1)[0].passage.text


# what an index written before the ranker's facts were stored lacks
WITHOUT_FACTS = ("ALTER TABLE passages DROP COLUMN facts", "ALTER TABLE articles DROP COLUMN facts")


def _run_sql(kb: KnowledgeBase, *statements: str) -> None:
    """Change the index behind the knowledge base's back, as another version would have."""
    db = sqlite3.connect(kb.index_dir / "aidbot.sqlite")
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


def test_model_change_re_embeds(kb, embedder, caplog):
    _run_sql(kb, "UPDATE meta SET value = 'another-model' WHERE key = 'model'")
    with caplog.at_level("WARNING"):
        reopened = KnowledgeBase(kb.corpus_dir, kb.index_dir, embedder)
    assert any("re-embedding" in r.message for r in caplog.records)
    assert reopened.store.meta("model") == embedder.name


def _mean_vectors_by_language(kb: KnowledgeBase) -> dict:
    rows = kb.store.db.execute("SELECT a.language, p.vector FROM passages p JOIN articles a "
                               "ON a.id = p.article_id").fetchall()
    by_language: dict = {}
    for language, blob in rows:
        by_language.setdefault(language, []).append(np.frombuffer(blob, dtype=np.float32))
    return {language: np.mean(vectors, axis=0) for language, vectors in by_language.items()}


def _assert_centroids_are_the_means(kb: KnowledgeBase, languages: set[str]) -> None:
    centroids = kb.store.language_centroids()
    assert set(centroids) == languages
    for language, vector in _mean_vectors_by_language(kb).items():
        assert np.allclose(centroids[language], vector, atol=1e-6)


def test_language_centroids_follow_adds_removes_and_a_model_change(kb, embedder):
    added = kb.add(from_pasted_text("Convoy log\nNorway delivered 40 generators to Kharkiv. "
                                    "Poland sent 12 ambulances to Lviv."))
    _assert_centroids_are_the_means(kb, {"fr", "en"})
    _run_sql(kb, "UPDATE meta SET value = 'another-model' WHERE key = 'model'")
    reopened = KnowledgeBase(kb.corpus_dir, kb.index_dir, embedder)  # re-embeds everything
    _assert_centroids_are_the_means(reopened, {"fr", "en"})
    reopened.remove(added.article.id)
    _assert_centroids_are_the_means(reopened, {"fr"})


def test_an_index_of_an_older_version_is_rebuilt_from_the_corpus(kb, embedder, caplog):
    _run_sql(kb, "UPDATE meta SET value = '1' WHERE key = 'schema_version'",
             "DELETE FROM language_sums", *WITHOUT_FACTS)
    with caplog.at_level("WARNING"):
        reopened = KnowledgeBase(kb.corpus_dir, kb.index_dir, embedder)
    assert any("another version" in r.message for r in caplog.records)
    assert reopened.problems() == []
    assert set(reopened.store.language_centroids()) == {"fr"}
    assert "sept mille" in reopened.search("how many laptops were sent?", k=1)[0].passage.text


def test_an_index_without_stored_facts_gets_them_in_place_without_re_embedding(kb, embedder,
                                                                                caplog):
    from index.facts import Facts

    added = kb.add(from_pasted_text(NEW)).article
    before = kb.store.db.execute("SELECT id, vector FROM passages ORDER BY id").fetchall()
    generation = kb.store.generation()
    _run_sql(kb, *WITHOUT_FACTS, "UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    with caplog.at_level("WARNING"):
        reopened = KnowledgeBase(kb.corpus_dir, kb.index_dir, embedder)
    assert not any("another version" in r.message for r in caplog.records)
    assert reopened.store.db.execute(
        "SELECT id, vector FROM passages ORDER BY id").fetchall() == before
    assert reopened.store.generation() == generation and reopened.problems() == []
    candidates = reopened.candidates("how many field kitchens did Norway pay for?")
    kitchens = next(c for c in candidates if c.hit.passage.article_id == added.id
                    and "twelve" in c.hit.passage.text)
    assert kitchens.facts == Facts.of(kitchens.hit.passage.text, added.title)
    assert kitchens.article.countries == {"NO"} and kitchens.facts.has_number
    answer_text = reopened.search("how many field kitchens did Norway pay for?", k=1)[0]
    assert answer_text.passage.text.startswith("Norway has paid for twelve")


def test_an_index_an_earlier_version_rebuilt_after_a_later_one_gets_its_facts(kb, embedder):
    """A later version's columns are kept by an earlier one, which leaves them empty."""
    from index.facts import Facts

    _run_sql(kb, "UPDATE passages SET facts = ''", "UPDATE articles SET facts = ''",
             "UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    reopened = KnowledgeBase(kb.corpus_dir, kb.index_dir, embedder)
    laptops = reopened.candidates("how many laptops were sent?")[0]
    assert laptops.facts == Facts.of(laptops.hit.passage.text, laptops.hit.passage.title)
    assert laptops.article.countries >= {"EE", "LU"}


def full_text_bytes(kb) -> int:
    return sum(kb.store.db.execute(f"SELECT coalesce(sum(length(block)), 0) FROM {table}_data"
                                   ).fetchone()[0] for table in ("passages_fts", "passages_tri"))


def test_removing_much_of_the_corpus_leaves_no_removed_text_in_the_full_text_index(kb):
    """A question's full-text queries read what FTS5 keeps of removed passages until it merges
    its segments: a write that removes a large share of the passages merges them."""
    before = full_text_bytes(kb)
    log = "\n".join(f"Convoy {i} brought {i + 3} generators and {i + 40} blankets to Sumy."
                    for i in range(120))
    added = kb.add(from_pasted_text(f"Convoy log for the winter\n{log}")).article
    assert full_text_bytes(kb) > 2 * before
    kb.remove(added.id)
    assert full_text_bytes(kb) < 1.1 * before  # unmerged: 4 times as much
    assert kb.store.full_text('"blankets"', 10) == []
