"""The fact of a cited sentence in the asker's language (bot/render.py): pure functions, no model.

The property test reads every question of the bank with the sentences that answer it, renders
the lead, and checks it against an oracle of its own: every figure in the lead must be written
in the sentence (as digits in some locale, as number words, or as CLDR's long form), every
country must be named in the sentence in the sentence's language, every month must be there,
and every other name must be a word of the sentence, transliterated."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from decimal import Decimal
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from babel import Locale, numbers
from num2words import num2words

from bot.answer import reply_language
from bot.render import question_thing, render, transliterate
from index import language as languages
from index.articles import read_corpus_file
from index.passages import split_article

REPO = Path(__file__).resolve().parents[2]
LAPTOPS = ("Parmi les équipements envoyés figurent près de sept mille ordinateurs portables "
           "destinés aux unités des Forces armées ukrainiennes, ainsi que des systèmes tels que "
           "‘Oberig’, ‘Impulse’ et des systèmes d’information médicale.")
MEMBERS = ("Déjà en 2025, les membres ont fourni une assistance d’une valeur de plus de 12 "
           "millions d’euros à l’Ukraine, témoignant de leur soutien soutenu.")
WHEN = ("En juillet et août 2025, le ministère de la Défense ukrainien a reçu un nouveau lot "
        "d’équipements de haute technologie fourni par une coalition internationale informatique "
        "(IT), financée par des pays tels que le Luxembourg, l’Irlande, la Belgique et l’Estonie.")
LEADERS = "Les leaders de cette coalition sont l’Estonie et le Luxembourg."
DRONES = ("Le ministre de la Défense, Denys Shmyhal, a également annoncé que depuis le début de "
          "2024, plus d’un million de drones FPV ont été remis aux Forces armées ukrainiennes, "
          "augmentant significativement la rapidité et l’efficacité des opérations militaires.")
SHIPPED = ("De plus, 318 stations de charge, plus de deux mille dispositifs de communication, des "
           "moniteurs, du matériel pour les centres de traitement de données du ministère et des "
           "forces armées, ainsi que des équipements réseau pour l’infrastructure ‘Oberig’, ont "
           "été expédiés.")
NBSP = "\u00a0"


def laptops_matcher(thing: str, nouns: list[str]) -> int | None:
    """What the embedding model says in production, for the laptops sentence only."""
    return next((i for i, n in enumerate(nouns) if "ordinateurs" in n), None)


def same(text: str) -> str:
    """Spaces as one kind, so "7 000" and "7\u202f000" compare equal."""
    return re.sub(r"[\u00a0\u202f\u2009]", " ", text)


# ---- the examples, in seven languages ---------------------------------------------------

@pytest.mark.parametrize("question, lang, expected", [
    ("how many laptops were sent?", "en", "Nearly 7,000 laptops"),
    ("Combien d'ordinateurs portables ont été livrés ?", "fr",
     "Près de 7 000 ordinateurs portables"),
    ("Скільки ноутбуків отримала Україна?", "uk", "Майже 7 000 ноутбуків"),
    ("Wie viele Laptops hat die Ukraine bekommen?", "de", "Fast 7.000 Laptops"),
    ("¿Cuántos portátiles recibió Ucrania?", "es", "Casi 7.000 portátiles"),
    ("Ile laptopów otrzymała Ukraina?", "pl", "Prawie 7 000 laptopów"),
    ("Сколько ноутбуков получила Украина?", "ru", "Почти 7 000 ноутбуков"),
])
def test_a_count_keeps_its_qualifier_and_takes_the_questions_words(question, lang, expected):
    assert same(render(question, LAPTOPS, "fr", lang, laptops_matcher)) == same(expected)


def test_without_knowing_what_is_counted_only_the_figure_is_said():
    # no model to tell that "laptops" are "ordinateurs portables": the noun is not guessed
    assert render("how many laptops were sent?", LAPTOPS, "fr", "en") == "Nearly 7,000"
    # the question's words are used when they are the sentence's, whatever the figures' order
    assert render("how many comms devices did they send", SHIPPED, "fr", "en") == (
        "More than 2,000 comms devices")
    assert render("How many charging stations were shipped?", SHIPPED, "fr", "en") == (
        "318 charging stations")
    # two figures and nothing to choose between them: nothing is said
    assert render("how many monitors were shipped?", SHIPPED, "fr", "en") is None


def test_only_counted_things_are_compared_by_meaning_never_a_sentence_for_a_bare_figure():
    asked: list[list[str]] = []

    def recording(thing: str, nouns: list[str]) -> int | None:
        asked.append(list(nouns))
        return None

    sentence = "Norway delivered 40 generators to Kharkiv in shipment 5."
    assert render("how many radios were sent?", sentence, "en", "en", recording) is None
    assert asked == [["generators"]]


@pytest.mark.parametrize("lang, expected", [
    ("en", "More than €12 million"),
    ("fr", "Plus de 12 millions\u00a0€"),
    ("uk", "Понад 12 мільйонів євро"),
    ("de", "Mehr als 12 Millionen\u00a0€"),
    ("es", "Más de 12 millones\u00a0€"),
    ("pl", "Ponad 12 milionów\u00a0€"),
    ("ru", "Более 12 миллионов\u00a0€"),
])
def test_an_amount_of_money(lang, expected):
    assert render("how much had the members already given?", MEMBERS, "fr", lang) == expected


@pytest.mark.parametrize("lang, expected", [
    ("en", "July and August 2025"),
    ("fr", "Juillet et août 2025"),
    ("uk", "Липень і серпень 2025 р."),
    ("de", "Juli und August 2025"),
    ("es", "Julio y agosto de 2025"),
    ("pl", "Lipiec i sierpień 2025"),
    ("ru", "Июль и август 2025 г."),
])
def test_a_date(lang, expected):
    said = render("when did the ministry receive the equipment?", WHEN, "fr", lang)
    assert same(said) == same(expected)


@pytest.mark.parametrize("question, lang, expected", [
    ("who leads the IT coalition?", "en", "Estonia and Luxembourg"),
    ("Які країни очолюють ІТ-коаліцію?", "uk", "Естонія і Люксембург"),
    ("qui dirige la coalition ?", "fr", "Estonie et Luxembourg"),
    ("wer führt die IT-Koalition an?", "de", "Estland und Luxemburg"),
    ("¿quiénes lideran la coalición IT?", "es", "Estonia y Luxemburgo"),
    ("kto kieruje koalicją?", "pl", "Estonia i Luksemburg"),
    ("кто руководит коалицией?", "ru", "Эстония и Люксембург"),
])
def test_countries_are_named_in_the_reply_language(question, lang, expected):
    assert render(question, LEADERS, "fr", lang) == expected


def test_countries_in_the_question_or_receiving_the_aid_are_not_the_answer():
    assert render("who paid for the equipment?", WHEN, "fr", "en") == (
        "Luxembourg, Ireland, Belgium, and Estonia")
    assert render("which country besides Estonia leads the coalition?", LEADERS, "fr", "en") == (
        "Luxembourg")


def test_people_are_transliterated_between_scripts():
    assert render("who announced the drone figure?", DRONES, "fr", "en") == "Denys Shmyhal"
    assert render("хто заявив про мільйон FPV-дронів?", DRONES, "fr", "uk") == "Денис Шмигал"
    assert transliterate("Оксана Дерев'янко", "en", "uk") == "Oksana Derevianko"
    assert transliterate("Олександр Довганюк", "fr", "uk") == "Oleksandr Dovhaniuk"
    assert transliterate("Oleksandr Dovhaniuk", "uk") == "Олександр Довганюк"
    assert transliterate("Юлія Єрмак", "en", "uk") == "Yuliia Yermak"
    # a name the question already gives is no answer to "who is …?"
    assert render("who is Denys Shmyhal?", DRONES, "fr", "en") is None


@pytest.mark.parametrize("question, sentence, lang, expected", [
    ("How many FPV drones has the army received?", DRONES, "en",
     "More than 1 million FPV drones"),
    ("Скільки дронів FPV отримали ЗСУ?", DRONES, "uk", "Понад 1 мільйон дронів FPV"),
    ("Скільки коштували роутери з Латвії?",
     "Une livraison de la Lettonie comprenant 1 000 routeurs d’une valeur de plus de 77 000 "
     "euros.", "uk", "Понад 77 000 євро"),
    ("how much did Japan give?", "Japonsko, Японія — 2,8 мільярда єн.", "en", "¥2.8 billion"),
    ("How much did Canada give?", "Канада — 30 мільйонів канадських доларів.", "en",
     "CA$30 million"),
    ("how many people are displaced?", "Environ trois millions et demi de personnes restent "
     "déplacées.", "en", "About 3.5 million"),
    ("how much farmland was cleared?", "rund 18.400 Hektar Ackerland wurden geräumt", "en",
     "About 18,400 hectares"),
    ("when are the first deliveries due?", "Les premières livraisons sont prévues avant le 15 "
     "novembre.", "en", "Before November 15"),
    ("quand les livraisons arrivent-elles ?", "The first deliveries are due before 15 November.",
     "fr", "Avant le 15 novembre"),
    ("when was the fund launched?", "Il a été lancé le 14 mars 2025 à Varsovie.", "uk",
     "14 березня 2025 р."),
    ("коли запрацювали сховища?", "Перші два з них уже запрацювали в лютому.", "en",
     "February"),
    # "over" of "handed over" is the verb's, not "more than"
    ("How many electric buses did Norway give to Kharkiv?", "Norway has handed over 25 electric "
     "buses to the city of Kharkiv.", "en", "25 electric buses"),
    ("How many buses were delivered?", "The city received over 25 electric buses.", "en",
     "More than 25 buses"),
])
def test_more_figures_and_dates(question, sentence, lang, expected):
    assert same(render(question, sentence, languages.detect(sentence), lang)) == same(expected)


@pytest.mark.parametrize("question, sentence", [
    # the date's meaning rests on words not understood here: nothing rather than a wrong date
    ("when will the silos be built?", "До кінця жовтня мають звести чотирнадцять силосів."),
    ("when did the office open?", "Sie leitet seit Herbst 2023 ein Büro in Kyjiw."),
    # a question the sentence's fact does not answer in a sayable way
    ("is japan one of the countries in the group?", LEADERS),
    ("what will this tech let military units do?", LAPTOPS),
])
def test_nothing_is_said_rather_than_something_wrong(question, sentence):
    assert render(question, sentence, languages.detect(sentence), "en") is None


def test_the_thing_counted_is_read_from_the_question():
    assert question_thing("how many laptops were sent?") == "laptops"
    assert question_thing("how many FPV drones has the army gotten since 2024") == "FPV drones"
    assert question_thing("Скільки дронів FPV отримали ЗСУ?") == "дронів FPV"
    assert question_thing("скільки засобів зв'язку передали") == "засобів зв'язку"
    assert question_thing("combien d'ordis portables ont été envoyés ?") == "ordis portables"
    assert question_thing("Ile stacji ładowania wysłano?") == "stacji ładowania"
    assert question_thing("how much were the routers worth") == ""


def test_the_thing_counted_stops_at_the_questions_verb():
    assert question_thing("Ile dronów FPV przekazano?") == "dronów FPV"
    assert question_thing("Ile dronów FPV dostarczono armii?") == "dronów FPV"
    assert question_thing("Ile nowych szkół odbudowano?") == "nowych szkół"
    assert question_thing("Wie viele Drohnen wurden geliefert?") == "Drohnen"
    assert question_thing("Wie viele Drohnen geliefert wurden?") == "Drohnen"
    assert question_thing("Wie viele neue Drohnen erhielt die Armee?") == "neue Drohnen"
    assert question_thing("¿Cuántos drones FPV se entregaron?") == "drones FPV"
    assert question_thing("¿Cuántos drones FPV recibe el ejército?") == "drones FPV"
    assert question_thing("Сколько FPV-дронов передали?") == "FPV-дронов"
    assert question_thing("Combien de pays participent au programme ?") == "pays"
    # an auxiliary before the thing: nothing is known to be counted rather than "было"
    assert question_thing("Сколько было передано дронов?") == ""


def drones_matcher(thing: str, nouns: list[str]) -> int | None:
    """What the embedding model says of "Drohnen" and "drones FPV"."""
    return next((i for i, n in enumerate(nouns) if "drones" in n), None)


@pytest.mark.parametrize("question, lang, expected", [
    ("Ile dronów FPV przekazano?", "pl", "Ponad 1 milion dronów FPV"),
    ("Wie viele Drohnen geliefert wurden?", "de", "Mehr als 1 Million Drohnen"),
    # Spanish and French scale words are nouns: "un millón de drones"
    ("¿Cuántos drones FPV se entregaron?", "es", "Más de 1 millón de drones FPV"),
    ("Combien de drones FPV ont été remis ?", "fr", "Plus de 1 million de drones FPV"),
    # "более" governs the genitive: "более миллиона"; the hyphened "FPV-дронов" is "drones"
    ("Сколько FPV-дронов передали?", "ru", "Более 1 миллиона FPV-дронов"),
    ("Сколько дронов FPV получила армия?", "ru", "Более 1 миллиона дронов FPV"),
    # Ukrainian "понад" takes the accusative, which is "мільйон"
    ("Скільки дронів FPV передали?", "uk", "Понад 1 мільйон дронів FPV"),
])
def test_a_million_drones_in_every_language(question, lang, expected):
    assert render(question, DRONES, "fr", lang, drones_matcher) == expected


@pytest.mark.parametrize("question, sentence, lang, expected", [
    ("Сколько дронов передали?", "Environ 2 millions de drones ont été livrés.", "ru",
     "Около 2 миллионов дронов"),
    ("Сколько дронов передали?", "Jusqu'à 21 millions de drones seront livrés.", "ru",
     "До 21 миллиона дронов"),
    ("Сколько дронов передали?", "Près d'un million de drones ont été livrés.", "ru",
     "Почти 1 миллион дронов"),  # "почти" is an adverb: the nominative stays
    ("Скільки дронів передали?", "Environ 1 million de drones ont été livrés.", "uk",
     "Близько 1 мільйона дронів"),
    ("Ile dronów przekazano?", "Environ 2 millions de drones ont été livrés.", "pl",
     "Około 2 milionów dronów"),
    ("Ile dronów przekazano?", "Près de 2 millions de drones ont été livrés.", "pl",
     "Prawie 2 miliony dronów"),
    ("Сколько тонн помощи доставили?", "Environ 21 tonnes d'aide humanitaire ont été livrées.",
     "ru", "Около 21 тонны"),
    ("Сколько денег дала Швейцария?", "La Suisse a versé plus de 1 million de francs suisses.",
     "ru", "Более 1 миллиона швейцарских франков"),
    ("¿Cuánto dinero dio Suiza?", "Окрім того, Швейцарія виділила 6 мільйонів швейцарських "
     "франків.", "es", "6 millones de francos suizos"),
    ("Combien d'Ukrainiens ont besoin d'aide ?", "Близько 4 мільйонів українців потребують "
     "допомоги.", "fr", "Environ 4 millions d'Ukrainiens"),
])
def test_a_count_takes_the_case_and_the_preposition_its_qualifier_and_scale_want(
        question, sentence, lang, expected):
    assert render(question, sentence, languages.detect(sentence), lang) == expected


# ---- the property over the whole bank -----------------------------------------------------------

def _bank_sentences() -> dict[str, list[str]]:
    folders = [REPO / "corpus", REPO / "eval" / "articles", *sorted(
        (REPO / "data" / "bank").glob("**/articles"))]
    found: dict[str, list[str]] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.md")):
            article = read_corpus_file(path)
            found[article.id] = [p.text for p in split_article(article) if p.paragraph > 0]
    return found


def _bank() -> list[tuple[str, str]]:
    """(question, answering sentence) for every answerable question of eval/ and data/bank/."""
    sentences = _bank_sentences()
    every = [s for article in sentences.values() for s in article]
    pairs: dict[tuple[str, str], None] = {}
    files = sorted((REPO / "eval").glob("**/*.jsonl")) + sorted(
        (REPO / "data" / "bank").glob("**/*.jsonl"))
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            for answer in row.get("answers") or ():
                for s in sentences.get(answer["article"], every):
                    if answer["quote"] in s:
                        pairs[(row["question"], s)] = None
            if row.get("expect"):
                for s in every:
                    if all(part in s for part in row["expect"]):
                        pairs[(row["question"], s)] = None
    return list(pairs)


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", same(text).casefold().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _lead_numbers(lead: str, lang: str) -> list[Decimal]:
    """Figures of a lead, read with Babel's own parser and CLDR's long compact words."""
    scales = {}
    for forms in Locale.parse(lang).compact_decimal_formats["long"].values():
        for magnitude, pattern in forms.items():
            word = pattern.pattern.replace("0", "").strip()
            if word and len(magnitude) in (7, 10):
                scales[_fold(word)] = Decimal(10) ** (len(magnitude) - 1)
    found = []
    for m in re.finditer(r"\d{1,3}(?:[\s.,\u00a0\u202f]\d{3})+(?!\d)|\d+(?:[.,]\d+)?", lead):
        digits = m.group(0).strip(" .,")
        value = numbers.parse_decimal(same(digits).replace(" ", numbers.get_group_symbol(lang))
                                      if numbers.get_group_symbol(lang) in " \u00a0\u202f"
                                      else digits, locale=lang)
        following = _words(lead[m.end():])[:1]
        if following and _fold(following[0]) in scales:
            value *= scales[_fold(following[0])]
        found.append(value)
    return found


LOCALES = ("en", "fr", "uk", "de", "es", "pl", "ru", "it", "pt", "nl")


def _scale_words(scale: int) -> set[str]:
    """The first letters of a scale's words in every language: "тисяч", "milion", "mill"."""
    return {_fold(num2words(m * scale, lang=locale).split()[-1])[:4]
            for locale in LOCALES for m in (2, 5)}


