"""Text primitives shared by search, ranking and answering: folding, words, numbers and number
words, what a question asks for, country names in many languages, Cyrillic in Latin letters.
Imports nothing of the project.

Dense similarity says a sentence is *about* the question; it cannot tell "how many tanks did
Germany send?" from "how many laptops were sent?". The predicates here (a name or figure the
question depends on, a price, a count, a date) become features of the learned ranker.
"""

from __future__ import annotations

import gettext
import os
import re
import unicodedata
from collections import defaultdict
from difflib import SequenceMatcher
from functools import lru_cache

import pycountry

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)

_HOW_MANY = re.compile(
    r"\b(how many|how much|combien|скільки|сколько|wie viele?|wieviele?|cu[aá]nt[oa]s?|ile|"
    r"quant[ie]|quant[oa]s|hoeveel|kiek)\b", re.IGNORECASE)
_PRICE = re.compile(
    r"\b(price|prices|cost|costs|costing|salary|wage|worth|prix|co[uû]t(?:e|é|ée|és|ées|ent|"
    r"ait|aient|era|eront|erait|s)?|salaire|вартість|ціна|ціну|коштує|коштують|коштува\w*|"
    r"коштуват\w*|зарплата|зарплату|стоит|стоят|стоило|стоила|стоили|стоить|стоимость|цена|"
    r"preis|kostet|kosten|kostete|kosteten|gekostet|gehalt|precio|cuesta|cuestan|cost[oó]|"
    r"costaron|costar[aá]n?|coste|salario|cena|kosztuje|kosztuj[aą]|kosztowa\w*|koszt|pensja|"
    r"prezzo|costa|costano|costato|costata|coster[aà]|stipendio|pre[çc]o|custa|custam|custou|"
    r"custaram|custar[aá]|custo|sal[aá]rio|prijs|kost|kostte|kostten|gekost)\b",
    re.IGNORECASE)
# "how much did Norway pay?": an amount paid is a price; "how many units did Norway pay for?"
# and "combien d'unités …" ask for a count
_HOW_MUCH = re.compile(
    r"\b(how much|combien(?! d[e'’](?!argent))|скільки|сколько|wie ?viel(?!e)|cu[aá]nto(?!s)|"
    r"quanto(?!s)|quanto dinheiro|hoeveel|ile)\b", re.IGNORECASE)
_PAID = re.compile(
    r"\b(pay|pays|paid|paying|spend|spends|spent|spending|pay[ée]e?s?|payer|paie|paient|"
    r"d[ée]pens[ée]e?s?|d[ée]penser|заплати\w*|сплати\w*|платит\w*|витрати\w*|"
    r"потрати\w*|заплатил\w*|bezahl\w*|gezahlt|zahlt\w*|ausgegeben|pag[oó]|pagaron|pagar|"
    r"gast[oó]|gastaron|zap[łl]aci\w*|wyda[łl]\w*|pagato|pagou|pagaram|speso|gasto|gastou|"
    r"betaald|betaalde|uitgegeven)\b", re.IGNORECASE)
_MONEY = re.compile(
    r"(€|\$|£|₴|\beuros?\b|\bdollars?\b|\busd\b|\beur\b|\buah\b|\bhryvn|\bhrivn|\bgrivn|"
    r"\bhryw|\bгрив|\bєвро|\bевро|\bдолар|\bfrancs?\b|\bpounds?\b|\bzł|\bzlot|\bkroner|\bkronor|"
    r"\byen\b)", re.IGNORECASE)
