"""Dense (FAISS) and lexical (SQLite FTS5 BM25) retrieval, fused by reciprocal rank."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .language import FUNCTION_WORDS
from .store import StoredPassage

RRF_K = 60
_TERM = re.compile(r"\w{2,}", re.UNICODE)
MAX_TERMS = 32


@dataclass(frozen=True)
class Hit:
    passage: StoredPassage
    dense: float  # cosine similarity between the question and the passage's context
    # `dense` above what the question shares with every passage in the passage's language:
    # multilingual models score a same-language pair higher whatever it says, so an English
    # question would otherwise prefer any English sentence to the French one that answers it
    relevance: float
    lexical_rank: int | None  # 1-based BM25 rank, None when no word matched
    score: float  # reciprocal-rank fusion of both rankings


def match_expression(question: str) -> str:
    """An FTS5 query that matches any of the question's words but the function words that every
    passage has ("the", "de", "що"), quoted so that no query syntax leaks through."""
    terms = []
    for term in _TERM.findall(question.lower()):
        if term not in terms and term not in FUNCTION_WORDS:
            terms.append(term)
    return " OR ".join(f'"{t}"' for t in terms[:MAX_TERMS])


def fuse(dense_ids: list[int], lexical_ids: list[int]) -> dict[int, float]:
    scores: dict[int, float] = {}
    for ranking in (dense_ids, lexical_ids):
        for rank, pid in enumerate(ranking, start=1):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (RRF_K + rank)
    return scores


def rank_hits(
    dense: dict[int, float],
    lexical_ids: list[int],
    passages: dict[int, StoredPassage],
    k: int,
    language_baseline: dict[str, float],
) -> list[Hit]:
    """language_baseline: the question's mean similarity to the passages of each language."""
    relevance = {pid: score - language_baseline[passages[pid].language]
                 for pid, score in dense.items() if pid in passages}
    dense_ids = sorted(relevance, key=relevance.get, reverse=True)
    fused = fuse(dense_ids, lexical_ids)
    lexical_rank = {pid: rank for rank, pid in enumerate(lexical_ids, start=1)}
    # the fused ranking picks the k candidates (a word match can bring in one the vectors
    # missed); the vectors order them
    chosen = sorted((pid for pid in fused if pid in passages), key=fused.get, reverse=True)[:k]
    chosen.sort(key=lambda pid: relevance.get(pid, -1.0), reverse=True)
    return [
        Hit(passages[pid], float(dense.get(pid, 0.0)), relevance.get(pid, -1.0),
            lexical_rank.get(pid), fused[pid])
        for pid in chosen
    ]


def cosine_scores(query: np.ndarray, vectors: dict[int, np.ndarray]) -> dict[int, float]:
    return {pid: float(np.dot(query, vec)) for pid, vec in vectors.items()}