def _says_number(sentence: str, value: Decimal, lang: str) -> bool:
    """Whether the sentence writes `value`: digits in any locale's way, number words in any
    language, or digits and a scale word ("95 тисяч", "1,3 millones", "12 millions")."""
    text = _fold(sentence).replace("'", " ")
    forms = {str(int(value)) if value % 1 == 0 else str(value)}
    for locale in LOCALES:
        forms.add(_fold(numbers.format_decimal(value, locale=locale)))
        if value % 1 == 0:
            forms.add(_fold(num2words(int(value), lang=locale)).replace("'", " "))
    if any(f and re.search(r"(?<![\d,.])" + re.escape(f) + r"(?![\d])", text) for f in forms):
        return True
    for scale in (1000, 10**6, 10**9):
        mantissa = value / scale
        if mantissa < 1 or (mantissa * 100) % 1:
            continue
        digits = {_fold(numbers.format_decimal(mantissa, locale=locale)) for locale in LOCALES}
        if mantissa % 1 == 0:
            digits |= {_fold(num2words(int(mantissa), lang=locale)).replace("'", " ")
                       for locale in LOCALES}
        for d in digits:
            for m in re.finditer(r"(?<![\d,.])" + re.escape(d) + r"(?![\d]) (\w+)", text):
                short = {1000: "тис тыс tys", 10**6: "млн mln mio", 10**9: "млрд mld mrd bn"}
                if m.group(1)[:4] in _scale_words(scale) or m.group(1) in short[scale].split():
                    return True
    half = value - Decimal("0.5") * 10 ** (len(str(int(value))) - 1)
    if value >= 10**6 and half % 10**6 == 0:  # "trois millions et demi"
        return _fold(num2words(int(half), lang="fr")) + " et demi" in text
    return False


