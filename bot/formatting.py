"""Answers as Telegram HTML messages, split to fit Telegram's 4096-character limit.

Telegram counts a message's length after parsing its entities: the visible text, in UTF-16 code
units. Every message is built here from segments of visible text, each optionally wrapped in one
tag, so the visible text is known exactly and a split never falls inside a tag. Every string
that comes from the corpus or from a user is escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot import messages
from bot.answer import Answer, Citation

MAX_MESSAGE_LENGTH = 4096  # visible characters (UTF-16 code units) per Telegram message
EXPANDABLE_FROM = 300  # a quote this long is shown folded (Telegram shows its first lines)

_QUOTED = re.compile(r"«[^«»]*»|“[^“”]*”|\"[^\"\n]*\"")
_SENTENCE_END = frozenset(".!?…:;»”\"')]")


@dataclass(frozen=True)
class Part:
    """One message: `html` for parse_mode=HTML, `text` what the user sees (and the plain-text
    fallback when Telegram refuses the HTML)."""

    html: str
    text: str


@dataclass(frozen=True)
class Segment:
    """Visible text, optionally wrapped in one tag (`open_tag`, `close_tag`)."""

    text: str
    open_tag: str = ""
    close_tag: str = ""

    @property
    def html(self) -> str:
        if not self.text:
            return ""
        return f"{self.open_tag}{html.escape(self.text, quote=False)}{self.close_tag}"

    def with_text(self, text: str) -> Segment:
        return Segment(text, self.open_tag, self.close_tag)


@dataclass(frozen=True)
class Block:
    """Segments kept in one message when they fit; `sep` joins it to the block before it and is
    dropped when a new message starts with this block."""

    segments: tuple[Segment, ...]
    sep: str = ""

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


# ---- building blocks --------------------------------------------------------------------------

def bold(text: str) -> Segment:
    return Segment(text, "<b>", "</b>")


def italic(text: str) -> Segment:
    return Segment(text, "<i>", "</i>")


def code(text: str) -> Segment:
    return Segment(text, "<code>", "</code>")


def quote(text: str, expandable: bool = False) -> Segment:
    """A blockquote; an expandable one shows its first lines until the reader opens it."""
    if expandable:
        return Segment(text, "<blockquote expandable>", "</blockquote>")
    return Segment(text, "<blockquote>", "</blockquote>")


def link(text: str, url: str) -> Segment:
    """A link when `url` is an http(s) URL, else plain text."""
    if not is_web_url(url):
        return Segment(text)
    return Segment(text, f'<a href="{html.escape(url, quote=True)}">', "</a>")


def is_web_url(url: str) -> bool:
    return bool(re.match(r"^https?://[^\s<>\"]+$", url or "", re.IGNORECASE))


def plain(text: str) -> Segment:
    return Segment(text)


def _sentence_boundaries(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of the whitespace runs where a new sentence may start: after sentence-ending
    punctuation or a citation mark, not before a citation mark, never inside quotation marks."""
    protected = [(m.start(), m.end()) for m in _QUOTED.finditer(paragraph)]
    cuts = []
    for m in re.finditer(r"\s+", paragraph):
        start, end = m.span()
        if start == 0 or end == len(paragraph):
            continue
        if paragraph[start - 1] not in _SENTENCE_END or paragraph[end] == "[":
            continue
        if any(a < start < b for a, b in protected):
            continue
        cuts.append((start, end))
    return cuts


def text_blocks(text: str, sep: str = "", wrap: Segment | None = None) -> list[Block]:
    """Plain text as blocks of one sentence each; paragraphs keep their line breaks."""
    blocks: list[Block] = []
    pieces = re.split(r"(\n+)", text.strip())
    pending_sep = sep
    for piece in pieces:
        if not piece:
            continue
        if piece.startswith("\n"):
            pending_sep = piece
            continue
        start = 0
        for cut_start, cut_end in _sentence_boundaries(piece):
            sentence = piece[start:cut_start]
            blocks.append(Block((_wrap(sentence, wrap),), pending_sep))
            pending_sep = piece[cut_start:cut_end]
            start = cut_end
        blocks.append(Block((_wrap(piece[start:], wrap),), pending_sep))
        pending_sep = ""
    return blocks


