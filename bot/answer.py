"""Question → passages → Answer. The one place that decides "I don't know"."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import asdict, dataclass, field

import numpy as np
from babel import Locale

from index import language as languages
from index import text
from index.knowledge import KnowledgeBase
from index.rank import Ranked, lacks_what_is_asked
from index.search import Hit

from . import messages, render

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000  # longer questions are read up to here
MAX_CITATIONS = 3
# a further citation scores this close to the best one (relevance), or …: chosen for as many
# sentences this close per answered dev question (among the top six) as the bundled model had
# at 0.012, 1.42 (precision 0.11, against 0.10)
RELATED_MARGIN = 0.045
# The best passage must beat the article's own headline by this much, i.e. answer something the
# article is not merely "about" (chosen on the seed article's questions, eval/questions/seed.jsonl)
MIN_GAP_OVER_HEADLINE = 0.02
NAME_MATCH = 0.915  # cosine of two names in different languages ("Germany" ~ "Allemagne")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


@dataclass(frozen=True)
class Citation:
    n: int
    article_id: str
    title: str
    source: str  # URL or "" when unknown
    published: str  # ISO date or ""
    quote: str  # verbatim sentence from the corpus


@dataclass(frozen=True)
class Answer:
    question: str
    found: bool
    text: str  # plain text, citations referenced as [1], [2] …; in the asker's language
    citations: list[Citation] = field(default_factory=list)
    language: str = "en"  # language the reply is written in
    # the part of `text` said before the quotes: the rendered fact ("Nearly 7,000 laptops [1]")
    # or the checked generated answer; "" when there are no quotes to show ("I don't know")
    lead: str = ""
    shown: tuple[int, ...] = ()  # citations whose quote the reply shows; the rest: Sources
    rendered: bool = False  # the lead says the fact in the reply language
    generated: bool = False  # the lead was written by the language model, and checked

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "found": self.found,
            "answer": self.text,
            "citations": [asdict(c) for c in self.citations],
        }


@dataclass(frozen=True)
class Selection:
    probability: float  # calibrated: that the best candidate answers the question
    ranked: list[Ranked]  # every candidate, best first
    chosen: list[Hit]  # what the answer cites; empty for "I don't know"


def clean_question(question: str) -> str:
    return " ".join(_CONTROL.sub(" ", question).split())[:MAX_QUESTION_CHARS]


def reply_language(question: str, hint: str | None = None) -> str:
    """The question's own language when the bot speaks it, else the user's interface language."""
    detected = languages.detect(question)
    if detected in messages.LANGUAGES:
        return detected
    return messages.base_language(hint) if hint else "en"


class Answerer:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def warm_up(self) -> None:
        """Load now what the first answers would wait for (the model, the ranker, the CLDR
        tables): a running bot does it in the background."""
        self.kb.warm_up()
        render.load_tables()

    def warm_up_in_background(self) -> None:
        def run() -> None:
            try:
                self.warm_up()
            except Exception:  # the first question loads what is missing, and reports it
                log.debug("warm-up stopped", exc_info=True)

        threading.Thread(target=run, name="aidbot-warm-up", daemon=True).start()

    def ask(self, question: str, language: str | None = None) -> Answer:
        """language: a hint such as Telegram's language_code ("en", "fr", "uk", "de-DE")."""
        asked = clean_question(question)
        lang = reply_language(asked, language)
        if not any(c.isalnum() for c in asked):
            return Answer(question, False, messages.text("empty_question", lang), [], lang)
        chosen = self.select(asked).chosen
        if not chosen:
            return Answer(question, False, messages.text("not_found", lang), [], lang)
        citations = [
            Citation(n, h.passage.article_id, h.passage.title, h.passage.source,
                     h.passage.published, h.passage.text)
            for n, h in enumerate(chosen, start=1)
        ]
        return _written(self._compose(question, asked, citations, lang))

    def select(self, question: str) -> Selection:
        """Candidates in the learned ranker's order (index/rank.py); the best one is cited when
        the calibrated decision is sure of it (Ranker.sure), or does not rule it out
        (Ranker.veto_for) and it answers rather than shares the topic (it beats its article's
        headline), and can (the names, figures, price, count or date the question depends on
        are in it). Further citations pass the same checks and are nearly as relevant, or are
        the best of another article and the ranker scores them as answering too. Nothing
        chosen: "I don't know"."""
        terms, ranked = self.kb.rank(question)
        probability = self.kb.answer_probability(terms, ranked)
        hits = [r.hit for r in ranked]
        key_terms = list(terms.key_terms)
        if not ranked or probability < self.kb.ranker.veto_for(ranked) or not (
                probability >= self.kb.ranker.sure
                or (self._relevant(question, hits[0], hits)
                    and self._can_answer(key_terms, ranked[0]))):
            return Selection(probability, ranked, [])
        best = hits[0]
        chosen = [best]
        articles = {best.passage.article_id}
        for r in ranked[1:]:
            if len(chosen) == MAX_CITATIONS:
                break
            h = r.hit
            close = h.relevance >= best.relevance - RELATED_MARGIN
            another_article = (h.passage.article_id not in articles
                               and r.score >= self.kb.ranker.extra_score)
            if (close or another_article) and h.passage.paragraph > 0 \
                    and self._can_answer(key_terms, r):
                chosen.append(h)
                articles.add(h.passage.article_id)
        return Selection(probability, ranked, chosen)

    def _relevant(self, question: str, top: Hit, hits: list[Hit]) -> bool:
        if top.passage.paragraph == 0:
            # the headline only answers when it beats every sentence of its own article
            runner_up = max((h.dense for h in hits if h.passage.paragraph > 0
                             and h.passage.article_id == top.passage.article_id), default=-1.0)
            return top.dense - runner_up >= MIN_GAP_OVER_HEADLINE
        headline = self.kb.headline_score(question, top.passage.article_id)
        return top.dense - headline >= MIN_GAP_OVER_HEADLINE

    def _can_answer(self, terms: list[str], candidate: Ranked) -> bool:
        """It holds the count, price or date asked for, and names the names and figures."""
        if lacks_what_is_asked(candidate.row):
            return False
        passage = candidate.hit.passage
        return all(self._mentioned(term, passage.text, passage.title) for term in terms)

    def _mentioned(self, term: str, sentence: str, title: str) -> bool:
        text_words = text.words(f"{title} {sentence}")
        named = text.countries(term)
        if named and any(named & text.countries(w) for w in text_words):
            return True  # "латвія" ~ "Lettonie"
        if text.mentions(term, text_words) or text.mentions(text.latin(term), text_words):
            return True
        if any(c.isdigit() for c in term):
            return False
        if term.isupper() and text.script(term) != text.script(sentence):
            return True  # an acronym in another script ("ЗСУ", "ІТ") cannot be checked here
        names = [w for w in text_words if w[:1].isupper() and len(w) > 2]
        if not names:
            return False
        vectors = self.kb.short_texts.vectors([term] + names)
        return bool((vectors[1:] @ vectors[0]).max() >= NAME_MATCH)

    # ---- composing -----------------------------------------------------------------------
    def _compose(self, question: str, asked: str, citations: list[Citation],
                 lang: str) -> Answer:
        """The lead says the fact of [1] in the reply language; a further citation is shown
        only when it gives such a fact too, the rest are pointed at (the Sources button)."""
        match = _thing_matcher(self.kb.short_texts.vectors)
        facts: list[str | None] = []
        for c in citations:
            fact = render.render(asked, c.quote, languages.detect(c.quote), lang, match)
            facts.append(fact if c is citations[0] or fact not in facts else None)
        rendered = [(c, fact) for c, fact in zip(citations, facts, strict=True) if fact]
        if facts[0]:
            lead = "\n".join(f"{fact} [{c.n}]" for c, fact in rendered)
            shown = tuple(c.n for c, _ in rendered)
        else:
            source = languages.detect(citations[0].quote)
            if source == lang or source not in render.READ:
                lead = messages.text("lead_quote", lang)
            else:
                lead = messages.text("lead_foreign", lang, source=_language_name(source, lang))
            shown = (1,)
        text = lead + others_line(citations, shown, lang)
        return Answer(question, True, text, citations, lang, lead, shown, bool(facts[0]))


