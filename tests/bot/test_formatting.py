"""Answers as Telegram HTML: escaping, citations, and splitting at 4096 visible characters.

The oracle is the fake Bot API's parser, which reads HTML the way Telegram does."""

from __future__ import annotations

import re

from fake_bot_api import ApiError, parse_html
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answer import Answer, Citation
from bot.formatting import (
    MAX_MESSAGE_LENGTH,
    Part,
    format_answer,
    format_article_list,
    format_sources,
    format_text,
    utf16_len,
)
from index.knowledge import ArticleInfo

QUOTE = ("La France a livré à l'Ukraine 12 canons Caesar supplémentaires, a annoncé le ministère "
         "des Armées le 3 mars.")


def citation(n: int = 1, quote: str = QUOTE, title: str = "Aide militaire : la France livre",
             source: str = "https://example.org/article?id=1&lang=fr",
             published: str = "2024-03-03") -> Citation:
    return Citation(n, f"a{n:015d}", title, source, published, quote)


def answer(text: str, citations: list[Citation], language: str = "en") -> Answer:
    return Answer("question?", True, text, citations, language)


def shown(part: Part) -> str:
    """What Telegram shows for a part, checking that it accepts the HTML at all."""
    text, _ = parse_html(part.html)
    return text


def check_parts(parts: list[Part], limit: int = MAX_MESSAGE_LENGTH) -> None:
    assert parts
    for part in parts:
        visible = shown(part)  # raises ApiError if a tag or an entity is broken
        assert visible == part.text.strip()
        assert 0 < utf16_len(visible) <= limit


# ---- unit tests ---------------------------------------------------------------------------------

def test_answer_shows_text_numbered_citations_linked_titles_dates_and_quotes():
    second = citation(2, quote="Berlin a promis 500 millions d'euros.", title="L'Allemagne")
    parts = format_answer(answer(f"According to the articles I have:\n«{QUOTE}» [1]\n"
                                 "Also relevant: [2]", [citation(), second]))
    check_parts(parts)
    assert len(parts) == 1
    text = parts[0].text
    assert f"«{QUOTE}» [1]" in text
    assert "[1] Aide militaire : la France livre (example.org, 2024-03-03)" in text
    # the first quote is already in the answer, the second one is shown under its citation
    assert text.count(QUOTE) == 1
    assert ("[2] L'Allemagne (example.org, 2024-03-03)\n"
            "Berlin a promis 500 millions d'euros.") in text
    _, entities = parse_html(parts[0].html)
    links = [e["url"] for e in entities if e["type"] == "text_link"]
    assert links == ["https://example.org/article?id=1&lang=fr"] * 2
    assert [e["type"] for e in entities].count("blockquote") == 1


def test_citation_without_url_or_date_is_plain():
    c = citation(source="", published="")
    parts = format_answer(answer("Answer [1]", [c]))
    check_parts(parts)
    assert "[1] Aide militaire : la France livre\n" + QUOTE in parts[0].text
    assert "<a " not in parts[0].html
    scripted = answer("x [1]", [citation(source="javascript:alert(1)")])
    assert "href" not in format_answer(scripted)[0].html


def test_user_and_corpus_strings_are_escaped():
    evil = '<b>bold</b> & <a href="x">link</a> </blockquote> &amp; <script>'
    c = citation(title=evil, quote=evil, source='https://e.org/?q="><b>&x=1')
    parts = format_answer(answer(f"{evil}: [1]", [c]))
    check_parts(parts)
    # text and title shown as typed; the quote is part of the text, so not repeated
    assert parts[0].text.count(evil) == 2
    parts = format_answer(answer("Answer [1]", [c]))
    check_parts(parts)
    assert parts[0].text.count(evil) == 2  # title and quote
    sources = format_sources(answer(evil, [c]))
    check_parts(sources)
    assert evil in sources[0].text
    text = format_text(evil)
    check_parts(text)
    assert text[0].text == evil.strip()


def test_unescaped_html_would_be_refused_by_telegram():
    # the oracle really refuses what Telegram refuses
    for bad in ["<b>x", "x</b>", "<script>", "a < b", "<b>x</i>"]:
        try:
            parse_html(bad)
        except ApiError as exc:
            assert exc.description.startswith("Bad Request: can't parse entities:")
        else:
            raise AssertionError(f"accepted {bad!r}")


