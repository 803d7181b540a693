"""Dense (FAISS), lexical (SQLite FTS5 BM25 on words) and character (BM25 on trigrams of the
Latin-folded text) retrieval, fused by reciprocal rank."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .language import FUNCTION_WORDS
from .store import StoredPassage
from .text import latin_folded

RRF_K = 60
_TERM = re.compile(r"\w{2,}", re.UNICODE)
MAX_TERMS = 32
MAX_TRIGRAMS = 48
TRIGRAM_MIN_WORD = 4  # shorter words give trigrams that every text has


@dataclass(frozen=True)
class Hit:
    passage: StoredPassage
    dense: float  # cosine similarity between the question and the passage's context
    # `dense` above what the question shares with every passage in the passage's language:
    # multilingual models score a same-language pair higher whatever it says, so an English
    # question would otherwise prefer any English sentence to the French one that answers it
    relevance: float
    lexical_rank: int | None  # 1-based BM25 rank, None when no word matched
    score: float  # reciprocal-rank fusion of the rankings
    trigram_rank: int | None = None  # 1-based rank on character trigrams, None when none matched


def match_expression(question: str) -> str:
    """An FTS5 query that matches any of the question's words but the function words that every
    passage has ("the", "de", "що"), quoted so that no query syntax leaks through."""
    terms = []
    for term in _TERM.findall(question.lower()):
        if term not in terms and term not in FUNCTION_WORDS:
            terms.append(term)
    return " OR ".join(f'"{t}"' for t in terms[:MAX_TERMS])


def trigram_expression(question: str) -> str:
    """An FTS5 query on the trigram index: any trigram of the question's content words, folded
    as the index is ("Латвії" → "latvii")."""
    grams: list[str] = []
    for term in _TERM.findall(question.lower()):
        if term in FUNCTION_WORDS or len(term) < TRIGRAM_MIN_WORD:
            continue
        folded = latin_folded(term)
        for i in range(len(folded) - 2):
            gram = folded[i:i + 3]
            if gram not in grams and '"' not in gram:
                grams.append(gram)
    return " OR ".join(f'"{g}"' for g in grams[:MAX_TRIGRAMS])


def fuse(*rankings: list[int]) -> dict[int, float]:
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, pid in enumerate(ranking, start=1):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (RRF_K + rank)
    return scores


def rank_hits(
    dense: dict[int, float],
    lexical_ids: list[int],
    trigram_ids: list[int],
    languages: dict[int, str],
    k: int,
    language_baseline: dict[str, float],
    dense_depth: int,
    read: Callable[[list[int]], dict[int, StoredPassage]],
) -> list[Hit]:
    """languages: the language of each passage the channels found (a passage without one was
    removed since); language_baseline: the question's mean similarity to the passages of each
    language; the dense_depth most relevant passages take part in the fusion. Only the k
    chosen passages are read (`read`)."""
    relevance = {pid: score - language_baseline[languages[pid]]
                 for pid, score in dense.items() if pid in languages}
    dense_ids = sorted(relevance, key=relevance.get, reverse=True)[:dense_depth]
    fused = fuse(dense_ids, lexical_ids, trigram_ids)
    lexical_rank = {pid: rank for rank, pid in enumerate(lexical_ids, start=1)}
    trigram_rank = {pid: rank for rank, pid in enumerate(trigram_ids, start=1)}
    # the fused ranking picks the k candidates (a word match can bring in one the vectors
    # missed); the vectors order them
    chosen = sorted((pid for pid in fused if pid in languages), key=fused.get, reverse=True)[:k]
    chosen.sort(key=lambda pid: relevance.get(pid, -1.0), reverse=True)
    passages = read(chosen)
    return [
        Hit(passages[pid], float(dense.get(pid, 0.0)), relevance.get(pid, -1.0),
            lexical_rank.get(pid), fused[pid], trigram_rank.get(pid))
        for pid in chosen if pid in passages
    ]


def cosine_scores(query: np.ndarray, vectors: dict[int, np.ndarray]) -> dict[int, float]:
    return {pid: float(np.dot(query, vec)) for pid, vec in vectors.items()}
