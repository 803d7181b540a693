"""The fact a cited sentence gives in answer to a question, said in the asker's language.

"how many laptops were sent?" answered by "… près de sept mille ordinateurs portables …" gives
"Nearly 7,000 laptops"; "Які країни очолюють ІТ-коаліцію?" answered by "Les leaders de cette
coalition sont l'Estonie et le Luxembourg." gives "Естонія і Люксембург". Counts and amounts keep
their qualifier, dates and countries are named after CLDR (Babel) in the reply language, people's
names are transliterated between scripts. Nothing is said that the sentence does not say: every
figure, date, country and name comes from the sentence, and the thing counted comes from the
question only when it is known to be what the sentence counts. `render` returns None when it
cannot say the fact; the caller then quotes the sentence as it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from babel import Locale, dates, lists, numbers, units
from num2words import num2words

from index import language as languages
from index.text import asks_how_many, asks_price, asks_when, country_word, fold, script

# the languages a fact is said in; any other reply language gets English
LANGUAGES = ("en", "fr", "uk", "de", "es", "pl", "ru")
# the languages whose number words, qualifiers and month names are read in a sentence
READ = ("en", "fr", "uk", "de", "es", "pl", "ru", "it", "pt", "nl")
SLAVIC = frozenset({"uk", "ru", "pl"})

# a matcher says which of several noun phrases (in any language) names `thing`: the index of
# the one that does, or None when none clearly does (the answerer's embedding model in use)
Matcher = Callable[[str, Sequence[str]], "int | None"]

_TOKEN = re.compile(r"""
    (?P<elision>(?:qu|[dlnjsctm])['’](?=[^\W\d_]))
  | (?P<num>\d{1,3}(?:[\u00a0\u202f\u2009 ]\d{3})+(?!\d)|\d+(?:[.,]\d+)*)
  | (?P<word>[^\W\d_]+(?:['’-][^\W\d_]+)*)
  | (?P<sym>[€$£¥₴%])
  | (?P<punct>[^\s\w])
""", re.VERBOSE | re.IGNORECASE)


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    kind: str  # elision, num, word, sym, punct

    @property
    def key(self) -> str:
        """Folded, apostrophes alike: the form looked up."""
        return fold(self.text).replace("’", "'")


def tokens(text: str) -> list[Token]:
    return [Token(m.group(0), m.start(), m.end(), m.lastgroup or "punct")
            for m in _TOKEN.finditer(text)]


# ---- what the question asks ---------------------------------------------------------------------

_WHO = re.compile(r"\b(who|whom|qui|хто|кто|wer|qui[eé]n(?:es)?|kto|chi|quem)\b", re.IGNORECASE)
# "is Japan in the group?", "чи входить Канада …": a list of names would not answer them
_YES_NO = re.compile(
    r"^\W*(is|are|was|were|did|does|do|has|have|had|can|could|will|est-ce|чи|ist|sind|war|hat|"
    r"haben|czy|es|está|son|è|é|ли)\b", re.IGNORECASE)
_ONE_COUNTRY = re.compile(
    r"\b(which country|what country|quel pays|quelle nation|яка країна|котра країна|"
    r"яка держава|какая страна|welches land|qu[eé] pa[ií]s|cu[aá]l pa[ií]s|kt[oó]ry kraj|"
    r"jaki kraj|quale paese|qual pa[ií]s|welk land)\b", re.IGNORECASE)
_COUNTRIES = re.compile(
    r"\b(countr|pays\b|країн|стран|länder\b|land\b|staaten\b|pa[ií]s|kraj|państw|paesi\b|"
    r"держав|nations\b)", re.IGNORECASE)
_AMOUNT = re.compile(
    r"\b(money|argent|geld|dinero|dinheiro|soldi|pieni[eę]dz\w*|грош\w*|коштів|"
    r"денег|деньги|funding|financement|finanzierung|фінансування|budget|бюджет\w*|value|"
    r"valu[ée]s?|worth|montant|amount|sum|total|valeur|вартість|сум[аиу]|"
    r"сумм[аыу]|стоимость|wert|betrag|valor|importe|monto|wartość|kwot[aęy]|valore|importo|"
    r"waarde|bedrag)\b", re.IGNORECASE)
_HOW_MANY_HEAD = re.compile(
    r"\b(?:how many|combien|скільки|сколько|wie viele?|wieviele?|"
    r"cu[aá]nt[oa]s|ile|quant[ie]|quant[oa]s|hoeveel)\s+", re.IGNORECASE)
# words that end the thing counted in a question: auxiliaries, verbs, prepositions
_THING_STOP = frozenset("""
    were was did do does have has had are is will would could can been be got get gets in of to
    from for by since at on that which with so far than did into this these the a an all
    ont a été sont sont-ils est ont-ils y il elle ils on en au aux dans depuis pour par ont-elles
    vont va etre être seront sera peut peuvent doit doivent avait auront fait font
    sont-elles est-ce avaient avait étaient valaient vaut coûté livré livrés envoyé envoyés
    hat haben hatte wurden wurde sind ist an in seit für von nach die der das den dem
    han ha fueron fue son se recibieron recibió enviaron desde en para por de
    sono è hanno ha stati state sono-stati dal nel per da
    foram foi são tem têm desde em para por
    zijn is werden werd heeft hebben naar in sinds
    already déjà bereits ya już già já al вже уже ещё
    у в до з із від на для що та і й чи
    w do z od na dla przez że i
    было были будет будут було були буде будуть zostało zostały zostanie zostaną było były
    będzie będą jest są
""".split())
_THING_STOP = frozenset(fold(w) for w in _THING_STOP)  # looked up folded: "été" is "ete"
_ROMANCE_VERB = re.compile(
    r"(ó|ió|aron|ieron|eron|ado|ados|ada|adas|ido|idos|ida|idas|ato|ati|ata|ate|ito|iti|ou|"
    r"aram|eram)$", re.IGNORECASE)
_SLAVIC_VERB = re.compile(
    r"(ли|ла|ло|ть|ться|ся|сь|ють|ять|уть|ить|ать|ет|ют|ят|ит|ут|ат|ає|ує|є|е|ано|ено|"
    r"ono|ano|[ęyiu]to|ło|ła|li|ły|(?<!ó)ł|ą|ę|je|ie)$", re.IGNORECASE)


def question_thing(question: str) -> str:
    """The thing a how-many question counts, in the question's own words: "how many laptops
    were sent?" → "laptops"; "Скільки дронів FPV отримали ЗСУ?" → "дронів FPV"; "Ile dronów
    FPV przekazano?" → "dronów FPV"."""
    m = _HOW_MANY_HEAD.search(question)
    if not m:
        return ""
    asked_in = languages.detect(question)
    romance = bool(re.match(r"(cu|qu)", m.group(0), re.I))
    found: list[str] = []
    for tok in tokens(question[m.end():]):
        if not found and (tok.kind == "elision" or tok.key in ("de", "of")):
            continue  # "combien d'ordinateurs", "combien de pays"
        if tok.kind != "word" or tok.key in _THING_STOP or len(found) == 3:
            break
        if found and _is_verb(tok.text, found, asked_in, romance):
            break
        found.append(tok.text.rstrip("."))
    return " ".join(found)


def _is_verb(word: str, found: list[str], asked_in: str, romance: bool) -> bool:
    """Whether a word after the thing's first is the question's verb or participle, which ends
    the thing: "przekazano", "передали", "entregaron", "geliefert"."""
    if asked_in in SLAVIC:  # a verb's ending, on a word of the question's own alphabet
        alphabet = "LATIN" if asked_in == "pl" else "CYRILLIC"
        return (bool(_SLAVIC_VERB.search(word)) and not word.isupper()
                and script(word) == alphabet)
    if asked_in == "de":  # nouns are capitalised: a lower-case word after one is no part of it
        return word[:1].islower() and any(w[:1].isupper() for w in found)
    if romance and _ROMANCE_VERB.search(word):
        return True
    if asked_in == "fr" and word[:1].islower() and word.endswith("ent"):
        return True  # "combien de pays participent": an adjective of a plural ends in -s
    # "¿Cuántos drones recibe Ucrania?": the thing's adjectives agree with its plural noun
    return (asked_in == "es" and word[:1].islower() and not word.endswith("s")
            and any(w.endswith("s") for w in found))


def load_tables() -> None:
    """Read the number, currency, unit and country tables now rather than at a first answer."""
    for table in (_number_words, _scale_stems, _currency_names, _country_stems, _unit_names):
        table()


# ---- numbers ------------------------------------------------------------------------------------

@cache
def _number_words() -> dict[str, tuple[Decimal, bool]]:
    """Number words of every language read, from num2words: folded word → (value, is a
    multiplier such as "mille", "тисяч", "millions")."""
    vocab: dict[str, tuple[Decimal, bool]] = {}
    for lang in READ:
        for v in [*range(2, 101), *range(200, 1000, 100), *range(2000, 10000, 1000)]:
            said = num2words(v, lang=lang).split()
            if len(said) == 1:
                vocab.setdefault(fold(said[0]).replace("’", "'"), (Decimal(v), False))
        for scale in (100, 1000, 10**6, 10**9):
            for m in (1, 2, 3, 5, 10, 21):
                said = num2words(m * scale, lang=lang).split()
                if len(said) > 1 or m == 1:  # "millions" of "deux millions"; "mille"
                    # the smallest scale first: "millones" is not "mil millones"
                    vocab.setdefault(fold(said[-1]).replace("’", "'"), (Decimal(scale), True))
    for one in ("un", "une", "one", "ein", "eine", "uno", "una", "um", "uma", "один", "одна",
                "одне", "jeden", "een", "één"):
        vocab[one] = (Decimal(1), False)
    vocab.pop("mil", None)  # Spanish "mil" is taken back below: it is a multiplier
    vocab["mil"] = (Decimal(1000), True)
    for word in ("cent", "cents", "hundred", "hundert", "сто", "sto"):
        vocab[word] = (Decimal(100), True)
    for words, scale in (("тис тыс tys", 1000), ("млн mln mio", 10**6),
                         ("млрд mld mrd bn", 10**9)):
        for word in words.split():  # "12,5 млн євро", "200 tys.", "3 Mrd."
            vocab[word] = (Decimal(scale), True)
    return vocab


@cache
def _scale_stems() -> dict[str, Decimal]:
    """The stem of each multiplier word's forms ("тисяч" of тисяча, тисячі, тисяч; "мільярд"),
    so that cases num2words does not say ("2,8 мільярда") are read too."""
    stems: dict[str, Decimal] = {}
    for lang in READ:
        for scale in (1000, 10**6, 10**9):
            forms = {fold(num2words(m * scale, lang=lang).split()[-1]) for m in (1, 2, 5, 21)}
            stem = min(forms, key=len)
            while stem and not all(f.startswith(stem) for f in forms):
                stem = stem[:-1]
            if len(stem) >= 4 and " " not in stem:
                stems[stem] = Decimal(scale)
    return stems


def _number_word(key: str) -> tuple[Decimal, bool] | None:
    found = _number_words().get(key)
    if found is None:
        for stem, scale in _scale_stems().items():
            if key.startswith(stem) and len(key) - len(stem) <= 3:
                return scale, True
    return found


_CONNECTORS = frozenset({"et", "and", "und", "y", "e", "i", "і", "и"})
_HALF = (("et", "demi"), ("et", "demie"), ("and", "a", "half"), ("з", "половиною"),
         ("с", "половиной"), ("y", "medio"), ("i", "pol"), ("e", "mezzo"), ("e", "meio"))


def _digits(text: str, lang: str) -> Decimal | None:
    """'7 000', '18.400' (de), '1,200' (en), '2,8' (uk), '3.5' (en) as numbers; the sentence's
    locale (CLDR) tells a decimal separator from a group separator."""
    t = re.sub(r"[\u00a0\u202f\u2009 ]", "", text)
    seps = re.findall(r"[.,]", t)
    try:
        if not seps:
            return Decimal(t)
        decimal = numbers.get_decimal_symbol(lang if lang in READ else "en")
        parts = re.split(r"[.,]", t)
        if len(set(seps)) == 1 and (seps[0] != decimal or len(seps) > 1) \
                and all(len(p) == 3 for p in parts[1:]):
            return Decimal("".join(parts))
        if len(seps) == 1:
            return Decimal(t.replace(",", "."))
        if seps[-1] == decimal and len(set(seps[:-1])) == 1 and seps[-1] not in seps[:-1]:
            return Decimal("".join(parts[:-1]) + "." + parts[-1])
    except InvalidOperation:
        return None
    return None


@dataclass(frozen=True)
class Figure:
    start: int  # the span of the number in the sentence, qualifier and currency excluded
    end: int
    value: Decimal
    qualifier: str  # "", "more", "nearly", "about", "least", "less", "upto"
    currency: str  # ISO 4217 code or ""
    noun: str  # the words after the number: what it counts, as the sentence says it
    kind: str  # "count", "year", "day", "percent", "range" (one end of "from 5 to 25 thousand")
    first: int  # index of the first token and of the token after the number
    after: int
    unit: str = ""  # a CLDR unit ("mass-tonne", "area-hectare") the number measures in


_QUALIFIERS = {
    "more": ["plus de", "plus d", "more than", "over", "above", "upwards of", "in excess of",
             "exceeding", "exceeded", "topped", "depasse", "depassant", "depassait", "понад",
             "більше", "більш ніж", "більше ніж", "перевищила", "перевищив", "перевищило",
             "перевищили", "свыше", "более", "больше", "превысила", "превысил", "uber",
             "mehr als", "uberstieg", "mas de", "supero", "ponad", "powyzej", "wiecej niz",
             "przekroczyla", "przekroczyl", "oltre", "piu di", "mais de", "meer dan", "ruim"],
    "nearly": ["pres de", "pres d", "presque", "nearly", "almost", "close to", "майже",
               "почти", "fast", "beinahe", "nahezu", "casi", "prawie", "niemal", "blisko",
               "quasi", "quase", "bijna"],
    "about": ["environ", "quelque", "about", "around", "roughly", "some", "approximately",
              "an estimated", "estimated", "близько", "приблизно", "орієнтовно", "около",
              "примерно", "rund", "etwa", "ungefahr", "circa", "ca", "alrededor de", "unos",
              "unas", "aproximadamente", "okolo", "ok", "cerca de", "cerca di", "ongeveer"],
    "least": ["au moins", "at least", "щонайменше", "принаймні", "не менше", "не менш ніж",
              "не менее", "как минимум", "mindestens", "al menos", "por lo menos",
              "co najmniej", "przynajmniej", "almeno", "pelo menos", "minstens"],
    "less": ["moins de", "moins d", "less than", "fewer than", "under", "below", "менше",
             "менш ніж", "менше ніж", "менее", "меньше", "weniger als", "unter", "menos de",
             "mniej niz", "ponizej", "meno di", "minder dan"],
    "upto": ["jusqu'a", "jusqu a", "up to", "bis zu", "hasta", "fino a", "ate", "tot"],
}
_QUALIFIER_OF = {phrase: kind for kind, phrases in _QUALIFIERS.items() for phrase in phrases}
_SAY_QUALIFIER = {
    "en": {"more": "more than {}", "nearly": "nearly {}", "about": "about {}",
           "least": "at least {}", "less": "less than {}", "upto": "up to {}"},
    "fr": {"more": "plus de {}", "nearly": "près de {}", "about": "environ {}",
           "least": "au moins {}", "less": "moins de {}", "upto": "jusqu'à {}"},
    "uk": {"more": "понад {}", "nearly": "майже {}", "about": "близько {}",
           "least": "щонайменше {}", "less": "менше ніж {}", "upto": "до {}"},
    "de": {"more": "mehr als {}", "nearly": "fast {}", "about": "rund {}",
           "least": "mindestens {}", "less": "weniger als {}", "upto": "bis zu {}"},
    "es": {"more": "más de {}", "nearly": "casi {}", "about": "alrededor de {}",
           "least": "al menos {}", "less": "menos de {}", "upto": "hasta {}"},
    "pl": {"more": "ponad {}", "nearly": "prawie {}", "about": "około {}",
           "least": "co najmniej {}", "less": "mniej niż {}", "upto": "do {}"},
    "ru": {"more": "более {}", "nearly": "почти {}", "about": "около {}",
           "least": "не менее {}", "less": "менее {}", "upto": "до {}"},
}
_OF = frozenset({"de", "d", "of", "von", "di", "do", "van"})
_PERCENT = frozenset({"%", "percent", "per", "pour", "відсотків", "відсотка", "відсотки",
                      "процентов", "процента", "процентів", "prozent", "por", "procent",
                      "procentów", "percento", "por cento", "cento"})


# verbs whose particle "over" is no qualifier: "handed over 25 buses" is 25 buses
_PHRASAL = re.compile(r"^(hand|turn|take|took|pass|sign|carr|hold|give|gave|ship|roll|went|go|"
                      r"come|came|brought|bring|sent|send)", re.IGNORECASE)


def _qualifier(toks: list[Token], first: int) -> str:
    before = [t.key for t in toks[max(0, first - 3):first] if t.kind in ("word", "elision")]
    before = [w.rstrip("'") for w in before]
    if before[-1:] == ["over"] and len(before) > 1 and _PHRASAL.match(before[-2]):
        return ""
    for size in (3, 2, 1):
        if len(before) >= size:
            phrase = " ".join(before[-size:])
            if phrase in _QUALIFIER_OF:
                return _QUALIFIER_OF[phrase]
            if size > 1 and before[-1] in _OF and " ".join(before[-size:-1]) in _QUALIFIER_OF:
                return _QUALIFIER_OF[" ".join(before[-size:-1])]
    return ""


@cache
def _currency_names() -> dict[tuple[str, ...], str]:
    """Currency names in every language read, from CLDR, as folded word tuples → ISO code:
    ("dollars", "canadiens") → "CAD", ("євро",) → "EUR"."""
    found: dict[tuple[str, ...], str] = {}
    codes = ("EUR", "USD", "CAD", "JPY", "UAH", "GBP", "CHF", "PLN", "SEK", "NOK", "DKK", "CZK",
             "AUD")
    for lang in READ:
        for code in codes:
            forms = {Locale.parse(lang).currencies.get(code, "")}
            forms |= {numbers.get_currency_name(code, n, lang) for n in (1, 2, 5, 21, 1.5)}
            for form in filter(None, forms):
                key = tuple(fold(w) for w in re.findall(r"[^\W\d_]+", form))
                if key:
                    found.setdefault(key, code)
    # the bare word, most often meant without the country: "dollars", "доларів", "Euro"
    for word, code in (("euro", "EUR"), ("euros", "EUR"), ("євро", "EUR"), ("евро", "EUR"),
                       ("dollar", "USD"), ("dollars", "USD"), ("hryvnias", "UAH"),
                       ("hryvnia", "UAH"), ("yen", "JPY"), ("єн", "JPY"), ("иен", "JPY")):
        found.setdefault((word,), code)
    # a word of one currency's names only ("złotych", "франків", "гривень") names it alone
    owners: dict[str, set[str]] = {}
    for key, code in list(found.items()):
        for word in key:
            # "Ukrainian" of "Ukrainian hryvnias", "українських" name a country, not a currency
            adjective = word[:5] in _country_stems() and not word.startswith(("fran", "фран"))
            if len(word) >= 3 and not word.isupper() and not adjective:
                owners.setdefault(word, set()).add(code)
    for word, owned in owners.items():
        if len(owned) == 1:
            found.setdefault((word,), next(iter(owned)))
        elif "USD" in owned and owned <= {"USD", "CAD", "AUD"}:
            found.setdefault((word,), "USD")  # "dolarów", "доларів" alone: US dollars
    return found


@cache
def _country_stems() -> frozenset[str]:
    """The first five letters of every country's name in every language read (CLDR)."""
    return frozenset(fold(name)[:5] for lang in READ
                     for name in Locale.parse(lang).territories.values() if len(name) >= 5)


_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₴": "UAH"}


def _currency_after(toks: list[Token], after: int) -> tuple[str, int]:
    """The currency named right after a number ("d'euros", "канадських доларів") and the index
    of the token after it."""
    names = _currency_names()
    i = after
    if i < len(toks) and toks[i].kind == "sym" and toks[i].text in _SYMBOLS:
        return _SYMBOLS[toks[i].text], i + 1
    while i < len(toks) and toks[i].kind in ("word", "elision") and toks[i].key.rstrip("'") in _OF:
        i += 1
    for size in (3, 2, 1):
        words = toks[i:i + size]
        if len(words) == size and all(t.kind == "word" for t in words):
            key = tuple(t.key for t in words)
            if key in names:
                return names[key], i + size
    return "", after


_RANGE = frozenset({"до", "to", "à", "a", "bis", "do", "al", "and", "et", "und", "і", "и",
                    "та", "-", "–", "—"})


def _is_number_token(tok: Token) -> bool:
    return tok.kind == "num" or (tok.kind == "word" and _number_word(tok.key) is not None)


def _in_range(toks: list[Token], first: int, after: int) -> bool:
    """One end of "від 5 до 25 тисяч", "between 5 and 25 million", "5-25": the scale and the
    currency may belong to both ends, so neither is said alone."""
    before = first >= 2 and toks[first - 1].key in _RANGE and _is_number_token(toks[first - 2])
    behind = after + 1 < len(toks) and toks[after].key in _RANGE \
        and _is_number_token(toks[after + 1])
    return before or behind


UNITS = ("mass-tonne", "mass-kilogram", "volume-liter", "length-kilometer", "length-meter",
         "area-hectare", "area-square-meter", "area-square-kilometer", "power-megawatt",
         "power-kilowatt", "energy-kilowatt-hour", "duration-hour", "duration-day",
         "duration-week", "duration-month")


@cache
def _unit_names() -> dict[tuple[str, ...], str]:
    """Units of measure as every language read writes them (CLDR): ("тонн",) → "mass-tonne",
    ("metres", "carres") → "area-square-meter"."""
    found: dict[tuple[str, ...], set[str]] = {}
    for lang in READ:
        for unit in UNITS:
            for n in (1, 2, 5, 21, 1.5):
                for length in ("long", "short"):
                    said = units.format_unit(n, unit, length=length, locale=lang)
                    key = tuple(fold(w) for w in re.findall(r"[^\W\d_]+", said))
                    if key and all(len(w) >= 2 for w in key):
                        found.setdefault(key, set()).add(unit)
                        found.setdefault(key[-1:], set()).add(unit)
    return {key: next(iter(names)) for key, names in found.items() if len(names) == 1}


def _unit_after(toks: list[Token], after: int) -> str:
    names = _unit_names()
    i = after
    while i < len(toks) and toks[i].kind in ("word", "elision") and toks[i].key.rstrip("'") in _OF:
        i += 1
    for size in (3, 2, 1):
        words = toks[i:i + size]
        if len(words) == size and all(t.kind == "word" for t in words):
            unit = names.get(tuple(t.key for t in words))
            if unit:
                return unit
    return ""


def figures(sentence: str, lang: str) -> list[Figure]:
    """Every number in the sentence, with its qualifier, currency and what it counts."""
    toks = tokens(sentence)
    found: list[Figure] = []
    listed = ""  # the currency of a list's amounts: "65 millions d'euros, le Japon 48 millions"
    i = 0
    while i < len(toks):
        tok = toks[i]
        word = _number_word(tok.key) if tok.kind == "word" else None
        if tok.kind != "num" and word is None:
            i += 1
            continue
        first, parts, j = i, [], i
        last_scale = Decimal(1)
        while j < len(toks):
            t = toks[j]
            if t.kind == "num" and not parts:
                value = _digits(t.text, lang)
                if value is None:
                    break
                parts.append((value, False))
            elif t.kind == "word" and _number_word(t.key):
                value, scale = _number_word(t.key)
                if parts and not scale and parts[-1][0] < value and not parts[-1][1]:
                    break  # "deux trois" is not 23
                parts.append((value, scale))
                last_scale = value if scale else last_scale
            elif (t.kind == "word" and t.key in _CONNECTORS and parts and j + 1 < len(toks)
                  and toks[j + 1].kind == "word" and _number_word(toks[j + 1].key)
                  and not _number_word(toks[j + 1].key)[1]):
                pass  # "vingt et un", "treinta y seis"
            else:
                break
            j += 1
        if not parts:
            i += 1
            continue
        if len(parts) == 1 and toks[i].kind == "word" and parts[0][0] == 1:
            i = j  # "un", "one", "eine" alone are articles more often than numbers
            continue
        total, current, biggest = Decimal(0), Decimal(0), Decimal(0)
        for value, scale in parts:
            if scale and value == 100:
                current = (current or 1) * value
            elif scale and total and value > biggest:  # "mil millones", "dos mil millones"
                total, current, biggest = (total + current) * value, Decimal(0), value
            elif scale:
                total += (current or 1) * value
                current, biggest = Decimal(0), max(biggest, value)
            else:
                current += value
        value = total + current
        after = j
        for half in _HALF:
            if tuple(t.key for t in toks[j:j + len(half)]) == half:
                value += last_scale / 2 if last_scale > 1 else Decimal("0.5")
                after = j + len(half)
        currency = ""
        if first > 0 and toks[first - 1].kind == "sym" and toks[first - 1].text in _SYMBOLS:
            currency = _SYMBOLS[toks[first - 1].text]
        code, after_currency = _currency_after(toks, after)
        currency = currency or code
        elliptic = (not currency and value >= 10**6 and any(scale for _, scale in parts)
                    and (after >= len(toks) or toks[after].kind == "punct"
                         or toks[after].key in _CONNECTORS))
        if elliptic:
            currency = listed
        listed = currency or listed
        kind = "count"
        plain = toks[i].kind == "num" and re.fullmatch(r"\d+", toks[i].text) and len(parts) == 1
        if after < len(toks) and (toks[after].key in _PERCENT):
            kind = "percent"
        elif plain and 1900 <= value <= 2100 and len(toks[i].text) == 4 and not currency:
            kind = "year"
        elif plain and value <= 31 and (_month(toks, i - 1, lang) or _month(toks, after, lang)):
            kind = "day"
        elif _in_range(toks, first, after):
            kind = "range"
        noun_from = after_currency if currency else after
        while noun_from < len(toks) and toks[noun_from].kind in ("word", "elision") \
                and toks[noun_from].key.rstrip("'") in _OF:
            noun_from += 1
        noun_words: list[str] = []
        for t in toks[noun_from:noun_from + 5]:
            if t.kind == "word" and t.key in _OF and noun_words:
                continue  # "dispositifs de communication"
            if t.kind != "word" or t.key in languages.FUNCTION_WORDS or len(noun_words) == 3:
                break
            noun_words.append(t.text)
        found.append(Figure(toks[first].start, toks[after - 1].end, value,
                            _qualifier(toks, first), currency, " ".join(noun_words), kind,
                            first, after, "" if currency else _unit_after(toks, after)))
        i = max(j, i + 1)
    return found


def say_number(value: Decimal, lang: str, genitive: bool = False) -> str:
    """7000 → "7,000" (en), "7 000" (fr, uk); 12000000 → "12 million", "12 мільйонів": CLDR's
    long compact form when it is exact, the full number otherwise; `genitive` for the case
    "более", "около", "до" govern ("более 1 миллиона")."""
    lang = lang if lang in LANGUAGES else "en"
    if value >= 10**6:
        for exponent in (9, 6):
            unit = Decimal(10) ** exponent
            if value >= unit and (value / unit * 100) % 1 == 0:
                digits = 0 if value % unit == 0 else (1 if (value / unit * 10) % 1 == 0 else 2)
                said = numbers.format_compact_decimal(value, format_type="long", locale=lang,
                                                      fraction_digits=digits)
                if not _reads_as(said, value, lang):
                    continue
                like = _genitive_like(value / unit, lang) if genitive else None
                if like is not None:  # "1 миллион" → "1 миллиона", "2 miliony" → "2 milionów"
                    said = _words_of(said, numbers.format_compact_decimal(
                        like * unit, format_type="long", locale=lang, fraction_digits=1))
                return said
    if value % 1 == 0:
        return numbers.format_decimal(value.quantize(Decimal(1), ROUND_HALF_UP), locale=lang)
    return numbers.format_decimal(value, locale=lang)


# the qualifiers that govern the genitive ("более миллиона", "близько мільйона", "około
# miliona"); "почти", "понад", "ponad" take the nominative or accusative, as a bare count does
_GENITIVE = {"ru": frozenset({"more", "about", "least", "less", "upto"}),
             "uk": frozenset({"about", "upto"}), "pl": frozenset({"about", "upto"})}


def _genitive_like(value: Decimal, lang: str) -> Decimal | None:
    """A number whose CLDR plural form is the genitive of the form `value` takes, or None when
    that form is the genitive already. CLDR has no cases, but a Slavic count's forms hold both
    genitives: a fraction's ("1,5 миллиона", "1,5 miliona") is the genitive singular, which
    "one" counts take; five's ("5 миллионов") the genitive plural, which the others take."""
    category = Locale.parse(lang).plural_form(value)
    return {"one": Decimal("1.5"), "few": Decimal(5)}.get(category)


_WORDS_AT_END = re.compile(r"[^\W\d_]+(?:[\s\u00a0]+[^\W\d_]+)*$")


def _words_of(said: str, model: str) -> str:
    """`said` with the words that end `model` in place of its own: "21 гектар" with those of
    "1,5 гектара" is "21 гектара"."""
    own, other = _WORDS_AT_END.search(said), _WORDS_AT_END.search(model)
    return said[:own.start()] + other.group(0) if own and other else said


def _followed(number: str, value: Decimal, words: str, lang: str) -> str:
    """A number and the words of what it counts: Romance scale words are nouns, which take
    "de" ("1 millón de drones", "30 millions de dollars canadiens", "12 millions d'euros")."""
    if lang in ("es", "fr") and value >= 10**6 and number[-1:].isalpha():
        of = "d'" if lang == "fr" and re.match(r"h?[aeiou]", fold(words)) else "de "
        return f"{number} {of}{words}"
    return f"{number} {words}"


def _reads_as(said: str, value: Decimal, lang: str) -> bool:
    """Whether a compact form means exactly `value` (CLDR may round or pick another scale)."""
    parsed = [f.value for f in figures(said, lang)]
    return parsed == [value]


def say_amount(value: Decimal, currency: str, lang: str, genitive: bool = False) -> str:
    """€12 million, 12 millions €, 12 мільйонів євро: the locale's currency pattern (CLDR) with
    its symbol, or the currency's name where the locale has no symbol of its own."""
    lang = lang if lang in LANGUAGES else "en"
    number = say_number(value, lang, genitive)
    if not currency:
        return number
    symbol = numbers.get_currency_symbol(currency, lang)
    pattern = Locale.parse(lang).currency_formats["standard"]
    before = "¤" in pattern.prefix[0]
    if symbol == currency:
        like = _genitive_like(value, lang) if genitive and value < 10**6 else None
        name = numbers.get_currency_name(currency, float(like or value), lang)
        return _followed(number, value, name, lang)
    return f"{symbol}{number}" if before else f"{number}\u00a0{symbol}"


def _say_figure(f: Figure, lang: str, thing: str = "") -> str:
    lang = lang if lang in LANGUAGES else "en"
    genitive = f.qualifier in _GENITIVE.get(lang, ())
    if f.unit:  # "27,000 metric tons": what is weighed is in the quote
        said = units.format_unit(f.value, f.unit, length="long", locale=lang)
        like = _genitive_like(f.value, lang) if genitive else None
        if like is not None:  # "около 21 гектара"
            said = _words_of(said, units.format_unit(like, f.unit, length="long", locale=lang))
    else:
        said = say_amount(f.value, f.currency, lang, genitive)
    if thing and not f.currency and not f.unit:
        said = _followed(said, f.value, thing, lang)
    if f.qualifier:
        said = _SAY_QUALIFIER.get(lang, _SAY_QUALIFIER["en"])[f.qualifier].format(said)
    return said


# ---- dates --------------------------------------------------------------------------------------

@cache
def _month_forms(lang: str) -> tuple[tuple[str, int, bool], ...]:
    """(folded form, month, is a stem) of the month names of a language, from CLDR; for Slavic
    languages the stem shared by its forms, so that their other cases match ("липні", "лютому")."""
    loc = Locale.parse(lang)
    forms = []
    for month in range(1, 13):
        names = {fold(loc.months[ctx]["wide"][month]) for ctx in ("format", "stand-alone")}
        names |= {fold(loc.months[ctx]["abbreviated"][month]).rstrip(".")
                  for ctx in ("format", "stand-alone")}
        for name in names:
            if len(name) >= 3:
                forms.append((name, month, False))
        if lang in SLAVIC:
            wide = [fold(loc.months[ctx]["wide"][month]) for ctx in ("format", "stand-alone")]
            stem = wide[0][:min(len(w) for w in wide)]
            while stem and not all(w.startswith(stem) for w in wide):
                stem = stem[:-1]
            if len(stem) >= 3:
                forms.append((stem, month, True))
    return tuple(forms)


def _month(toks: list[Token], i: int, lang: str) -> int | None:
    if i < 0 or i >= len(toks) or toks[i].kind != "word":
        return None
    key = toks[i].key
    for lang_ in dict.fromkeys((lang if lang in READ else "en", "en")):
        for form, month, stem in _month_forms(lang_):
            if key == form or (stem and key.startswith(form) and len(key) - len(form) <= 4):
                return month
            # abbreviated forms ("sept", "nov") only with their full stop, or as a whole word
    return None


_IN = frozenset("""en in on au le la du à a the of at el en de del w we im am in nel em no op
    в у во на з від""".split())
_DATE_QUALIFIERS = {
    "before": ["avant", "before", "vor", "antes", "przed", "prima", "voor", "до", "перед"],
    "since": ["depuis", "since", "seit", "desde", "od", "dal", "sinds", "з", "із", "від", "с",
              "со"],
    "by": ["d'ici", "by", "bis", "para", "entro", "uiterlijk"],
}
_DATE_QUALIFIER_OF = {w: k for k, ws in _DATE_QUALIFIERS.items() for w in ws}
_SAY_DATE_QUALIFIER = {
    "en": {"before": "before {}", "since": "since {}", "by": "by {}"},
    "fr": {"before": "avant {}", "since": "depuis {}", "by": "d'ici {}"},
    "uk": {"before": "до {}", "since": "з {}", "by": "до {}"},
    "de": {"before": "vor {}", "since": "seit {}", "by": "bis {}"},
    "es": {"before": "antes de {}", "since": "desde {}", "by": "para {}"},
    "pl": {"before": "przed {}", "since": "od {}", "by": "do {}"},
    "ru": {"before": "до {}", "since": "с {}", "by": "до {}"},
}


@dataclass(frozen=True)
class When:
    months: tuple[int, ...]
    day: int | None
    year: int | None
    qualifier: str


def whens(sentence: str, lang: str) -> list[When]:
    """The dates a sentence gives: "juillet et août 2025", "14 mars 2025", "before 15 November",
    "depuis 2024". A date whose meaning rests on words not understood here ("fin", "початку",
    "Herbst") is left out, so it is never said wrongly."""
    toks = tokens(sentence)
    found: list[When] = []
    used: set[int] = set()
    for i, tok in enumerate(toks):
        if i in used:
            continue
        month = _month(toks, i, lang)
        is_year = tok.kind == "num" and re.fullmatch(r"(19|20)\d\d", tok.text)
        if month is None and not is_year:
            continue
        start, end, months, day, year = i, i, [], None, None
        if month is not None:
            months.append(month)
            j = i + 1
            while j + 1 < len(toks) and toks[j].key in _CONNECTORS | {",", "та"} \
                    and _month(toks, j + 1, lang):
                months.append(_month(toks, j + 1, lang))
                j += 2
            end = j - 1
            if i > 0 and toks[i - 1].kind == "num" and re.fullmatch(r"\d{1,2}", toks[i - 1].text):
                day, start = int(toks[i - 1].text), i - 1
            elif i > 0 and re.fullmatch(r"\d{1,2}(er|re)?", toks[i - 1].text.lower()):
                day, start = int(re.match(r"\d+", toks[i - 1].text).group(0)), i - 1
            elif j < len(toks) and re.fullmatch(r"\d{1,2}", toks[j].text) \
                    and not (j + 1 < len(toks) and re.fullmatch(r"\d{3}", toks[j + 1].text)):
                day, end, j = int(toks[j].text), j, j + 1
                if j < len(toks) and toks[j].text == ",":
                    j += 1
            if j < len(toks) and re.fullmatch(r"(19|20)\d\d", toks[j].text):
                year, end = int(toks[j].text), j
            if day is None and year is None and not (start > 0 and toks[start - 1].key in _IN):
                continue  # "may", "mars", "травма" alone are not dates
            if len(months) > 1 and day is not None:
                continue
        else:
            year = int(tok.text)
            if i + 1 < len(toks) and toks[i + 1].kind == "num":
                continue  # "2 025 000" or a year in a list of figures
        qualifier = ""
        k = start - 1
        while k >= 0 and toks[k].kind in ("word", "elision") and toks[k].key.rstrip("'") in (
                "le", "la", "l", "the", "du", "de", "d", "mois", "month", "of"):
            k -= 1
        if k >= 0 and toks[k].kind in ("word", "elision"):
            key = toks[k].key
            qualifier = _DATE_QUALIFIER_OF.get(key) or _DATE_QUALIFIER_OF.get(key.rstrip("'"), "")
            if not qualifier and _unknown_before_date(key):
                continue  # "la fin du mois de juin", "до кінця жовтня", "seit Herbst 2023"
        used.update(range(start, end + 1))
        found.append(When(tuple(months), day, year, qualifier))
    return found


def _unknown_before_date(word: str) -> bool:
    """A word right before a date that changes what the date means ("end", "початку",
    "Herbst", "mid"), as opposed to a verb or a noun that merely precedes it."""
    return bool(re.fullmatch(
        r"(end|start|beginning|mid|early|late|fin|debut|milieu|кінця|кінці|початку|середини|"
        r"конца|начала|середины|ende|anfang|mitte|herbst|fruhjahr|fruhling|sommer|winter|"
        r"final|principios|mediados|koniec|konca|poczatku|inizio|fine|meta|eind|begin|"
        r"autumn|spring|summer|fall|automne|printemps|ete|hiver|осені|весни|літа|зими|"
        r"осени|весны|лета|зимы)", word))


def say_when(w: When, lang: str) -> str:
    """A date in the reply language after CLDR: "July and August 2025", "липень і серпень
    2025 р.", "March 14, 2025", "15 листопада"."""
    lang = lang if lang in LANGUAGES else "en"
    loc = Locale.parse(lang)
    if w.months and w.day is not None:
        d = date(w.year or 2000, w.months[0], w.day)
        said = (dates.format_date(d, "long", locale=lang) if w.year
                else dates.format_skeleton("MMMMd", d, locale=lang))
    elif w.months:
        names = [loc.months["stand-alone"]["wide"][m] for m in w.months]
        if w.year:
            last = dates.format_skeleton("yMMMM", date(w.year, w.months[-1], 1), locale=lang)
            said = last.replace(names[-1], lists.format_list(names, locale=lang), 1)
            if said == last and len(names) > 1:
                said = lists.format_list(names, locale=lang) + f" {w.year}"
        else:
            said = lists.format_list(names, locale=lang)
    else:
        said = str(w.year)
    if w.qualifier:
        template = _SAY_DATE_QUALIFIER[lang][w.qualifier]
        if lang == "fr" and w.day is not None:
            said = "le " + said
        said = template.format(said)
    return said


# ---- countries and people -----------------------------------------------------------------------

def sentence_countries(sentence: str) -> list[str]:
    """ISO codes of the countries a sentence names, in order, each once."""
    found: list[str] = []
    for tok in tokens(sentence):
        if tok.kind != "word" or not tok.text[:1].isupper():
            continue  # names are capitalised; "services" is not Serbia's "Servië"
        codes = country_word(tok.text)
        if codes and len(codes) == 1:
            code = next(iter(codes))
            if code not in found:
                found.append(code)
    return found


def say_countries(codes: Sequence[str], lang: str) -> str:
    lang = lang if lang in LANGUAGES else "en"
    territories = Locale.parse(lang).territories
    return lists.format_list([territories.get(c, c) for c in codes], locale=lang)


_QUOTED = re.compile(r"«[^»]*»|„[^“”]*[“”]|“[^”]*”|\"[^\"]*\"|‘[^’]*’")
_CAPITALISED = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def people(sentence: str) -> list[str]:
    """Names of two to four capitalised words ("Denys Shmyhal", "Оксана Дерев'янко"), as
    written; a country, a month or an acronym is not a name."""
    found = []
    run: list[re.Match] = []

    def close() -> None:
        if 2 <= len(run) <= 4 and not (run[0].start() == _first_word_start(sentence)
                                       and fold(run[0].group(0)) in languages.FUNCTION_WORDS):
            found.append(sentence[run[0].start():run[-1].end()])
        run.clear()

    previous_end = None
    quoted = [q.span() for q in _QUOTED.finditer(sentence)]
    for m in _CAPITALISED.finditer(sentence):
        if any(a <= m.start() < b for a, b in quoted):
            close()  # «Світлиця Фонд», „Freie Felder“: the name of a thing, not of a person
            previous_end = None
            continue
        word = m.group(0)
        named = (word[:1].isupper() and not word.isupper() and len(word) > 1
                 and country_word(word) is None and not _is_month_word(word))
        adjacent = previous_end is not None and sentence[previous_end:m.start()] == " "
        if named and (adjacent or not run):
            run.append(m)
        else:
            close()
            if named:
                run.append(m)
        previous_end = m.end()
    close()
    return found


def _first_word_start(sentence: str) -> int:
    m = _CAPITALISED.search(sentence)
    return m.start() if m else -1


def _is_month_word(word: str) -> bool:
    toks = tokens(word)
    return any(_month(toks, 0, lang) for lang in READ)


# The Ukrainian national romanisation (2010), which Ukrainian names are written in abroad; read
# backwards it gives "Денис Шмигаль"-like spellings that generic Latin→Cyrillic schemes ("Деныс
# Схмыхал") do not. Letters first written out at the start of a word, then elsewhere.
_UK_LATIN = {"а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
             "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
             "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
             "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "",
             "ю": "iu", "я": "ia", "'": "", "’": "", "ы": "y", "э": "e", "ё": "io", "ъ": ""}
_UK_LATIN_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya", "ё": "yo"}
_RU_LATIN = {**_UK_LATIN, "и": "i", "г": "g", "й": "y", "х": "kh", "е": "e"}
_LATIN_UK = [("shch", "щ"), ("zgh", "зг"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"),
             ("sh", "ш"), ("yu", "ю"), ("iu", "ю"), ("ya", "я"), ("ia", "я"), ("ye", "є"),
             ("yi", "ї"), ("ph", "ф"), ("th", "т"), ("ck", "к"), ("qu", "кв"), ("a", "а"),
             ("b", "б"), ("v", "в"), ("h", "г"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"),
             ("y", "и"), ("i", "і"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"),
             ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("c", "к"),
             ("q", "к"), ("w", "в"), ("x", "кс"), ("j", "й")]
_UK_TO_RU = str.maketrans({"і": "и", "ї": "и", "є": "е", "ґ": "г", "и": "ы"})


# words of the names of organisations, which keep their own spelling in any script
_ORGANISATION = frozenset("""international trust fund fonds fond foundation fondation stiftung
    fundacja fundación fondazione network agency alliance facility energy power relief charity
    group company systems engineering cargo partners council institute bank union association
    initiative programme program center centre grid rehabilitation hospital ministry""".split())
_POLISH = (("szcz", "shch"), ("sz", "sh"), ("cz", "ch"), ("rz", "zh"), ("ł", "l"), ("w", "v"),
           ("ś", "s"), ("ć", "ts"), ("ż", "zh"), ("ź", "z"), ("ń", "n"))


def transliterate(name: str, lang: str, name_lang: str = "") -> str:
    """A name in the script of `lang`: "Denys Shmyhal" → "Денис Шмигал" (uk), "Оксана
    Дерев'янко" → "Oksana Derevianko" (en). Names already in that script are kept."""
    cyrillic_target = lang in ("uk", "ru")
    if (script(name) == "CYRILLIC") == cyrillic_target:
        return name
    if any(fold(w) in _ORGANISATION for w in re.findall(r"[^\W\d_]+", name)):
        return name  # "Mercia Rehabilitation Trust" is not "Мерця Регабілітатіон Труст"
    if cyrillic_target:
        plain = name
        if name_lang == "pl":  # Polish spelling first: "Fedyszyn" is Федишин
            for polish, latin in _POLISH:
                plain = plain.replace(polish, latin).replace(polish.capitalize(),
                                                             latin.capitalize())
        plain = "".join(c for c in unicodedata.normalize("NFKD", plain)
                        if not unicodedata.combining(c))
        out = []
        for word in re.split(r"(\W+)", plain):
            said, i, low = "", 0, word.lower()
            while i < len(low):
                for latin, cyr in _LATIN_UK:
                    if low.startswith(latin, i):
                        if latin == "c" and low[i + 1:i + 2] in ("e", "i", "y"):
                            cyr = "ц"
                        said += cyr
                        i += len(latin)
                        break
                else:
                    said += low[i]
                    i += 1
            if lang == "ru":
                said = said.translate(_UK_TO_RU).replace("ы", "и")
            out.append(said[:1].upper() + said[1:] if word[:1].isupper() else said)
        return "".join(out)
    table = _RU_LATIN if name_lang == "ru" else _UK_LATIN
    out = []
    for word in re.split(r"([^\w'’]+)", name):
        said = ""
        for i, c in enumerate(word):
            low = c.lower()
            latin = (_UK_LATIN_INITIAL.get(low) if i == 0 else None) or table.get(low, low)
            said += latin
        out.append(said[:1].upper() + said[1:] if word[:1].isupper() else said)
    return "".join(out)


# ---- the lead -----------------------------------------------------------------------------------

def _stems(text: str) -> set[str]:
    found = set()
    for tok in tokens(text):
        for key in tok.key.split("-") if tok.kind == "word" else ():  # "FPV-дронов"
            if len(key) >= 4:
                if script(key) == "CYRILLIC":
                    key = fold(transliterate(key, "en"))
                found.add(key[:4])
    return found


def _named_in(name: str, question: str) -> bool:
    """Whether the question already names this person ("who is Oksana Ferchuk?")."""
    asked = {fold(transliterate(w, "en")) for w in re.findall(r"[^\W\d_]+", question)}
    for word in re.findall(r"[^\W\d_]+", name):
        folded = fold(transliterate(word, "en"))
        if any(folded[:4] == a[:4] and len(a) >= 4 for a in asked):
            return True
    return False


def render(question: str, sentence: str, sentence_lang: str, lang: str,
           match: Matcher | None = None) -> str | None:
    """The fact `sentence` gives in answer to `question`, in `lang`; None when there is none
    that can be said without stating more than the sentence does."""
    lang = lang if lang in LANGUAGES else "en"
    sentence_lang = sentence_lang if sentence_lang in READ else languages.detect(sentence)
    said = None
    if asks_how_many(question) or asks_price(question):
        said = _render_figure(question, sentence, sentence_lang, lang, match)
    elif asks_when(question):
        found = whens(sentence, sentence_lang)
        said = say_when(found[0], lang) if found else None
    elif _AMOUNT.search(question):
        said = _render_figure(question, sentence, sentence_lang, lang, match)
    elif (_WHO.search(question) or _COUNTRIES.search(question)) and not _YES_NO.search(question):
        said = _render_who(question, sentence, sentence_lang, lang)
    if not said:
        return None
    return said[:1].upper() + said[1:]


def _country_by(toks: list[Token], f: Figure) -> frozenset[str]:
    """The country a figure is given for: named just before it ("Denmark €31 million",
    "l'Austria 6 milioni") or just after it ("60 Millionen Euro aus Deutschland"), within its
    part of a list (a comma ends it)."""
    for i in range(f.first - 1, max(-1, f.first - 6), -1):
        if toks[i].kind in ("num", "punct"):
            break
        codes = country_word(toks[i].text) if toks[i].text[:1].isupper() else None
        if codes:
            return codes
    for i in range(f.after, min(len(toks), f.after + 5)):
        if toks[i].kind in ("num", "punct"):
            break
        codes = country_word(toks[i].text) if toks[i].text[:1].isupper() else None
        if codes:
            return codes
    return frozenset()


def _render_figure(question: str, sentence: str, sentence_lang: str, lang: str,
                   match: Matcher | None) -> str | None:
    found = [f for f in figures(sentence, sentence_lang) if f.kind == "count"]
    wants_money = asks_price(question) or bool(_AMOUNT.search(question))
    thing = question_thing(question)
    # the question's words are said only in the question's own language
    said_thing = thing if languages.detect(question) == lang else ""
    counts = [f for f in found if not f.currency]
    if thing and counts and not wants_money:
        stems = _stems(thing) or {fold(w) for w in thing.split()}  # "FPV"
        lexical = [f for f in counts if stems & _stems(f.noun)]
        if len(lexical) == 1:
            return _say_figure(lexical[0], lang, said_thing)
        named = [f for f in counts if f.noun]
        if match is not None and named:
            chosen = match(thing, [f.noun for f in named])
            if chosen is not None:
                return _say_figure(named[chosen], lang, said_thing)
    pool = [f for f in found if f.currency] if wants_money else found
    # "how much did Austria give?" of a list of donors: Austria's figure (Ukraine, where the
    # aid goes, tells nothing)
    asked = {c for tok in tokens(question) if tok.kind == "word"
             for c in (country_word(tok.text) or ())} - {"UA"}
    if asked and len(pool) > 1:
        toks = tokens(sentence)
        pool = [f for f in pool if _country_by(toks, f) & asked] or pool
    if len(pool) != 1:
        return None
    only = pool[0]
    if thing and only.unit and not _stems(thing) & _stems(only.noun):
        return None  # "how many people?" of "24 mètres carrés": not what was asked
    return _say_figure(only, lang)


def _render_who(question: str, sentence: str, sentence_lang: str, lang: str) -> str | None:
    if _WHO.search(question) and not _COUNTRIES.search(question):
        everyone = people(sentence)
        names = [n for n in everyone if not _named_in(n, question)]
        if len(names) < len(everyone):
            # "who is Oksana Ferchuk?": her name is no answer, nor another capitalised
            # name beside it (a city's: "Kryvyi Rih")
            return None
        if names:
            said = [transliterate(n, lang, sentence_lang) for n in names]
            return lists.format_list(said, locale=lang)
    asked = {c for tok in tokens(question) if tok.kind == "word"
             for c in (country_word(tok.text) or ())}
    codes = [c for c in sentence_countries(sentence) if c not in asked]
    if "UA" in codes:
        codes.remove("UA")  # Ukraine is where the aid goes in every sentence, not who gives it
    if _ONE_COUNTRY.search(question):
        codes = codes[:1]  # "which country gave most?": the one the sentence names first
    return say_countries(codes, lang) if codes else None
