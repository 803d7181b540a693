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
