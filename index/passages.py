"""Split an article into sentence passages: the exact sentence to cite, its position, and the
text to embed (the sentence with the headline that gives it context)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sentencex import segment

from .articles import Article

MAX_SENTENCE_CHARS = 1200  # longer "sentences" (tables, lists) are cut at clause boundaries
_ABBREVIATION = re.compile(r"^\s*\(?[A-Za-zÀ-ÿА-Яа-яІіЇїЄєҐґ]{1,3}\.\s*$")
_PARAGRAPH = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Passage:
    article_id: str
    paragraph: int  # 0 is the headline, then 1, 2 … for the body's paragraphs
    sentence: int  # position within its paragraph
    text: str  # verbatim from the article
    context: str  # what gets embedded and searched


def split_sentences(text: str, lang: str) -> list[str]:
    """Sentences of one paragraph; joined back together they give the paragraph unchanged."""
    try:
        pieces = list(segment(lang if lang and lang != "und" else "en", text))
    except Exception:  # an unknown language code: English rules are a sane default
        pieces = list(segment("en", text))
    merged: list[str] = []
    for piece in pieces:
        # "M. ", "Dr. ": sentencex sometimes stops after a short abbreviation
        if merged and _ABBREVIATION.match(merged[-1]):
            merged[-1] += piece
        else:
            merged.append(piece)
    out: list[str] = []
    for piece in merged:
        out.extend(_cut_long(piece))
    return out


def _cut_long(piece: str) -> list[str]:
    if len(piece) <= MAX_SENTENCE_CHARS:
        return [piece]
    parts, rest = [], piece
    while len(rest) > MAX_SENTENCE_CHARS:
        window = rest[:MAX_SENTENCE_CHARS]
        cut = max(window.rfind("; "), window.rfind(", "), window.rfind("\n"), window.rfind(" "))
        cut = cut + 1 if cut > MAX_SENTENCE_CHARS // 3 else MAX_SENTENCE_CHARS
        parts.append(rest[:cut])
        rest = rest[cut:]
    return parts + ([rest] if rest else [])


def paragraphs(text: str) -> list[str]:
    return [p for p in _PARAGRAPH.split(text) if p.strip()]


def split_article(article: Article) -> list[Passage]:
    """The headline, then every sentence. A sentence's context is the headline and the sentence
    before it, which is what "she", "this coalition" or "the delivery" refer back to."""
    title = article.title.strip()
    result = []
    if title:
        result.append(Passage(article.id, 0, 0, title, title))
    previous = ""
    for p_no, para in enumerate(paragraphs(article.text), start=1):
        s_no = 0
        for sentence in split_sentences(para, article.language):
            quote = sentence.strip()
            if not any(c.isalnum() for c in quote):
                continue
            context = "\n".join(part for part in (title, f"{previous} {quote}".strip()) if part)
            result.append(Passage(article.id, p_no, s_no, quote, context))
            previous = quote
            s_no += 1
    return result
