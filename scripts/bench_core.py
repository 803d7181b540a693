"""Benchmark of the core (run on demand, not a test): warm `ask` latency at the seed corpus and
at 10,000 and 100,000 synthetic passages, ingestion throughput, cold start and peak RSS.

    .venv/bin/python scripts/bench_core.py [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.answer import Answerer  # noqa: E402
from index.articles import from_pasted_text  # noqa: E402
from index.embeddings import Embedder  # noqa: E402
from index.knowledge import KnowledgeBase  # noqa: E402
from index.store import NewPassage, StoredArticle  # noqa: E402

QUESTIONS = ["how many laptops were sent?", "qui dirige la coalition IT ?",
             "скільки дронів FPV передали?", "What did Latvia send?",
             "How many tanks did Germany send?", "combien de stations de charge ?"]
CITIES = ["Kharkiv", "Odesa", "Lviv", "Dnipro", "Sumy", "Poltava", "Chernihiv", "Kherson",
          "Zaporizhzhia", "Mykolaiv"]
ITEMS = ["generators", "ambulances", "water filters", "blankets", "field kitchens",
         "medical kits", "laptops", "solar panels", "radios", "fire engines"]
DONORS = ["Norway", "Poland", "Japan", "Canada", "Sweden", "Italy", "Spain", "Austria"]


def synthetic_sentence(rng: random.Random, i: int) -> str:
    return (f"{rng.choice(DONORS)} delivered {rng.randint(2, 9000)} {rng.choice(ITEMS)} to "
            f"{rng.choice(CITIES)} in shipment {i}.")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def distinct_questions(count: int) -> list[str]:
    """Every question different, so no cache helps: templates over items, places, donors."""
    rng = random.Random(count)
    templates = ["how many {item} were sent to {city}?", "did {donor} send {item}?",
                 "combien de {item} pour {city} ?", "скільки {item} отримав {city}?",
                 "who paid for the {item} delivered to {city}?", "what did {donor} give?"]
    seen: set[str] = set(QUESTIONS)
    out = list(QUESTIONS)
    while len(out) < count:
        q = rng.choice(templates).format(item=rng.choice(ITEMS), city=rng.choice(CITIES),
                                         donor=rng.choice(DONORS))
        q = q if q not in seen else f"{q} {len(out)}"
        seen.add(q)
        out.append(q)
    return out


def latency(answerer: Answerer, asks: int = 200) -> dict:
    for q in ("warm up", "réchauffer"):
        answerer.ask(q)
    times = []
    for q in distinct_questions(asks):
        start = time.perf_counter()
        answerer.ask(q)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1), "asks": len(times)}


def fill_synthetic(kb: KnowledgeBase, embedder: Embedder, total: int) -> None:
    """Synthetic passages with vectors near real sentence embeddings (embedding 100k passages
    for real would measure the model, not the search)."""
    rng = random.Random(1)
    base_texts = [synthetic_sentence(rng, i) for i in range(512)]
    base = embedder.passages(base_texts)
    per_article = 100
    rows = []
    n = 0
    while n < total:
        texts = [synthetic_sentence(rng, n + j) for j in range(per_article)]
        noise = np.random.default_rng(n).normal(0, 0.02, (per_article, base.shape[1]))
        vectors = base[[rng.randrange(len(base)) for _ in texts]] + noise
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        article = StoredArticle(f"synthetic{n:08d}", f"Synthetic convoy log {n}", "", "",
                                "en", 0, 0)
        rows.append((article, [NewPassage(1, j, t, t) for j, t in enumerate(texts)],
                     vectors.astype(np.float32)))
        n += per_article
        if len(rows) == 100:
            kb.store.replace_articles(rows, model=(embedder.name, embedder.dimension))
            rows = []
    if rows:
        kb.store.replace_articles(rows, model=(embedder.name, embedder.dimension))
    kb._refresh(force=True, save=True)


def recall_vs_exact(kb: KnowledgeBase, embedder: Embedder, k: int = 10) -> float:
    """Share of the exact top-k that the FAISS index returns, for distinct questions."""
    index = kb._refresh()
    rows = kb.store.db.execute("SELECT id, vector FROM passages ORDER BY id").fetchall()
    ids = np.asarray([r[0] for r in rows])
    matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1)
    queries = embedder.queries(distinct_questions(50))
    exact = ids[np.argsort(-(queries @ matrix.T), axis=1)[:, :k]]
    _, found = index.search(queries, k)
    return float(np.mean([len(set(e) & set(f)) / k for e, f in zip(exact, found, strict=True)]))


def ingestion(kb: KnowledgeBase, sentences: int = 600) -> dict:
    rng = random.Random(2)
    text = "Convoy log for ingestion\n" + "\n".join(
        synthetic_sentence(rng, i) for i in range(sentences))
    article = from_pasted_text(text)
    start = time.perf_counter()
    result = kb.add(article)
    seconds = time.perf_counter() - start
    return {"passages": result.article.passages, "seconds": round(seconds, 2),
            "passages_per_s": round(result.article.passages / seconds, 1)}


ASK_AND_REPORT_PEAK = """
import re, sys
from pathlib import Path
from bot.cli import main
main(["ask", "how many laptops were sent?"])
status = Path("/proc/self/status").read_text()
print(int(re.search(r"VmHWM:\\s+(\\d+)", status).group(1)) // 1024, file=sys.stderr)
"""


def ask_process_peak_mb(env: dict) -> int:
    """Peak memory of a fresh `aidbot ask` process (VmHWM: its own, not inherited)."""
    done = subprocess.run([sys.executable, "-c", ASK_AND_REPORT_PEAK], env=env, cwd=REPO,
                          check=True, capture_output=True, text=True)
    return int(done.stderr.strip().splitlines()[-1])


def cold_start(corpus: Path, index: Path, models: Path) -> dict:
    env = dict(os.environ, AIDBOT_CORPUS_DIR=str(corpus), AIDBOT_INDEX_DIR=str(index),
               AIDBOT_MODEL_CACHE=str(models))
    times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot.cli", "ask", "--json",
                        "how many laptops were sent?"], env=env, cwd=REPO, check=True,
                       capture_output=True)
        times.append(time.perf_counter() - start)
    return {"seconds": [round(t, 2) for t in times]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    args = parser.parse_args()
    models = Path(os.environ.get("AIDBOT_MODEL_CACHE") or REPO / ".aidbot" / "models")
    report: dict = {"cores": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        embedder = Embedder(None, models)
        corpus = tmp_path / "corpus"
        shutil.copytree(REPO / "corpus", corpus)
        kb = KnowledgeBase(corpus, tmp_path / "index", embedder)
        report["seed"] = latency(Answerer(kb))
        report["cold_start_first_answer"] = cold_start(corpus, tmp_path / "index", models)
        report["ingestion"] = ingestion(kb)
        for size in args.sizes:
            big = KnowledgeBase(corpus, tmp_path / f"index-{size}", embedder)
            start = time.perf_counter()
            fill_synthetic(big, embedder, size)
            report[f"synthetic_{size}"] = {
                "passages": big.store.db.execute("SELECT count(*) FROM passages").fetchone()[0],
                "fill_seconds": round(time.perf_counter() - start, 1),
                "index": type(faiss.downcast_index(big._refresh().index)).__name__,
                "recall@10_vs_exact": round(recall_vs_exact(big, embedder), 3),
                **latency(Answerer(big), asks=100),
            }
            env = dict(os.environ, AIDBOT_CORPUS_DIR=str(corpus),
                       AIDBOT_INDEX_DIR=str(tmp_path / f"index-{size}"),
                       AIDBOT_MODEL_CACHE=str(models))
            report[f"synthetic_{size}"]["ask_process_peak_rss_mb"] = ask_process_peak_mb(env)
            big.close()
        report["benchmark_process_peak_rss_mb"] = round(rss_mb(), 0)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
