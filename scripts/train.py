"""`make train`: rebuild the learned files (the shipped passage model's deltas, the ranker and
the calibrated "I don't know" decision) from the question bank (eval/), deterministically.

1. Every question of the bank is searched twice: in a knowledge base of the whole bank (as a
   reader's question meets every article) and in one of its own article alone (as in a new
   install, which holds the seed article only; off-topic questions meet the seed article).
   Each candidate gets its features (index/rank.py) and a label (does it answer?). The passage
   model is fine-tuned twice on the train articles (scripts/finetune.py --fold), each time
   without one half of them. A train question is searched with the one that has not seen its
   article, so that its candidates score as a new article's would. The one that has not seen
   the articles the bot ships with (corpus/) is the shipped passage model: fine-tuned on an
   article, a model puts that article's sentences first for questions that an article added
   later answers better. Its deltas are written beside the ranker.
2. The ranker (LightGBM, pointwise) is fitted on the train articles' questions; its settings are
   chosen on dev.
3. The decision (logistic regression on the best candidate's scores and what it lacks of the
   question, its words matched across languages by the shipped model among them) is fitted on
   out-of-fold ranker scores of the train questions (folds by article), and its threshold is
   chosen on dev among all articles for the target below; the curve it came from is written
   beside it. So is the probability from which the best candidate is right at least 4 in 5
   times: from it the bot answers whatever its answer checks say.
4. The veto: the probability under which the bot says "I don't know" whatever its checks say.
   The bot's own answer path (bot/answer.py, its checks deciding between the veto and the sure
   bound) answers the dev questions with the new files, and the veto is chosen as the threshold
   is, for the bot's answers: the target below, the most right within it, under the sure bound;
   chosen again on the questions in their own article alone, for a corpus of one article (where
   the target is not met under the sure bound on dev: the least shortfall, as for the
   threshold).

Test articles choose nothing here: `aidbot eval --split test` reports them.
"""

from __future__ import annotations

import argparse
import json
import logging
import pickle
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.answer import Answerer, clean_question  # noqa: E402
from bot.bank import Bank, Question, knowledge_of, load_bank  # noqa: E402
from index import learned_weights  # noqa: E402
from index.embeddings import Embedder, ShortTexts  # noqa: E402
from index.knowledge import RANKED_CANDIDATES, KnowledgeBase  # noqa: E402
from index.rank import (  # noqa: E402
    DECISION_FEATURES,
    DECISION_FILE,
    FEATURES,
    LEARNED,
    RANKERS,
    Boosters,
    QuestionTerms,
    Ranked,
    Vectors,
    by_score,
    decision_features,
    decision_probability,
    features,
)

SEED = 20260101
FOLDS = 5
# the decision's target, on dev: at most this share of all questions answered wrongly, and at
# least this share of unanswerable questions answered "I don't know"; within it, most right
MAX_WRONG = 0.10
MIN_NOT_FOUND = 0.85
GRID = [
    {"num_leaves": leaves, "learning_rate": 0.05, "n_estimators": trees,
     "min_child_samples": child}
    for leaves in (3, 7, 15) for trees in (200, 400) for child in (20, 80)
]


@dataclass
class Sample:
    setting: str  # "bank": among all articles; "alone": in its own article only
    question: Question
    terms: QuestionTerms
    candidates: list
    rows: np.ndarray
    labels: np.ndarray
    answerable: bool  # in this setting: an article of its corpus answers


SEED_ARTICLE = sorted(p.stem for p in (REPO / "corpus").glob("*.md"))[0]


def home_of(q: Question) -> str:
    """The article a question meets alone (off-topic questions: the seed article)."""
    return q.article or SEED_ARTICLE


def answerable_in(q: Question, setting: str) -> bool:
    """Whether an article of the setting's corpus answers it: the whole bank's, or its home's."""
    return q.answerable if setting == "bank" else any(
        article_id == home_of(q) for article_id, _ in q.answers)


def index_dir(work: Path, corpus: str, model: int = 0) -> Path:
    """Where a knowledge base of `corpus` ("bank" or an article id) is kept, embedded by the
    model-th passage model (0: the shipped one), so that a later step reuses it."""
    return work / f"{corpus}-{model}"


