"""SQLite (articles, passages, vectors, full-text index, model) and a FAISS file derived from it.

SQLite is the store's source of truth and every change is one transaction. The FAISS file is
named after the store's generation and written atomically after the commit: a missing or stale
file (a crash between the two) is rebuilt from the vectors kept in SQLite.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from .facts import Facts
from .faults import crash_point
from .text import latin_folded

log = logging.getLogger(__name__)

SCHEMA_VERSION = 4
# Below this many vectors an exact flat index is fast enough; from here an inverted-file index
# (IVF) searches a few of its lists: a few ms instead of 20 ms at 100k, and, unlike HNSW, it
# supports removal.
IVF_FROM = 50_000
IVF_PROBES = 64
# a long report or log is read up to this many passages for its article's facts: the ranker's
# article features need its gist
ARTICLE_TEXT_PASSAGES = 200
# A full-text term found in more passages than this is left out of the query: its BM25 weight is
# small, and scoring every passage it matches ("delivered" in 100,000) was the p95 tail of a
# question at 100k passages. The dense search still finds those passages. Below this many
# passages nothing is left out.
COMMON_TERM_ROWS = 2000
# A write that adds or removes at least this share of the passages left merges each full-text
# index into one segment ("optimize"). FTS5 writes a removed row's entries as delete markers in
# new segments, and every query reads them beside the entries they delete until a merge: with
# 90 % of 100,000 passages removed in one write, a question's trigram query took 22.7 / 44.0 ms
# (p50 / p95) unmerged and 5.9 / 10.5 ms merged, its word query 6.8 / 11.6 and 4.0 / 5.2 ms.
# That merge added 1.3 s to the write.
FULL_TEXT_MERGE_SHARE = 0.1
# (table, column) added to the schema since its first version, all TEXT NOT NULL DEFAULT ''
_ADDED_COLUMNS = (("articles", "facts"), ("passages", "facts"))
_QUOTED_TERM = re.compile(r'"[^"]*"')

# One thread per FAISS search: a question gains nothing from OpenMP's threads, and waking them
# cost tens of ms on a busy machine (the other p95 tail at 100k). Building an index uses them all.
faiss.omp_set_num_threads(1)


@contextmanager
def _all_cores() -> Iterator[None]:
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(1)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, source TEXT NOT NULL, published TEXT NOT NULL,
    language TEXT NOT NULL, file_size INTEGER NOT NULL, file_mtime_ns INTEGER NOT NULL,
    facts TEXT NOT NULL DEFAULT ''  -- of the whole article (index/facts.py)
);
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    paragraph INTEGER NOT NULL, sentence INTEGER NOT NULL, text TEXT NOT NULL,
    context TEXT NOT NULL, vector BLOB NOT NULL,
    facts TEXT NOT NULL DEFAULT ''  -- of the passage with its headline (index/facts.py)
);
-- by article, then paragraph: an article's headline (paragraph 0) is found without reading
-- its other passages
CREATE INDEX IF NOT EXISTS passages_article_paragraph ON passages(article_id, paragraph);
DROP INDEX IF EXISTS passages_article;
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
    text, tokenize = 'unicode61 remove_diacritics 2'
);
-- the same text folded to lower-case Latin letters, searched by character trigrams: cognates
-- across languages and scripts ("routers" ~ "routeurs" ~ "роутерів") share most of them
CREATE VIRTUAL TABLE IF NOT EXISTS passages_tri USING fts5(text, tokenize = 'trigram');
-- the sum of the passage vectors of each language, for language_centroids()
CREATE TABLE IF NOT EXISTS language_sums (
    language TEXT PRIMARY KEY, passages INTEGER NOT NULL, total BLOB NOT NULL
);
"""

_ARTICLES = (
    "SELECT a.id, a.title, a.source, a.published, a.language, a.file_size, a.file_mtime_ns, "
    "(SELECT count(*) FROM passages p WHERE p.article_id = a.id) FROM articles a"
)


@dataclass(frozen=True)
class StoredArticle:
    id: str
    title: str
    source: str
    published: str
    language: str
    file_size: int
    file_mtime_ns: int
    passages: int = 0


