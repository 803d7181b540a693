"""Crash-safety sweep (run on demand, not a test): SIGKILL `aidbot add`, `remove` and `build`
at many points, then check that corpus, SQLite and FAISS agree and the bot still answers.

Half of the kills land at named points in the write path (AIDBOT_CRASH_AT, a real SIGKILL the
process sends itself), half at random moments of the command's run.

    .venv/bin/python scripts/kill_sweep.py [--per-command 50]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.answer import Answerer  # noqa: E402
from index.articles import from_pasted_text  # noqa: E402
from index.embeddings import Embedder  # noqa: E402
from index.knowledge import KnowledgeBase  # noqa: E402

CRASH_POINTS = {
    "add": ["corpus-file-written", "corpus-file-renamed", "store-before-commit",
            "store-committed", "vectors-file-written", "vectors-saved"],
    "remove": ["corpus-file-removed", "store-before-commit", "store-committed",
               "vectors-file-written", "vectors-saved"],
    "build": ["store-before-commit", "store-committed", "vectors-file-written", "vectors-saved"],
}


def article_text(sentences: int) -> str:
    rng = random.Random(5)
    cities = ["Kharkiv", "Odesa", "Lviv", "Dnipro", "Sumy", "Poltava"]
    items = ["generators", "ambulances", "water filters", "blankets", "solar panels"]
    return "Convoy log for the kill sweep\n" + "\n".join(
        f"Convoy {i} brought {rng.randint(2, 900)} {rng.choice(items)} to {rng.choice(cities)}."
        for i in range(sentences))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-command", type=int, default=50)
    parser.add_argument("--sentences", type=int, default=150)
    args = parser.parse_args()
    rng = random.Random(11)
    models = Path(os.environ.get("AIDBOT_MODEL_CACHE") or REPO / ".aidbot" / "models")
    embedder = Embedder(None, models)
    tmp = Path(tempfile.mkdtemp(prefix="aidbot-kill-"))
    corpus, index = tmp / "corpus", tmp / "index"
    shutil.copytree(REPO / "corpus", corpus)
    source = tmp / "convoys.txt"
    source.write_text(article_text(args.sentences), encoding="utf-8")
    article = from_pasted_text(source.read_text(encoding="utf-8"))
    env = dict(os.environ, AIDBOT_CORPUS_DIR=str(corpus), AIDBOT_INDEX_DIR=str(index),
               AIDBOT_MODEL_CACHE=str(models))
    KnowledgeBase(corpus, index, embedder).close()

    def command(op: str) -> list[str]:
        extra = {"add": [str(source)], "remove": [article.id], "build": []}[op]
        return [sys.executable, "-m", "bot.cli", op, *extra]

    def prepare(op: str) -> None:
        kb = KnowledgeBase(corpus, index, embedder)
        if op == "add" and kb.article(article.id):
            kb.remove(article.id)
        if op in ("remove", "build") and not kb.article(article.id):
            kb.add(article)
        kb.close()

    durations = {}
    for op in ("add", "remove", "build"):
        prepare(op)
        start = time.perf_counter()
        subprocess.run(command(op), env=env, cwd=REPO, check=True, capture_output=True)
        durations[op] = time.perf_counter() - start

    results = {"kills": 0, "inconsistent": 0, "unanswered": 0, "by_command": {},
               "durations_s": {k: round(v, 1) for k, v in durations.items()}, "problems": []}
    for op in ("add", "remove", "build"):
        tally = results["by_command"].setdefault(op, {"named": 0, "timed": 0, "inconsistent": 0})
        for n in range(args.per_command):
            prepare(op)
            named = n % 2 == 0
            run_env = dict(env)
            if named:
                run_env["AIDBOT_CRASH_AT"] = CRASH_POINTS[op][(n // 2) % len(CRASH_POINTS[op])]
            process = subprocess.Popen(command(op), env=run_env, cwd=REPO,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if named:
                process.wait(timeout=600)
            else:
                time.sleep(rng.uniform(0.2, durations[op]))
                process.send_signal(signal.SIGKILL)
                process.wait()
            killed = process.returncode == -signal.SIGKILL
            tally["named" if named else "timed"] += killed
            results["kills"] += killed
            kb = KnowledgeBase(corpus, index, embedder)  # what the bot does at start
            problems = kb.problems()
            titles = [a.id for a in kb.articles()]
            if len(titles) != len(set(titles)):
                problems.append("duplicate article")
            if problems:
                results["inconsistent"] += 1
                tally["inconsistent"] += 1
                results["problems"].append({"command": op, "kill": n, "problems": problems})
            if not Answerer(kb).ask("how many laptops were sent?").found:
                results["unanswered"] += 1
            kb.close()
        print(op, tally, flush=True, file=sys.stderr)
    shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