# a question whose answer is a country or a giver: "which country …", "who leads …"
_WHO = re.compile(
    r"\b(which countr\w*|what countr\w*|who|whom|whose|quel(?:le)?s? pays|qui|qui est-ce qui|"
    r"як(?:а|і|ої|ій|у) країн\w*|хто|кому|чия|чиї|как(?:ая|ие|ой) стран\w*|кто|welche[sn]? "
    r"l[aä]nd\w*|wer|wem|qu[eé] pa[ií]s(?:es)?|qui[eé]n(?:es)?|jaki(?:e)? kraj\w*|któr\w* "
    r"kraj\w*|kto|quale paese|quali paesi|chi|que pa[ií]s(?:es)?|quem|welk(?:e)? land\w*)\b",
    re.IGNORECASE)
_WHEN = re.compile(
    r"\b(when|quand|коли|когда|wann|cu[aá]ndo|kiedy|quando|wanneer|what year|what date|"
    r"en quelle année|в якому році|в каком году|in welchem jahr)\b", re.IGNORECASE)
_DATE = re.compile(
    r"\b(1[89]\d\d|20\d\d|january|february|march|april|may|june|july|august|september|"
    r"october|november|december|janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|"
    r"septembre|octobre|novembre|d[ée]cembre|січ\w*|лют\w*|берез\w*|квіт\w*|трав\w*|"
    r"черв\w*|лип\w*|серп\w*|верес\w*|жовт\w*|листопад\w*|груд\w*|январ\w*|феврал\w*|"
    r"март\w*|апрел\w*|мая|май|июн\w*|июл\w*|август\w*|сентябр\w*|октябр\w*|ноябр\w*|"
    r"декабр\w*|januar|februar|märz|juni|juli|oktober|dezember|enero|febrero|marzo|abril|"
    r"mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|yesterday|today|hier|"
    r"aujourd'hui|вчора|сьогодні|вчера|сегодня)\b", re.IGNORECASE)
_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred hundreds thousand thousands million millions billion billions dozen dozens "
    "un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize "
    "vingt trente quarante cinquante soixante cent cents mille million millions milliard "
    "milliards douzaine douzaines dizaine dizaines centaine centaines milliers "
    "один одна одне два дві три чотири п'ять шість сім вісім дев'ять десять одинадцять "
    "дванадцять п'ятнадцять двадцять тридцять сорок п'ятдесят шістдесят сімдесят вісімдесят "
    "дев'яносто сто сотні сотень тисяча тисячу тисячі тисяч мільйон мільйона мільйони "
    "мільйонів мільярд мільярди мільярдів "
    "две четыре пять шесть семь восемь девять десять двадцать тридцать пятьдесят шестьдесят "
    "тысяча тысячи тысяч миллион миллиона миллионов миллиард "
    "ein eine zwei drei vier fünf sechs sieben acht neun zehn elf zwölf zwanzig dreißig vierzig "
    "fünfzig sechzig siebzig achtzig neunzig hundert tausend million millionen milliarde "
    "uno una dos tres cuatro cinco seis siete ocho nueve diez veinte treinta cuarenta cincuenta "
    "cien mil millón millones "
    "jeden dwa trzy cztery pięć sześć siedem osiem dziewięć dziesięć dwadzieścia sto tysiąc "
    "tysiące tysięcy milion miliony milionów "
    "due tre quattro cinque sei sette otto nove dieci venti trenta cento mille milione milioni"
).split()
_NUMBER_WORD_SET = {fold_ascii for w in _NUMBER_WORDS for fold_ascii in (w, w.replace("'", "’"))}


def is_number_word(word: str) -> bool:
    """'seven', 'sept', 'сім'; compounds too: 'twenty-six', 'quatre-vingt-dix'."""
    return any(fold(part) in _NUMBER_WORD_SET or part.lower() in _NUMBER_WORD_SET
               for part in word.split("-") if part)