@dataclass(frozen=True)
class PassageLanguages:
    """Passage ids in ascending order, and each one's language as an index into `names`."""
    ids: np.ndarray
    codes: np.ndarray
    names: tuple[str, ...]

    @classmethod
    def of(cls, rows: Sequence[tuple[int, str]]) -> PassageLanguages:
        """From (passage id, language) rows in any order."""
        names = tuple(sorted({language for _, language in rows}))
        code = {name: i for i, name in enumerate(names)}
        ids = np.fromiter((pid for pid, _ in rows), np.int64, len(rows))
        codes = np.fromiter((code[language] for _, language in rows), np.int16, len(rows))
        order = np.argsort(ids, kind="stable")
        return cls(ids[order], codes[order], names)

    def lookup(self, ids: Sequence[int]) -> dict[int, str]:
        """The languages of those of `ids` it holds."""
        if not len(self.ids) or not ids:
            return {}
        wanted = np.asarray(ids, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.ids, wanted), len(self.ids) - 1)
        held = self.ids[at] == wanted
        return {int(pid): self.names[code]
                for pid, code in zip(wanted[held].tolist(), self.codes[at[held]].tolist(),
                                     strict=True)}


@dataclass(frozen=True)
class StoredPassage:
    id: int
    article_id: str
    paragraph: int
    sentence: int
    text: str
    context: str
    title: str
    source: str
    published: str
    language: str


@dataclass(frozen=True)
class NewPassage:
    paragraph: int
    sentence: int
    text: str
    context: str


