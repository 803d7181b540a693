"""Fine-tune the bundled multilingual-e5-small on the question bank's train articles and write
the change as small int8 deltas, which the model preparation applies on top of the bundled
weights (index/learned_weights.py). `make train` runs it twice, each time without one half of
the train articles (`--fold`): the ranker learns from each train question's candidates by the
model that has not seen its article, and the one that has not seen the article the bot ships
with is the shipped passage model (scripts/train.py). Without `--fold` it learns from every
train article (`make finetune`, measured in eval/README.md).

MultipleNegativesRankingLoss: each train question against its answering sentence (embedded as
the index embeds it: the mean of the sentence alone and in context), the other questions'
sentences of the batch, and one hard negative: the most relevant sentence that does not answer,
from its own or another article. Word embeddings
are frozen (they are most of the model and would not fit the size budget); the transformer
layers learn. A second term keeps short texts (the train articles' words, counted things and
names, and country names) where the bundled model puts them: the answer leans on their
cosines across languages ("ноутбуків" ~ "ordinateurs portables") to name what a figure counts,
and trained on questions and sentences alone the model loses that sense. Deterministic: fixed
seed, fixed thread count, deterministic torch kernels.
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.bank import Bank, Question, load_bank  # noqa: E402
from index import e5_weights  # noqa: E402
from index.articles import read_corpus_file  # noqa: E402
from index.learned_weights import write_deltas  # noqa: E402
from index.passages import split_article  # noqa: E402

SEED = 20260101
THREADS = 2
SCALE = 20.0  # MultipleNegativesRankingLoss's cosine scale
SHORT_BATCH = 64  # short texts held in place per step


def bank_passages(bank: Bank) -> list[tuple[str, str, str, str]]:
    """(article id, language, sentence, what the index embeds) for every passage of the bank."""
    out = []
    for path in bank.article_files:
        article = read_corpus_file(path)
        for p in split_article(article):
            out.append((article.id, article.language, p.text, p.context))
    return out


def encode(model, texts: list[str], prefix: str, batch: int = 64) -> np.ndarray:
    import torch

    model.eval()
    vectors = []
    with torch.no_grad():
        for i in range(0, len(texts), batch):
            features = model.tokenize([prefix + t for t in texts[i:i + batch]])
            vectors.append(model(features)["sentence_embedding"].numpy())
    return np.vstack(vectors).astype(np.float32)


def relevance(questions: np.ndarray, passages: np.ndarray, languages: list[str]) -> np.ndarray:
    """cosine minus the question's mean cosine with the passages of each passage's language, as
    the index orders its candidates"""
    scores = questions @ passages.T
    out = scores.copy()
    for lang in set(languages):
        cols = [i for i, x in enumerate(languages) if x == lang]
        centroid = passages[cols].mean(axis=0)
        out[:, cols] -= (questions @ centroid)[:, None]
    return out


def gold_matrix(questions: list[Question], passages: list[tuple[str, str, str, str]]) -> np.ndarray:
    return np.array([[q.is_gold(aid, text) for aid, _, text, _ in passages] for q in questions])


def recall_at_1(scores: np.ndarray, gold: np.ndarray) -> float:
    rows = [i for i in range(len(gold)) if gold[i].any()]
    return float(np.mean([gold[i, int(np.argmax(scores[i]))] for i in rows]))


def dense_report(model, bank: Bank, passages, split: str) -> dict[str, float]:
    questions = [q for q in bank.of_split(split) if q.answerable]
    q = encode(model, [x.question for x in questions], "query: ")
    alone = encode(model, [p[2] for p in passages], "passage: ")
    context = encode(model, [p[3] for p in passages], "passage: ")
    mean = alone + context
    mean /= np.linalg.norm(mean, axis=1, keepdims=True)
    gold = gold_matrix(questions, passages)
    langs = [p[1] for p in passages]
    return {
        "context_relevance": recall_at_1(relevance(q, context, langs), gold),
        "context_cosine": recall_at_1(q @ context.T, gold),
        "mean_relevance": recall_at_1(relevance(q, mean, langs), gold),
        "mean_cosine": recall_at_1(q @ mean.T, gold),
    }


Passage = tuple[str, str]  # (sentence, sentence in context)
Fold = tuple[int, int]  # (part of the train articles left out, or -1 for none; parts)


def left_out(bank: Bank, article: str | None, question: str, fold: Fold) -> bool:
    """Whether `fold` leaves this train article (or off-topic question) out: a model that scores
    that part as unseen, for the ranker's training features."""
    part, folds = fold
    return part >= 0 and bank.train_fold(article, question, folds) == part