def _month_numbers(text: str, lang: str) -> set[int]:
    names = Locale.parse(lang).months
    found = set()
    for word in _words(text):
        for month in range(1, 13):
            forms = {_fold(names[ctx]["wide"][month]) for ctx in ("format", "stand-alone")}
            if _fold(word) in forms:
                found.add(month)
    return found


def _sentence_has_month(sentence: str, month: int, lang: str) -> bool:
    names = Locale.parse(lang).months
    forms = {_fold(names[ctx]["wide"][month]) for ctx in ("format", "stand-alone")}
    stems = {f[:3] if lang in ("uk", "ru", "pl") else f for f in forms}
    return any(_fold(w).startswith(s) for w in _words(sentence) for s in stems)


def _country_codes(text: str, lang: str) -> set[str]:
    names = {_fold(name): code for code, name in Locale.parse(lang).territories.items()
             if len(code) == 2 and code.isalpha()}
    parts = re.split(r",?\s+(?:and|et|і|и|та|und|y|i)\s+|,\s*", text)
    return {names[_fold(n)] for n in parts if _fold(n) in names}


def _sentence_names_country(sentence: str, code: str, lang: str) -> bool:
    """A word of the sentence begins like the country's name in some language: "Litwy" for
    Lithuania (Litwa), "Естонія"."""
    names = {_fold(Locale.parse(locale).territories.get(code, "")) for locale in LOCALES}
    said = set()
    for word in _words(sentence):
        word = re.sub(r"^(?:[dl]|qu)['’]", "", word, flags=re.IGNORECASE)  # "l’Estonie"
        if word[:1].isupper():
            said.add(_fold(word)[:4])
    return any(name[:4] in said for name in names if name)