class Store:
    def __init__(self, directory: Path):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "aidbot.sqlite"
        self._local = threading.local()
        self._term_rows: dict[tuple[str, str], tuple[int, int]] = {}  # → (generation, rows)
        self.db.executescript(_SCHEMA)
        with self._write() as db:
            version = self.meta("schema_version")
            if version is None:
                self._set_meta(db, "generation", "0")
            elif version != str(SCHEMA_VERSION):
                # tables an earlier version created lack the columns added since
                for table, column in _ADDED_COLUMNS:
                    if column not in {row[1] for row in db.execute(f"PRAGMA table_info({table})")}:
                        db.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT NOT NULL "
                                   "DEFAULT ''")
                if version == "3":
                    log.warning("computing what the ranker reads of each stored passage (once, "
                                "for this version of aidbot)")
                    self._fill_facts(db)
                else:
                    # derived data: emptied here, indexed again from the corpus by the next sync
                    log.warning("the index was built by another version of aidbot: "
                                "rebuilding it from the corpus")
                    for table in ("passages_fts", "passages_tri", "passages", "articles",
                                  "language_sums"):
                        db.execute(f"DELETE FROM {table}")
                    self._bump(db)
            self._set_meta(db, "schema_version", str(SCHEMA_VERSION))

    @staticmethod
    def _fill_facts(db: sqlite3.Connection) -> None:
        """The facts of schema 4, computed from the stored text: no re-embedding."""
        titles = dict(db.execute("SELECT id, title FROM articles"))
        texts: dict[str, list[str]] = {}
        updates = []
        for pid, article_id, text in db.execute(
                "SELECT id, article_id, text FROM passages ORDER BY id"):
            texts.setdefault(article_id, []).append(text)
            updates.append((Facts.of(text, titles.get(article_id, "")).stored(), pid))
        db.executemany("UPDATE passages SET facts = ? WHERE id = ?", updates)
        db.executemany("UPDATE articles SET facts = ? WHERE id = ?",
                       [(article_facts(lines).stored(), article_id)
                        for article_id, lines in texts.items()])

    # ---- connections --------------------------------------------------------------------
    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection (SQLite connections are not shared across threads)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None,
                                 check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
        return db

    def _write(self) -> _Transaction:
        return _Transaction(self.db)

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # ---- meta ---------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @staticmethod
    def _set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
        db.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                   "SET value = excluded.value", (key, value))

    def generation(self) -> int:
        return int(self.meta("generation") or 0)

    def _bump(self, db: sqlite3.Connection) -> int:
        generation = int(db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0])
        self._set_meta(db, "generation", str(generation + 1))
        return generation + 1

    # ---- reads --------------------------------------------------------------------------
    def articles(self) -> list[StoredArticle]:
        rows = self.db.execute(_ARTICLES + " ORDER BY a.title, a.id").fetchall()
        return [StoredArticle(*row) for row in rows]

    def article(self, article_id: str) -> StoredArticle | None:
        return next((a for a in self.articles_by_ids([article_id])), None)

    def articles_by_ids(self, ids: Sequence[str]) -> list[StoredArticle]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(_ARTICLES + f" WHERE a.id IN ({marks})", list(ids)).fetchall()
        return [StoredArticle(*row) for row in rows]

    def passages(self, ids: Sequence[int]) -> dict[int, StoredPassage]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            "SELECT p.id, p.article_id, p.paragraph, p.sentence, p.text, p.context, a.title, "
            "a.source, a.published, a.language FROM passages p JOIN articles a "
            f"ON a.id = p.article_id WHERE p.id IN ({marks})", [int(i) for i in ids]
        ).fetchall()
        return {row[0]: StoredPassage(*row) for row in rows}

    def languages(self, ids: Sequence[int]) -> dict[int, str]:
        """Each passage's language (its article's)."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        return dict(self.db.execute(
            "SELECT p.id, a.language FROM passages p JOIN articles a ON a.id = p.article_id "
            f"WHERE p.id IN ({marks})", [int(i) for i in ids]).fetchall())

    def all_languages(self) -> PassageLanguages:
        """Every passage's language, read once per generation: a question then looks up those
        of its pool of hundreds of passages in memory, not in SQLite. Sorted in memory: ordered
        by id, SQLite reads the passage rows themselves (text, vector, facts), not just an
        index, and took 200-300 ms at 100,000 passages instead of about 100."""
        return PassageLanguages.of(self.db.execute(
            "SELECT p.id, a.language FROM passages p JOIN articles a ON a.id = p.article_id"
        ).fetchall())

    def vectors(self, ids: Sequence[int]) -> dict[int, np.ndarray]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT id, vector FROM passages WHERE id IN ({marks})",
                               [int(i) for i in ids]).fetchall()
        return {row[0]: np.frombuffer(row[1], dtype=np.float32) for row in rows}

    def headline_vectors(self, article_ids: Iterable[str]) -> dict[str, np.ndarray]:
        ids = list(article_ids)
        rows = self.db.execute(
            f"SELECT article_id, vector FROM passages WHERE paragraph = 0 AND article_id IN "
            f"({','.join('?' * len(ids))})", ids).fetchall()
        return {row[0]: np.frombuffer(row[1], dtype=np.float32) for row in rows}

    def vectors_and_facts(self, ids: Sequence[int]) -> dict[int, tuple[np.ndarray, Facts]]:
        """Each passage's vector, and its facts as index/facts.py computed them when it was
        written."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT id, vector, facts FROM passages WHERE id IN ({marks})",
                               [int(i) for i in ids]).fetchall()
        return {pid: (np.frombuffer(vector, dtype=np.float32), Facts.from_stored(facts))
                for pid, vector, facts in rows}

    def article_facts(self, article_ids: Iterable[str]) -> dict[str, Facts]:
        """Each whole article's facts."""
        ids = list(article_ids)
        rows = self.db.execute(f"SELECT id, facts FROM articles WHERE id IN "
                               f"({','.join('?' * len(ids))})", ids).fetchall()
        return {article_id: Facts.from_stored(facts) for article_id, facts in rows}

    def language_centroids(self) -> dict[str, np.ndarray]:
        """The mean passage vector of each article language."""
        rows = self.db.execute("SELECT language, passages, total FROM language_sums "
                               "WHERE passages > 0").fetchall()
        return {language: (np.frombuffer(total, dtype=np.float64) / count).astype(np.float32)
                for language, count, total in rows}

    def full_text(self, match: str, k: int, table: str = "passages_fts") -> list[tuple[int, float]]:
        """(passage id, bm25 score: lower is better) for an FTS5 MATCH expression, on the
        word index or on the trigram index ("passages_tri")."""
        match = self._without_common_terms(match, table)
        if not match:
            return []
        try:
            return self.db.execute(
                f"SELECT rowid, bm25({table}) AS score FROM {table} "
                f"WHERE {table} MATCH ? ORDER BY score LIMIT ?", (match, k)
            ).fetchall()
        except sqlite3.OperationalError:
            return []

    def _without_common_terms(self, match: str, table: str) -> str:
        """An OR of quoted terms without those in more than COMMON_TERM_ROWS passages (counted
        once per term and generation); any other expression unchanged."""
        terms = _QUOTED_TERM.findall(match)
        if " OR ".join(terms) != match:
            return match
        top = self.db.execute("SELECT max(id) FROM passages").fetchone()[0] or 0
        if top <= COMMON_TERM_ROWS:  # no more passages than the highest id: nothing to leave out
            return match
        generation = self.generation()
        if len(self._term_rows) > 50_000:
            self._term_rows.clear()
        kept = []
        for term in terms:
            known = self._term_rows.get((table, term))
            if known is None or known[0] != generation:
                try:
                    # counted up to one past the limit: a trigram is in most passages
                    rows = self.db.execute(
                        f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ? "
                        "LIMIT ?)", (term, COMMON_TERM_ROWS + 1)).fetchone()[0]
                except sqlite3.OperationalError:
                    rows = 0
                known = self._term_rows[(table, term)] = (generation, rows)
            if known[1] <= COMMON_TERM_ROWS:
                kept.append(term)
        return " OR ".join(kept)

    # ---- writes -------------------------------------------------------------------------
    def replace_articles(self, items: Iterable[tuple[StoredArticle, list[NewPassage], np.ndarray]],
                         remove: Iterable[str] = (), model: tuple[str, int] | None = None) -> int:
        """Insert or replace articles with their passages and remove others, in one transaction.
        Returns the new generation."""
        with self._write() as db:
            # another model re-embeds everything: its language sums are counted afresh below
            recount = model is not None and (self.meta("model"), self.meta("dimension")) not in (
                (None, None), (model[0], str(model[1])))
            changed = 0
            for article_id in remove:
                changed += self._delete(db, article_id, recount)
            for article, passages, vectors in items:
                changed += self._delete(db, article.id, recount) + len(passages)
                db.execute(
                    "INSERT INTO articles(id, title, source, published, language, file_size, "
                    "file_mtime_ns, facts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (article.id, article.title, article.source, article.published,
                     article.language, article.file_size, article.file_mtime_ns,
                     article_facts([p.text for p in passages]).stored()),
                )
                if not recount:
                    self._add_to_language_sum(db, article.language,
                                              np.asarray(vectors, np.float64).sum(axis=0),
                                              len(passages))
                for passage, vector in zip(passages, vectors, strict=True):
                    cur = db.execute(
                        "INSERT INTO passages(article_id, paragraph, sentence, text, context, "
                        "vector, facts) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (article.id, passage.paragraph, passage.sentence, passage.text,
                         passage.context, np.asarray(vector, dtype=np.float32).tobytes(),
                         Facts.of(passage.text, article.title).stored()),
                    )
                    db.execute("INSERT INTO passages_fts(rowid, text) VALUES (?, ?)",
                               (cur.lastrowid, passage.text))
                    db.execute("INSERT INTO passages_tri(rowid, text) VALUES (?, ?)",
                               (cur.lastrowid, latin_folded(passage.text)))
            if recount:
                self._count_language_sums(db)
            if changed and changed >= FULL_TEXT_MERGE_SHARE * db.execute(
                    "SELECT count(*) FROM passages").fetchone()[0]:
                for table in ("passages_fts", "passages_tri"):
                    db.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
            if model is not None:
                self._set_meta(db, "model", model[0])
                self._set_meta(db, "dimension", str(model[1]))
            generation = self._bump(db)
            crash_point("store-before-commit")
            return generation

    @staticmethod
    def _add_to_language_sum(db: sqlite3.Connection, language: str, total: np.ndarray,
                             count: int) -> None:
        row = db.execute("SELECT passages, total FROM language_sums WHERE language = ?",
                         (language,)).fetchone()
        if row is not None:
            count += row[0]
            total = total + np.frombuffer(row[1], dtype=np.float64)
        total = np.zeros_like(total) if count == 0 else total  # no rounding residue left over
        db.execute("INSERT OR REPLACE INTO language_sums(language, passages, total) "
                   "VALUES (?, ?, ?)", (language, count, np.asarray(total, np.float64).tobytes()))

    @staticmethod
    def _count_language_sums(db: sqlite3.Connection) -> None:
        sums: dict[str, tuple[np.ndarray, int]] = {}
        for language, blob in db.execute("SELECT a.language, p.vector FROM passages p "
                                         "JOIN articles a ON a.id = p.article_id"):
            total, count = sums.get(language, (0.0, 0))
            sums[language] = (total + np.frombuffer(blob, dtype=np.float32).astype(np.float64),
                               count + 1)
        db.execute("DELETE FROM language_sums")
        db.executemany("INSERT INTO language_sums(language, passages, total) VALUES (?, ?, ?)",
                       [(language, count, np.asarray(total, np.float64).tobytes())
                        for language, (total, count) in sums.items()])

    @classmethod
    def _delete(cls, db: sqlite3.Connection, article_id: str, recount: bool = False) -> int:
        """Removes the article and its passages; returns how many passages it had."""
        rows = [] if recount else db.execute(
            "SELECT a.language, p.vector FROM passages p JOIN articles a "
            "ON a.id = p.article_id WHERE a.id = ?", (article_id,)).fetchall()
        if rows:
            vectors = np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
            cls._add_to_language_sum(db, rows[0][0], -vectors.astype(np.float64).sum(axis=0),
                                     -len(rows))
        for table in ("passages_fts", "passages_tri"):
            db.execute(f"DELETE FROM {table} WHERE rowid IN "
                       "(SELECT id FROM passages WHERE article_id = ?)", (article_id,))
        removed = db.execute("DELETE FROM passages WHERE article_id = ?", (article_id,)).rowcount
        db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        return removed

    def touch_article(self, article_id: str, size: int, mtime_ns: int) -> None:
        with self._write() as db:
            db.execute("UPDATE articles SET file_size = ?, file_mtime_ns = ? WHERE id = ?",
                       (size, mtime_ns, article_id))

    # ---- vectors ------------------------------------------------------------------------
    def faiss_path(self, generation: int) -> Path:
        return self.directory / f"vectors-{generation}.faiss"

    def load_vectors(self, generation: int, save: bool = False) -> faiss.Index:
        """The FAISS index for this generation, rebuilt from SQLite when its file is missing
        (and written back when `save`: only a writer holding the lock may)."""
        path = self.faiss_path(generation)
        if path.is_file():
            try:
                return _tuned(faiss.read_index(str(path)))
            except RuntimeError:
                log.warning("the vector file %s is damaged: rebuilding it", path.name)
        else:
            log.info("no vector file for generation %d: rebuilding it from the store", generation)
        index = self.build_vectors()
        if save:
            self.save_vectors(index, generation)
        return index

    def build_vectors(self) -> faiss.Index:
        dimension = int(self.meta("dimension") or 0) or 1
        ids, blobs = [], []
        for pid, blob in self.db.execute("SELECT id, vector FROM passages ORDER BY id"):
            ids.append(pid)
            blobs.append(blob)
        vectors = (np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(-1, dimension)
                   if blobs else np.zeros((0, dimension), dtype=np.float32))
        with _all_cores():
            index = new_index(dimension, vectors)
            if ids:
                index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))
        return index

    def save_vectors(self, index: faiss.Index, generation: int) -> None:
        path = self.faiss_path(generation)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        faiss.write_index(index, str(tmp))
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        crash_point("vectors-file-written")
        os.replace(tmp, path)
        for old in self.directory.glob("vectors-*.faiss"):
            if old != path:
                old.unlink(missing_ok=True)
        for stale in self.directory.glob(".vectors-*.tmp-*"):
            if not _pid_alive(stale.name.rsplit("-", 1)[-1]):
                stale.unlink(missing_ok=True)

    def passage_ids(self, article_id: str) -> list[int]:
        rows = self.db.execute("SELECT id FROM passages WHERE article_id = ?", (article_id,))
        return [row[0] for row in rows]


