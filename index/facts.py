"""What the ranker reads of a text beside its vector: its words in Latin letters, the countries
and figures it names, and what a sentence holds (a number, an amount, a date). The store computes
them once, when the text is written, and keeps them beside it: a question reads them with its
candidates and computes none.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import text

_FIELD = "\x1f"  # the unit separator: text.words never keeps a control character


@lru_cache(maxsize=200_000)
def folded(word: str) -> str:
    """A word in Latin letters (once per word: a corpus repeats its words)."""
    return text.latin_folded(word)


@dataclass(frozen=True)
class Facts:
    """A sentence's facts (with its headline's words and countries), or a whole article's."""

    # the text's distinct words in Latin letters, each between spaces: a word's stem or
    # trigram is found in it as in a set of them, in a fraction of the memory
    folded: str
    countries: frozenset[str]
    digits: str  # the text's runs of digits, thousands separators removed, a space between
    # of the text alone, its headline left out
    words: int
    has_number: bool
    has_money: bool
    has_date: bool

    @classmethod
    def of(cls, body: str, title: str = "") -> Facts:
        ws = set(text.words(f"{title} {body}"))
        codes: set[str] = set()
        for w in ws:
            codes |= text.countries(w)
        compact = body.replace(" ", "").replace("\u202f", "").replace("\u00a0", "")
        digits = "".join(c if c.isdigit() else " " for c in compact)
        return cls(f" {' '.join(folded(w) for w in ws)} ", frozenset(codes),
                   " ".join(digits.split()), len(text.words(body)), text.has_number(body),
                   text.has_money(body), text.has_date(body))

    def has_stem(self, stem: str) -> bool:
        """a word begins with the stem, or is it (a word of fewer than five letters)"""
        return f" {stem}{' ' if len(stem) < 5 else ''}" in self.folded

    def stems_in(self, stems: frozenset[str]) -> int:
        return sum(self.has_stem(s) for s in stems)

    def trigrams_in(self, trigrams: frozenset[str]) -> int:
        return sum(t in self.folded for t in trigrams)

    def stored(self) -> str:
        """The facts as the store keeps them: fields apart by a character no text field holds
        (a question reads a hundred of them, so not JSON)."""
        return _FIELD.join([self.folded, " ".join(sorted(self.countries)), self.digits,
                            str(self.words), *("1" if f else "" for f in (
                                self.has_number, self.has_money, self.has_date))])

    @classmethod
    def from_stored(cls, stored: str) -> Facts:
        words, countries, digits, count, number, money, date = stored.split(_FIELD)
        return cls(words, frozenset(countries.split()), digits, int(count), bool(number),
                   bool(money), bool(date))