def test_long_answer_is_split_between_sentences_and_citations():
    sentences = [f"Sentence number {i} says that aid package {i} was delivered on time." for i in
                 range(120)]
    quotes = [f"Quote {n}: " + " ".join(f"word{n}_{i}." for i in range(150)) for n in range(1, 7)]
    a = answer(" ".join(sentences) + " [1]", [citation(n, q) for n, q in enumerate(quotes, 1)])
    parts = format_answer(a)
    check_parts(parts)
    assert len(parts) >= 3
    texts = [p.text for p in parts]
    for sentence in sentences:  # no sentence cut in two
        assert sum(sentence in t for t in texts) == 1
    for q in quotes:  # no quote cut in two
        assert sum(q in t for t in texts) == 1
    # nothing lost, nothing reordered: only the whitespace at the cuts goes
    whole = format_answer(a, limit=10**9)[0].text
    assert re.sub(r"\s", "", "".join(texts)) == re.sub(r"\s", "", whole)


def test_quotation_in_the_answer_text_is_not_split():
    long_quote = " ".join(f"Phrase {i} de la citation." for i in range(100))
    text = "Intro sentence. " * 150 + f"«{long_quote}» [1]"
    parts = format_answer(answer(text, [citation(quote=long_quote)]))
    check_parts(parts)
    assert sum(f"«{long_quote}» [1]" in p.text for p in parts) == 1


def test_quote_longer_than_a_message_is_cut_at_spaces_and_stays_in_blockquotes():
    huge = " ".join(f"mot{i}" for i in range(2000))
    parts = format_answer(answer("See [1]", [citation(quote=huge)]))
    check_parts(parts)
    assert len(parts) >= 3
    quoted = []
    for part in parts:
        text, entities = parse_html(part.html)
        encoded = text.encode("utf-16-le")
        quoted += [encoded[2 * e["offset"]:2 * (e["offset"] + e["length"])].decode("utf-16-le")
                   for e in entities if e["type"] == "blockquote"]
    assert " ".join(quoted) == huge


def test_astral_characters_count_twice_and_are_never_cut():
    emoji = "🇺🇦" * 3000  # 4 UTF-16 units each
    parts = format_text(emoji)
    check_parts(parts)
    assert "".join(p.text for p in parts) == emoji
    assert all(utf16_len(p.text) <= MAX_MESSAGE_LENGTH for p in parts)
    assert len(parts) == 3


def test_sources_view_has_ids_urls_and_full_quotes():
    parts = format_sources(answer("x", [citation(), citation(2, quote="Short one.")], "fr"))
    check_parts(parts)
    text = parts[0].text
    assert text.startswith("Sources")
    assert "https://example.org/article?id=1&lang=fr" in text
    assert "a000000000000001" in text and QUOTE in text and "Short one." in text


def test_article_list():
    articles = [ArticleInfo("abc123", "Aid <to> Ukraine", "https://kyiv.example/a", "2024-02-01",
                            "en", 12),
                ArticleInfo("def456", "Pasted", "", "", "fr", 3)]
    parts = format_article_list(articles, "en")
    check_parts(parts)
    assert "abc123 Aid <to> Ukraine (kyiv.example, 2024-02-01; passages: 12)" in parts[0].text
    assert "def456 Pasted (passages: 3)" in parts[0].text
    assert format_article_list([], "uk")[0].text == "У мене ще немає статей."
    many = [ArticleInfo(f"id{i:05d}", f"Title {i} " * 8, "https://x.example/" + "p" * 50,
                        "2024-01-01", "en", i) for i in range(300)]
    parts = format_article_list(many, "en")
    check_parts(parts)
    assert len(parts) > 1
    assert sum(p.text.count("\nid") + p.text.startswith("id") for p in parts) == 300


def led(lead: str, citations: list[Citation], shown: tuple[int, ...], rest: str = "") -> Answer:
    return Answer("question?", True, lead + rest, citations, "en", lead, shown, True)


def test_reply_is_the_lead_then_the_quote_once_as_a_blockquote_then_its_source():
    other = citation(2, quote="Berlin a promis 500 millions d'euros.", title="L'Allemagne")
    a = led("Nearly 7,000 laptops [1]", [citation(), other], (1,),
            "\nOther sentences that may help: [2]")
    [part] = format_answer(a)
    check_parts([part])
    assert part.text == ("Nearly 7,000 laptops [1]\n" + QUOTE + "\n"
                         "[1] Aide militaire : la France livre (example.org, 2024-03-03)\n"
                         "Other sentences that may help: [2]")
    _, entities = parse_html(part.html)
    assert [e["type"] for e in entities] == ["blockquote", "text_link"]
    assert entities[1]["url"] == "https://example.org/article?id=1&lang=fr"
    assert "Berlin" not in part.text  # behind the Sources button
    assert "Berlin a promis" in format_sources(a)[0].text


