"""Shared fixtures: the real model (prepared once per machine, loaded once per session), real
FAISS and SQLite on tmp folders, and a copy of the repository's corpus."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from index.embeddings import Embedder
from index.knowledge import KnowledgeBase

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"


def model_cache() -> Path:
    return Path(os.environ.get("AIDBOT_MODEL_CACHE") or REPO / ".aidbot" / "models")


@pytest.fixture(scope="session")
def models_dir() -> Path:
    return model_cache()


@pytest.fixture(scope="session")
def embedder(models_dir: Path) -> Embedder:
    """The bundled model as the bot runs it: int8 ONNX."""
    return Embedder(None, models_dir)


@pytest.fixture(scope="session")
def float_embedder(models_dir: Path) -> Embedder:
    """The same model's float weights on torch."""
    return Embedder(None, models_dir, quantised=False)


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def kb(corpus_dir: Path, tmp_path: Path, embedder: Embedder) -> KnowledgeBase:
    knowledge = KnowledgeBase(corpus_dir, tmp_path / "index", embedder)
    yield knowledge
    knowledge.close()


@pytest.fixture
def cli_env(corpus_dir: Path, tmp_path: Path, models_dir: Path) -> dict[str, str]:
    """Environment for running the real `aidbot` command on the tmp corpus and index."""
    env = dict(os.environ)
    env.update(
        AIDBOT_CORPUS_DIR=str(corpus_dir),
        AIDBOT_INDEX_DIR=str(tmp_path / "index"),
        AIDBOT_MODEL_CACHE=str(models_dir),
        NO_PROXY="*",
    )
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return env