def train_questions(bank: Bank, fold: Fold) -> list[Question]:
    """The train questions that `fold` does not leave out."""
    return [q for q in bank.of_split("train") if not left_out(bank, q.article, q.question, fold)]


def triplets(model, bank: Bank, passages, fold: Fold) -> list[tuple[str, Passage, Passage]]:
    """(question, answering passage, hard negative), from the train articles."""
    questions = [q for q in train_questions(bank, fold) if q.answerable]
    q = encode(model, [x.question for x in questions], "query: ")
    mean = encode(model, [p[2] for p in passages], "passage: ") + encode(
        model, [p[3] for p in passages], "passage: ")
    mean /= np.linalg.norm(mean, axis=1, keepdims=True)
    scores = relevance(q, mean, [p[1] for p in passages])
    gold = gold_matrix(questions, passages)
    out = []
    for i, question in enumerate(questions):
        order = np.argsort(-scores[i], kind="stable")
        negative = next(int(j) for j in order if not gold[i, j])
        for j in np.flatnonzero(gold[i]):
            out.append((question.question, passages[j][2:4], passages[negative][2:4]))
    return out


def short_texts(bank: Bank, fold: Fold) -> list[str]:
    """The short texts the answer compares by cosine, from the train articles and questions
    only: each word, each counted thing of a figure and of a how-many question, each person
    named, and the countries' names in the bank's languages (CLDR)."""
    from babel import Locale

    from bot import render
    from index import language as languages

    found: set[str] = set()

    def words(text: str) -> None:
        found.update(w for w in re.findall(r"[^\W\d_]{3,}", text))

    for q in train_questions(bank, fold):
        words(q.question)
        if thing := render.question_thing(q.question):
            found.add(thing)
    for path in bank.article_files:
        article = read_corpus_file(path)
        if bank.splits.get(article.id) != "train" or left_out(bank, article.id, "", fold):
            continue
        for p in split_article(article):
            words(p.text)
            found.update(f.noun for f in render.figures(p.text, languages.detect(p.text))
                         if f.noun)
            found.update(render.people(p.text))
    for lang in sorted({q.lang for q in bank.questions}):
        found.update(name for code, name in Locale.parse(lang).territories.items()
                     if code.isalpha())
    return sorted(found)


def embed_passages(model, items: list[Passage]):
    """the normalised mean of the sentence's vector alone and in context, as the index has it"""
    import torch

    out = model(model.tokenize(["passage: " + t for pair in items for t in pair]))
    vectors = out["sentence_embedding"].view(len(items), 2, -1).mean(dim=1)
    return torch.nn.functional.normalize(vectors, dim=-1)


