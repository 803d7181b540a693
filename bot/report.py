"""`aidbot report`: what readers asked that the articles do not answer, grouped by meaning, and
their 👍/👎 per article, from the feedback store the bot keeps. The bot stores each question's
vector when it records it, so the embedding model (which loads at its first text) only runs
here for questions it has no vector for, e.g. after AIDBOT_MODEL changed."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict
from typing import TextIO

from .feedback import ArticleFeedback, FeedbackStore, QuestionGroup, format_groups
from .settings import Settings


def _when(at: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(at))


def format_report(groups: list[QuestionGroup], articles: list[ArticleFeedback],
                  days: int) -> str:
    lines = []
    if groups:
        lines.append(f"Unanswered questions, last {days} days: {sum(g.count for g in groups)} "
                     f"asked, {len(groups)} different (similar ones grouped), most asked "
                     "first:")
        lines += ["", format_groups(groups, shown=None)]
    else:
        lines.append(f"Unanswered questions, last {days} days: none.")
    lines.append("")
    if articles:
        lines.append(f"Feedback by article, last {days} days: "
                     f"👍 {sum(a.helpful for a in articles)}, "
                     f"👎 {sum(a.unhelpful for a in articles)}")
        lines.append("")
        lines.append(f"{'article':<18}  👍  👎  title")  # an emoji is two columns wide
        for article in articles:
            lines.append(f"{article.article_id:<18}{article.helpful:>4}{article.unhelpful:>4}"
                         f"  {article.title}")
            lines += [f"    👎 {_when(at)}  {question}" for question, at in article.complaints]
    else:
        lines.append(f"Feedback by article, last {days} days: none.")
    return "\n".join(lines)


def report(settings: Settings, days: int = 30, as_json: bool = False,
           out: TextIO = sys.stdout) -> int:
    path = settings.feedback_path
    if days < 1:
        print("error: --days must be 1 or more", file=sys.stderr)
        return 2
    if not path.exists():
        print(f"No feedback yet: {path} does not exist (the bot creates it with the first "
              "question it cannot answer, or the first 👍/👎).", file=out)
        return 0
    from index.embeddings import Embedder

    embedder = Embedder(settings.model, settings.models_dir)
    store = FeedbackStore(path)
    try:
        groups = store.unanswered(days, embed=embedder.queries, model=embedder.name)
        articles = store.articles(days)
    finally:
        store.close()
    if as_json:
        print(json.dumps({"days": days, "unanswered": [asdict(g) for g in groups],
                          "articles": [asdict(a) for a in articles]}, ensure_ascii=False),
              file=out)
    else:
        print(format_report(groups, articles, days), file=out)
    return 0
