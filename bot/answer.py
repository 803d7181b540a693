"""Question → passages → Answer. The one place that decides "I don't know"."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import asdict, dataclass, field

import numpy as np

from index import language as languages
from index.knowledge import KnowledgeBase
from index.search import Hit

from . import checks, messages
from .countries import countries

MAX_QUESTION_CHARS = 1000  # longer questions are read up to here
RELATED_MARGIN = 0.012  # further citations must score this close to the best one
MAX_CITATIONS = 3
# Calibrated on held-out questions (see eval/): the best passage must beat the article's own
# headline by this much, i.e. answer something the article is not merely "about".
MIN_GAP_OVER_HEADLINE = 0.02
MIN_SCORE = 0.70
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

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "found": self.found,
            "answer": self.text,
            "citations": [asdict(c) for c in self.citations],
        }


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
        self._names: OrderedDict[str, np.ndarray] = OrderedDict()
        self._names_lock = threading.Lock()

    def ask(self, question: str, language: str | None = None) -> Answer:
        """language: a hint such as Telegram's language_code ("en", "fr", "uk", "de-DE")."""
        asked = clean_question(question)
        lang = reply_language(asked, language)
        if not any(c.isalnum() for c in asked):
            return Answer(question, False, messages.text("empty_question", lang), [], lang)
        hits = self.kb.search(asked, k=20)
        terms = checks.key_terms(asked, languages.detect(asked))
        best = self._best(asked, terms, hits)
        if best is None:
            return Answer(question, False, messages.text("not_found", lang), [], lang)
        chosen = [best] + [
            h for h in hits
            if h is not best and h.passage.paragraph > 0
            and h.relevance >= best.relevance - RELATED_MARGIN
            and self._can_answer(asked, terms, h)
        ][: MAX_CITATIONS - 1]
        citations = [
            Citation(n, h.passage.article_id, h.passage.title, h.passage.source,
                     h.passage.published, h.passage.text)
            for n, h in enumerate(chosen, start=1)
        ]
        return Answer(question, True, self._compose(asked, citations, lang), citations, lang)

    # ---- deciding ------------------------------------------------------------------------
    def _best(self, question: str, terms: list[str], hits: list[Hit]) -> Hit | None:
        """The most relevant passage, if it answers rather than shares the topic, and can."""
        if not hits:
            return None
        top = max(hits, key=lambda h: h.relevance)
        if self._relevant(question, top, hits) and self._can_answer(question, terms, top):
            return top
        return None

    def _relevant(self, question: str, top: Hit, hits: list[Hit]) -> bool:
        if top.dense < MIN_SCORE:
            return False
        if top.passage.paragraph == 0:
            # the headline only answers when it beats every sentence of its own article
            runner_up = max((h.dense for h in hits if h.passage.paragraph > 0
                             and h.passage.article_id == top.passage.article_id), default=-1.0)
            return top.dense - runner_up >= MIN_GAP_OVER_HEADLINE
        headline = self.kb.headline_score(question, top.passage.article_id)
        return top.dense - headline >= MIN_GAP_OVER_HEADLINE

    def _can_answer(self, question: str, terms: list[str], hit: Hit) -> bool:
        sentence = hit.passage.text
        if checks.asks_price(question) and not checks.has_money(sentence):
            return False
        if checks.asks_how_many(question) and not checks.has_number(sentence):
            return False
        if checks.asks_when(question) and not checks.has_date(sentence):
            return False
        return all(self._mentioned(term, sentence, hit.passage.title) for term in terms)

    def _mentioned(self, term: str, sentence: str, title: str) -> bool:
        text_words = checks.words(f"{title} {sentence}")
        named = countries(term)
        if named and any(named & countries(w) for w in text_words):
            return True  # "латвія" ~ "Lettonie"
        if checks.mentions(term, text_words) or checks.mentions(_latin(term), text_words):
            return True
        if any(c.isdigit() for c in term):
            return False
        if term.isupper() and _script(term) != _script(sentence):
            return True  # an acronym in another script ("ЗСУ", "ІТ") cannot be checked here
        names = [w for w in text_words if w[:1].isupper() and len(w) > 2]
        if not names:
            return False
        vectors = self._name_vectors([term] + names)
        return bool((vectors[1:] @ vectors[0]).max() >= NAME_MATCH)

    def _name_vectors(self, names: list[str]) -> np.ndarray:
        with self._names_lock:
            missing = [n for n in dict.fromkeys(names) if n not in self._names]
        if missing:
            fresh = self.kb.embedder.queries(missing)
            with self._names_lock:
                for name, vec in zip(missing, fresh, strict=True):
                    self._names[name] = vec
                while len(self._names) > 20_000:
                    self._names.popitem(last=False)
        with self._names_lock:
            return np.vstack([self._names[n] for n in names])

    # ---- composing -----------------------------------------------------------------------
    def _compose(self, question: str, citations: list[Citation], lang: str) -> str:
        lead = messages.text("according_to", lang)
        first = citations[0]
        key = _key_figure(question, first.quote)
        lines = [f"{lead} {key} [1]" if key else lead, f"«{first.quote}» [1]"]
        if len(citations) > 1:
            lines.append(messages.text("see_also", lang) + " " + " ".join(
                f"[{c.n}]" for c in citations[1:]))
        return "\n".join(lines)


