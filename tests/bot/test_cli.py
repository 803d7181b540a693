"""The `aidbot` command as a user runs it: real model, real files; run in this process, and in
real processes where one is killed."""

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from in_process import aidbot

from index.knowledge import KnowledgeBase

AIDBOT = [sys.executable, "-m", "bot.cli"]
REPO = Path(__file__).resolve().parents[2]


def snapshot(env) -> tuple:
    corpus = Path(env["AIDBOT_CORPUS_DIR"])
    return tuple(sorted((p.name, p.read_bytes()) for p in corpus.iterdir()))


def test_ask_json_builds_the_index_and_answers(cli_env):
    done = aidbot(cli_env, "ask", "--json", "how many laptops were sent?")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["found"] is True
    assert "sept mille ordinateurs portables" in data["citations"][0]["quote"]
    assert data["citations"][0]["n"] == 1


def test_ask_json_reads_one_question_a_line(cli_env):
    questions = "who leads the IT coalition?\n\nWhat is the capital of Australia?\n"
    done = aidbot(cli_env, "ask", "--json", "-", stdin=questions)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["found"] for line in lines] == [True, False]
    assert lines[1]["answer"].startswith("I don't know")


def test_ask_prints_numbered_citations(cli_env):
    done = aidbot(cli_env, "ask", "Скільки дронів FPV передали з 2024 року?")
    assert done.returncode == 0, done.stderr
    assert "[1] La coalition IT fournit" in done.stdout
    assert "plus d’un million de drones FPV" in done.stdout


def test_add_list_remove(cli_env, tmp_path):
    article = tmp_path / "kitchens.txt"
    article.write_text("Norway funds mobile kitchens for Odesa\nNorway has paid for twelve "
                       "mobile field kitchens for Odesa.\n", encoding="utf-8")
    added = aidbot(cli_env, "add", str(article))
    assert added.returncode == 0, added.stderr
    assert "added" in added.stdout and "2 passages" in added.stdout
    again = aidbot(cli_env, "add", str(article))
    assert "already in the corpus as" in again.stdout
    listed = aidbot(cli_env, "list")
    assert "Norway funds mobile kitchens for Odesa" in listed.stdout
    article_id = added.stdout.split("added ")[1].split()[0]
    answer = aidbot(cli_env, "ask", "--json", "How many field kitchens did Norway pay for?")
    assert "twelve mobile field kitchens" in json.loads(answer.stdout)["citations"][0]["quote"]
    removed = aidbot(cli_env, "remove", article_id)
    assert removed.returncode == 0 and "removed" in removed.stdout
    assert aidbot(cli_env, "remove", article_id).returncode == 1


@pytest.mark.parametrize("name, data, message", [
    ("binary.txt", bytes(range(256)) * 64, "binary"),
    ("empty.txt", b"", "empty"),
    ("legacy.txt", b"abc \x81\x8d\x8f\x90\x9d def", "UTF-8"),
    (None, None, "cannot fetch"),
])
def test_bad_input_changes_nothing(cli_env, tmp_path, name, data, message):
    aidbot(cli_env, "list")  # build the index first
    before = snapshot(cli_env)
    if name is None:
        source = "http://127.0.0.1:9/nothing-listens-here"
        env = dict(cli_env, AIDBOT_ALLOW_PRIVATE_URLS="1")
    else:
        source = str(tmp_path / name)
        Path(source).write_bytes(data)
        env = cli_env
    done = aidbot(env, "add", source)
    assert done.returncode != 0
    assert message in done.stderr
    assert "nothing was added" in done.stderr
    assert snapshot(cli_env) == before


def test_private_urls_are_refused_by_default(cli_env):
    done = aidbot(cli_env, "add", "http://127.0.0.1:9/x.html")
    assert done.returncode != 0
    assert "private or local address" in done.stderr and "AIDBOT_ALLOW_PRIVATE_URLS" in done.stderr


def long_article(path: Path) -> None:
    rng = random.Random(7)
    cities = ["Kharkiv", "Odesa", "Lviv", "Dnipro", "Sumy", "Poltava", "Chernihiv", "Kherson"]
    items = ["generators", "ambulances", "water filters", "blankets", "field kitchens",
             "medical kits", "laptops", "solar panels"]
    sentences = [
        f"In week {i}, partners delivered {rng.randint(2, 900)} {rng.choice(items)} to "
        f"{rng.choice(cities)} under convoy number {1000 + i}."
        for i in range(600)
    ]
    path.write_text("Weekly convoy log for eastern Ukraine\n" + "\n".join(sentences),
                    encoding="utf-8")


def test_add_killed_mid_write_leaves_a_working_index(cli_env, tmp_path, embedder):
    source = tmp_path / "convoys.txt"
    long_article(source)
    assert aidbot(cli_env, "list").returncode == 0
    corpus = Path(cli_env["AIDBOT_CORPUS_DIR"])
    for delay in (0.0, 0.5, 1.0):
        process = subprocess.Popen(AIDBOT + ["add", str(source)], env=cli_env, cwd=REPO,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # killed once the article is in the corpus, while its passages are embedded and
        # written (the first time), or `delay` after the start (it is already there)
        while process.poll() is None and len(list(corpus.glob("*.md"))) < 2:
            time.sleep(0.01)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        answered = aidbot(cli_env, "ask", "--json", "how many laptops were sent?")
        assert json.loads(answered.stdout)["found"], answered.stderr
    rerun = aidbot(cli_env, "add", str(source))
    assert rerun.returncode == 0, rerun.stderr
    assert "601 passages" in rerun.stdout or "already in the corpus" in rerun.stdout
    kb = KnowledgeBase(Path(cli_env["AIDBOT_CORPUS_DIR"]), Path(cli_env["AIDBOT_INDEX_DIR"]),
                       embedder)
    assert kb.problems() == []
    assert len(kb.articles()) == 2
    assert len(list(Path(cli_env["AIDBOT_CORPUS_DIR"]).glob("*.md"))) == 2
    assert not [p for p in Path(cli_env["AIDBOT_INDEX_DIR"]).iterdir() if ".tmp" in p.name
                and p.stat().st_mtime > time.time() + 1]


def test_a_model_that_needs_a_download_fails_clearly(cli_env):
    env = dict(cli_env, AIDBOT_MODEL="example-org/model-not-on-this-machine", HF_HUB_OFFLINE="1")
    done = aidbot(env, "ask", "how many laptops were sent?")
    assert done.returncode == 2
    assert "HF_HUB_OFFLINE" in done.stderr and "AIDBOT_MODEL" in done.stderr