def search_all(bank: Bank, work: Path, shipped: Embedder, folds: list[Embedder],
               k: int = RANKED_CANDIDATES) -> dict[str, list[list]]:
    """setting → the candidates of every question of the bank, in order. With fold models (the
    passage model fine-tuned without one part of the train articles each), a train question is
    searched with the one that has not seen its article, as the shipped model meets new ones."""
    embedders = [shipped, *folds]
    whole: dict[int, KnowledgeBase] = {}
    alone: dict[tuple[int, str], KnowledgeBase] = {}
    paths = {path.stem: path for path in bank.article_files}
    found: dict[str, list[list]] = {"bank": [], "alone": []}
    try:
        for n, q in enumerate(bank.questions, start=1):
            model = 0
            if folds and q.split == "train":
                model = 1 + bank.train_fold(q.article, q.question, len(folds))
                if embedders[model] is shipped:
                    model = 0  # the shipped model's own indexes, not a second copy of them
            if model not in whole:
                whole[model] = knowledge_of(bank.article_files, index_dir(work, "bank", model),
                                          embedders[model])
            home = home_of(q)
            if (model, home) not in alone:
                alone[model, home] = knowledge_of([paths[home]], index_dir(work, home, model),
                                                embedders[model])
            found["bank"].append(whole[model].candidates(q.question, k))
            found["alone"].append(alone[model, home].candidates(q.question, k))
            if n % 200 == 0:
                logging.info("searched %d of %d questions", n, len(bank.questions))
    finally:
        for kb in (*whole.values(), *alone.values()):
            kb.close()
    return found


def shipped_fold(bank: Bank, folds: int) -> int:
    """The part of the train articles that holds the articles the bot ships with: the fold
    model fine-tuned without it is the shipped passage model."""
    parts = {bank.train_fold(path.stem, "", folds) for path in (REPO / "corpus").glob("*.md")
             if bank.splits.get(path.stem) == "train"}
    if len(parts) > 1:
        raise SystemExit("the articles in corpus/ fall in several parts of the train articles: "
                         "each fold model has seen one of them")
    return min(parts, default=0)


def fold_embedder(deltas: Path, models_dir: Path = REPO / ".aidbot" / "fold-models") -> Embedder:
    """The bundled model with a fold model's deltas instead of the committed ones, prepared in
    its own folder."""
    committed = learned_weights.LEARNED_FILE
    learned_weights.LEARNED_FILE = deltas
    try:
        return Embedder(None, models_dir / deltas.stem)
    finally:
        learned_weights.LEARNED_FILE = committed


def collect(bank: Bank, found: dict[str, list[list]]) -> list[Sample]:
    samples = []
    for setting in ("bank", "alone"):
        for q, candidates in zip(bank.questions, found[setting], strict=True):
            terms = QuestionTerms.of(q.question)
            rows = features(terms, candidates)
            labels = np.array([q.is_gold(c.hit.passage.article_id, c.hit.passage.text)
                               for c in candidates], dtype=np.int8)
            samples.append(Sample(setting, q, terms, candidates, rows, labels,
                                  answerable_in(q, setting)))
    return samples


def fit_ranker(samples: list[Sample], params: dict, seed: int = SEED) -> Boosters:
    """RANKERS boosters, the k-th fitted with seed + k."""
    return Boosters([fit_booster(samples, params, seed + k) for k in range(RANKERS)])


def fit_booster(samples: list[Sample], params: dict, seed: int):
    import lightgbm

    rows = np.vstack([s.rows for s in samples if len(s.rows)])
    labels = np.concatenate([s.labels for s in samples if len(s.rows)])
    data = lightgbm.Dataset(rows, labels, feature_name=list(FEATURES), free_raw_data=False,
                            params={"verbose": -1})
    settings = {
        "objective": "binary", "num_leaves": params["num_leaves"],
        "learning_rate": params["learning_rate"], "min_child_samples": params["min_child_samples"],
        "deterministic": True, "force_row_wise": True, "num_threads": 1, "seed": seed,
        "feature_fraction": 0.8, "feature_fraction_seed": seed, "bagging_seed": seed,
        "verbose": -1,
    }
    return lightgbm.train(settings, data, num_boost_round=params["n_estimators"])


def ranked(sample: Sample, booster) -> list[Ranked]:
    if not len(sample.rows):
        return []
    return by_score(sample.candidates, sample.rows, booster.predict(sample.rows, num_threads=1))


