"""The sentence-transformers model: the bundled multilingual-e5-small by default, any other
sentence-transformers model by name or folder with `AIDBOT_MODEL`."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import numpy as np

from . import e5_weights

log = logging.getLogger(__name__)

DEFAULT_MODEL = "multilingual-e5-small"
BATCH_SIZE = 32

# No network at run time unless asked for: a missing model must fail at once, not hang.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", os.environ["HF_HUB_OFFLINE"])
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class ModelUnavailable(RuntimeError):
    pass


_prepare_lock = threading.Lock()


def prepare_default_model(models_dir: Path) -> Path:
    folder = models_dir / "multilingual-e5-small"
    with _prepare_lock:
        if not e5_weights.is_built(folder):
            log.info("preparing the bundled multilingual-e5-small model in %s (once)", folder)
            try:
                e5_weights.build_model_folder(folder)
            except e5_weights.WeightsUnavailable as exc:
                raise ModelUnavailable(str(exc)) from None
    return folder


class Embedder:
    """Embeds questions and passages; thread-safe for concurrent `query` calls."""

    def __init__(self, model: str | None = None, models_dir: Path = Path(".aidbot/models")):
        self.name = model or DEFAULT_MODEL
        location = str(prepare_default_model(models_dir)) if model is None else model
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()

        torch.set_num_threads(max(1, min(os.cpu_count() or 1, 4)))
        try:
            self._model = SentenceTransformer(location, device="cpu")
        except OSError as exc:
            raise ModelUnavailable(
                f"cannot load the embedding model {location!r} ({type(exc).__name__}): it is "
                "not on this machine "
                "and downloads are off (HF_HUB_OFFLINE=1): unset AIDBOT_MODEL to use the bundled "
                "model, point AIDBOT_MODEL at a local folder, or set HF_HUB_OFFLINE=0 to allow "
                "a download."
            ) from None
        self._model.eval()
        prompts = getattr(self._model, "prompts", {}) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = (
            "passage" if "passage" in prompts else "document" if "document" in prompts else None
        )
        dimension = (getattr(self._model, "get_embedding_dimension", None)
                     or self._model.get_sentence_embedding_dimension)
        self.dimension = int(dimension())

    def _encode(self, texts: list[str], prompt: str | None, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts, prompt_name=prompt, batch_size=BATCH_SIZE, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._query_prompt)

    def passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, self._passage_prompt, progress)
