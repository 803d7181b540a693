"""Benchmark of the core (run on demand, not a test): warm `ask` latency at the seed corpus and
at 10,000 and 100,000 synthetic passages, ingestion throughput, `aidbot list` and a cold
`aidbot ask` (process start to answer), and the running bot (`aidbot run` against the local fake
Bot API server): start-up to its first poll, first answer, peak RSS; at each synthetic size,
the full-text queries once nine in ten of its articles are removed in one write.

Each warm `ask` latency comes with the time an ask spends in each of its stages (STAGES), to say
what bounds it. Each measure is taken for the int8 ONNX encoder the bot runs and, in the same
run, for the model's float weights on torch with two passes per passage as before the int8
encoder (the "float" column: the previous behaviour, to compare with). The machine's load
average is reported: figures from a loaded machine are upper bounds.

    .venv/bin/python scripts/bench_core.py [--sizes 10000 100000] [--encoders int8 float]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import faiss
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "bot"))

from bot.answer import Answerer  # noqa: E402
from index import bundled_model, rank  # noqa: E402
from index.articles import from_pasted_text, make_article, write_corpus_file  # noqa: E402
from index.embeddings import Embedder  # noqa: E402
from index.knowledge import CANDIDATES, KnowledgeBase  # noqa: E402
from index.search import match_expression, trigram_expression  # noqa: E402
from index.store import NewPassage, Store, StoredArticle  # noqa: E402

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


def peak_mb(pid: int | str = "self") -> int:
    """VmHWM: a process's own peak resident memory."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


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


# where a warm ask spends its time: (owner, attribute, label); the full-text queries run in
# threads beside the question's encoding, the rest one after another
STAGES = (
    (Embedder, "queries", "encoder (question, names, counted things, words)"),
    (Store, "full_text", "full-text queries (in threads)"),
    (Store, "languages", "SQLite: languages of passages written since the snapshot"),
    (Store, "passages", "SQLite: candidate passages"),
    (Store, "vectors", "SQLite: vectors of passages the dense pool missed"),
    (Store, "vectors_and_facts", "SQLite: candidates' vectors and facts"),
    (Store, "article_facts", "SQLite: article facts"),
    (rank, "features", "ranker features"),
    (rank.Ranker, "scores", "ranker boosters"),
    (Answerer, "_can_answer", "answer checks"),
    (Answerer, "_compose", "reply"),
)


@contextmanager
def timed_stages() -> Iterator[dict[str, float]]:
    """Seconds spent in each of STAGES while the block runs."""
    totals = dict.fromkeys((label for _, _, label in STAGES), 0.0)
    lock = threading.Lock()

    def timed(function, label: str):
        @functools.wraps(function)
        def run(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                with lock:
                    totals[label] += time.perf_counter() - start
        return run

    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in STAGES]
    for (owner, name, label), (_, _, function) in zip(STAGES, originals, strict=True):
        setattr(owner, name, timed(function, label))
    try:
        yield totals
    finally:
        for owner, name, function in originals:
            setattr(owner, name, function)


def p50_p95(times: list[float], digits: int) -> tuple[float, float]:
    ordered = sorted(times)
    return (round(statistics.median(ordered), digits),
            round(ordered[int(len(ordered) * 0.95) - 1], digits))


def latency(answerer: Answerer, asks: int = 200) -> dict:
    answerer.warm_up()  # what a running bot does at start, in the background
    for q in ("warm up", "réchauffer"):
        answerer.ask(q)
    times = []
    with timed_stages() as stages:
        for q in distinct_questions(asks):
            start = time.perf_counter()
            answerer.ask(q)
            times.append((time.perf_counter() - start) * 1000)
    p50, p95 = p50_p95(times, 1)
    return {"p50_ms": p50, "p95_ms": p95, "asks": len(times),
            "stages_ms_per_ask": {label: round(seconds * 1000 / asks, 2)
                                  for label, seconds in stages.items()}}


def fill_synthetic(kb: KnowledgeBase, embedder: Embedder, total: int) -> None:
    """Synthetic passages with vectors near real sentence embeddings (embedding 100k passages
    for real would measure the model, not the search). Each synthetic article is a corpus file
    too, recorded with its size and time, so that an `aidbot` process opening this corpus and
    index keeps them (a synced open drops what the corpus lacks)."""
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
        written = make_article(f"Synthetic convoy log {n}", "\n".join(texts), lang="en")
        stat = write_corpus_file(kb.corpus_dir, written).stat()
        article = StoredArticle(written.id, written.title, "", "", "en", stat.st_size,
                                stat.st_mtime_ns)
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


