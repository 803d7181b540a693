"""The question bank (eval/): articles, questions labelled with every sentence that answers them,
and the split of the articles into train / dev / test. See eval/README.md."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from index.articles import article_id, corpus_files, read_corpus_file
from index.passages import split_article

if TYPE_CHECKING:
    from index.embeddings import Embedder
    from index.knowledge import KnowledgeBase

BANK = Path(__file__).resolve().parents[1] / "eval"
SEED_CORPUS = BANK.parent / "corpus"
SPLITS = ("train", "dev", "test")
# the shares in which off-topic questions (about no article) are spread over the splits: those of
# the bank's first 32 articles (20 / 6 / 6), fixed so that adding articles moves no question from
# one split to another
UNATTACHED_SHARES = {"train": 20 / 32, "dev": 6 / 32, "test": 6 / 32}


@dataclass(frozen=True)
class Question:
    question: str
    lang: str
    article: str | None  # the article it is about (or nearly about); None when off topic
    answers: tuple[tuple[str, str], ...]  # (article id, verbatim part of the answering sentence)
    kind: str  # "answerable", "near_miss" or "off_topic"
    split: str

    @property
    def answerable(self) -> bool:
        return bool(self.answers)

    def is_gold(self, article_id: str, sentence: str) -> bool:
        return any(a == article_id and quote in sentence for a, quote in self.answers)


@dataclass(frozen=True)
class Bank:
    article_files: list[Path]
    questions: list[Question]
    splits: dict[str, str]  # article id → split
    halves: dict[str, int]  # train article id → the part of the train articles it is in

    def of_split(self, *splits: str) -> list[Question]:
        return [q for q in self.questions if q.split in splits]

    def train_fold(self, article: str | None, question: str, folds: int) -> int:
        """Which of `folds` parts of the train articles an article (or an off-topic question,
        by its text) falls in: models fitted without a part score its questions as they would
        score an unseen article's."""
        if article is None:
            return _text_hash(question) % folds
        parts = len(set(self.halves.values()))
        if folds != parts:
            raise ValueError(f"eval/folds.json splits the train articles in {parts} parts, "
                             f"not {folds}")
        return self.halves[article]


def _text_hash(question: str) -> int:
    """A stable 32-bit hash of a question's text."""
    return int(hashlib.sha256(question.encode("utf-8")).hexdigest()[:8], 16)


def _split_of_unattached(question: str) -> str:
    """Off-topic questions belong to no article: a stable hash spreads them in fixed shares."""
    x = _text_hash(question) / 0xFFFFFFFF
    total = 0.0
    for split in SPLITS:
        total += UNATTACHED_SHARES[split]
        if x <= total:
            return split
    return SPLITS[-1]


def load_bank(root: Path = BANK, seed_corpus: Path = SEED_CORPUS) -> Bank:
    files = corpus_files(seed_corpus) + corpus_files(root / "articles")
    splits: dict[str, str] = {}
    for split, ids in json.loads((root / "splits.json").read_text(encoding="utf-8")).items():
        for listed in ids:
            splits[listed] = split
    _lists_exactly("splits.json", "the bank's articles", splits.keys(), {p.stem for p in files})
    # each train article's part, listed so that adding articles moves none from one to another
    halves = {listed: part for part, ids in enumerate(json.loads(
        (root / "folds.json").read_text(encoding="utf-8"))) for listed in ids}
    _lists_exactly("folds.json", "the train articles", halves.keys(),
                   {a for a, split in splits.items() if split == "train"})
    questions = []
    for path in sorted((root / "questions").glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc})") from None
            article = row.get("article")
            split = splits[article] if article else _split_of_unattached(row["question"])
            answers = tuple((a["article"], a["quote"]) for a in row.get("answers") or ())
            kind = row.get("kind") or ("answerable" if answers else "near_miss")
            questions.append(Question(row["question"], row.get("lang", "?"), article, answers,
                                      kind, split))
    return Bank(files, questions, splits, halves)


def _lists_exactly(file: str, what: str, listed: set[str], expected: set[str]) -> None:
    if listed != expected:
        raise ValueError(f"eval/{file} does not list exactly {what}: missing "
                         f"{sorted(expected - listed)}, unknown {sorted(listed - expected)}")


def knowledge_of(article_files: list[Path], work: Path, embedder: Embedder,
                 learned: Path | None = None) -> KnowledgeBase:
    """A knowledge base of these articles of the bank, in `work` (the shipped learned files
    unless `learned` names others)."""
    from index.knowledge import KnowledgeBase
    from index.rank import LEARNED

    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for path in article_files:
        shutil.copy(path, corpus / path.name)
    return KnowledgeBase(corpus, work / "index", embedder, learned=learned or LEARNED)


def check_bank(bank: Bank) -> list[str]:
    """Every article's id is that of its words (as `aidbot add` names it), and every label names
    an article of the bank and a part of exactly one of its sentences."""
    sentences = {}
    problems = []
    for path in bank.article_files:
        article = read_corpus_file(path)
        if article.id != article_id(article.title, article.text) or path.stem != article.id:
            problems.append(f"{path.name}: its id is not that of its title and text "
                            f"({article_id(article.title, article.text)})")
        sentences[article.id] = [p.text for p in split_article(article) if p.paragraph > 0]
    for q in bank.questions:
        if q.article is not None and q.article not in sentences:
            problems.append(f"{q.question!r}: unknown article {q.article}")
        for answering, quote in q.answers:
            found = [s for s in sentences.get(answering, []) if quote in s]
            if len(found) != 1:
                problems.append(f"{q.question!r}: {quote!r} is in {len(found)} sentences of "
                                f"{answering}")
    return problems
