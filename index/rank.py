"""The learned part of search: features of (question, candidate passage), a LightGBM ranker over
them, and a calibrated probability that the best candidate answers the question.

The model files in `learned/` are small, committed, and rebuilt from the question bank by
`make train` (scripts/train.py). A signal worth having becomes a feature here, never a yes/no
gate: the ranker learns how much each one counts.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import language as languages
from . import text
from .facts import Facts, folded
from .search import Hit
from .store import StoredPassage

LEARNED = Path(__file__).with_name("learned")
DECISION_FILE = "decision.json"
# the ranker is the mean of this many boosters fitted with consecutive seeds: one booster's seed
# alone moves the decision's right answers on dev by 10 points (eval/README.md)
RANKERS = 5
NO_RANK = 100  # the rank given to a candidate a channel did not return
# every article is about aid to Ukraine: a question naming it names the destination, which a
# sentence need not repeat ("How many laptops did Ukraine receive?")
DESTINATION = "UA"

FEATURES = (
    "dense", "relevance", "dense_rank", "relevance_rank", "dense_gap", "relevance_gap",
    "lexical_rank", "trigram_rank", "fused", "is_headline", "paragraph", "sentence",
    "headline_dense", "over_headline", "article_best_gap", "article_rank", "article_candidates",
    "words", "question_words", "stem_coverage", "trigram_overlap", "key_terms",
    "key_terms_missing", "key_term_coverage", "question_countries", "countries_missing",
    "countries_listed", "asks_count", "has_number", "asks_price", "has_money", "asks_when",
    "has_date", "same_language", "digits_missing", "hubness",
    # the whole article: does it speak of what the question names, anywhere?
    "article_stem_coverage", "article_trigram_coverage", "article_key_term_coverage",
    "article_countries_missing", "article_digits_missing",
    # the question's stems weighted by how few candidates have them: one they all share says little
    "rare_stem_coverage",
    # the question asks which country or who; the sentence names a country other than Ukraine
    "asks_country", "names_country",
)


@dataclass(frozen=True)
class Candidate:
    """A search hit with what the ranker needs beside it."""

    hit: Hit
    vector: np.ndarray  # the passage's own vector
    headline_dense: float  # the question's cosine with the headline of the passage's article
    hubness: float  # the passage's cosine with the mean passage of its language
    facts: Facts  # the passage's, with its headline's words
    article: Facts  # its whole article's


@dataclass(frozen=True)
class Ranked:
    hit: Hit
    score: float  # the ranker's probability that this passage answers
    row: np.ndarray  # its FEATURES


@dataclass(frozen=True)
class QuestionTerms:
    """What the features need of a question, computed once per question."""

    text: str
    language: str
    stems: frozenset[str]
    trigrams: frozenset[str]
    key_terms: tuple[str, ...]
    countries: frozenset[str]
    digits: tuple[str, ...]
    asks_count: bool
    asks_price: bool
    asks_when: bool
    asks_country: bool
    words: tuple[str, ...]  # what its meaning rests on (match_words)

    @classmethod
    def of(cls, question: str) -> QuestionTerms:
        lang = languages.detect(question)
        content = _content_words(question)
        codes: set[str] = set()
        for w in text.words(question):
            codes |= text.countries(w)
        return cls(
            text=question,
            language=lang,
            stems=frozenset(_stem(w) for w in content),
            trigrams=frozenset(_trigrams(content)),
            key_terms=tuple(t for t in text.key_terms(question, lang)
                            if text.countries(t) != {DESTINATION}),
            countries=frozenset(codes - {DESTINATION}),
            digits=tuple(d for d in (_digits(w) for w in text.words(question)) if d),
            asks_count=text.asks_how_many(question),
            asks_price=text.asks_price(question),
            asks_when=text.asks_when(question),
            asks_country=text.asks_country(question),
            words=match_words(question),
        )


def _content_words(sentence: str) -> list[str]:
    """Its words but function words and those of one or two letters."""
    return [w for w in text.words(sentence)
            if len(w) > 2 and w.lower() not in languages.FUNCTION_WORDS]


def match_words(sentence: str) -> tuple[str, ...]:
    """The words a text's meaning rests on, lower-cased, each once: its content words but
    figures and country names (features of their own)."""
    kept = [w.lower() for w in _content_words(sentence)
            if not _digits(w) and not text.country_word(w)]
    return tuple(dict.fromkeys(kept))


Vectors = Callable[[list[str]], np.ndarray]  # short texts → their query vectors, one per row


def word_match(q: QuestionTerms, passage: StoredPassage, vectors: Vectors) -> tuple[float, float]:
    """For each of the question's words, the cosine of the nearest word of the sentence (with
    its headline) by the model, across languages ("laptops" ~ "ordinateurs"): the least and the
    mean. A sentence that names the country a question asks the capital of has no word near
    "capital"."""
    said = match_words(f"{passage.title} {passage.text}" if passage.paragraph > 0
                       else passage.text)
    if not q.words or not said:
        return 1.0, 1.0
    best = (vectors(list(q.words)) @ vectors(list(said)).T).max(axis=1)
    return float(best.min()), float(best.mean())


def _stem(word: str) -> str:
    return folded(word)[:5]


def _trigrams(words: Iterable[str]) -> set[str]:
    grams: set[str] = set()
    for w in words:
        f = folded(w)
        grams.update(f[i:i + 3] for i in range(len(f) - 2))
    return grams


@lru_cache(maxsize=50_000)
def _digits(word: str) -> str:
    return "".join(c for c in word if c.isdigit())


def _mentioned(term: str, facts: Facts) -> bool:
    """The text names the term: the same country in any language, the same figure, or a word
    of the same five-letter stem in Latin letters ("Estonia" ~ "Estonie", "Латвія" ~ "Latvia")."""
    named = text.countries(term)
    if named:
        return bool(named & facts.countries)
    figure = _digits(term)
    if figure:
        return figure in facts.digits
    return facts.has_stem(_stem(term))


def features(q: QuestionTerms, candidates: list[Candidate]) -> np.ndarray:
    """One row of FEATURES per candidate."""
    if not candidates:
        return np.zeros((0, len(FEATURES)), dtype=np.float32)
    dense = np.array([c.hit.dense for c in candidates])
    relevance = np.array([c.hit.relevance for c in candidates])
    dense_rank = _ranks(dense)
    relevance_rank = _ranks(relevance)
    article_best: dict[str, float] = {}
    article_count: dict[str, int] = {}
    for c in candidates:
        aid = c.hit.passage.article_id
        article_best[aid] = max(article_best.get(aid, -1.0), c.hit.relevance)
        article_count[aid] = article_count.get(aid, 0) + 1
    article_order = sorted(article_best, key=article_best.get, reverse=True)
    article_rank = {aid: i + 1 for i, aid in enumerate(article_order)}
    facts = [c.facts for c in candidates]
    stems = tuple(q.stems)
    # which of the question's stems each candidate has, looked up once for both coverages
    has = np.array([[f.has_stem(s) for s in stems] for f in facts], dtype=bool)
    has = has.reshape(len(candidates), len(stems))
    weight = [math.log((len(candidates) + 1) / (1 + int(n))) for n in has.sum(axis=0)]
    total = sum(weight) or 1.0
    whole: dict[str, tuple[float, ...]] = {}
    for c in candidates:
        if c.hit.passage.article_id not in whole:
            whole[c.hit.passage.article_id] = _article_row(q, c.article)
    rows = []
    for i, c in enumerate(candidates):
        p = c.hit.passage
        f = facts[i]
        present = sum(_mentioned(t, f) for t in q.key_terms)
        rows.append((
            c.hit.dense, c.hit.relevance, dense_rank[i], relevance_rank[i],
            c.hit.dense - dense.max(), c.hit.relevance - relevance.max(),
            c.hit.lexical_rank or NO_RANK, c.hit.trigram_rank or NO_RANK, c.hit.score * 100,
            float(p.paragraph == 0), p.paragraph, p.sentence,
            c.headline_dense, c.hit.dense - c.headline_dense,
            c.hit.relevance - article_best[p.article_id], article_rank[p.article_id],
            article_count[p.article_id],
            math.log1p(f.words), math.log1p(len(q.stems)),
            int(has[i].sum()) / max(1, len(stems)),
            f.trigrams_in(q.trigrams) / max(1, len(q.trigrams)),
            len(q.key_terms), len(q.key_terms) - present,
            present / len(q.key_terms) if q.key_terms else 1.0,
            len(q.countries), len(q.countries - f.countries), len(f.countries),
            float(q.asks_count), float(f.has_number),
            float(q.asks_price), float(f.has_money),
            float(q.asks_when), float(f.has_date),
            float(p.language == q.language),
            sum(d not in f.digits for d in q.digits),
            c.hubness,
            *whole[p.article_id],
            sum(w for w, h in zip(weight, has[i], strict=True) if h) / total,
            float(q.asks_country), float(bool(f.countries - {DESTINATION})),
        ))
    return np.asarray(rows, dtype=np.float32)


def _article_row(q: QuestionTerms, a: Facts) -> tuple[float, ...]:
    """The features of a candidate's whole article (the same for each of its sentences)."""
    present = sum(_mentioned(t, a) for t in q.key_terms)
    return (a.stems_in(q.stems) / max(1, len(q.stems)),
            a.trigrams_in(q.trigrams) / max(1, len(q.trigrams)),
            present / len(q.key_terms) if q.key_terms else 1.0,
            len(q.countries - a.countries), sum(d not in a.digits for d in q.digits))


