from hypothesis import given, settings
from hypothesis import strategies as st

from index.articles import from_pasted_text
from index.passages import split_article, split_sentences


def test_numbers_quotes_and_abbreviations_stay_whole():
    text = ("Une livraison de la Lettonie comprenant 1 000 routeurs d’une valeur de plus de "
            "77 000 euros. Le format « Rammstein. Groupe » réunit quinze pays. "
            "M. Dupont l’a confirmé.")
    sentences = [s.strip() for s in split_sentences(text, "fr")]
    assert sentences == [
        "Une livraison de la Lettonie comprenant 1 000 routeurs d’une valeur de plus de "
        "77 000 euros.",
        "Le format « Rammstein. Groupe » réunit quinze pays.",
        "M. Dupont l’a confirmé.",
    ]


def test_passages_keep_position_and_headline_context():
    article = from_pasted_text("Coalition headline\nFirst sentence. Second one.\n\nThird here.")
    passages = split_article(article)
    assert [(p.paragraph, p.sentence, p.text) for p in passages] == [
        (0, 0, "Coalition headline"),
        (1, 0, "First sentence."),
        (1, 1, "Second one."),
        (2, 0, "Third here."),
    ]
    assert passages[2].context.startswith("Coalition headline\n")
    assert "First sentence." in passages[2].context  # the sentence before it


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400),
       st.sampled_from(["en", "fr", "uk", "de", "und"]))
def test_splitting_never_loses_or_reorders_text(text, lang):
    assert "".join(split_sentences(text, lang)) == text
