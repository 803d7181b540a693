"""Fixtures of the Telegram tests: the fake Bot API server and a read-only knowledge base."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator

import pytest
from fake_bot_api import FakeBotAPI
from harness import REPO

from index.embeddings import Embedder
from index.knowledge import KnowledgeBase


@pytest.fixture(scope="session")
def shared_kb(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[KnowledgeBase]:
    """One knowledge base on a copy of the seed corpus, for the tests that only read it; those
    that change the corpus use the function-scoped `kb`."""
    root = tmp_path_factory.mktemp("kb")
    shutil.copytree(REPO / "corpus", root / "corpus")
    kb = KnowledgeBase(root / "corpus", root / "index", embedder)
    assert kb.articles(), "the seed corpus is empty"
    yield kb
    kb.close()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    server = FakeBotAPI()
    await server.start()
    yield server
    await server.stop()