# the oracle's own reading of Cyrillic in Latin letters, independent of the renderer's
_CYRILLIC = dict(zip("абвгґдеєжзиіїйклмнопрстуфхцчшщьюяыэёъ",
                     "a b v h g d e ie zh z y i i i k l m n o p r s t u f kh ts ch sh shch _ iu "
                     "ia y e e _".split(), strict=True))


# how a sentence may write each currency, in any language (the oracle's own reading)
CURRENCIES = {
    "EUR": "€ euro євро евро", "USD": r"\$ dollar долар доллар dolar dólar", "GBP": "£ pound",
    "JPY": "¥ yen єн иен jen", "UAH": "₴ hryvn грив hrywn grivn", "CHF": "franc франк frank",
    "PLN": "zlot złot злот", "CAD": r"\$ canad канад dollar долар", "SEK": "kron крон koron",
    "NOK": "kron крон koron", "DKK": "kron крон koron", "CZK": "kron крон koron",
}


def _latin(word: str) -> str:
    return "".join(_CYRILLIC.get(c, c).strip("_") for c in _fold(word))


def violations(question: str, sentence: str, lead: str, lang: str) -> list[str]:
    """What the lead states that the sentence does not."""
    source = languages.detect(sentence)
    problems = []
    for value in _lead_numbers(lead, lang):
        if not _says_number(sentence, value, source):
            problems.append(f"figure {value}")
    months = _month_numbers(lead, lang)
    for month in months:
        if not _sentence_has_month(sentence, month, source):
            problems.append(f"month {month}")
    codes = _country_codes(lead, lang)
    for code in codes:
        if not _sentence_names_country(sentence, code, source):
            problems.append(f"country {code}")
    territory_words = {_fold(w) for c in codes
                       for w in _words(Locale.parse(lang).territories.get(c, ""))}
    for code, name in CURRENCIES.items():
        written = {numbers.get_currency_name(code, n, lang) for n in (1, 2, 5, 1.5)}
        if any(w in lead for w in written) or numbers.get_currency_symbol(code, lang) in lead:
            territory_words |= {_fold(w) for form in written for w in _words(form)}
            territory_words |= {_fold(w) for w in _words(numbers.get_currency_symbol(code, lang))}
            if not any(re.search(p, _fold(sentence)) for p in name.split()):
                problems.append(f"currency {code}")
    month_words = {_fold(w) for w in _words(" ".join(
        Locale.parse(lang).months["stand-alone"]["wide"][m] for m in months))}
    asked = {_latin(w) for w in _words(question)}
    said = [_latin(w) for w in _words(sentence)]
    for i, word in enumerate(_words(lead)):
        if i == 0 or not word[:1].isupper() or _fold(word) in territory_words | month_words:
            continue
        w = _latin(word)
        if w in asked or any(SequenceMatcher(None, w, s).ratio() >= 0.7 for s in said):
            continue
        problems.append(f"name {word}")
    return problems


