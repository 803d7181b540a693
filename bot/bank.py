"""The question bank (eval/): articles, questions labelled with every sentence that answers them,
and the split of the articles into train / dev / test. See eval/README.md."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from index.articles import corpus_files, read_corpus_file
from index.passages import split_article

BANK = Path(__file__).resolve().parents[1] / "eval"
SEED_CORPUS = BANK.parent / "corpus"
SPLITS = ("train", "dev", "test")


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

    def of_split(self, *splits: str) -> list[Question]:
        return [q for q in self.questions if q.split in splits]

    def train_fold(self, article: str | None, question: str, folds: int) -> int:
        """Which of `folds` parts of the train articles an article (or an off-topic question,
        by its text) falls in: models fitted without a part score its questions as they would
        score an unseen article's."""
        if article is None:
            return _text_hash(question) % folds
        train = sorted(a for a, split in self.splits.items() if split == "train")
        return train.index(article) % folds


def _text_hash(question: str) -> int:
    """A stable 32-bit hash of a question's text."""
    return int(hashlib.sha256(question.encode("utf-8")).hexdigest()[:8], 16)


def _split_of_unattached(question: str, weights: dict[str, float]) -> str:
    """Off-topic questions belong to no article: a stable hash spreads them like the articles."""
    x = _text_hash(question) / 0xFFFFFFFF
    total = 0.0
    for split in SPLITS:
        total += weights[split]
        if x <= total:
            return split
    return SPLITS[-1]


def load_bank(root: Path = BANK, seed_corpus: Path = SEED_CORPUS) -> Bank:
    files = corpus_files(seed_corpus) + corpus_files(root / "articles")
    splits: dict[str, str] = {}
    for split, ids in json.loads((root / "splits.json").read_text(encoding="utf-8")).items():
        for article_id in ids:
            splits[article_id] = split
    known = {p.stem for p in files}
    if known != splits.keys():
        raise ValueError(f"eval/splits.json does not list exactly the bank's articles: "
                         f"missing {sorted(known - splits.keys())}, "
                         f"unknown {sorted(splits.keys() - known)}")
    weights = {s: sum(v == s for v in splits.values()) / len(splits) for s in SPLITS}
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
            split = splits[article] if article else _split_of_unattached(row["question"], weights)
            answers = tuple((a["article"], a["quote"]) for a in row.get("answers") or ())
            kind = row.get("kind") or ("answerable" if answers else "near_miss")
            questions.append(Question(row["question"], row.get("lang", "?"), article, answers,
                                      kind, split))
    return Bank(files, questions, splits)


def check_bank(bank: Bank) -> list[str]:
    """Every label names an article of the bank and a part of exactly one of its sentences."""
    sentences = {}
    for path in bank.article_files:
        article = read_corpus_file(path)
        sentences[article.id] = [p.text for p in split_article(article) if p.paragraph > 0]
    problems = []
    for q in bank.questions:
        if q.article is not None and q.article not in sentences:
            problems.append(f"{q.question!r}: unknown article {q.article}")
        for article_id, quote in q.answers:
            found = [s for s in sentences.get(article_id, []) if quote in s]
            if len(found) != 1:
                problems.append(f"{q.question!r}: {quote!r} is in {len(found)} sentences of "
                                f"{article_id}")
    return problems
