"""A small, dependency-free language guess for questions and articles.

Scripts decide first (Cyrillic, Greek, CJK …); for Latin script the language whose common
words occur most wins. Good enough to pick the reply language and the article's header.
"""

from __future__ import annotations

import re
import unicodedata

_WORDS = {
    "en": "the of and to in is was were what how many much who which when where why did does do "
          "for with from by on are has have sent send give gave country countries it this that",
    "fr": "le la les des de du un une et est sont qui que quoi quel quelle quels quelles combien "
          "où quand pourquoi pour par avec dans au aux ont a été ce cette ces il elle ils ne pas",
    "de": "der die das und ist sind wer was wie viele viel wann wo warum hat haben wurde wurden "
          "von mit für den dem des ein eine nicht auch welche welcher",
    "es": "el la los las de del y es son quién qué cómo cuántos cuántas cuánto cuándo dónde por "
          "para con un una fue fueron han ha se al",
    "it": "il lo la gli le di del della e è sono chi che cosa come quanti quante quanto quando "
          "dove perché per con un una ha hanno stato stati al",
    "pl": "i w z na do jest są kto co jak ile kiedy gdzie dlaczego się nie to ten ta dla przez "
          "od był była były",
    "pt": "o a os as de do da e é são quem que como quantos quantas quando onde por para com um "
          "uma foi foram não",
    "nl": "de het een en is zijn wie wat hoe hoeveel wanneer waar waarom van met voor door niet",
    "uk": "і й та в у на з до що як скільки хто коли де чому чи це від для був була були є не "
          "який яка які ці україні україна",
    "ru": "и в на с к что как сколько кто когда где почему ли это от для был была были есть не "
          "какой какая какие эти украине украина",
}
_VOCAB = {lang: set(words.split()) for lang, words in _WORDS.items()}
FUNCTION_WORDS = frozenset().union(*_VOCAB.values())
_UK_LETTERS = set("іїєґ")
_RU_LETTERS = set("ыэъё")
_TOKEN = re.compile(r"\w+", re.UNICODE)


def _script(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return ""
    return name.split(" ")[0]


def detect(text: str) -> str:
    """ISO 639-1 code of the text's language, or "und" when there is nothing to go on."""
    letters = [c for c in text[:4000] if c.isalpha()]
    if not letters:
        return "und"
    scripts: dict[str, int] = {}
    for c in letters:
        s = _script(c)
        scripts[s] = scripts.get(s, 0) + 1
    main = max(scripts, key=scripts.get)
    lowered = text[:4000].lower()
    if main == "CYRILLIC":
        chars = set(lowered)
        if chars & _UK_LETTERS and not chars & _RU_LETTERS:
            return "uk"
        if chars & _RU_LETTERS and not chars & _UK_LETTERS:
            return "ru"
        return _by_words(lowered, ("uk", "ru")) or "uk"
    fixed = {"GREEK": "el", "HEBREW": "he", "ARABIC": "ar", "HANGUL": "ko", "HIRAGANA": "ja",
             "KATAKANA": "ja", "CJK": "zh", "THAI": "th", "GEORGIAN": "ka", "ARMENIAN": "hy",
             "DEVANAGARI": "hi"}
    if main in fixed:
        return fixed[main]
    if main != "LATIN":
        return "und"
    return _by_words(lowered, ("en", "fr", "de", "es", "it", "pl", "pt", "nl")) or "en"


def _by_words(lowered: str, candidates: tuple[str, ...]) -> str | None:
    tokens = _TOKEN.findall(lowered)
    counts = {lang: sum(t in _VOCAB[lang] for t in tokens) for lang in candidates}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else None