def test_no_lead_states_a_figure_or_name_absent_from_the_cited_sentence():
    bank = _bank()
    assert len(bank) > 300
    broken, rendered, answered = [], Counter(), Counter()
    for question, sentence in bank:
        lang = reply_language(question)
        asked = languages.detect(question)
        lead = render(question, sentence, languages.detect(sentence), lang)
        answered[asked] += 1
        if lead is None:
            continue
        rendered[asked] += 1
        for problem in violations(question, sentence, lead, lang):
            broken.append(f"{problem}: {question!r} → {lead!r} from {sentence[:90]!r}")
    share = {lang: f"{rendered[lang]}/{answered[lang]}" for lang in sorted(answered)}
    print(f"\n{len(bank)} questions; leads with a rendered fact by language: {share}")
    assert broken == [], "\n".join(broken)


def test_the_oracle_catches_a_lead_that_says_more_than_the_sentence():
    assert violations("how many?", LAPTOPS, "Nearly 8,000 laptops", "en") == ["figure 8000"]
    assert violations("who?", LEADERS, "Estonia and Latvia", "en") == ["country LV"]
    assert violations("when?", WHEN, "July and September 2025", "en") == ["month 9"]
    assert violations("who?", DRONES, "Oksana Ferchuk", "en") == ["name Ferchuk"]
    assert violations("who?", DRONES, "Денис Шмигал", "uk") == []
    assert violations("how much?", MEMBERS, "More than €12 million", "en") == []
    assert violations("how much?", MEMBERS, "More than €13 million", "en") == [
        "figure 13000000"]
