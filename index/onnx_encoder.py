"""Sentence embeddings from the prepared int8 ONNX model with onnxruntime: no torch, so a command
starts in well under a second and the process stays small.

It computes what sentence-transformers computes for this folder: the prompt before the text, token
ids (light_tokenizer), the transformer's last hidden state, mean pooling over
the tokens as the folder's pooling config says, then L2 normalisation.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

import numpy as np

from .light_tokenizer import LightTokenizer

BATCH_SIZE = 32

# one session per model file in a process, however many knowledge bases open it
_loaded: dict[tuple[Path, int, int], tuple] = {}
_loading = threading.Lock()


def _open(folder: Path, onnx_file: Path, threads: int, max_length: int) -> tuple:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(onnx_file), options,
                                           providers=["CPUExecutionProvider"])
    inputs = {i.name for i in session.get_inputs()}
    return session, inputs, LightTokenizer(folder, max_length)


class OnnxEncoder:
    """Thread-safe; the ONNX session and the tokenizer are loaded on first use."""

    def __init__(self, folder: Path, onnx_file: Path, threads: int | None = None):
        self.folder, self.onnx_file = folder, onnx_file
        self.threads = threads or max(1, min(os.cpu_count() or 1, 4))
        settings = json.loads((folder / "config_sentence_transformers.json").read_text())
        self.prompts: dict[str, str] = settings.get("prompts") or {}
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
        modes = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v]
        if modes != ["pooling_mode_mean_tokens"]:
            raise ValueError(f"only mean pooling is supported, the model has {modes}")
        if pooling.get("include_prompt") is False:
            raise ValueError("a pooling that leaves the prompt out is not supported")
        self.dimension = int(pooling["word_embedding_dimension"])
        self.max_length = int(json.loads(
            (folder / "sentence_bert_config.json").read_text())["max_seq_length"])
        self._loaded: tuple | None = None

    def _load(self) -> tuple:
        if self._loaded is None:
            with _loading:
                key = (self.onnx_file, self.onnx_file.stat().st_mtime_ns, self.threads)
                if key not in _loaded:
                    _loaded[key] = _open(self.folder, self.onnx_file, self.threads,
                                         self.max_length)
                self._loaded = _loaded[key]
        return self._loaded

    def load(self) -> None:
        self._load()

    def encode(self, texts: list[str], prompt: str | None, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        session, inputs, tokenizer = self._load()
        prefix = self.prompts.get(prompt, "") if prompt else ""
        ids = tokenizer.encode([prefix + t for t in texts])
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # longest first, in batches of similar lengths: little padding
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]), reverse=True)
        bar = _progress_bar(len(texts)) if progress else None
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start:start + BATCH_SIZE]
            width = len(ids[batch[0]])
            input_ids = np.full((len(batch), width), tokenizer.pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                input_ids[row, :len(ids[i])] = ids[i]
                mask[row, :len(ids[i])] = 1
            feed = {"input_ids": input_ids, "attention_mask": mask}
            if "token_type_ids" in inputs:
                feed["token_type_ids"] = np.zeros_like(input_ids)
            hidden = session.run(None, feed)[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            out[batch] = pooled
            if bar is not None:
                bar.update(len(batch))
        if bar is not None:
            bar.close()
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.ascontiguousarray(out / np.maximum(norms, 1e-12), dtype=np.float32)


def _progress_bar(total: int):
    from tqdm import tqdm

    return tqdm(total=total, unit="passage", desc="embedding", file=sys.stderr, leave=False)