def _ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(1, len(values) + 1)
    return ranks


def by_score(candidates: list[Candidate], rows: np.ndarray, scores: np.ndarray) -> list[Ranked]:
    """The candidates with their FEATURES rows and ranker scores, best first."""
    order = np.argsort(-scores, kind="stable")
    return [Ranked(candidates[i].hit, float(scores[i]), rows[i]) for i in order]


class LearnedFilesMissing(RuntimeError):
    pass


def ranker_files(folder: Path) -> list[Path]:
    return [folder / f"ranker-{k}.txt.gz" for k in range(RANKERS)]


class Boosters:
    """LightGBM boosters whose scores are averaged."""

    def __init__(self, boosters: list) -> None:
        self.boosters = boosters

    def predict(self, rows: np.ndarray, num_threads: int = 1) -> np.ndarray:
        return np.mean([b.predict(rows, num_threads=num_threads) for b in self.boosters], axis=0)

    def save(self, folder: Path) -> None:
        # gzip without a time stamp: the same booster gives the same file (make train)
        for booster, path in zip(self.boosters, ranker_files(folder), strict=True):
            path.write_bytes(gzip.compress(booster.model_to_string().encode(), mtime=0))

    @classmethod
    def load(cls, folder: Path) -> Boosters:
        import lightgbm

        files = ranker_files(folder)
        if not all(path.is_file() for path in files):
            raise LearnedFilesMissing(f"{folder} lacks the learned ranker: run `make train` to "
                                      "rebuild it from the question bank")
        boosters = [lightgbm.Booster(model_str=gzip.decompress(path.read_bytes()).decode())
                    for path in files]
        if any(tuple(b.feature_name()) != FEATURES for b in boosters):
            raise LearnedFilesMissing(f"{folder} holds a ranker trained on other features: run "
                                      "`make train`")
        return cls(boosters)


