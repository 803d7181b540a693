"""`aidbot eval`: answer quality on the question bank (eval/), by language, for one split.

The bank's articles are indexed on their own (not the user's corpus), so every question meets
every article, as a reader's question does. For each question the answer is right when the
first citation is a sentence that answers it, and an unanswerable question is right when the
answer is "I don't know".
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from index.knowledge import KnowledgeBase

from .answer import Answerer, clean_question
from .bank import Bank, Question

MAIN_LANGUAGES = ("en", "fr", "uk")


@dataclass(frozen=True)
class Outcome:
    question: Question
    probability: float  # that the best candidate answers
    found: bool  # the bot answered
    learned_found: bool  # the calibrated decision alone would answer
    first_is_gold: bool  # the best candidate answers (whether or not it was said)
    in_candidates: bool  # a sentence that answers is among the ranker's candidates
    articles_answered: int  # articles whose answering sentence was cited
    articles_answering: int  # articles that answer the question


def open_bank_knowledge(bank: Bank, work: Path, model: str | None,
                        models_dir: Path) -> KnowledgeBase:
    """A knowledge base of the bank's articles in `work`, kept between runs (it syncs)."""
    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    wanted = {p.name for p in bank.article_files}
    for stale in corpus.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
    for path in bank.article_files:
        target = corpus / path.name
        if not target.is_file() or target.read_bytes() != path.read_bytes():
            shutil.copy(path, target)
    return KnowledgeBase.open(corpus, work / "index", model, models_dir)


def run(answerer: Answerer, questions: list[Question]) -> list[Outcome]:
    outcomes = []
    for q in questions:
        selection = answerer.select(clean_question(q.question))
        ranked = selection.ranked
        first = ranked[0].hit.passage if ranked else None
        cited = {h.passage.article_id for h in selection.chosen
                 if q.is_gold(h.passage.article_id, h.passage.text)}
        outcomes.append(Outcome(
            q, selection.probability, bool(selection.chosen),
            bool(ranked) and selection.probability >= answerer.kb.ranker.threshold,
            first is not None and q.is_gold(first.article_id, first.text),
            any(q.is_gold(r.hit.passage.article_id, r.hit.passage.text) for r in ranked),
            len(cited), len({a for a, _ in q.answers}),
        ))
    return outcomes


def table(outcomes: list[Outcome], learned: bool = False) -> dict[str, dict]:
    """Per language (and "all"): answer accuracy, "I don't know" accuracy, wrong answers; of the
    bot's answers, or (`learned`) of the calibrated decision alone."""
    if learned:
        outcomes = [replace(o, found=o.learned_found) for o in outcomes]
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[o.question.lang].append(o)
        groups["all"].append(o)
    report = {}
    for key, group in groups.items():
        answerable = [o for o in group if o.question.answerable]
        unanswerable = [o for o in group if not o.question.answerable]
        right = sum(o.found and o.first_is_gold for o in answerable)
        wrong = sum(o.found and not o.first_is_gold for o in answerable) + sum(
            o.found for o in unanswerable)
        several = [o for o in answerable if o.articles_answering > 1 and o.found]
        report[key] = {
            "answerable": len(answerable),
            "candidate_recall": _share(sum(o.in_candidates for o in answerable), len(answerable)),
            "recall_at_1": _share(sum(o.first_is_gold for o in answerable), len(answerable)),
            "answer_accuracy": _share(right, len(answerable)),
            "unanswerable": len(unanswerable),
            "not_found_accuracy": _share(sum(not o.found for o in unanswerable),
                                         len(unanswerable)),
            "wrong": _share(wrong, len(group)),
            "several_articles": len(several),
            "several_articles_cited": _share(sum(o.articles_answered > 1 for o in several),
                                             len(several)),
        }
    return report


def _share(n: int, total: int) -> float | None:
    return round(n / total, 4) if total else None


def format_table(report: dict[str, dict]) -> str:
    def pct(v: float | None) -> str:
        return "-" if v is None else f"{100 * v:.1f}"

    header = (f"{'lang':<5}{'n':>5}{'cand.':>7}{'R@1':>7}{'answer':>8}{'n/a':>5}"
              f"{'idk ok':>8}{'wrong':>7}")
    lines = [header]
    order = [k for k in MAIN_LANGUAGES if k in report] + sorted(
        k for k in report if k not in MAIN_LANGUAGES and k != "all") + ["all"]
    for key in order:
        r = report[key]
        lines.append(f"{key:<5}{r['answerable']:>5}{pct(r['candidate_recall']):>7}"
                     f"{pct(r['recall_at_1']):>7}{pct(r['answer_accuracy']):>8}"
                     f"{r['unanswerable']:>5}{pct(r['not_found_accuracy']):>8}"
                     f"{pct(r['wrong']):>7}")
    a = report["all"]
    lines.append(f"questions that several articles answer, answered: {a['several_articles']}, "
                 f"with two or more of those articles cited: {pct(a['several_articles_cited'])} %")
    return "\n".join(lines)


def plot(outcomes: list[Outcome], path: Path, title: str) -> None:
    """Coverage (share of answerable questions answered) against accuracy (share of answers
    right), per language, as the decision threshold moves; the chosen threshold is marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        lang = o.question.lang if o.question.lang in MAIN_LANGUAGES else "other"
        groups[lang].append(o)
        groups["all"].append(o)
    fig, ax = plt.subplots(figsize=(7, 5))
    thresholds = [t / 100 for t in range(1, 100)]
    for lang, group in sorted(groups.items()):
        xs, ys = [], []
        for t in thresholds:
            answered = [o for o in group if o.probability >= t]
            if not answered:
                continue
            xs.append(len(answered) / len(group))
            ys.append(sum(o.question.answerable and o.first_is_gold for o in answered)
                      / len(answered))
        ax.plot(xs, ys, label=f"{lang} ({len(group)})", linewidth=2.5 if lang == "all" else 1.2)
    ax.set_xlabel("coverage: share of questions answered")
    ax.set_ylabel("accuracy: share of answers right")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
