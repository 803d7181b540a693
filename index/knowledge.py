"""The knowledge store as one object: the corpus folder, the SQLite + FAISS index built from it,
and search. Writers are serialised across processes; readers never wait for them."""

from __future__ import annotations

import fcntl
import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from . import articles as corpus
from .articles import Article
from .embeddings import Embedder, ShortTexts
from .faults import crash_point
from .passages import split_article
from .rank import LEARNED, Candidate, QuestionTerms, Ranked, Ranker
from .search import Hit, cosine_scores, match_expression, rank_hits, trigram_expression
from .store import NewPassage, PassageLanguages, Store, StoredArticle, suits

log = logging.getLogger(__name__)

CANDIDATES = 100  # from each channel
DENSE_POOL = 400  # nearest by raw cosine, of which the CANDIDATES most relevant are kept
RANKED_CANDIDATES = 100  # fused, for the ranker


@dataclass(frozen=True)
class ArticleInfo:
    id: str
    title: str
    source: str
    published: str
    language: str
    passages: int


@dataclass(frozen=True)
class AddResult:
    article: ArticleInfo
    duplicate: bool  # True: the same text was already in the corpus; nothing changed


Progress = Callable[[int, int], None]


def _info(a: StoredArticle) -> ArticleInfo:
    return ArticleInfo(a.id, a.title, a.source, a.published, a.language, a.passages)