def first_is_gold(sample: Sample, order: list[Ranked]) -> bool:
    return bool(order) and sample.question.is_gold(order[0].hit.passage.article_id,
                                                   order[0].hit.passage.text)


def recall_at_1(samples: list[Sample], booster) -> float:
    answerable = [s for s in samples if s.answerable]
    return sum(first_is_gold(s, ranked(s, booster)) for s in answerable) / max(1, len(answerable))


def decision_rows(samples: list[Sample], booster, vectors: Vectors
                  ) -> tuple[np.ndarray, np.ndarray]:
    x, y = [], []
    for s in samples:
        order = ranked(s, booster)
        if not order:
            continue
        x.append(decision_features(s.terms, order, vectors))
        y.append(int(first_is_gold(s, order)))
    return np.asarray(x, dtype=np.float64), np.asarray(y)


def fit_decision(train: list[Sample], params: dict, seed: int, vectors: Vectors) -> dict:
    """Logistic regression on out-of-fold ranker scores (folds by article), so that it learns
    how far to trust the ranker on articles it has not seen."""
    from sklearn.linear_model import LogisticRegression

    articles = sorted({s.question.article or s.question.question for s in train})
    fold_of = {a: i % FOLDS for i, a in enumerate(articles)}
    xs, ys = [], []
    for fold in range(FOLDS):
        held = [s for s in train if fold_of[s.question.article or s.question.question] == fold]
        rest = [s for s in train if fold_of[s.question.article or s.question.question] != fold]
        booster = fit_ranker(rest, params, seed)
        x, y = decision_rows(held, booster, vectors)
        xs.append(x)
        ys.append(y)
    x, y = np.vstack(xs), np.concatenate(ys)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    model = LogisticRegression(C=1.0, max_iter=1000).fit((x - mean) / scale, y)
    coef = model.coef_[0] / scale
    intercept = float(model.intercept_[0] - np.dot(model.coef_[0], mean / scale))
    return {"features": list(DECISION_FEATURES), "coef": [round(float(c), 8) for c in coef],
            "intercept": round(intercept, 8)}


def outcomes(samples: list[Sample], booster, decision: dict, vectors: Vectors
             ) -> list[tuple[float, bool, bool]]:
    """(probability that the best answers, answerable, best is gold) per question."""
    out = []
    for s in samples:
        order = ranked(s, booster)
        p = (decision_probability(decision, decision_features(s.terms, order, vectors))
             if order else 0.0)
        out.append((p, s.answerable, first_is_gold(s, order)))
    return out


def curve(points: list[tuple[float, bool, bool]]) -> list[dict]:
    answerable = sum(a for _, a, _ in points) or 1
    unanswerable = sum(not a for _, a, _ in points) or 1
    rows = []
    for t in np.round(np.arange(0.05, 0.96, 0.01), 2):
        answered = [(a, g) for p, a, g in points if p >= t]
        right = sum(a and g for a, g in answered)
        wrong = len(answered) - right
        said_no = sum(not a for p, a, _ in points if p < t)
        rows.append({"threshold": float(t), "answer_accuracy": round(right / answerable, 4),
                     "not_found_accuracy": round(said_no / unanswerable, 4),
                     "wrong": round(wrong / len(points), 4),
                     "coverage": round(len(answered) / len(points), 4)})
    return rows


def choose_threshold(rows: list[dict]) -> dict:
    fits = [r for r in rows if r["wrong"] <= MAX_WRONG and r["not_found_accuracy"] >= MIN_NOT_FOUND]
    if fits:
        return max(fits, key=lambda r: (r["answer_accuracy"], -r["threshold"]))
    # the target cannot be met: the least shortfall, then the most right
    return min(rows, key=lambda r: (max(0, r["wrong"] - MAX_WRONG)
                                    + max(0, MIN_NOT_FOUND - r["not_found_accuracy"]),
                                    -r["answer_accuracy"]))