# cosine of a question's "laptops" and a sentence's "ordinateurs portables": chosen with
# scripts/thing_match.py for the precision the bundled model had at 0.86 (0.96)
THING_MATCH = 0.85
THING_MARGIN = 0.02  # … and above the sentence's other counted things by this much


def _thing_matcher(embed) -> render.Matcher:
    """Which of a sentence's counted things the question's thing is, by the embedding model,
    across languages ("ноутбуків" ~ "ordinateurs portables"); None when it is not clear."""

    def match(thing: str, nouns: list[str]) -> int | None:
        # a noun is read up to three words, which may end in a participle ("ordinateurs
        # portables destinés"): each of its leading parts is compared, the nearest one counts
        parts = [[" ".join(words[:n]) for n in range(1, len(words) + 1)]
                 for words in (noun.split() or [noun] for noun in nouns)]
        flat = [part for noun_parts in parts for part in noun_parts]
        vectors = embed([thing, *flat])
        cosines = iter(vectors[1:] @ vectors[0])
        similarity = [max(next(cosines) for _ in noun_parts) for noun_parts in parts]
        best = int(np.argmax(similarity))
        others = [s for i, s in enumerate(similarity) if i != best]
        if similarity[best] >= THING_MATCH and similarity[best] - max(others, default=-1.0) \
                >= THING_MARGIN:
            return best
        return None

    return match


def _language_name(code: str, lang: str) -> str:
    """A language's name in the reply language, after CLDR: "French", "французька"."""
    return Locale.parse(lang if lang in render.LANGUAGES else "en").languages.get(code, code)


def others_line(citations: list[Citation], shown: tuple[int, ...], lang: str) -> str:
    """The line that points at the citations not shown ("Other sentences …: [2]")."""
    rest = " ".join(f"[{c.n}]" for c in citations if c.n not in shown)
    return "\n" + messages.text("more_sources", lang, refs=rest) if rest else ""


def _written(answer: Answer) -> Answer:
    """The answer as the configured language model writes it, checked (bot/generate.py); as it
    is when none is configured or the written one fails a check."""
    from . import generate  # it builds on this module

    return generate.write(answer)
