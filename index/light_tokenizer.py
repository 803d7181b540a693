"""The bundled model's tokenizer for the ONNX path, in a sixth of the memory.

The model folder's tokenizer.json is a Unigram model of 250,000 pieces: the `tokenizers` library
holds it in about 280 MB, SentencePiece in about 50 MB. Written once when the model is prepared:
the same pieces and scores as a SentencePiece model, and the tokenizer.json's own normaliser (run
by `tokenizers`, so the text is normalised exactly as sentence-transformers does it). The ids are
the same as tokenizer.json's (checked by a test on the corpus and the question bank).
"""

from __future__ import annotations

import json
from pathlib import Path

SENTENCEPIECE_FILE = "sentencepiece.model"
SETTINGS_FILE = "light_tokenizer.json"


class UnsupportedTokenizer(ValueError):
    pass


def write_light_tokenizer(folder: Path) -> None:
    """From folder/tokenizer.json (Unigram pieces, a Metaspace pre-tokenizer, a template adding
    the sentence's first and last special tokens)."""
    from sentencepiece import sentencepiece_model_pb2 as sp_model

    spec = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    model, pre = spec.get("model") or {}, spec.get("pre_tokenizer") or {}
    if model.get("type") != "Unigram" or model.get("byte_fallback"):
        raise UnsupportedTokenizer("only a Unigram tokenizer without byte fallback is supported")
    if (pre.get("type"), pre.get("replacement"), pre.get("split", True)) != (
            "Metaspace", "▁", True):
        raise UnsupportedTokenizer("only a Metaspace pre-tokenizer splitting on '▁' is supported")
    pieces = model["vocab"]
    ids = {piece: i for i, (piece, _) in enumerate(pieces)}
    config_path = folder / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.is_file() else {}
    bos, eos = _template_specials(spec.get("post_processor") or {})
    unk = model.get("unk_id")

    proto = sp_model.ModelProto()
    kinds = sp_model.ModelProto.SentencePiece.Type
    for i, (piece, score) in enumerate(pieces):
        entry = proto.pieces.add()
        entry.piece, entry.score = piece, score
        # "<s>", "<pad>" … stay ordinary pieces, as in tokenizer.json's Unigram model
        entry.type = kinds.UNKNOWN if i == unk else kinds.NORMAL
    trainer = proto.trainer_spec
    trainer.model_type = sp_model.TrainerSpec.UNIGRAM
    trainer.vocab_size = len(pieces)
    trainer.byte_fallback = False
    trainer.unk_id = unk if unk is not None else -1
    trainer.bos_id, trainer.eos_id, trainer.pad_id = -1, -1, -1  # added here, not by SentencePiece
    # normalisation is tokenizer.json's (below); SentencePiece only marks the spaces with "▁"
    normaliser = proto.normalizer_spec
    normaliser.name = "identity"
    normaliser.add_dummy_prefix = pre.get("prepend_scheme", "always") != "never"
    normaliser.remove_extra_whitespaces = False
    normaliser.escape_whitespaces = True
    (folder / SENTENCEPIECE_FILE).write_bytes(proto.SerializeToString())
    (folder / SETTINGS_FILE).write_text(json.dumps({
        "normalizer": spec.get("normalizer"), "bos": bos, "eos": eos,
        "pad": ids.get(config.get("pad_token"), 0),
    }), encoding="utf-8")


def _template_specials(post: dict) -> tuple[list[int], list[int]]:
    """The ids a TemplateProcessing puts before and after a single sequence."""
    if post.get("type") != "TemplateProcessing":
        raise UnsupportedTokenizer("only a TemplateProcessing post-processor is supported")
    template, tokens = post["single"], post.get("special_tokens", {})
    at = next(i for i, part in enumerate(template) if "Sequence" in part)

    def ids(parts: list[dict]) -> list[int]:
        return [i for part in parts for i in tokens[part["SpecialToken"]["id"]]["ids"]]

    return ids(template[:at]), ids(template[at + 1:])


def is_written(folder: Path) -> bool:
    return (folder / SENTENCEPIECE_FILE).is_file() and (folder / SETTINGS_FILE).is_file()


class LightTokenizer:
    """Token ids with the sentence's special tokens, truncated to `max_length`."""

    def __init__(self, folder: Path, max_length: int):
        import sentencepiece
        from tokenizers import Tokenizer

        settings = json.loads((folder / SETTINGS_FILE).read_text(encoding="utf-8"))
        self._pieces = sentencepiece.SentencePieceProcessor(
            model_file=str(folder / SENTENCEPIECE_FILE))
        # a tokenizer that only normalises: tokenizer.json's normaliser with a one-word model
        self._normaliser = Tokenizer.from_str(json.dumps({
            "version": "1.0", "truncation": None, "padding": None, "added_tokens": [],
            "normalizer": settings["normalizer"], "pre_tokenizer": None, "post_processor": None,
            "decoder": None,
            "model": {"type": "WordLevel", "vocab": {"<unk>": 0}, "unk_token": "<unk>"},
        })).normalizer
        self._bos, self._eos = settings["bos"], settings["eos"]
        self.pad_id = int(settings["pad"])
        self._space = self._pieces.piece_to_id("▁")
        self._room = max_length - len(self._bos) - len(self._eos)

    def normalise(self, text: str) -> str:
        return self._normaliser.normalize_str(text) if self._normaliser is not None else text

    def _pieces_of(self, text: str) -> list[int]:
        normal = self.normalise(text)
        if normal.startswith(" "):
            # Metaspace marks a leading space itself where SentencePiece would add a second mark
            normal = normal[1:]
            if not normal:
                return [self._space]
        return self._pieces.encode(normal)

    def encode(self, texts: list[str]) -> list[list[int]]:
        return [self._bos + self._pieces_of(t)[:self._room] + self._eos for t in texts]
