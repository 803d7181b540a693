"""Answers written by a language model, for operators who have one, checked before anyone sees
them.

Any OpenAI-compatible chat-completions endpoint (AIDBOT_LLM_URL, AIDBOT_LLM_MODEL,
AIDBOT_LLM_API_KEY) gets the question and the passages aidbot cited, numbered, and is asked to
answer in the question's language, citing [n]. What it writes is shown only if every [n] exists,
every sentence cites, every number and name in a sentence is in a passage that sentence cites,
and it is in the asker's language. Otherwise, and on a timeout, an error, a refusal or an empty
reply, the extractive answer is sent and the reason logged in one line. Whether there is an
answer at all ("I don't know") is aidbot's decision: the model is only asked when there is one.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
import time
from typing import Any

from babel import Locale

from index import language as languages
from index.passages import split_sentences
from index.text import country_word, fold, mentions, words

from . import render
from .answer import Answer, Citation, others_line
from .settings import Settings, is_local_url

log = logging.getLogger(__name__)

MAX_TOKENS = 400
_MARK = re.compile(r"\[(\d+)\]")
_UNSET = object()


class Unusable(Exception):
    """The model's reply cannot be shown; the message says why."""


def _prompt(answer: Answer) -> list[dict[str, str]]:
    language = Locale.parse("en").languages.get(answer.language, answer.language)
    system = (
        "You answer questions about international aid to Ukraine from the numbered passages "
        "the user gives, and from nothing else. "
        f"Write in {language}, the language of the question, one to three short sentences. "
        "End every sentence with the number of the passage it rests on in square brackets, "
        "for example [1]. Use only figures, dates and names that are in the passages you cite; "
        f"say them in {language}, and add none. Do not add anything the passages do not say."
    )
    passages = "\n".join(
        f"[{c.n}] {c.quote}" + (f" ({c.title}, {c.published})" if c.published else
                                f" ({c.title})")
        for c in answer.citations)
    user = f"Passages:\n{passages}\n\nQuestion: {answer.question}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


class Writer:
    """Writes answers with an OpenAI-compatible model and checks them."""

    def __init__(self, url: str, model: str, api_key: str = "", timeout: float = 30.0,
                 stream: bool = False) -> None:
        import httpx
        import openai

        self.model = model
        self.timeout = timeout
        self.stream = stream
        self._errors = (openai.OpenAIError, httpx.HTTPError)
        # a model served on this machine or the local network is reached directly, never
        # through a proxy from the environment
        http = openai.DefaultHttpxClient(trust_env=not is_local_url(url))
        self.client = openai.OpenAI(
            base_url=url, api_key=api_key or "none", max_retries=0, http_client=http,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)))

    @classmethod
    def from_settings(cls, settings: Settings) -> Writer | None:
        if not settings.llm_url:
            return None
        return cls(settings.llm_url, settings.llm_model, settings.llm_api_key,
                   settings.llm_timeout, settings.llm_stream)

    def write(self, answer: Answer) -> Answer:
        """The answer in the model's words when they pass every check, else `answer`."""
        if not answer.found or not answer.citations:
            return answer
        try:
            text = self._complete(_prompt(answer))
            problem = check(text, answer)
        except Unusable as exc:
            problem = str(exc)
        except self._errors as exc:
            problem = _error(exc)
        except Exception as exc:  # an optional helper never stands between a user and an answer
            problem = f"{type(exc).__name__} while reading the model's reply"
        if problem:
            log.warning("generated answer not used (%s): sent the quoted answer to %r",
                        problem, answer.question[:80])
            return answer
        return rewritten(answer, text)

    def _complete(self, messages: list[dict[str, str]]) -> str:
        options: dict[str, Any] = dict(model=self.model, messages=messages, temperature=0,
                                       max_tokens=MAX_TOKENS)
        deadline = time.monotonic() + self.timeout
        if not self.stream:
            reply = self.client.chat.completions.create(**options)
            if not reply.choices:
                raise Unusable("the reply has no choices")
            choice = reply.choices[0]
            return _content(choice.message.content, getattr(choice.message, "refusal", None),
                            choice.finish_reason)
        parts, refusal, finish, chosen = [], [], None, False
        with self.client.chat.completions.create(stream=True, **options) as chunks:
            for chunk in chunks:
                if time.monotonic() > deadline:
                    raise Unusable(f"no complete reply within {self.timeout:g} s")
                if not chunk.choices:
                    continue
                chosen = True
                delta = chunk.choices[0].delta
                parts.append(delta.content or "")
                refusal.append(getattr(delta, "refusal", None) or "")
                finish = chunk.choices[0].finish_reason or finish
        if not chosen:
            raise Unusable("the reply has no choices")
        return _content("".join(parts), "".join(refusal), finish)


def _content(content: str | None, refusal: str | None, finish: str | None) -> str:
    if refusal:
        raise Unusable("the model refused")
    if finish == "content_filter":
        raise Unusable("the model's reply was filtered")
    if finish == "length":
        raise Unusable("the reply was cut at the length limit")
    if not (content or "").strip():
        raise Unusable("the reply is empty")
    return content.strip()