def _wrap(text: str, wrap: Segment | None) -> Segment:
    return wrap.with_text(text) if wrap else Segment(text)


# ---- splitting ----------------------------------------------------------------------------------

def pack(blocks: Iterable[Block], limit: int = MAX_MESSAGE_LENGTH) -> list[Part]:
    """Blocks into as few messages as they fit in, in order, each at most `limit` visible
    characters. A block only breaks (at spaces, re-opening its tags) when it alone is too long."""
    parts: list[Part] = []
    current: list[Segment] = []
    size = 0

    def flush() -> None:
        nonlocal current, size
        if current and "".join(s.text for s in current).strip():
            parts.append(_part(current))
        current, size = [], 0

    for block in blocks:
        block_size = utf16_len(block.text)
        if current and size + utf16_len(block.sep) + block_size <= limit:
            if block.sep:
                current.append(Segment(block.sep))
            current.extend(block.segments)
            size += utf16_len(block.sep) + block_size
            continue
        flush()
        if block_size <= limit:
            current, size = list(block.segments), block_size
            continue
        for piece in _break_block(block, limit):
            flush()
            current, size = list(piece), utf16_len("".join(s.text for s in piece))
    flush()
    return parts


def _part(segments: Sequence[Segment]) -> Part:
    merged: list[Segment] = []
    for seg in segments:
        if merged and not seg.open_tag and not merged[-1].open_tag:
            merged[-1] = Segment(merged[-1].text + seg.text)
        elif seg.text:
            merged.append(seg)
    # Telegram strips the message's outer whitespace; do it here so `text` is what is shown.
    while merged and not merged[0].open_tag and not merged[0].text.strip():
        merged.pop(0)
    while merged and not merged[-1].open_tag and not merged[-1].text.strip():
        merged.pop()
    if merged and not merged[0].open_tag:
        merged[0] = Segment(merged[0].text.lstrip())
    if merged and not merged[-1].open_tag:
        merged[-1] = Segment(merged[-1].text.rstrip())
    return Part("".join(s.html for s in merged), "".join(s.text for s in merged))


def _break_block(block: Block, limit: int) -> list[list[Segment]]:
    """A block too long for one message, as several pieces each within `limit`."""
    pieces: list[list[Segment]] = []
    current: list[Segment] = []
    size = 0
    for seg in block.segments:
        for chunk in _split_text(seg.text, limit):
            n = utf16_len(chunk)
            if current and size + n > limit:
                pieces.append(current)
                current, size = [], 0
            current.append(seg.with_text(chunk))
            size += n
    if current:
        pieces.append(current)
    return pieces


def _split_text(text: str, limit: int) -> list[str]:
    """Text cut into chunks of at most `limit` UTF-16 units, at spaces when there are any, and
    never inside a surrogate pair."""
    chunks: list[str] = []
    while utf16_len(text) > limit:
        cut = _prefix_fitting(text, limit)
        space = max(text.rfind(" ", 0, cut + 1), text.rfind("\n", 0, cut + 1))
        if space > 0:
            chunks.append(text[:space])
            text = text[space + 1 :]
        else:
            chunks.append(text[:cut])
            text = text[cut:]
    if text:
        chunks.append(text)
    return chunks


def _prefix_fitting(text: str, limit: int) -> int:
    """The number of code points of `text` whose UTF-16 length is at most `limit`."""
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return max(i, 1)
    return len(text)


# ---- what the bot says -------------------------------------------------------------------------

def _date(published: str) -> str:
    return (published or "")[:10]


