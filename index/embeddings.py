"""The embedding model: the bundled multilingual-e5-small by default, run as an int8 ONNX model
on onnxruntime (bundled_model, onnx_encoder), or any sentence-transformers model by name or
folder with `AIDBOT_MODEL`.

Nothing heavy is loaded until the first text is embedded: a command that only lists or removes
articles never loads the model, and the bot starts without waiting for it.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from . import bundled_model
from .onnx_encoder import OnnxEncoder

log = logging.getLogger(__name__)

DEFAULT_MODEL = "multilingual-e5-small"
BATCH_SIZE = 32

# No network at run time unless asked for: a missing model must fail at once, not hang.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", os.environ["HF_HUB_OFFLINE"])
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class ModelUnavailable(RuntimeError):
    pass


def prepare_default_model(models_dir: Path, progress: bool = False) -> Path:
    """The prepared bundled model's float folder (preparing it once)."""
    return _prepare(models_dir, progress).folder


def _prepare(models_dir: Path, progress: bool) -> bundled_model.PreparedModel:
    try:
        return bundled_model.prepare(models_dir, progress=progress)
    except bundled_model.PreparationFailed as exc:
        raise ModelUnavailable(str(exc)) from None


class _SentenceTransformerEncoder:
    """A sentence-transformers model on torch, loaded on first use."""

    def __init__(self, location: str):
        self.location = location
        self._model = None
        self._lock = threading.Lock()

    def load(self):
        with self._lock:
            if self._model is None:
                self._model = self._open()
            return self._model

    def _open(self):
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
        torch.set_num_threads(max(1, min(os.cpu_count() or 1, 4)))
        try:
            model = SentenceTransformer(self.location, device="cpu")
        except OSError as exc:
            raise ModelUnavailable(
                f"cannot load the embedding model {self.location!r} ({type(exc).__name__}): it "
                "is not on this machine "
                "and downloads are off (HF_HUB_OFFLINE=1): unset AIDBOT_MODEL to use the bundled "
                "model, point AIDBOT_MODEL at a local folder, or set HF_HUB_OFFLINE=0 to allow "
                "a download."
            ) from None
        model.eval()
        return model

    @property
    def dimension(self) -> int:
        model = self.load()
        dimension = (getattr(model, "get_embedding_dimension", None)
                     or model.get_sentence_embedding_dimension)
        return int(dimension())

    def encode(self, texts: list[str], prompt: str | None, progress: bool = False) -> np.ndarray:
        model = self.load()
        prompts = getattr(model, "prompts", {}) or {}
        if prompt == "passage" and prompt not in prompts:
            prompt = "document"
        vectors = model.encode(
            texts, prompt_name=prompt if prompt in prompts else None, batch_size=BATCH_SIZE,
            normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


class Embedder:
    """Embeds questions and passages; thread-safe for concurrent `queries` calls.

    `name` is the model's identity as the index records it: for the bundled model it changes
    with the prepared weights. `quantised=False` runs the bundled model's float weights on
    torch instead (to compare with)."""

    def __init__(self, model: str | None = None, models_dir: Path = Path(".aidbot/models"),
                 quantised: bool = True, progress: bool = False):
        self._dimension: int | None = None
        if model is None:
            ready = _prepare(models_dir, progress)
            self._dimension = ready.dimension
            if quantised:
                self.name = ready.identity
                self._encoder = OnnxEncoder(ready.folder, ready.onnx_file)
            else:
                self.name = ready.float_identity
                self._encoder = _SentenceTransformerEncoder(str(ready.folder))
        else:
            self.name = model
            self._encoder = _SentenceTransformerEncoder(model)

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            self._dimension = self._encoder.dimension
        return self._dimension

    def load(self) -> None:
        """Load the model now rather than at the first text."""
        self._encoder.load()

    def _encode(self, texts: list[str], prompt: str, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._encoder.encode(texts, prompt, progress)

    def queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "query")

    def passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, "passage", progress)


class ShortTexts:
    """Query vectors of short texts (words, names, counted things), kept: the same few recur.
    Each is embedded alone: the int8 encoder's vectors shift slightly with a batch's other texts,
    and a feature or check must not depend on what was asked before."""

    LIMIT = 20_000

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._kept: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, texts: list[str]) -> np.ndarray:
        """One row per text, in order."""
        if not texts:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        with self._lock:
            found = {t: self._kept[t] for t in texts if t in self._kept}
        for t in dict.fromkeys(texts):
            if t not in found:
                found[t] = self.embedder.queries([t])[0]
        with self._lock:
            for t in found:
                self._kept[t] = found[t]
                self._kept.move_to_end(t)
            while len(self._kept) > self.LIMIT:
                self._kept.popitem(last=False)
        return np.vstack([found[t] for t in texts])
