"""Learned changes to the bundled model's float weights, applied while the model is prepared.

The preparation pipeline (index/bundled_model.py) calls `apply_learned_weights(folder)` between
building the float sentence-transformers folder and exporting it to int8 ONNX. Until a learned
file exists it changes nothing. The learned file's digest is recorded with the prepared model:
a new file prepares the model again, and its new identity makes the index re-embed the corpus.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

LEARNED_FILE = Path(__file__).resolve().parent / "learned" / "e5-small-deltas.safetensors"


class LearnedWeightsError(RuntimeError):
    pass


def learned_file() -> Path | None:
    return LEARNED_FILE if LEARNED_FILE.is_file() else None


def learned_digest() -> str | None:
    """A short hash of the learned file, None when there is none."""
    path = learned_file()
    if path is None:
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def write_deltas(deltas: dict[str, np.ndarray], path: Path) -> None:
    """Store weight changes compactly: a matrix as int8 with one fp16 scale per row, a vector
    as fp16. Unchanged tensors are left out."""
    from safetensors.numpy import save_file

    out: dict[str, np.ndarray] = {}
    for name in sorted(deltas):
        delta = np.asarray(deltas[name], dtype=np.float32)
        if not np.any(delta):
            continue
        if delta.ndim == 2:
            scale = np.abs(delta).max(axis=1) / 127.0
            scale[scale == 0] = 1.0
            out[name] = np.round(delta / scale[:, None]).astype(np.int8)
            out[f"{name}.scale"] = scale.astype(np.float16)
        else:
            out[name] = delta.astype(np.float16)
    save_file(out, str(path), metadata={"format": "aidbot int8 row-scaled deltas 1"})


def read_deltas(path: Path) -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    stored = load_file(str(path))
    deltas = {}
    for name, value in stored.items():
        if name.endswith(".scale"):
            continue
        if value.dtype == np.int8:
            deltas[name] = value.astype(np.float32) * stored[f"{name}.scale"].astype(
                np.float32)[:, None]
        else:
            deltas[name] = value.astype(np.float32)
    return deltas


def apply_learned_weights(folder: Path) -> str | None:
    """Apply the learned deltas to the float model in `folder` (a sentence-transformers folder
    with model.safetensors), in place. Returns the learned file's digest, or None when there is
    nothing learned and the folder is unchanged."""
    from safetensors.numpy import load_file, save_file

    path = learned_file()
    if path is None:
        return None
    weights_file = folder / "model.safetensors"
    weights = load_file(str(weights_file))
    for name, delta in read_deltas(path).items():
        if name not in weights or weights[name].shape != delta.shape:
            raise LearnedWeightsError(
                f"{path} does not fit the bundled model ({name}): run `make train`")
        weights[name] = (weights[name] + delta).astype(weights[name].dtype)
    save_file(weights, str(weights_file), metadata={"format": "pt"})
    return learned_digest()