def article_facts(texts: Sequence[str]) -> Facts:
    """The facts of an article from its passages' texts, in order (its headline first)."""
    return Facts.of("\n".join(texts[:ARTICLE_TEXT_PASSAGES]))


def new_index(dimension: int, vectors: np.ndarray) -> faiss.Index:
    """An empty index suited to this many vectors (trained on them when it needs training)."""
    if len(vectors) < IVF_FROM:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
    lists = int(4 * np.sqrt(len(vectors)))
    quantizer = faiss.IndexFlatIP(dimension)
    inner = faiss.IndexIVFFlat(quantizer, dimension, lists, faiss.METRIC_INNER_PRODUCT)
    sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), lists * 40),
                                             replace=False)
    inner.train(vectors[np.sort(sample)])
    return _tuned(faiss.IndexIDMap2(inner))


def _tuned(index: faiss.Index) -> faiss.Index:
    inner = faiss.downcast_index(index.index) if hasattr(index, "index") else index
    if isinstance(inner, faiss.IndexIVF):
        inner.nprobe = IVF_PROBES
    return index


def suits(index: faiss.Index, count: int) -> bool:
    """Whether the index can take changes in place at this size (flat below IVF_FROM, IVF from
    there on: both support removal)."""
    inner = faiss.downcast_index(index.index)
    if isinstance(inner, faiss.IndexIVF):
        return True
    return isinstance(inner, faiss.IndexFlat) and count < IVF_FROM


def _pid_alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


class _Transaction:
    """`with` block = one IMMEDIATE transaction on an autocommit connection."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, exc, tb) -> None:
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")