class KnowledgeBase:
    def __init__(self, corpus_dir: Path, index_dir: Path, embedder: Embedder,
                 sync: bool = True, learned: Path = LEARNED):
        """learned: the folder of the ranker and decision (`make train` measures new ones)."""
        self.corpus_dir = corpus_dir
        self.learned = learned
        self.index_dir = index_dir
        self.embedder = embedder
        self.short_texts = ShortTexts(embedder)
        index_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(index_dir)
        self._lock_path = index_dir / "write.lock"
        self._thread_lock = threading.RLock()
        self._vectors: faiss.Index | None = None
        self._centroids: dict[str, np.ndarray] = {}
        self._languages: tuple[int, PassageLanguages] | None = None  # and its generation
        self._generation = -1
        self._swap = threading.Lock()
        self._queries: dict[str, np.ndarray] = {}
        # the full-text search runs while the question is embedded (both release the GIL)
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="aidbot-search")
        self._ranker: Ranker | None = None
        self._ranker_lock = threading.Lock()
        if sync:
            self.sync()

    @classmethod
    def open(cls, corpus_dir: Path, index_dir: Path, model: str | None = None,
             models_dir: Path | None = None, progress: bool = False,
             sync: bool = True) -> KnowledgeBase:
        """sync=False: leave the index as it is (`rebuild` will index everything anyway)."""
        embedder = Embedder(model, models_dir or index_dir / "models", progress=progress)
        knowledge = cls(corpus_dir, index_dir, embedder, sync=False)
        if sync:
            knowledge.sync(progress=progress)
        return knowledge

    def close(self) -> None:
        self._pool.shutdown(wait=False)
        self.store.close()

    # ---- locking ------------------------------------------------------------------------
    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One writer at a time, in this process and across processes."""
        with self._thread_lock, open(self._lock_path, "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # ---- keeping the index equal to the corpus ------------------------------------------
    def sync(self, progress: bool = False) -> None:
        """Index what the corpus has and the store lacks, drop what the corpus lost, re-embed
        everything when the model changed. Cheap when nothing changed."""
        with self._writing():
            model = (self.embedder.name, self.embedder.dimension)
            stored_model = (self.store.meta("model"), int(self.store.meta("dimension") or 0))
            stored = {a.id: a for a in self.store.articles()}
            if stored and stored_model != model:
                log.warning("the index was built with %s (%d dims), not %s (%d dims): "
                            "re-embedding every passage", *stored_model, *model)
                stale = set(stored)
            else:
                stale = set()
            on_disk = {p.stem: p for p in corpus.corpus_files(self.corpus_dir)}
            for leftover in self.corpus_dir.glob(".tmp-*.md"):
                leftover.unlink(missing_ok=True)  # a write killed before its rename
            for article_id, path in on_disk.items():
                known = stored.get(article_id)
                st = path.stat()
                if known is None:
                    log.info("indexing %s: it is in the corpus but not in the index", path.name)
                    stale.add(article_id)
                elif (known.file_size, known.file_mtime_ns) != (st.st_size, st.st_mtime_ns):
                    if self._article_changed(known, path):
                        log.info("re-indexing %s: its file changed", path.name)
                        stale.add(article_id)
                    else:
                        self.store.touch_article(article_id, st.st_size, st.st_mtime_ns)
            gone = [a for a in stored if a not in on_disk]
            for article_id in gone:
                log.info("removing %s from the index: it is no longer in the corpus", article_id)
            todo = [corpus.read_corpus_file(on_disk[a]) for a in sorted(stale) if a in on_disk]
            if todo or gone or not stored_model[0]:
                self._index_articles(todo, remove=gone, progress=progress)
            self._refresh(force=True, save=True)

    def _article_changed(self, known: StoredArticle, path: Path) -> bool:
        article = corpus.read_corpus_file(path)
        current = [p.text for p in split_article(article)]
        stored = [row[0] for row in self.store.db.execute(
            "SELECT text FROM passages WHERE article_id = ? ORDER BY id", (known.id,))]
        return current != stored or article.title != known.title

    def rebuild(self, progress: bool = False) -> int:
        """Re-embed the whole corpus; returns the number of passages."""
        with self._writing():
            on_disk = corpus.corpus_files(self.corpus_dir)
            stored = [a.id for a in self.store.articles()]
            self._index_articles([corpus.read_corpus_file(p) for p in on_disk],
                                 remove=stored, progress=progress, full=True)
            self._refresh(force=True, save=True)
        return sum(a.passages for a in self.store.articles())

    def _index_articles(self, items: list[Article], remove: list[str] = (),
                        progress: bool = False, full: bool = False) -> None:
        prepared = []
        all_passages = []
        for article in items:
            passages = split_article(article)
            prepared.append((article, passages))
            all_passages.extend(passages)
        vectors = self._embed_passages(all_passages, progress and len(all_passages) > 64)
        rows, start = [], 0
        for article, passages in prepared:
            path = self.corpus_dir / f"{article.id}.md"
            st = path.stat()
            stored = StoredArticle(article.id, article.title, article.source, article.published,
                                   article.language, st.st_size, st.st_mtime_ns)
            new = [NewPassage(p.paragraph, p.sentence, p.text, p.context) for p in passages]
            rows.append((stored, new, vectors[start:start + len(passages)]))
            start += len(passages)
        replaced = {a.id for a in items} | set(remove)
        old_ids = [pid for aid in replaced for pid in self.store.passage_ids(aid)]
        generation = self.store.replace_articles(
            rows, remove=remove, model=(self.embedder.name, self.embedder.dimension))
        current = self._vectors
        total = current.ntotal + len(vectors) if current is not None else 0
        if full or current is None or not suits(current, total) or (
                current.ntotal and current.d != self.embedder.dimension):
            index = self.store.build_vectors()
        else:
            index = faiss.clone_index(current)
            if old_ids:
                index.remove_ids(np.asarray(old_ids, dtype=np.int64))
            new_ids = [pid for aid in {a.id for a in items} for pid in self.store.passage_ids(aid)]
            if new_ids:
                stored_vectors = self.store.vectors(new_ids)
                index.add_with_ids(np.vstack([stored_vectors[i] for i in new_ids]),
                                   np.asarray(new_ids, dtype=np.int64))
        crash_point("store-committed")
        self.store.save_vectors(index, generation)
        crash_point("vectors-saved")
        centroids = self.store.language_centroids()
        with self._swap:
            self._vectors, self._centroids, self._generation = index, centroids, generation

    def _embed_passages(self, passages: list, progress: bool) -> np.ndarray:
        """Mean of the sentence's own vector and the vector of the sentence in its context
        (headline + sentence): the context finds it, the sentence alone keeps it specific.
        One text per passage lost recall@1 on the question bank (3.5 points for the best one
        tried, the sentence under its headline), so both are embedded: in one call batched by
        length, each distinct text once (a headline is its own context)."""
        texts = [p.text for p in passages]
        contexts = [p.context for p in passages]
        distinct = list(dict.fromkeys(texts + contexts))
        vectors = self.embedder.passages(distinct, progress=progress)
        row = {text: i for i, text in enumerate(distinct)}
        alone = vectors[[row[t] for t in texts]]
        in_context = vectors[[row[c] for c in contexts]]
        return ((alone + in_context) / 2).astype(np.float32)

    # ---- changes ------------------------------------------------------------------------
    def add(self, article: Article, progress: bool = False) -> AddResult:
        return self.add_many([article], progress=progress)[0]

    def add_many(self, items: list[Article], progress: bool = False) -> list[AddResult]:
        results: dict[str, bool] = {}
        with self._writing():
            self._refresh()
            known = {a.id for a in self.store.articles()}
            todo: list[Article] = []
            for article in items:
                if article.id in known or article.id in results:
                    results.setdefault(article.id, True)
                    continue
                corpus.write_corpus_file(self.corpus_dir, article)
                crash_point("corpus-file-renamed")
                results[article.id] = False
                todo.append(article)
            if todo:
                self._index_articles(todo, progress=progress)
            infos = {a.id: _info(a) for a in self.store.articles_by_ids(list(results))}
        return [AddResult(infos[a.id], results[a.id]) for a in items]

    def remove(self, article_id: str) -> ArticleInfo:
        with self._writing():
            self._refresh()
            found = self.store.article(article_id)
            if found is None:
                raise KeyError(article_id)
            # the corpus first: a crash after this line leaves an index entry that the next
            # sync drops, never a corpus file that would come back
            (self.corpus_dir / f"{article_id}.md").unlink(missing_ok=True)
            crash_point("corpus-file-removed")
            self._index_articles([], remove=[article_id])
            return _info(found)

    # ---- reads --------------------------------------------------------------------------
    def articles(self) -> list[ArticleInfo]:
        return [_info(a) for a in self.store.articles()]

    def article(self, article_id: str) -> ArticleInfo | None:
        found = self.store.article(article_id)
        return _info(found) if found else None

    def _refresh(self, force: bool = False, save: bool = False) -> faiss.Index:
        """Pick up changes committed by another process (or a crash-interrupted write)."""
        generation = self.store.generation()
        with self._swap:
            if generation == self._generation and self._vectors is not None and not force:
                return self._vectors
        index = self.store.load_vectors(generation, save=save)
        centroids = self.store.language_centroids()
        with self._swap:
            if generation >= self._generation or force:
                self._vectors, self._centroids, self._generation = index, centroids, generation
            return self._vectors

    def _passage_languages(self) -> PassageLanguages:
        """Every passage's language, read at the first search of each generation (about 170 ms
        at 100,000 passages: a writer that never searches never pays it)."""
        with self._swap:
            generation, known = self._generation, self._languages
        if known is None or known[0] != generation:
            known = (generation, self.store.all_languages())
            with self._swap:
                if self._generation == generation:
                    self._languages = known
        return known[1]

    def _query_vector(self, question: str) -> np.ndarray:
        """Embedding of a question; the last few are kept, as one answer asks for it twice."""
        with self._swap:
            cached = self._queries.get(question)
        if cached is not None:
            return cached
        vector = self.embedder.queries([question])[0]
        with self._swap:
            self._queries[question] = vector
            if len(self._queries) > 64:
                self._queries.pop(next(iter(self._queries)))
        return vector

    def search(self, question: str, k: int = 10) -> list[Hit]:
        vectors = self._refresh()
        lexical_search = self._pool.submit(
            self.store.full_text, match_expression(question), CANDIDATES)
        trigram_search = self._pool.submit(
            self.store.full_text, trigram_expression(question), CANDIDATES, "passages_tri")
        query = self._query_vector(question)
        dense: dict[int, float] = {}
        if vectors.ntotal:
            # the raw cosine favours the question's own language: a wider pool, then relevance
            scores, ids = vectors.search(query[None, :], min(DENSE_POOL, vectors.ntotal))
            dense = {int(i): float(s) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0}
        lexical = [pid for pid, _ in lexical_search.result()]
        trigram = [pid for pid, _ in trigram_search.result()]
        missing = [pid for pid in dict.fromkeys(lexical + trigram) if pid not in dense]
        dense.update(cosine_scores(query, self.store.vectors(missing)))
        languages = self._passage_languages().lookup(list(dense))
        with self._swap:
            centroids = self._centroids
        written_since = [pid for pid in dense if pid not in languages]
        if written_since:  # found by the full-text channels, which read the live store
            languages.update(self.store.languages(written_since))
        if set(languages.values()) - centroids.keys():
            # a passage of a language this snapshot lacks was written (or removed) since
            centroids = self.store.language_centroids()
        shared = {language: float(np.dot(query, c)) for language, c in centroids.items()}
        # without its language's baseline a passage cannot be ranked: its article is gone
        languages = {pid: lang for pid, lang in languages.items() if lang in shared}
        return rank_hits(dense, lexical, trigram, languages, k, shared, CANDIDATES,
                         self.store.passages)

    @property
    def ranker(self) -> Ranker:
        with self._ranker_lock:
            if self._ranker is None:
                self._ranker = Ranker(self.learned)
            return self._ranker

    def candidates(self, question: str, k: int = RANKED_CANDIDATES) -> list[Candidate]:
        """The search hits with what the ranker needs beside them."""
        hits = self.search(question, k)
        if not hits:
            return []
        query = self._query_vector(question)
        stored = self.store.vectors_and_facts([h.passage.id for h in hits])
        article_ids = {h.passage.article_id for h in hits}
        headlines = self.store.headline_vectors(article_ids)
        article_facts = self.store.article_facts(article_ids)
        with self._swap:
            centroids = self._centroids
        out = []
        for h in hits:
            article = article_facts.get(h.passage.article_id)
            if h.passage.id not in stored or article is None:
                continue  # its article was removed since the search read it
            vector, passage = stored[h.passage.id]
            headline = headlines.get(h.passage.article_id)
            centroid = centroids.get(h.passage.language)
            out.append(Candidate(
                h, vector,
                float(np.dot(query, headline)) if headline is not None else -1.0,
                float(np.dot(vector, centroid)) if centroid is not None else 0.0,
                passage, article))
        return out

    def rank(self, question: str, k: int = RANKED_CANDIDATES) -> tuple[QuestionTerms, list[Ranked]]:
        """Candidates ordered by the learned ranker, best first."""
        terms = QuestionTerms.of(question)
        # the first time, the ranker loads while the question is searched: importing LightGBM
        # (which imports scikit-learn) takes about 2.5 s, longer than loading the model; a cold
        # ask answers about 0.8 s sooner and peaks about 25 MB higher than one after the other
        loading = self._pool.submit(lambda: self.ranker) if self._ranker is None else None
        candidates = self.candidates(question, k)
        ranker = loading.result() if loading is not None else self.ranker
        return terms, ranker.rank(terms, candidates)

    def answer_probability(self, terms: QuestionTerms, ranked: list[Ranked]) -> float:
        """Calibrated probability that the best of `ranked` answers the question."""
        return self.ranker.answer_probability(terms, ranked, self.short_texts.vectors)

    def warm_up(self) -> None:
        """Load what the first question would otherwise wait for: the model and the ranker
        (a question's search embeds it, which loads the model)."""
        self.rank("warm up")

    def headline_score(self, question: str, article_id: str) -> float:
        """Similarity of the question to the article's headline passage, on the same scale as
        search hits (-1 when the article has no headline)."""
        row = self.store.db.execute(
            "SELECT vector FROM passages WHERE article_id = ? AND paragraph = 0 LIMIT 1",
            (article_id,),
        ).fetchone()
        if row is None:
            return -1.0
        query = self._query_vector(question)
        return float(np.dot(query, np.frombuffer(row[0], dtype=np.float32)))

    def problems(self) -> list[str]:
        """Every way the corpus, SQLite and FAISS disagree (empty when consistent)."""
        found = []
        db = self.store.db
        on_disk = {p.stem: p for p in corpus.corpus_files(self.corpus_dir)}
        stored = {a.id: a for a in self.store.articles()}
        for article_id in on_disk.keys() - stored.keys():
            found.append(f"{article_id} is in the corpus but not indexed")
        for article_id in stored.keys() - on_disk.keys():
            found.append(f"{article_id} is indexed but not in the corpus")
        for article_id in on_disk.keys() & stored.keys():
            expected = len(split_article(corpus.read_corpus_file(on_disk[article_id])))
            if stored[article_id].passages != expected:
                found.append(f"{article_id} has {stored[article_id].passages} passages, "
                             f"expected {expected}")
        orphans = db.execute("SELECT count(*) FROM passages WHERE article_id NOT IN "
                             "(SELECT id FROM articles)").fetchone()[0]
        if orphans:
            found.append(f"{orphans} passages belong to no article")
        ids = {row[0] for row in db.execute("SELECT id FROM passages")}
        for table, name in (("passages_fts", "full-text"), ("passages_tri", "trigram")):
            rows = {row[0] for row in db.execute(f"SELECT rowid FROM {table}")}
            if ids != rows:
                found.append(f"{name} index has {len(rows)} rows for {len(ids)} passages")
        vectors = self._refresh()
        faiss_ids = set(faiss.vector_to_array(vectors.id_map).tolist()) if vectors.ntotal else set()
        if faiss_ids != ids:
            found.append(f"FAISS holds {len(faiss_ids)} vectors for {len(ids)} passages")
        return found
