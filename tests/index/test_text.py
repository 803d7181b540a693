import pytest

from index import text
from index.text import countries, country_word


@pytest.mark.parametrize("word, code", [
    ("Lettonie", "LV"), ("латвія", "LV"), ("Латвії", "LV"), ("Latvian", "LV"),
    ("luxembourg", "LU"), ("Німеччини", "DE"), ("Allemagne", "DE"), ("Pays-Bas", "NL"),
    ("l’Ukraine", "UA"), ("Ukraine's", "UA"), ("Britain", "GB"), ("Польщі", "PL"),
])
def test_country_names_in_any_language_case_and_ending(word, code):
    assert code in countries(word)


@pytest.mark.parametrize("word", ["came", "partie", "cost", "city", "réunion", "malicious",
                                  "servent", "provided", "members"])
def test_everyday_words_are_not_countries(word):
    assert country_word(word) is None


def test_lowercase_countries_are_key_terms_and_name_parts_are_not():
    assert text.key_terms("how much did luxembourg give on its own?", "en") == ["luxembourg"]
    assert text.key_terms("how many ventilators did South Korea send", "en") == ["Korea"]


@pytest.mark.parametrize("sentence", ["Twenty-six repair crews", "sixty technicians",
                                  "quatre-vingt-dix écoles", "шістдесят техніків"])
def test_numbers_written_in_words(sentence):
    assert text.has_number(sentence)


@pytest.mark.parametrize("question", [
    "How much did the package cost?", "How much did Norway pay?", "How much was spent?",
    "Скільки коштувало обладнання?", "Скільки заплатила Норвегія?",
    "Combien ont coûté les générateurs ?", "Combien coûtera le projet ?",
    "Combien la Norvège a-t-elle payé ?", "Was hat das Paket gekostet?",
    "Wie viel hat Deutschland bezahlt?", "¿Cuánto costó el paquete?", "Ile kosztował sprzęt?",
    "Quanto custou o pacote?", "Сколько стоило оборудование?",
])
def test_a_price_is_asked_in_any_tense(question):
    assert text.asks_price(question)


@pytest.mark.parametrize("question", [
    "How many laptops were sent?", "How many units did Norway pay for?",
    "Combien d'unités la Norvège a-t-elle payées ?", "Wie viele Panzer hat Deutschland bezahlt?",
    "Quelle est la coutume ?", "Скільки ноутбуків отримала Україна?",
])
def test_a_count_is_not_a_price(question):
    assert not text.asks_price(question)


def test_paid_in_hryvnias_is_money():
    assert text.has_money("The city paid 25 million hrivnias for it.")
    assert text.has_money("Місто заплатило 25 мільйонів гривень.")


@pytest.mark.parametrize("question, asks", [
    ("Which country donated the routers?", True), ("Who leads the IT coalition?", True),
    ("Хто очолює коаліцію?", True), ("Які країни передали генератори?", True),
    ("Quels pays ont envoyé des ordinateurs ?", True), ("Welche Länder haben geliefert?", True),
    ("How many laptops were sent?", False), ("Wie viele Laptops wurden geliefert?", False),
    ("Яка столиця Канади?", False), ("Combien de générateurs ont été livrés ?", False),
])
def test_a_question_that_asks_for_a_country_or_a_giver(question, asks):
    assert text.asks_country(question) == asks