def _citation_header(c: Citation) -> list[Segment]:
    segments = [plain(f"[{c.n}] "), link(c.title or c.article_id, c.source)]
    details = [d for d in (_source_label(c.source), _date(c.published)) if d]
    if details:
        segments.append(plain(f" ({', '.join(details)})"))
    return segments


def _source_label(source: str) -> str:
    """The site of a URL source, or the source as written when it is not a URL."""
    if not source:
        return ""
    if is_web_url(source):
        host = re.sub(r"^https?://", "", source, flags=re.IGNORECASE).split("/")[0]
        return host.split("@")[-1].split(":")[0].removeprefix("www.")
    return source if len(source) <= 80 else source[:79] + "…"


def answer_blocks(answer: Answer) -> list[Block]:
    """The lead, then each shown quote once, as a blockquote with its source under it
    (title linked to the URL, site, date), then what the answer says after them ("Other
    sentences that may help: [2]", whose quotes are behind the Sources button)."""
    if answer.lead and answer.text.startswith(answer.lead):
        blocks = text_blocks(answer.lead)
        by_number = {c.n: c for c in answer.citations}
        for n in answer.shown:
            c = by_number.get(n)
            if c is None:
                continue
            folded = len(c.quote) >= EXPANDABLE_FROM
            blocks.append(Block((quote(c.quote, folded),), "\n"))
            blocks.append(Block(tuple(_citation_header(c)), "\n"))
        rest = answer.text[len(answer.lead):]
        if rest.strip():
            blocks += text_blocks(rest, sep="\n")
        return blocks
    blocks = text_blocks(answer.text)
    for c in answer.citations:
        segments = _citation_header(c)
        if c.quote and c.quote not in answer.text:
            segments += [plain("\n"), quote(c.quote)]
        blocks.append(Block(tuple(segments), "\n\n" if c is answer.citations[0] else "\n"))
    return blocks


def format_answer(answer: Answer, limit: int = MAX_MESSAGE_LENGTH) -> list[Part]:
    """The reply to a question: the lead, each shown quote with its source under it, and a
    pointer to the other citations; an answer without a lead: its text, then its numbered
    citations (title linked to the source, date, quote)."""
    return pack(answer_blocks(answer), limit)


def format_sources(answer: Answer, limit: int = MAX_MESSAGE_LENGTH) -> list[Part]:
    """What the Sources button shows: each citation with its article id, full source and the
    whole quote."""
    blocks = [Block((bold(messages.text("sources_heading", answer.language)),))]
    for c in answer.citations:
        segments = [plain(f"[{c.n}] "), bold(c.title or c.article_id), plain("\n")]
        if c.source:
            segments += [link(c.source, c.source), plain("\n")]
        details = " · ".join(d for d in (_date(c.published), c.article_id) if d)
        segments += [italic(details), plain("\n"), quote(c.quote)]
        blocks.append(Block(tuple(segments), "\n\n"))
    return pack(blocks, limit)


def format_article_list(articles: Sequence, language: str | None,
                        limit: int = MAX_MESSAGE_LENGTH) -> list[Part]:
    """/sources: one line per article (id, title linked to its source, date, passages)."""
    if not articles:
        return pack([Block((plain(messages.text("corpus_empty", language)),))], limit)
    heading = messages.text("corpus_heading", language, count=len(articles))
    blocks = [Block((bold(heading),))]
    for a in sorted(articles, key=lambda a: (a.published or "", a.title), reverse=True):
        details = ", ".join(d for d in (_source_label(a.source), _date(a.published)) if d)
        passages = messages.text("passages", language, count=a.passages)
        segments = [code(a.id), plain(" "), link(a.title or a.id, a.source)]
        segments.append(plain(f" ({details}; {passages})" if details else f" ({passages})"))
        blocks.append(Block(tuple(segments), "\n"))
    return pack(blocks, limit)


def format_text(text: str, limit: int = MAX_MESSAGE_LENGTH) -> list[Part]:
    """Any plain message (help, confirmations, errors), escaped and split by sentences."""
    return pack(text_blocks(text), limit)
