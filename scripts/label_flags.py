"""Articles added to the question bank: which (question, sentence) pairs may be answers that no
label lists yet, for a reader to decide (eval/README.md, "Adding articles to the bank").

Every question of the bank is searched in a knowledge base of the added articles alone, and every
question about an added article in one of the whole bank. Among a question's three best
sentences by the learned ranker outside the article it is about, one that is not a label of the
question is flagged when its ranker score is at least --score, or when it is the best of all and
the decision's probability is at least --probability. Writes one JSON line per question with
its flagged sentences.

    .venv/bin/python scripts/label_flags.py ARTICLE_ID [ARTICLE_ID ...] --out flags.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.bank import Question, knowledge_of, load_bank  # noqa: E402
from index.embeddings import Embedder  # noqa: E402
from index.knowledge import KnowledgeBase  # noqa: E402

BEST = 3


def flagged(kb: KnowledgeBase, q: Question, min_score: float, min_probability: float
            ) -> list[dict]:
    terms, ranked = kb.rank(q.question)
    if not ranked:
        return []
    probability = kb.answer_probability(terms, ranked)
    elsewhere = [r for r in ranked if r.hit.passage.article_id != q.article][:BEST]
    return [{"article": r.hit.passage.article_id, "sentence": r.hit.passage.text}
            for r in elsewhere
            if not q.is_gold(r.hit.passage.article_id, r.hit.passage.text)
            and (r.score >= min_score or (r is ranked[0] and probability >= min_probability))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("added", nargs="+", help="the ids of the articles added to the bank")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--score", type=float, default=0.1)
    parser.add_argument("--probability", type=float, default=0.3)
    args = parser.parse_args(argv)
    bank = load_bank()
    added = set(args.added)
    unknown = added - {path.stem for path in bank.article_files}
    if unknown:
        raise SystemExit(f"not articles of the bank: {sorted(unknown)}")
    embedder = Embedder(None, REPO / ".aidbot" / "models")
    rows = []
    with tempfile.TemporaryDirectory(prefix="aidbot-flags-") as tmp:
        new = knowledge_of([p for p in bank.article_files if p.stem in added], Path(tmp, "added"),
                         embedder)
        whole = knowledge_of(bank.article_files, Path(tmp, "whole"), embedder)
        try:
            for q in bank.questions:
                kb = whole if q.article in added else new
                found = flagged(kb, q, args.score, args.probability)
                if found:
                    rows.append({"question": q.question, "lang": q.lang, "kind": q.kind,
                                 "about": q.article, "labels": q.answers, "candidates": found})
        finally:
            new.close()
            whole.close()
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                        encoding="utf-8")
    print(f"{len(rows)} questions with flagged sentences, {sum(len(r['candidates']) for r in rows)}"
          f" pairs: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
