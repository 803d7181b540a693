"""Read an article from a file, an HTML page, a URL or a PDF into one `Article`, and keep it in
the corpus as Markdown with a small header."""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import language
from .errors import IngestError
from .faults import crash_point
from .fetch import fetch

__all__ = ["Article", "IngestError", "load_source", "from_upload", "from_pasted_text",
           "read_corpus_file", "write_corpus_file", "corpus_files"]

MAX_BYTES = 20 * 1024 * 1024  # Telegram lets bots download at most 20 MB
MAX_TEXT_CHARS = 1_000_000  # a long report, not a book: bigger pastes are refused
MAX_PDF_PAGES = 500
HEADER_KEYS = ("id", "title", "source", "published", "language")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    source: str
    published: str
    language: str
    text: str  # body, paragraphs separated by blank lines; the title is not repeated


def article_id(title: str, text: str) -> str:
    """Same words, same id: whitespace and zero-width characters do not count."""
    canonical = " ".join(_ZERO_WIDTH.sub("", f"{title}\n{text}").split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _visible(text: str) -> str:
    return _ZERO_WIDTH.sub("", text).strip()


def make_article(title: str, text: str, *, source: str = "", published: str = "",
                 lang: str = "") -> Article:
    title = " ".join(_clean(title).split())
    text = _clean(text)
    if len(text) > MAX_TEXT_CHARS:
        raise IngestError(
            f"the text is too long ({len(text):,} characters; the limit is {MAX_TEXT_CHARS:,})"
        )
    if not _visible(text) and not _visible(title):
        raise IngestError("the article is empty: there is no text to add")
    if not _visible(text):
        text, title = title, title[:120]
    if not _visible(title):
        first = _visible(text).split("\n", 1)[0]
        title = first[:120]
    lang = lang or language.detect(f"{title}\n{text}")
    return Article(article_id(title, text), title, source.strip(), published.strip(), lang, text)


# ---- decoding -------------------------------------------------------------------------------

def decode_text(data: bytes) -> str:
    """UTF-8, or UTF-16/32 with a BOM, or legacy Latin-1/Windows-1252 text; binary is refused."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
                       (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
                       (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise IngestError(
                    f"the file starts with a {codec} mark but is not valid {codec}"
                ) from None
    if b"\x00" in data:
        raise IngestError("this looks like a binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        if text.count("\ufffd") > 0 or _control_ratio(text) > 0.01:
            raise IngestError(
                "the file is neither UTF-8 nor readable Latin-1/Windows-1252 text; "
                "save it as UTF-8 and try again"
            ) from None
    if _control_ratio(text) > 0.01:
        raise IngestError("this looks like a binary file, not text")
    return text


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for c in text
              if unicodedata.category(c) in ("Cc", "Co", "Cs") and c not in "\n\r\t\f")
    return bad / len(text)


# ---- formats --------------------------------------------------------------------------------

def from_pasted_text(text: str, *, source: str = "") -> Article:
    """Plain text: the first non-empty line is the headline, the rest the body."""
    text = _clean(text)
    if not _visible(text):
        raise IngestError("the article is empty: there is no text to add")
    lines = text.split("\n")
    while lines and not _visible(lines[0]):
        lines.pop(0)
    return make_article(lines[0], "\n".join(lines[1:]), source=source)


def from_markdown(text: str, *, source: str = "") -> Article:
    header, body = _split_header(text)
    if header is None:
        body = re.sub(r"^#{1,6}\s+", "", text.lstrip(), count=1)
        return from_pasted_text(body, source=source)
    return make_article(header.get("title", ""), body, source=header.get("source", "") or source,
                        published=header.get("published", ""), lang=header.get("language", ""))


def from_html(data: bytes, *, source: str = "") -> Article:
    import trafilatura

    html = decode_text(data) if not data.lstrip()[:1] == b"<" else data.decode("utf-8", "replace")
    doc = trafilatura.bare_extraction(html, url=source or None, with_metadata=True,
                                      include_comments=False, include_tables=True,
                                      deduplicate=True)
    body = (getattr(doc, "text", None) or "") if doc is not None else ""
    if not _visible(body):
        raise IngestError("no article text found in this page")
    title = getattr(doc, "title", None) or ""
    published = getattr(doc, "date", None) or ""
    lang = getattr(doc, "language", None) or ""
    return make_article(title, body.replace("\n", "\n\n"), source=source, published=published,
                        lang=lang)


def from_pdf(data: bytes, *, source: str = "") -> Article:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) > MAX_PDF_PAGES:
            raise IngestError(f"the PDF has more than {MAX_PDF_PAGES} pages")
        pages = []
        size = 0
        for page in reader.pages:
            chunk = page.extract_text() or ""
            size += len(chunk)
            if size > MAX_TEXT_CHARS:
                raise IngestError(f"the PDF holds more than {MAX_TEXT_CHARS:,} characters of text")
            pages.append(chunk)
        meta_title = (reader.metadata or {}).get("/Title", "") if reader.metadata else ""
    except IngestError:
        raise
    except LimitReachedError:
        raise IngestError("this PDF expands to more data than is safe to read "
                          "(a compression bomb?)") from None
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise IngestError(f"this PDF cannot be read ({type(exc).__name__})") from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not _visible(text):
        raise IngestError("this PDF has no text layer (a scan?); only PDFs with text can be added")
    if meta_title and str(meta_title).strip():
        return make_article(str(meta_title), text, source=source)
    return from_pasted_text(text, source=source)


def from_upload(data: bytes, filename: str, *, max_bytes: int = MAX_BYTES,
                content_type: str = "", source: str = "") -> Article:
    """An article from raw bytes; the format comes from the file name or content type."""
    if len(data) > max_bytes:
        raise IngestError(f"the file is larger than the limit of {max_bytes // (1024 * 1024)} MB")
    if not data.strip():
        raise IngestError("the file is empty: there is no text to add")
    suffix = Path(filename).suffix.lower()
    if suffix == ".pdf" or content_type == "application/pdf" or data.startswith(b"%PDF-"):
        if not data.startswith(b"%PDF-"):
            raise IngestError("this file is named .pdf but is not a PDF")
        return from_pdf(data, source=source)
    if suffix in (".html", ".htm") or content_type in ("text/html", "application/xhtml+xml"):
        return from_html(data, source=source)
    if suffix in (".md", ".markdown", ".txt", "") or content_type.startswith("text/"):
        text = decode_text(data)
        if suffix in (".md", ".markdown"):
            return from_markdown(text, source=source)
        return from_pasted_text(text, source=source)
    raise IngestError(
        f"unsupported file type {suffix!r}: send a .txt, .md, .html or .pdf file"
    )


def load_source(source: str, *, allow_private_urls: bool = False,
                max_bytes: int = MAX_BYTES) -> Article:
    """A file path or an http(s) URL."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source):
        page = fetch(source, max_bytes=max_bytes, allow_private=allow_private_urls)
        name = page.url.rsplit("/", 1)[-1]
        if page.content_type in ("text/plain", "text/markdown") and not Path(name).suffix:
            name += ".txt"
        if page.content_type in ("text/html", "application/xhtml+xml", ""):
            name = "page.html" if not name.endswith((".pdf", ".txt", ".md")) else name
        return from_upload(page.body, name, max_bytes=max_bytes,
                           content_type=page.content_type, source=page.url)
    path = Path(source)
    if not path.is_file():
        raise IngestError(f"no such file: {source}")
    size = path.stat().st_size
    if size > max_bytes:
        raise IngestError(f"{source} is larger than the limit of {max_bytes // (1024 * 1024)} MB")
    return from_upload(path.read_bytes(), path.name, max_bytes=max_bytes)


# ---- the corpus on disk ---------------------------------------------------------------------

def _split_header(text: str) -> tuple[dict[str, str] | None, str]:
    if not text.startswith("---\n"):
        return None, text
    end = text.find("\n---\n", 3)
    if end < 0:
        return None, text
    header = {}
    for line in text[4:end].split("\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip() in HEADER_KEYS:
            header[key.strip()] = value.strip()
    return header, text[end + 5 :].lstrip("\n")


def to_markdown(article: Article) -> str:
    values = {"id": article.id, "title": article.title, "source": article.source,
              "published": article.published, "language": article.language}
    head = "\n".join(f"{k}: {' '.join(str(values[k]).split())}" for k in HEADER_KEYS)
    return f"---\n{head}\n---\n\n{article.text}\n"


def write_corpus_file(corpus_dir: Path, article: Article) -> Path:
    """Write atomically: a reader never sees half a file."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    path = corpus_dir / f"{article.id}.md"
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".md", dir=corpus_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(to_markdown(article))
            out.flush()
            os.fsync(out.fileno())
        crash_point("corpus-file-written")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_corpus_file(path: Path) -> Article:
    """An article as the corpus holds it; a file without a header is read as plain text."""
    text = decode_text(path.read_bytes())
    header, body = _split_header(text)
    if header is None:
        parsed = from_markdown(text)
        return Article(path.stem, parsed.title, parsed.source, parsed.published,
                       parsed.language, parsed.text)
    return Article(header.get("id") or path.stem, header.get("title", ""),
                   header.get("source", ""), header.get("published", ""),
                   header.get("language", "") or "und", body.rstrip("\n"))


def corpus_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        return []
    return sorted(p for p in corpus_dir.glob("*.md") if not p.name.startswith("."))