def checked_outcomes(bank: Bank, questions: list[Question], work: Path, embedder: Embedder,
                     learned: Path) -> dict[str, list[tuple[float, bool, bool, bool]]]:
    """setting → (probability that the best answers, the bot's answer checks pass, answerable,
    best is gold) per question, by the bot's own answer path with the learned files in
    `learned`, neither vetoed nor sure: the checks alone decide. The shipped model's indexes
    in `work` (search_all's) are reused."""
    paths = {path.stem: path for path in bank.article_files}
    answerers: dict[str, Answerer] = {}
    found: dict[str, list[tuple[float, bool, bool, bool]]] = {"bank": [], "alone": []}
    try:
        for q in questions:
            home = home_of(q)
            for setting, key, files in (("bank", "bank", bank.article_files),
                                        ("alone", home, [paths[home]])):
                if key not in answerers:
                    kb = knowledge_of(files, index_dir(work, key), embedder, learned)
                    kb.ranker.veto = kb.ranker.veto_alone = 0.0
                    kb.ranker.sure = float("inf")
                    answerers[key] = Answerer(kb)
                selection = answerers[key].select(clean_question(q.question))
                best = selection.ranked[0].hit.passage if selection.ranked else None
                found[setting].append((selection.probability, bool(selection.chosen),
                                       answerable_in(q, setting),
                                       best is not None and q.is_gold(best.article_id, best.text)))
    finally:
        for answerer in answerers.values():
            answerer.kb.close()
    return found


def choose_veto(points: list[tuple[float, bool, bool, bool]], sure: float) -> dict:
    """The probability under which the bot says "I don't know" whatever its answer checks say,
    chosen as the threshold is: the bot's answers (the checks decide between it and `sure`)
    meet the target on dev, with the most right; below `sure`, where the checks still decide."""
    rows = curve([(p if p >= sure or checks else -1.0, a, g) for p, checks, a, g in points])
    return choose_threshold([r for r in rows if r["threshold"] < sure])


def choose_sure(points: list[tuple[float, bool, bool]]) -> float:
    """The probability from which the best candidate is answered whatever the answer checks
    say: the lowest at which the best candidates of the dev questions at or above it are right
    answers for at least 4 in 5 of them."""
    for t in np.round(np.arange(0.05, 0.96, 0.01), 2):
        above = [a and g for p, a, g in points if p >= t]
        if above and sum(above) / len(above) >= 0.8:
            return float(t)
    return 1.0