def test_a_long_quote_is_folded_and_every_shown_quote_comes_once_with_its_source():
    long_quote = "Une phrase longue qui cite beaucoup de pays et de chiffres. " * 8
    second = citation(2, quote="Short one.", title="Second", source="", published="")
    a = led("More than €12 million [1]\nAbout 40 [2]", [citation(quote=long_quote.strip()),
                                                       second], (1, 2))
    [part] = format_answer(a)
    check_parts([part])
    _, entities = parse_html(part.html)
    assert [e["type"] for e in entities] == ["expandable_blockquote", "text_link", "blockquote"]
    assert part.text.count(long_quote.strip()) == 1 and part.text.count("Short one.") == 1
    assert part.text.endswith("Short one.\n[2] Second")


def test_an_i_dont_know_is_its_sentence_alone():
    a = Answer("q", False, "I don't know: the articles I have do not answer this question.")
    assert [p.text for p in format_answer(a)] == [a.text]


# ---- properties --------------------------------------------------------------------------------

nasty = st.lists(
    st.one_of(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20),
              st.sampled_from(["<", ">", "&", "&amp;", "<b>", "</b>", "<a href='x'>", "\n", " ",
                               ". ", "» ", "«", "[1] ", "🇺🇦", "&#60;", "</blockquote>"])),
    max_size=30).map("".join)
urls = st.one_of(st.just(""), st.just("Le Monde"),
                 st.builds(lambda p: "https://example.org/" + p,
                           st.text(st.characters(codec="ascii", exclude_categories=("Cc",)),
                                   max_size=40)))


@st.composite
def answers(draw, max_quote: int = 600):
    n = draw(st.integers(0, 6))
    dates = st.sampled_from(["", "2024-05-01"])
    cites = [Citation(i, f"id{i}", draw(nasty), draw(urls), draw(dates),
                      draw(st.text(max_size=max_quote)).strip() or "q")
             for i in range(1, n + 1)]
    text = draw(nasty) + "".join(f" «{c.quote}» [{c.n}]" for c in cites if draw(st.booleans()))
    return Answer(draw(nasty), bool(cites), text.strip() or "x", cites,
                  draw(st.sampled_from(["en", "fr", "uk"])))


@settings(max_examples=150, deadline=None)
@given(answers(), st.integers(30, 400))
def test_any_answer_splits_into_valid_messages_within_the_limit(a, limit):
    parts = format_answer(a, limit=limit)
    check_parts(parts, limit)
    whole = format_answer(a, limit=10**9)
    assert len(whole) == 1
    assert re.sub(r"\s", "", "".join(p.text for p in parts)) == re.sub(r"\s", "", whole[0].text)


@settings(max_examples=100, deadline=None)
@given(answers(max_quote=1500))
def test_every_quote_is_intact_in_one_message(a):
    parts = format_answer(a)
    check_parts(parts)
    for c in a.citations:
        assert any(c.quote in p.text for p in parts)
    for part in format_sources(a):
        shown(part)
    assert all(any(c.quote in p.text for p in format_sources(a)) for c in a.citations)


@settings(max_examples=100, deadline=None)
@given(nasty, nasty)
def test_strings_are_shown_as_typed(title, quote):
    quote = quote.strip() or "q"
    a = Answer("q", True, "Answer [1]", [Citation(1, "id", title, "", "", quote)], "en")
    [part] = format_answer(a)
    check_parts([part])
    assert " ".join(quote.split()) in " ".join(part.text.split())
    assert " ".join(title.split()) in " ".join(part.text.split())


@st.composite
def led_answers(draw):
    n = draw(st.integers(1, 4))
    cites = [Citation(i, f"id{i}", draw(nasty), draw(urls), "", draw(st.text(max_size=900)).strip()
                      or "q") for i in range(1, n + 1)]
    shown = tuple(sorted(draw(st.sets(st.integers(1, n), min_size=1))))
    lead = draw(nasty).strip() or "x"
    rest = " ".join(f"[{c.n}]" for c in cites if c.n not in shown)
    return led(lead, cites, shown, f"\nOther sentences that may help: {rest}" if rest else "")


@settings(max_examples=100, deadline=None)
@given(led_answers(), st.integers(200, 4096))
def test_shown_quotes_come_once_each_whole_and_the_others_never(a, limit):
    parts = format_answer(a, limit=limit)
    check_parts(parts, limit)
    quoted = []
    for part in parts:
        text, entities = parse_html(part.html)
        encoded = text.encode("utf-16-le")
        quoted += [encoded[2 * e["offset"]:2 * (e["offset"] + e["length"])].decode("utf-16-le")
                   for e in entities if "blockquote" in e["type"]]
    shown = [c.quote for c in a.citations if c.n in a.shown]
    if all(utf16_len(q) <= limit for q in shown):
        assert quoted == shown