def train(model, data: list[tuple[str, Passage, Passage]], epochs: int, batch: int, lr: float,
          lora: int, short: list[str], keep: float) -> None:
    import torch

    base = model[0].auto_model
    base.embeddings.requires_grad_(False)
    if lora:
        try:
            from peft import LoraConfig, get_peft_model
        except ImportError:
            raise SystemExit("--lora needs peft: .venv/bin/pip install -e '.[finetune]'") from None

        # the adapters go into `base`'s own layers, which the sentence-transformers module runs
        peft_model = get_peft_model(base, LoraConfig(
            r=lora, lora_alpha=2 * lora, lora_dropout=0.0,
            target_modules=["query", "key", "value", "dense"]))
    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    steps = epochs * ((len(data) + batch - 1) // batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * max(0.0, 1 - s / steps))
    rng = random.Random(SEED)
    held = torch.from_numpy(encode(model, short, "query: ")) if keep else None
    short_order = list(range(len(short)))
    if keep:  # without the term, the questions' order is the one the term-less recipe had
        rng.shuffle(short_order)
    step = 0
    for epoch in range(epochs):
        order = list(range(len(data)))
        rng.shuffle(order)
        model.train()
        for i in range(0, len(order), batch):
            chunk = [data[j] for j in order[i:i + batch]]
            a = model(model.tokenize(["query: " + a for a, _, _ in chunk]))["sentence_embedding"]
            d = embed_passages(model, [p for _, p, _ in chunk] + [n for _, _, n in chunk])
            logits = SCALE * (a @ d.T)
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(chunk)))
            drift = torch.zeros(())
            if keep:
                at = (step * SHORT_BATCH) % len(short_order)
                picked = (short_order + short_order)[at:at + SHORT_BATCH]
                now = model(model.tokenize(["query: " + short[j] for j in picked]))
                drift = 1 - torch.nn.functional.cosine_similarity(
                    now["sentence_embedding"], held[picked], dim=-1).mean()
                loss = loss + keep * drift
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            step += 1
            if step % 10 == 0:
                logging.info("epoch %d step %d/%d loss %.4f, short texts' drift %.4f", epoch + 1,
                             step, steps, loss.item(), drift.item())
    if lora:
        model[0].model = peft_model.merge_and_unload()
    model.eval()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=3e-5)
    parser.add_argument("--lora", type=int, default=0, help="a LoRA adapter of this rank "
                        "instead of full fine-tuning (measured against it on dev)")
    parser.add_argument("--keep", type=float, default=20.0,
                        help="weight of the term that keeps short texts where the bundled model "
                             "puts them (1 - cosine); 0 leaves it out")
    parser.add_argument("--fold", type=int, default=-1,
                        help="leave this part of the train articles out (0 .. --folds - 1)")
    parser.add_argument("--folds", type=int, default=2)
    parser.add_argument("--out", type=Path, required=True, help="the deltas file to write")
    parser.add_argument("--report-only", action="store_true",
                        help="print the bare model's dense recall@1 on dev and stop")
    parser.add_argument("--skip-report", action="store_true",
                        help="do not measure the bare model first")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(SEED)
    random.seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(THREADS)
    torch.use_deterministic_algorithms(True)
    bank = load_bank()
    passages = bank_passages(bank)
    with tempfile.TemporaryDirectory(prefix="aidbot-finetune-") as tmp:
        folder = e5_weights.build_model_folder(Path(tmp) / "e5")
        model = SentenceTransformer(str(folder), device="cpu")
        base_state = {k: v.detach().clone() for k, v in model[0].auto_model.state_dict().items()}
        if not args.skip_report:
            before = dense_report(model, bank, passages, "dev")
            logging.info("bare model, dense recall@1 on dev: %s", before)
        if args.report_only:
            return 0
        fold = (args.fold, args.folds)
        data = triplets(model, bank, passages, fold)
        logging.info("%d training triplets from the train articles", len(data))
        short = short_texts(bank, fold)
        logging.info("%d short texts held in place (weight %g)", len(short), args.keep)
        train(model, data, args.epochs, args.batch, args.lr, args.lora, short, args.keep)
        if not args.skip_report:
            after = dense_report(model, bank, passages, "dev")
            logging.info("tuned model, dense recall@1 on dev: %s", after)
        tuned = model[0].auto_model.state_dict()
        deltas = {k: (tuned[k] - base_state[k]).numpy() for k in base_state
                  if not k.startswith("embeddings.") and tuned[k].dtype.is_floating_point}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        write_deltas(deltas, args.out)
        logging.info("wrote %s (%.1f MB)", args.out, args.out.stat().st_size / 1e6)
    return 0


if __name__ == "__main__":
    sys.exit(main())