_QUALIFIERS = {"près", "plus", "moins", "environ", "over", "more", "than", "about", "around",
               "nearly", "almost", "понад", "майже", "близько", "более", "около", "über", "fast",
               "más", "casi", "ponad", "prawie", "oltre", "quasi", "de", "d", "of"}
_YEAR = re.compile(r"^(1[89]|20)\d\d$")


def _bare(token: str) -> str:
    token = token.strip(".,;:!?«»()\"“”‘’'")
    return re.split(r"[’']", token)[-1]


def _is_number(token: str) -> bool:
    bare = _bare(token)
    return bool(bare) and (bare.replace(".", "").replace(",", "").isdigit()
                           or checks.is_number_word(bare))


def _key_figure(question: str, quote: str) -> str:
    """For "how many"/"how much" questions, the figure in the quote that answers, verbatim:
    "près de sept mille ordinateurs portables", "plus de 77 000 euros"."""
    if not (checks.asks_how_many(question) or checks.asks_price(question)):
        return ""
    tokens = list(re.finditer(r"\S+", quote))
    stems = {checks.fold(w)[:4] for w in checks.words(question) if len(w) > 3}
    best, best_score = "", -99
    i = 0
    while i < len(tokens):
        if not _is_number(tokens[i].group(0)):
            i += 1
            continue
        first = last = i
        while last + 1 < len(tokens) and _is_number(tokens[last + 1].group(0)) \
                and not re.search(r"[,;:.]$", tokens[last].group(0)):
            last += 1
        while first > 0 and _bare(tokens[first - 1].group(0)).lower() in _QUALIFIERS \
                and not re.search(r"[,;:.]$", tokens[first - 1].group(0)):
            first -= 1
        tail, counted = last, 0
        while counted < 2:  # the thing counted: "(de) drones FPV", "ordinateurs portables"
            if tail + 1 >= len(tokens) or re.search(r"[,;:.»)]$", tokens[tail].group(0)):
                break
            tail += 1
            counted += _bare(tokens[tail].group(0)).lower() not in {"de", "d", "of"}
        while first < i and _bare(tokens[first].group(0)).lower() in {"de", "d", "of"}:
            first += 1
        figure = quote[tokens[first].start():tokens[tail].end()].rstrip(".,;:!?«»()")
        following = {checks.fold(w)[:4] for w in checks.words(figure)}
        score = 2 * bool(stems & following) - 3 * bool(_YEAR.match(_bare(tokens[i].group(0))))
        score += 3 * (checks.asks_price(question) and checks.has_money(figure))
        if score > best_score:
            best, best_score = figure, score
        i = last + 1
    return best if best in quote else ""


def _script(text: str) -> str:
    """'CYRILLIC', 'LATIN' … of the first letter."""
    letter = next((c for c in text if c.isalpha()), "")
    return unicodedata.name(letter, "").split(" ")[0] if letter else ""


_CYRILLIC = dict(zip(
    "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяэыёъ",
    ["a", "b", "v", "h", "g", "d", "e", "ie", "zh", "z", "y", "i", "i", "i", "k", "l", "m", "n",
     "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "iu", "ia", "e", "y",
     "e", ""], strict=True,
))


def _latin(word: str) -> str:
    """Cyrillic spelled in Latin letters, so 'Естонія' can meet 'Estonie'."""
    return "".join(_CYRILLIC.get(c, _CYRILLIC.get(c.lower(), c)) for c in word)
