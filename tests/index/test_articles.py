import zlib
from pathlib import Path

import pytest

from index.articles import (
    IngestError,
    article_id,
    decode_text,
    from_pasted_text,
    from_upload,
    load_source,
    read_corpus_file,
    write_corpus_file,
)

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_d776e5692aae155c.txt"


def minimal_pdf(text: str | None, content: bytes | None = None) -> bytes:
    """A one-page PDF; with text=None the page has no text layer (like a scan). `content`, when
    given, is the page's raw content stream, stored compressed."""
    stream_dict = b"<< /Length %d >>\nstream\n"
    if content is not None:
        content = zlib.compress(content, 9)
        stream_dict = b"<< /Length %d /Filter /FlateDecode >>\nstream\n"
    elif text:
        content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    else:
        content = b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        stream_dict % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def test_seed_article_reads_with_headline_as_title():
    if not SEED.is_file():
        pytest.skip("the seed articles folder is not beside this checkout")
    article = load_source(str(SEED))
    assert article.title.startswith("La coalition IT fournit 10 millions")
    assert article.language == "fr"
    assert "près de sept mille ordinateurs portables" in article.text
    assert not article.text.startswith("La coalition IT fournit")


def test_corpus_file_round_trip(tmp_path):
    article = from_pasted_text("Titre: avec deux-points\nPremière phrase. Deuxième phrase.")
    path = write_corpus_file(tmp_path, article)
    assert path.name == f"{article.id}.md"
    again = read_corpus_file(path)
    assert again == article


def test_same_words_same_id_whatever_the_whitespace():
    a = from_pasted_text("Title\nSome   text here.\n\nMore text.")
    b = from_pasted_text("  Title  \r\nSome text\u200b here.\r\n\r\n\r\nMore text.  ")
    assert a.id == b.id
    c = from_pasted_text("Title\nA different text.")
    assert c.id != a.id
    assert article_id("x", "y") != article_id("x", "z")


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "empty.txt", "empty"),
        ("   \n\u200b\n".encode(), "blank.txt", "empty"),
        (bytes(range(256)) * 40, "binary.txt", "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.txt", "binary"),
        (b"hello", "notes.docx", "unsupported"),
        (b"not a pdf", "paper.pdf", "not a PDF"),
    ],
)
def test_bad_uploads_get_a_clear_error(data, name, message):
    with pytest.raises(IngestError, match=message):
        from_upload(data, name)


def test_latin1_and_utf16_are_decoded_not_refused():
    text = "Déjà livrés : 318 stations à l’armée"
    assert decode_text("Déjà livrés".encode("latin-1")) == "Déjà livrés"
    assert decode_text(text.encode("utf-16")) == text
    assert decode_text(b"\xef\xbb\xbf" + text.encode()) == text


def test_text_that_is_no_known_encoding_is_refused():
    with pytest.raises(IngestError, match="UTF-8"):
        decode_text(b"abc \x81\x8d\x8f\x90\x9d def")


def test_over_long_paste_is_refused():
    with pytest.raises(IngestError, match="too long"):
        from_pasted_text("Title\n" + "word " * 2_200_000)


def test_html_keeps_the_article_not_scripts_or_navigation():
    page = b"""<html><head><title>Aid delivered to Kharkiv</title>
    <style>.x{color:red}</style><script>var secret = "do not index";</script></head>
    <body><nav><a href="/">Home</a> | <a href="/about">About us menu</a></nav>
    <article><h1>Aid delivered to Kharkiv</h1>
    <p>The convoy brought 40 generators to Kharkiv hospitals on Monday, officials said.</p>
    <p>A second convoy with water purification units is expected next week.</p></article>
    <footer>Copyright footer text</footer></body></html>"""
    article = from_upload(page, "page.html")
    assert article.title == "Aid delivered to Kharkiv"
    assert "40 generators" in article.text
    assert "do not index" not in article.text
    assert "color:red" not in article.text


def test_pdf_with_text_is_read_and_scan_is_refused():
    article = from_upload(minimal_pdf("Norway sent 12 mobile kitchens to Odesa."), "r.pdf")
    assert "12 mobile kitchens" in article.text
    with pytest.raises(IngestError, match="no text layer"):
        from_upload(minimal_pdf(None), "scan.pdf")


def test_file_over_the_size_limit_is_refused(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2048)
    with pytest.raises(IngestError, match="larger than"):
        load_source(str(big), max_bytes=1024)


def test_missing_file():
    with pytest.raises(IngestError, match="no such file"):
        load_source("/nonexistent/article.txt")


def test_compression_and_page_bombs_are_refused():
    with pytest.raises(IngestError, match="compression bomb"):
        from_upload(minimal_pdf(None, content=b" " * 200_000_000), "bomb.pdf")
    huge_text = b"BT /F1 12 Tf 72 720 Td (" + b"A" * 3_000_000 + b") Tj ET"
    with pytest.raises(IngestError, match="more than"):
        from_upload(minimal_pdf(None, content=huge_text), "long.pdf")
    nested = b"<html><body>" + b"<div>" * 200_000 + b"deep" + b"</div>" * 200_000 + b"</body>"
    with pytest.raises(IngestError, match="no article text"):
        from_upload(nested, "nested.html")
