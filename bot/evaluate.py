"""`aidbot eval`: retrieval and answer quality on a JSONL question set, by language.

A line: {"question": "...", "lang": "en", "expect": ["substring", ...]} for a question the corpus
answers (the expected sentence contains every substring), or "expect": null when it does not.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .answer import Answerer


@dataclass
class _Tally:
    questions: int = 0
    at1: int = 0
    at3: int = 0
    rr: float = 0.0
    answered: int = 0
    unanswerable: int = 0
    said_not_found: int = 0
    failures: list[str] = field(default_factory=list)


def load_questions(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc})") from None
    return rows


def _matches(text: str, expect: list[str]) -> bool:
    return all(part in text for part in expect)


def evaluate(answerer: Answerer, rows: list[dict]) -> dict:
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    for row in rows:
        question, lang, expect = row["question"], row.get("lang", "?"), row.get("expect")
        answer = answerer.ask(question)
        for key in (lang, "all"):
            t = tallies[key]
            if expect is None:
                t.unanswerable += 1
                t.said_not_found += not answer.found
                if answer.found and key == "all":
                    t.failures.append(f"answered an unanswerable question: {question}")
                continue
            hits = answerer.kb.search(question, k=10)
            ranks = [i for i, h in enumerate(hits, start=1) if _matches(h.passage.text, expect)]
            t.questions += 1
            t.at1 += bool(ranks and ranks[0] == 1)
            t.at3 += bool(ranks and ranks[0] <= 3)
            t.rr += 1 / ranks[0] if ranks else 0.0
            right = answer.found and any(_matches(c.quote, expect) for c in answer.citations)
            t.answered += right
            if not right and key == "all":
                t.failures.append(f"missed ({lang}): {question}")
    report = {}
    for key, t in tallies.items():
        q = max(t.questions, 1)
        report[key] = {
            "questions": t.questions,
            "recall@1": round(t.at1 / q, 3),
            "recall@3": round(t.at3 / q, 3),
            "mrr": round(t.rr / q, 3),
            "answer_accuracy": round(t.answered / q, 3) if t.questions else None,
            "unanswerable": t.unanswerable,
            "not_found_accuracy": (
                round(t.said_not_found / t.unanswerable, 3) if t.unanswerable else None
            ),
        }
    report["all"]["failures"] = tallies["all"].failures
    return report


def format_report(report: dict) -> str:
    header = (f"{'lang':<6}{'n':>4}{'R@1':>7}{'R@3':>7}{'MRR':>7}{'answer':>8}"
              f"{'n/a':>5}{'not found':>11}")
    lines = [header]
    order = sorted(k for k in report if k != "all") + ["all"]

    def pct(v: float | None) -> str:
        return "-" if v is None else f"{v:.0%}"

    for key in order:
        r = report[key]
        lines.append(
            f"{key:<6}{r['questions']:>4}{pct(r['recall@1']) if r['questions'] else '-':>7}"
            f"{pct(r['recall@3']) if r['questions'] else '-':>7}"
            f"{r['mrr'] if r['questions'] else '-':>7}{pct(r['answer_accuracy']):>8}"
            f"{r['unanswerable']:>5}{pct(r['not_found_accuracy']):>11}"
        )
    failures = report["all"].get("failures") or []
    if failures:
        lines.append("")
        lines.extend(failures)
    return "\n".join(lines)