def _error(exc: Exception) -> str:
    status = getattr(exc, "status_code", None)
    name = type(exc).__name__
    if "Timeout" in name:
        return "the model did not answer in time"
    return f"HTTP {status} from the model" if status else f"{name} reaching the model"


# ---- the checks -----------------------------------------------------------------------------

def _sentences(text: str, lang: str) -> list[str]:
    """The answer's sentences; a citation mark split off after a full stop joins its sentence."""
    found: list[str] = []
    for paragraph in text.splitlines():
        for piece in split_sentences(paragraph, lang):
            if found and not _MARK.sub("", piece).strip(" .;,"):
                found[-1] += piece
            elif piece.strip():
                found.append(piece.strip())
    return found


def _values(text: str, lang: str) -> set:
    return {f.value for f in render.figures(text, lang)}


def _name_words(sentence: str, lang: str) -> list[str]:
    """Capitalised words past a sentence's first word, acronyms included: the names it states
    (German capitalises every noun, so there only countries and acronyms count)."""
    found = []
    for i, word in enumerate(words(_MARK.sub(" ", sentence))):
        if not word[:1].isupper() or fold(word) in languages.FUNCTION_WORDS:
            continue
        if i == 0 and not word.isupper():
            continue
        if lang == "de" and not word.isupper() and country_word(word) is None:
            continue
        found.append(word)
    return found


def _stated(word: str, cited: list[Citation], question: str) -> bool:
    """Whether a name the model wrote is in the passages it cites (as a country in any
    language, a month, or the same word however spelled or transliterated), or the asker's."""
    texts = [c.quote for c in cited] + [c.title for c in cited]
    codes = country_word(word)
    if codes:
        return any(codes & (country_word(w) or frozenset()) for t in texts for w in words(t))
    if render._is_month_word(word):
        return True  # the month itself is checked with the figures (days, years) around it
    latin = render.transliterate(word, "en")
    source_words = [w for t in texts + [question] for w in words(t)]
    source_words += [render.transliterate(w, "en") for w in source_words]
    return mentions(word, source_words) or mentions(latin, source_words)


def check(text: str, answer: Answer) -> str | None:
    """Why the model's `text` cannot be shown, or None when it passes every check."""
    numbers_cited = {c.n: c for c in answer.citations}
    marks = [int(n) for n in _MARK.findall(text)]
    if not marks:
        return "the reply cites nothing"
    missing = sorted({n for n in marks if n not in numbers_cited})
    if missing:
        return f"the reply cites [{missing[0]}], which does not exist"
    detected = languages.detect(_MARK.sub(" ", text))
    if detected != answer.language:
        return f"the reply is in {detected!r}, not {answer.language!r}"
    for sentence in _sentences(text, answer.language):
        cited = [numbers_cited[int(n)] for n in _MARK.findall(sentence)]
        if not cited:
            return f"a sentence cites nothing: {sentence[:60]!r}"
        plain = _MARK.sub(" ", sentence)
        known = set()
        for c in cited:
            known |= _values(c.quote, languages.detect(c.quote))
        for value in _values(plain, answer.language) - known:
            return f"the figure {value} is not in the passages cited"
        for word in _name_words(plain, answer.language):
            if not _stated(word, cited, answer.question):
                return f"the name {word!r} is not in the passages cited"
    return None


def rewritten(answer: Answer, text: str) -> Answer:
    """The answer with the model's text as its lead, its citations renumbered in the order the
    text cites them; the citations it does not cite stay behind the Sources button."""
    order = list(dict.fromkeys(int(n) for n in _MARK.findall(text)))
    order += [c.n for c in answer.citations if c.n not in order]
    new = {old: i for i, old in enumerate(order, start=1)}
    by_number = {c.n: c for c in answer.citations}
    citations = [dataclasses.replace(by_number[old], n=new[old]) for old in order]
    lead = _MARK.sub(lambda m: f"[{new[int(m.group(1))]}]", text)
    shown = tuple(sorted({new[int(n)] for n in _MARK.findall(text)}))
    return dataclasses.replace(
        answer, text=lead + others_line(citations, shown, answer.language),
        citations=citations,
        lead=lead, shown=shown, rendered=False, generated=True)


# ---- the process-wide writer ----------------------------------------------------------------

_writer: Any = _UNSET
_lock = threading.Lock()


def configure(writer: Writer | None) -> None:
    """Sets the writer every answer goes through (None: answers stay extractive)."""
    global _writer
    with _lock:
        _writer = writer


def reset() -> None:
    """Forgets the writer, so the next answer reads the environment again."""
    configure(_UNSET)  # type: ignore[arg-type]


def current() -> Writer | None:
    """The configured writer; the first time, the one the environment describes (no
    AIDBOT_LLM_URL: none)."""
    global _writer
    with _lock:
        if _writer is _UNSET:
            _writer = Writer.from_settings(Settings.from_env())
        return _writer


def write(answer: Answer) -> Answer:
    writer = current()
    return writer.write(answer) if writer is not None else answer