def after_removal(kb: KnowledgeBase) -> dict:
    """Nine in ten synthetic articles removed in one write (as when their files are gone at
    start): how long the write takes, then the full-text queries of distinct questions."""
    ids = [row[0] for row in kb.store.db.execute(
        "SELECT id FROM articles WHERE title LIKE 'Synthetic convoy log %' ORDER BY id")]
    start = time.perf_counter()
    kb.store.replace_articles([], remove=ids[len(ids) // 10:])
    report: dict = {"write_seconds": round(time.perf_counter() - start, 1)}
    for table, expression in (("passages_tri", trigram_expression),
                              ("passages_fts", match_expression)):
        times = []
        for q in distinct_questions(200):
            start = time.perf_counter()
            kb.store.full_text(expression(q), CANDIDATES, table)
            times.append((time.perf_counter() - start) * 1000)
        report[f"{table}_p50_p95_ms"] = list(p50_p95(times, 2))
    return report


def two_passes(kb: KnowledgeBase, passages: list, progress: bool) -> np.ndarray:
    """How passages were embedded before: the sentence alone and in context, averaged."""
    alone = kb.embedder.passages([p.text for p in passages], progress=progress)
    in_context = kb.embedder.passages([p.context for p in passages], progress=progress)
    return ((alone + in_context) / 2).astype(np.float32)


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


def command_seconds(env: dict, *args: str, runs: int = 3) -> list[float]:
    """Wall time of `aidbot ARGS` from process start to exit."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot.cli", *args], env=env, cwd=REPO,
                       check=True, capture_output=True)
        times.append(round(time.perf_counter() - start, 2))
    return times


async def running_bot(env: dict, questions: int = 20) -> dict:
    """`aidbot run` against the fake Bot API server: seconds to its first poll and to its
    first answer, then its peak RSS once it has answered `questions` questions."""
    from fake_bot_api import FakeBotAPI

    api = FakeBotAPI()
    await api.start()
    env = dict(env, TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_URL=api.url)
    start = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=REPO, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        await api.wait_for(lambda: api.calls_to("getUpdates") or process.returncode is not None,
                           timeout=300)
        first_poll = time.perf_counter() - start
        user = api.user(1101, "en")
        await api.reply_to(api.send_message(user, QUESTIONS[0]), timeout=120)
        first_answer = time.perf_counter() - start
        for question in distinct_questions(questions)[1:]:
            await api.reply_to(api.send_message(user, question), timeout=120)
        peak = peak_mb(process.pid)
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 60)
    finally:
        if process.returncode is None:
            process.kill()
        await api.stop()
    return {"seconds_to_first_poll": round(first_poll, 2),
            "seconds_to_first_answer": round(first_answer, 2),
            "peak_rss_mb": peak, "questions": questions}


def embedder_for(encoder: str, models: Path) -> Embedder:
    if encoder == "int8":
        return Embedder(None, models)
    # the float folder by path: a fresh `aidbot` process with AIDBOT_MODEL set to it runs the
    # very same model (sentence-transformers on torch), under the same identity
    return Embedder(str(bundled_model.prepare(models).folder))


def bench(encoder: str, sizes: list[int], models: Path, tmp: Path) -> dict:
    embed_passages = KnowledgeBase._embed_passages
    if encoder == "float":
        KnowledgeBase._embed_passages = two_passes
    try:
        return _bench(encoder, sizes, models, tmp)
    finally:
        KnowledgeBase._embed_passages = embed_passages


def _bench(encoder: str, sizes: list[int], models: Path, tmp: Path) -> dict:
    report: dict = {"load_average_at_start": load()}
    embedder = embedder_for(encoder, models)
    env = dict(os.environ, AIDBOT_MODEL_CACHE=str(models))
    env.pop("AIDBOT_MODEL", None)
    if encoder == "float":
        env["AIDBOT_MODEL"] = embedder.name
    corpus = tmp / "corpus"
    if not corpus.exists():
        shutil.copytree(REPO / "corpus", corpus)
    seed_env = dict(env, AIDBOT_CORPUS_DIR=str(corpus), AIDBOT_INDEX_DIR=str(tmp / "index"))
    kb = KnowledgeBase(corpus, tmp / "index", embedder)
    report["seed"] = latency(Answerer(kb))
    report["seed"]["ask_process_peak_rss_mb"] = ask_process_peak_mb(seed_env)
    report["list_seconds"] = command_seconds(seed_env, "list")
    report["cold_ask_seconds"] = command_seconds(seed_env, "ask", "--json",
                                                 "how many laptops were sent?")
    report["running_bot_seed"] = asyncio.run(running_bot(seed_env))
    report["ingestion"] = ingestion(kb)
    kb.remove(next(a.id for a in kb.articles() if a.title == "Convoy log for ingestion"))
    kb.close()
    for size in sizes:
        big_corpus = tmp / f"corpus-{size}"
        shutil.copytree(REPO / "corpus", big_corpus)
        big = KnowledgeBase(big_corpus, tmp / f"index-{size}", embedder)
        start = time.perf_counter()
        fill_synthetic(big, embedder, size)
        report[f"synthetic_{size}"] = {
            "passages": big.store.db.execute("SELECT count(*) FROM passages").fetchone()[0],
            "fill_seconds": round(time.perf_counter() - start, 1),
            "index": type(faiss.downcast_index(big._refresh().index)).__name__,
            "recall@10_vs_exact": round(recall_vs_exact(big, embedder), 3),
            **latency(Answerer(big), asks=100),
        }
        size_env = dict(env, AIDBOT_CORPUS_DIR=str(big_corpus),
                        AIDBOT_INDEX_DIR=str(tmp / f"index-{size}"))
        report[f"synthetic_{size}"]["ask_process_peak_rss_mb"] = ask_process_peak_mb(size_env)
        if size == max(sizes):
            report[f"running_bot_{size}"] = asyncio.run(running_bot(size_env))
        report[f"synthetic_{size}"]["after_removing_90_percent"] = after_removal(big)
        big.close()
    report["load_average_at_end"] = load()
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--encoders", nargs="+", choices=["int8", "float"],
                        default=["int8", "float"])
    args = parser.parse_args()
    models = Path(os.environ.get("AIDBOT_MODEL_CACHE") or REPO / ".aidbot" / "models")
    bundled_model.prepare(models, progress=sys.stderr.isatty())
    report: dict = {"cores": os.cpu_count()}
    for encoder in args.encoders:
        with tempfile.TemporaryDirectory() as tmp:
            report[encoder] = bench(encoder, args.sizes, models, Path(tmp))
        print(json.dumps({encoder: report[encoder]}), file=sys.stderr, flush=True)
    report["benchmark_process_peak_rss_mb"] = round(rss_mb(), 0)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