def choose_extra(samples: list[Sample], booster) -> float:
    """The ranker score from which the best sentence of another article is cited too: the
    lowest whose extra citations are right at least 80 % of the time on dev."""
    pairs = []
    for s in samples:
        order = ranked(s, booster)
        if not order:
            continue
        seen = {order[0].hit.passage.article_id}
        for r in order[1:]:
            if r.hit.passage.article_id in seen:
                continue
            seen.add(r.hit.passage.article_id)
            gold = s.question.is_gold(r.hit.passage.article_id, r.hit.passage.text)
            pairs.append((r.score, gold))
    best = 0.95
    for t in np.round(np.arange(0.95, 0.09, -0.05), 2):
        chosen = [g for p, g in pairs if p >= t]
        if chosen and sum(chosen) / len(chosen) >= 0.8:
            best = float(t)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fraction", type=float, default=1.0,
                        help="train on this share of the train articles (a learning curve)")
    parser.add_argument("--out", type=Path, default=None,
                        help="write the learned files here instead of index/learned/")
    parser.add_argument("--candidates", type=Path, default=None,
                        help="keep the searched candidates in this file and reuse them "
                             "(while working on features; the bank and model must not change)")
    parser.add_argument("--fold-models", type=Path, nargs="*", default=[],
                        help="the passage model's deltas fine-tuned without each part of the "
                             "train articles, the k-th without part k (make train): the train "
                             "questions' candidates come from the one that has not seen their "
                             "article, and the one that has not seen corpus/ is shipped")
    parser.add_argument("--seed", type=int, default=SEED,
                        help="the ranker's seed (another one shows how much it alone moves the "
                             "dev figures)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # one folder for the knowledge bases: the search's, the veto's check reuses the shipped
    # model's
    with tempfile.TemporaryDirectory(prefix="aidbot-train-") as tmp:
        return rebuild(args, Path(tmp))


def rebuild(args: argparse.Namespace, work: Path) -> int:
    bank = load_bank()
    folds = [fold_embedder(path) for path in args.fold_models]
    if folds:
        part = shipped_fold(bank, len(folds))
        shipped_deltas, shipped = args.fold_models[part], folds[part]
        logging.info("the shipped passage model: %s", shipped_deltas)
    else:
        # it searches the bank, and matches the decision's words across languages
        shipped = Embedder(None, REPO / ".aidbot" / "models")
    if args.candidates and args.candidates.is_file():
        found = pickle.loads(args.candidates.read_bytes())
    else:
        found = search_all(bank, work, shipped, folds)
        if args.candidates:
            args.candidates.write_bytes(pickle.dumps(found))
    samples = collect(bank, found)
    train = [s for s in samples if s.question.split == "train"]
    dev = [s for s in samples if s.question.split == "dev"]
    if args.fraction < 1:
        articles = sorted({s.question.article or "" for s in train})
        keep = set(articles[: max(1, round(len(articles) * args.fraction))])
        train = [s for s in train if (s.question.article or "") in keep]
    recall = {split: round(float(np.mean([s.labels.any() for s in part
                                          if s.answerable and s.setting == "bank"])), 4)
              for split, part in (("train", train), ("dev", dev))}
    logging.info("a gold sentence among the %d candidates: train %.1f %%, dev %.1f %%",
                 RANKED_CANDIDATES, 100 * recall["train"], 100 * recall["dev"])
    best_params, best_r1, best_booster = None, -1.0, None
    dev_bank = [s for s in dev if s.setting == "bank"]
    dev_alone = [s for s in dev if s.setting == "alone"]
    for params in GRID:
        booster = fit_ranker(train, params, args.seed)
        r1 = (recall_at_1(dev_bank, booster) + recall_at_1(dev_alone, booster)) / 2
        logging.info("ranker %s: dev recall@1 %.1f %% (among all articles %.1f %%, in its own "
                     "article %.1f %%)", params, 100 * r1, 100 * recall_at_1(dev_bank, booster),
                     100 * recall_at_1(dev_alone, booster))
        if r1 > best_r1:
            best_params, best_r1, best_booster = params, r1, booster
    # the words the decision matches across languages, by the shipped model
    vectors = ShortTexts(shipped).vectors
    decision = fit_decision(train, best_params, args.seed, vectors)
    # the target is a reader's, among many articles: the threshold is chosen there
    bank_points = outcomes(dev_bank, best_booster, decision, vectors)
    alone_points = outcomes(dev_alone, best_booster, decision, vectors)
    rows = curve(bank_points)
    chosen = choose_threshold(rows)
    alone_rows = curve(alone_points)
    in_own_article = next(r for r in alone_rows if r["threshold"] == chosen["threshold"])
    decision.update({
        "threshold": chosen["threshold"],
        "veto_below": 0.0,
        "veto_below_alone": 0.0,
        "answer_above": choose_sure(bank_points + alone_points),
        "extra_citation_score": choose_extra(dev_bank, best_booster),
        "target": {"max_wrong": MAX_WRONG, "min_not_found": MIN_NOT_FOUND},
        "chosen_on_dev": chosen,
        "dev_in_its_own_article": in_own_article,
        "ranker": best_params,
        "candidate_recall": recall,
        "dev_recall_at_1": round(best_r1, 4),
        "train_questions": len(train),
        "dev_curve": rows,
    })
    out = args.out or LEARNED
    out.mkdir(parents=True, exist_ok=True)
    best_booster.save(out)
    if folds:
        shutil.copyfile(shipped_deltas, out / learned_weights.LEARNED_FILE.name)
    (out / DECISION_FILE).write_text(json.dumps(decision, indent=1) + "\n", encoding="utf-8")
    # the vetoes need the bot's answer checks with this ranker and decision
    checked = checked_outcomes(bank, [s.question for s in dev_bank], work, shipped, out)
    vetoes = {setting: choose_veto(points, decision["answer_above"])
              for setting, points in checked.items()}
    decision.update({
        "veto_below": vetoes["bank"]["threshold"],
        "veto_below_alone": vetoes["alone"]["threshold"],
        "bot_chosen_on_dev": vetoes["bank"],
        "bot_dev_in_its_own_article": vetoes["alone"],
    })
    (out / DECISION_FILE).write_text(json.dumps(decision, indent=1) + "\n", encoding="utf-8")
    logging.info("dev: recall@1 %.1f %%, threshold %.2f → answer accuracy %.1f %%, not found "
                 "%.1f %%, wrong %.1f %%; wrote %s", 100 * best_r1, chosen["threshold"],
                 100 * chosen["answer_accuracy"], 100 * chosen["not_found_accuracy"],
                 100 * chosen["wrong"], out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