def fold(word: str) -> str:
    """Lower case without diacritics: 'Électricité' → 'electricite'."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def asks_how_many(question: str) -> bool:
    return bool(_HOW_MANY.search(question))


def asks_price(question: str) -> bool:
    """'How much does it cost?', 'Скільки коштувало …', 'How much did Norway pay?'"""
    if _PRICE.search(question):
        return True
    how_much = _HOW_MUCH.search(question)
    return bool(how_much and _PAID.search(question, how_much.end()))


def asks_country(question: str) -> bool:
    """'Which country donated …?', 'Who leads …?', 'Хто передав …?'"""
    return bool(_WHO.search(question))


def asks_when(question: str) -> bool:
    return bool(_WHEN.search(question))


def has_date(text: str) -> bool:
    return bool(_DATE.search(text))


def has_number(text: str) -> bool:
    if re.search(r"\d", text):
        return True
    return any(is_number_word(w) for w in words(text))


def has_money(text: str) -> bool:
    return bool(_MONEY.search(text)) and has_number(text)


def key_terms(question: str, lang: str = "") -> list[str]:
    """Names and figures the answer must mention: countries however written, capitalised words
    that do not open the question (not in German, which capitalises every noun), acronyms, and
    anything with a digit ("F-16", "2024")."""
    found = []
    tokens = words(question)
    for i, token in enumerate(tokens):
        named = country_word(token)
        if any(c.isdigit() for c in token) or named:
            found.append(token)
            continue
        if named is not None:
            continue  # "South" of "South Korea": the country word decides
        for part in re.split(r"[-'’]", token):
            acronym = len(part) >= 2 and part.isupper() and part.isalpha()
            capitalised = (part[:1].isupper() and (i > 0 or part is not token) and len(part) > 2
                           and not part.isupper() and lang != "de")
            if acronym or capitalised:
                found.append(part)
    return found


def mentions(term: str, text_words: list[str]) -> bool:
    """Spelled alike: the same word, or a shared stem of five letters ('Ukraine' ~ 'ukrainiennes',
    'Estonia' ~ 'Estonie'). Translations across scripts are left to the embedding check."""
    t = fold(term)
    if any(c.isdigit() for c in t):
        digits = re.sub(r"\D", "", t)
        return any(digits and digits in re.sub(r"\D", "", fold(w)) for w in text_words)
    stem = t[: max(4, min(len(t) - 1, 5))]
    for w in text_words:
        f = fold(w)
        if f == t or f.startswith(stem):
            return True
        if len(t) >= 5 and _alike_spelling(t, f):
            return True  # spellings of one name: 'Fertchouk' ~ 'Ferchuk'
    return False


@lru_cache(maxsize=200_000)
def _alike_spelling(a: str, b: str) -> bool:
    matcher = SequenceMatcher(None, a, b)
    # the quick ratios bound the ratio from above: most words are ruled out without it
    return (matcher.real_quick_ratio() >= 0.75 and matcher.quick_ratio() >= 0.75
            and matcher.ratio() >= 0.75)


# ---- countries ----------------------------------------------------------------------
# ISO 3166 names and their translations (pycountry): "латвія", "Lettonie" and "Latvian" name one
# country whatever their case, script or grammatical ending.

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


_CYRILLIC = dict(zip(
    "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяэыёъ",
    ["a", "b", "v", "h", "g", "d", "e", "ie", "zh", "z", "y", "i", "i", "i", "k", "l", "m", "n",
     "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "iu", "ia", "e", "y",
     "e", ""], strict=True,
))


def script(text: str) -> str:
    """'CYRILLIC', 'LATIN' … of the text's first letter; "" when it has none."""
    letter = next((c for c in text if c.isalpha()), "")
    return unicodedata.name(letter, "").split(" ")[0] if letter else ""


def latin(word: str) -> str:
    """Cyrillic spelled in Latin letters, so 'Естонія' can meet 'Estonie'."""
    return "".join(_CYRILLIC.get(c, _CYRILLIC.get(c.lower(), c)) for c in word)


def latin_folded(text: str) -> str:
    """Lower case, no diacritics, Cyrillic in Latin letters: what the trigram index holds."""
    if text.isascii():
        return text.lower()
    return latin(fold(text))