class Ranker:
    """The learned ranker and decision, as `make train` wrote them."""

    def __init__(self, folder: Path = LEARNED):
        decision_file = folder / DECISION_FILE
        if not decision_file.is_file():
            raise LearnedFilesMissing(f"{folder} lacks the learned decision: run `make train` "
                                      "to rebuild it from the question bank")
        self._boosters = Boosters.load(folder)
        self.decision = json.loads(decision_file.read_text(encoding="utf-8"))
        if tuple(self.decision.get("features", ())) != DECISION_FEATURES:
            raise LearnedFilesMissing(f"{decision_file} has other features: run `make train`")
        self.threshold = float(self.decision["threshold"])
        # under this probability no check can make the best candidate an answer: chosen so that
        # the bot's answers meet the decision's target on dev (scripts/train.py)
        self.veto = float(self.decision["veto_below"])
        # the same, when every candidate is of one article (a new install holds the seed article
        # alone): there the decision's probabilities run higher for the same odds of being right
        self.veto_alone = float(self.decision["veto_below_alone"])
        # from this probability the best candidate is answered even when an answer check refuses it
        self.sure = float(self.decision["answer_above"])
        # another article's best sentence is cited too from this ranker score
        self.extra_score = float(self.decision["extra_citation_score"])

    def scores(self, rows: np.ndarray) -> np.ndarray:
        if not len(rows):
            return np.zeros(0)
        return np.asarray(self._boosters.predict(rows), dtype=np.float64)

    def rank(self, q: QuestionTerms, candidates: list[Candidate]) -> list[Ranked]:
        rows = features(q, candidates)
        return by_score(candidates, rows, self.scores(rows))

    def veto_for(self, ranked: list[Ranked]) -> float:
        """The probability under which the best of `ranked` is never answered."""
        one_article = len({r.hit.passage.article_id for r in ranked}) == 1
        return self.veto_alone if one_article else self.veto

    def answer_probability(self, q: QuestionTerms, ranked: list[Ranked],
                           vectors: Vectors) -> float:
        """Calibrated probability that the best candidate answers the question."""
        if not ranked:
            return 0.0
        return decision_probability(self.decision, decision_features(q, ranked, vectors))


