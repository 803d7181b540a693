"""How well the answer's lead picks the counted thing asked for (bot/answer.py THING_MATCH): on
the question bank's train and dev count questions (test is never used), for each gold sentence
where the sentence's counted nouns leave the choice to the passage model, how often the matcher
picks the figure inside the gold quote (right), another figure (wrong), or none. Run on demand:

    .venv/bin/python scripts/thing_match.py [--thresholds 0.84 0.85 0.86]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot import answer, render  # noqa: E402
from bot.bank import load_bank  # noqa: E402
from index import language as languages  # noqa: E402
from index.articles import from_markdown  # noqa: E402
from index.embeddings import Embedder, ShortTexts  # noqa: E402
from index.passages import split_article  # noqa: E402

Case = tuple[str, list[str], list[bool]]  # the question's thing, the nouns, which are in the quote


def cases() -> list[Case]:
    bank = load_bank()
    sentences = {path.stem: [p.text for p in split_article(from_markdown(path.read_text()))]
                 for path in bank.article_files}
    found: list[Case] = []
    for q in bank.of_split("train", "dev"):
        if not render.asks_how_many(q.question):
            continue
        for article, quote in q.answers:
            sentence = next((s for s in sentences.get(article, ()) if quote in s), None)
            if sentence is None:
                continue
            lang = languages.detect(sentence)
            asked: list[list[str]] = []

            def record(thing: str, nouns: list[str], asked: list = asked) -> None:
                asked.append([thing, list(nouns)])  # and no choice: the lead goes on without
                return None

            render.render(q.question, sentence, lang, q.lang, record)
            if not asked:
                continue  # the words alone decided, or there was nothing to choose from
            thing, nouns = asked[0]
            start = sentence.index(quote)
            # the figures whose nouns the matcher was given (render._render_figure's "named")
            named = [f for f in render.figures(sentence, lang)
                     if f.kind == "count" and not f.currency and f.noun]
            found.append((thing, nouns, [start <= f.start and f.end <= start + len(quote)
                                         for f in named]))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--thresholds", type=float, nargs="+",
                        default=[0.82, 0.83, 0.84, 0.85, 0.86, 0.87])
    args = parser.parse_args()
    found = cases()
    match = answer._thing_matcher(ShortTexts(Embedder(None, REPO / ".aidbot" / "models")).vectors)
    print(f"{len(found)} gold sentences where the model chooses the counted thing")
    for threshold in args.thresholds:
        answer.THING_MATCH = threshold
        tally: Counter[str] = Counter()
        for thing, nouns, gold in found:
            chosen = match(thing, nouns)
            tally["none" if chosen is None else "right" if gold[chosen]
                  else "wrong" if any(gold) else "no gold figure"] += 1
        picked = tally["right"] + tally["wrong"]
        print(f"THING_MATCH {threshold:.2f}: right {tally['right']}, wrong {tally['wrong']} "
              f"(precision {tally['right'] / max(picked, 1):.3f}), none {tally['none']}, "
              f"no gold figure {tally['no gold figure']}")


if __name__ == "__main__":
    main()
