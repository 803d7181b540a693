"""Country names in the languages the bot is asked in, from ISO 3166 and its translations
(pycountry), so that "латвія", "Lettonie" and "Latvian" are known to name one country whatever
their case, script or grammatical ending."""

from __future__ import annotations

import gettext
import os
import re
from collections import defaultdict
from functools import lru_cache

import pycountry

from .checks import fold, words

LANGUAGES = ("fr", "uk", "de", "es", "it", "pl", "pt", "ru", "nl")
MIN_PREFIX = 4
MAX_ENDING = 3  # "Латвії" ~ "Латвія", "Norwegian" ~ "Norway"
# a word of more country names than this ("Republic", "Islands", "South") names none of them
MAX_COUNTRIES_PER_WORD = 3
# everyday names that ISO 3166 and its translations do not give
ALIASES = {
    "GB": "Britain British Grande-Bretagne britannique Großbritannien britisch Британія "
          "Великобританія британський Британия Великобритания Gran-Bretaña británico "
          "Gran-Bretagna britannico Wielka-Brytania brytyjski",
    "NL": "Holland Hollande Olanda Голландія Голландия Holandia",
    "US": "America American Amérique américain Америка американський Amerika amerikanisch",
}
NOT_NAMES = {"RE"}  # Réunion: "réunion" is French for "meeting"


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, dict[str, frozenset[str]]]:
    """first four letters → {folded name word: ISO codes}; no codes for a word of many
    names ("South", "Republic", "Islands")"""
    translations = [gettext.NullTranslations()] + [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in LANGUAGES
    ]
    codes: dict[str, set[str]] = defaultdict(set)
    parts: dict[str, set[str]] = defaultdict(set)
    for country in pycountry.countries:
        if country.alpha_2 in NOT_NAMES:
            continue
        names = {getattr(country, a, "") for a in ("name", "common_name")}
        for name in filter(None, names):
            for t in translations:
                # one-word names only ("Korea" of "Korea, Republic of"): the words of longer
                # ones ("Costa", "City", "Part") are everyday words in some language
                head = [w for w in words(t.gettext(name).split(",")[0].split("(")[0])
                        if len(w) >= MIN_PREFIX]
                for word in head:
                    (codes if len(head) == 1 else parts)[fold(word)].add(country.alpha_2)
    for code, aliases in ALIASES.items():
        for alias in aliases.split():
            for word in words(alias):
                if len(word) >= MIN_PREFIX:
                    codes[fold(word)] = {code}
    index: dict[str, dict[str, frozenset[str]]] = defaultdict(dict)
    for word, found in parts.items():
        if len(found) > MAX_COUNTRIES_PER_WORD and word not in codes:
            index[word[:MIN_PREFIX]][word] = frozenset()
    for word, found in codes.items():
        generic = len(found) > MAX_COUNTRIES_PER_WORD
        index[word[:MIN_PREFIX]][word] = frozenset() if generic else frozenset(found)
    return dict(index)


def _alike(word: str, name: str) -> bool:
    """The word is the name, or the name with its last letters changed and at most a few
    added: a grammatical ending ("Латвії", "Latvian"), not another word ("came" ≠ "Camerún")."""
    common = len(os.path.commonprefix([word, name]))
    return common >= max(MIN_PREFIX, len(name) - 1) and len(word) - common <= MAX_ENDING


@lru_cache(maxsize=50_000)
def country_word(word: str) -> frozenset[str] | None:
    """ISO codes of the countries a word names ("Lettonie" → {"LV"}); an empty set for a word
    that is part of many country names ("South", "Republic"); None for any other word."""
    folded = fold(word)
    if "'" in folded or "’" in folded:  # "l’Ukraine", "d'Italie"; "Ukraine's"
        before, after = re.split(r"['’]", folded, maxsplit=1)
        folded = after if len(before) <= 2 else before
    if len(folded) < MIN_PREFIX:
        return None
    found: set[str] = set()
    alike = False
    for name, codes in _gazetteer().get(folded[:MIN_PREFIX], {}).items():
        if _alike(folded, name):
            if not codes:
                return frozenset()
            alike = True
            found |= codes
    return frozenset(found) if alike else None


def countries(word: str) -> frozenset[str]:
    """ISO codes of the countries a word names, empty when none."""
    return country_word(word) or frozenset()