# the ranker's score of the best candidate (as a logit) and its lead over another article's best
# (the lead over any runner-up is left out: in a log of like sentences they all say the same, and
# with it the decision answered fewer dev questions right), how many articles compete (one in a
# new install, hundreds in a newsroom's: the cosines shift with it), whether the answer is in the
# asker's language, and what the best sentence lacks of what the question asks (a near miss:
# another country, figure or item than the one asked about, or nothing of what it asks: a word
# of the question that no word of the sentence is near, in any language)
_TOP_FEATURES = ("dense", "relevance", "over_headline", "stem_coverage", "trigram_overlap",
                 "key_terms_missing", "key_term_coverage", "countries_missing", "digits_missing",
                 "article_key_term_coverage", "article_countries_missing", "same_language")
DECISION_FEATURES = ("logit_top", "second_article_margin", "articles",
                     *_TOP_FEATURES, "count_unmet", "price_unmet", "date_unmet",
                     "country_unmet", "word_match_least", "word_match_mean")


# what the question asks for, and what a sentence must hold to give it: a count, a price, a date
_ASKED_AND_HELD = tuple((FEATURES.index(asked), FEATURES.index(held)) for asked, held in (
    ("asks_count", "has_number"), ("asks_price", "has_money"), ("asks_when", "has_date")))


def _unmet(row: np.ndarray) -> list[float]:
    """For each of _ASKED_AND_HELD, 1 when the question asks for it and the sentence (a FEATURES
    row) does not hold it."""
    return [float(row[asked] and not row[held]) for asked, held in _ASKED_AND_HELD]


def lacks_what_is_asked(row: np.ndarray) -> bool:
    """The question asks for a count, a price or a date that the sentence does not hold."""
    return any(_unmet(row))


def decision_features(q: QuestionTerms, ranked: list[Ranked], vectors: Vectors) -> list[float]:
    top = ranked[0]
    other_article = next((r.score for r in ranked[1:]
                          if r.hit.passage.article_id != top.hit.passage.article_id), 0.0)
    p = min(max(top.score, 1e-6), 1 - 1e-6)
    articles = len({r.hit.passage.article_id for r in ranked})
    row = dict(zip(FEATURES, map(float, top.row), strict=True))
    return [math.log(p / (1 - p)), top.score - other_article,
            math.log(articles), *(row[name] for name in _TOP_FEATURES), *_unmet(top.row),
            row["asks_country"] * (1 - row["names_country"]),
            *word_match(q, top.hit.passage, vectors)]


def decision_probability(decision: dict, x: list[float]) -> float:
    """The logistic regression `make train` fitted, on decision_features."""
    z = decision["intercept"] + float(np.dot(decision["coef"], x))
    return 1.0 / (1.0 + math.exp(-z))
