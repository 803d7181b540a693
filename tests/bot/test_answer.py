import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.answer import Answerer
from index.embeddings import ShortTexts
from index.knowledge import KnowledgeBase

REPO = Path(__file__).resolve().parents[2]

LAPTOPS = "près de sept mille ordinateurs portables"
# articles of the question bank in English, German and Ukrainian, none of them about laptops
MIXED = ("0467d8d9c539c919", "155ab4ff2befc937", "782fdceb02c815c3", "811a25a428d10192",
         "83bfe42c6ad194b2", "b80b22a5d10c33d6", "ea7c84c90f6ffe90")


def corpus_text(corpus_dir: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in corpus_dir.glob("*.md"))


@pytest.fixture
def answerer(shared_kb):
    """The seed article's read-only knowledge base (tests/bot/conftest.py), shared by the tests
    that only ask; those that change the corpus build their own."""
    return Answerer(shared_kb)


@pytest.mark.parametrize("question, lang", [
    ("how many laptops were sent?", "en"),
    ("Combien d'ordinateurs portables ont été livrés ?", "fr"),
    ("Скільки ноутбуків отримала Україна?", "uk"),
])
def test_laptops_question_cites_the_french_sentence(answerer, question, lang):
    answer = answerer.ask(question)
    assert answer.found
    assert answer.language == lang
    assert LAPTOPS in answer.citations[0].quote
    assert "[1]" in answer.text
    text = corpus_text(answerer.kb.corpus_dir)
    for citation in answer.citations:
        assert citation.quote in text  # verbatim
    referenced = {int(n) for n in __import__("re").findall(r"\[(\d+)\]", answer.text)}
    assert referenced == {c.n for c in answer.citations}


@pytest.mark.parametrize("question, lead", [
    ("how many laptops were sent?", "Nearly 7,000 laptops [1]"),
    ("Combien d'ordinateurs portables ont été livrés ?",
     "Près de 7\u202f000 ordinateurs portables [1]"),
    ("Скільки ноутбуків отримала Україна?", "Майже 7\u00a0000 ноутбуків [1]"),
])
def test_the_key_figure_is_said_in_the_askers_language(answerer, question, lead):
    answer = answerer.ask(question)
    assert answer.lead == lead and answer.text.splitlines()[0] == lead
    assert answer.rendered and answer.shown[0] == 1


def test_leaders_found_through_the_headline_context(answerer):
    answer = answerer.ask("Qui sont les leaders de la coalition IT ?")
    assert any("l’Estonie et le Luxembourg" in c.quote for c in answer.citations)


@pytest.mark.parametrize("question, expected", [
    ("What is the capital of Australia?", "I don't know"),
    ("How many tanks did Germany send?", "I don't know"),
    ("Combien de chars la France a-t-elle livrés ?", "Je ne sais pas"),
    ("Скільки коштує один дрон FPV?", "Я не знаю"),
    ("Яка столиця Канади?", "Я не знаю"),  # Canada is in the Ramstein list of the seed article
    ("Quelle est la capitale du Canada ?", "Je ne sais pas"),
])
def test_unanswerable_questions_say_so(answerer, question, expected):
    answer = answerer.ask(question)
    assert not answer.found
    assert answer.citations == []
    assert answer.text.startswith(expected)


@pytest.mark.parametrize("question", ["", "   ", "\x00\x07", "???"])
def test_empty_questions_get_a_prompt(answerer, question):
    answer = answerer.ask(question)
    assert not answer.found
    assert "question" in answer.text.lower()


def test_huge_and_markup_questions_are_answered_sensibly(answerer):
    answer = answerer.ask("<b>how many laptops</b> were sent? " + "x" * 5000)
    assert answer.found in (True, False)
    assert len(answer.text) < 2000
    answer = answerer.ask("[click](http://evil.example) <a href='x'>how many laptops</a>?")
    assert "evil.example" not in answer.text


def test_json_shape(answerer):
    data = answerer.ask("how many laptops were sent?").to_json()
    assert set(data) == {"question", "found", "answer", "citations"}
    assert set(data["citations"][0]) == {"n", "article_id", "title", "source", "published",
                                         "quote"}


@pytest.fixture(scope="module")
def mixed_answerer(tmp_path_factory, embedder):
    """The French seed article among articles written in the askers' languages."""
    root = tmp_path_factory.mktemp("mixed")
    shutil.copytree(REPO / "corpus", root / "corpus")
    for article_id in MIXED:
        shutil.copy(REPO / "eval" / "articles" / f"{article_id}.md", root / "corpus")
    knowledge = KnowledgeBase(root / "corpus", root / "index", embedder)
    yield Answerer(knowledge)
    knowledge.close()


@pytest.mark.parametrize("question", [
    "how many laptops were sent?",
    "Скільки ноутбуків отримала Україна?",
])
def test_articles_in_the_askers_language_do_not_outrank_the_answer(mixed_answerer, question):
    answer = mixed_answerer.ask(question)
    assert answer.found
    assert LAPTOPS in answer.citations[0].quote


def test_countries_are_recognised_in_any_case_language_and_ending(answerer):
    answer = answerer.ask("скільки коштували роутери з Латвії")  # "Латвії": "Lettonie"
    assert answer.found
    assert "1 000 routeurs" in answer.citations[0].quote
    for question in ("how many routers did estonia send", "скільки ноутбуків надала Естонія?"):
        answer = answerer.ask(question)  # Estonia is in the article, but sent no routers
        assert not answer.found, answer.citations


GENERATORS = """Livraison de générateurs à Odessa
En décembre, la fondation Océane a livré 412 générateurs électriques à Odessa, financés par des \
donateurs de Québec.
"""
WATER = """Norway funds 25 mobile water-purification units for Kharkiv
Norway has paid for 25 mobile water-purification units that arrived in Kharkiv on 3 March \
2025, the city council said.
Each unit can clean 12,000 litres of water an hour, and the package cost 4.5 million euros.
The units will serve hospitals and shelters when the city's water network is damaged.
"""


# reported examples the answer selector still gets wrong (the answer-selector issue); strict,
# so that a fix shows as an unexpected pass and the mark is removed
OPEN = pytest.mark.xfail(strict=True, reason="answered wrong or not at all today")


@pytest.fixture(scope="module")
def examples_answerer(tmp_path_factory, embedder):
    """The seed article with the two short articles a reader added in the answer-quality report."""
    from index.articles import from_pasted_text, write_corpus_file

    root = tmp_path_factory.mktemp("examples")
    shutil.copytree(REPO / "corpus", root / "corpus")
    for text in (GENERATORS, WATER):
        write_corpus_file(root / "corpus", from_pasted_text(text))
    knowledge = KnowledgeBase(root / "corpus", root / "index", embedder)
    yield Answerer(knowledge)
    knowledge.close()


@pytest.mark.parametrize("question, quoted", [
    ("Combien de générateurs ont été livrés à Odessa ?", "412 générateurs"),
    pytest.param("How much did Norway pay?", "4.5 million euros", marks=OPEN),
    ("How much did the Norway package cost?", "4.5 million euros"),
    ("How much did the package cost?", "4.5 million euros"),
    ("Combien a coûté le paquet norvégien ?", "4.5 million euros"),
    ("Скільки роутерів передала Латвія?", "1 000 routeurs"),
    pytest.param("Which country donated the routers?", "1 000 routeurs", marks=OPEN),
    ("Who leads the IT coalition?", "Les leaders de cette coalition"),
])
def test_the_reported_questions_are_answered_right(examples_answerer, question, quoted):
    answer = examples_answerer.ask(question)
    assert answer.found, question
    assert quoted in answer.citations[0].quote


@pytest.mark.parametrize("question, expected", [
    ("Яка столиця Канади?", "Я не знаю"),  # Canada is in the Ramstein list
    ("Quelle est la capitale du Canada ?", "Je ne sais pas"),
])
def test_a_capital_is_not_answered_by_a_list_of_countries(examples_answerer, question, expected):
    answer = examples_answerer.ask(question)
    assert not answer.found and not answer.citations
    assert answer.text.startswith(expected)


# ---- German, Spanish, Polish and Russian askers get their own language ------------------------

# the line pointing at further citations, in each language ("Other sentences that may help:")
MORE_SOURCES = {"de": "Weitere Sätze, die helfen können: [",
                "es": "Otras frases que pueden ayudar: [",
                "pl": "Inne zdania, które mogą pomóc: [",
                "ru": "Другие предложения, которые могут помочь: ["}


@pytest.mark.parametrize("question, lang, lead", [
    ("Wie viele Laptops wurden geliefert?", "de", "Fast 7.000 Laptops [1]"),
    ("¿Cuántos portátiles recibió Ucrania?", "es", "Casi 7.000 portátiles [1]"),
    ("Ile laptopów otrzymała Ukraina?", "pl", "Prawie 7\u00a0000 laptopów [1]"),
    ("Сколько ноутбуков получила Украина?", "ru", "Почти 7\u00a0000 ноутбуков [1]"),
])
def test_a_question_in_german_spanish_polish_or_russian_gets_its_lead_in_that_language(
        answerer, question, lang, lead):
    answer = answerer.ask(question, "en")  # the question's language wins over the app's
    assert answer.found and answer.language == lang
    assert LAPTOPS in answer.citations[0].quote
    first, *rest = answer.text.splitlines()
    assert first == lead and answer.lead.startswith(lead)
    assert all(line.startswith(MORE_SOURCES[lang]) for line in rest), answer.text


@pytest.mark.parametrize("question, expected", [
    ("Was ist die Hauptstadt von Australien?",
     "Ich weiß es nicht: Die Artikel, die ich habe, beantworten diese Frage nicht."),
    ("¿Cuál es la capital de Australia?",
     "No lo sé: los artículos que tengo no responden a esta pregunta."),
    ("Jaka jest stolica Australii?",
     "Nie wiem: artykuły, które mam, nie odpowiadają na to pytanie."),
    ("Какая столица Австралии?", "Я не знаю: в моих статьях нет ответа на этот вопрос."),
])
def test_i_dont_know_in_german_spanish_polish_or_russian(answerer, question, expected):
    answer = answerer.ask(question, "en")
    assert not answer.found and answer.citations == []
    assert answer.text == expected


@pytest.mark.parametrize("hint, expected", [
    ("de-DE", "Bitte stellen Sie eine Frage zur internationalen Hilfe für die Ukraine."),
    ("es", "Haga una pregunta sobre la ayuda internacional a Ucrania."),
    ("pl", "Zadaj pytanie o międzynarodową pomoc dla Ukrainy."),
    ("ru", "Задайте вопрос о международной помощи Украине."),
])
def test_an_empty_question_is_prompted_in_the_users_telegram_language(answerer, hint,
                                                                      expected):
    answer = answerer.ask("???", hint)
    assert not answer.found and answer.text == expected


def test_a_question_reads_its_candidates_facts_from_the_store_and_computes_none(
        mixed_answerer, monkeypatch):
    from index.facts import Facts
    from index.store import article_facts

    kb = mixed_answerer.kb
    candidates = kb.candidates("Скільки зарядних станцій передали?")
    assert len({c.hit.passage.article_id for c in candidates}) > 1
    for c in candidates:  # what the store kept is what the texts give
        assert c.facts == Facts.of(c.hit.passage.text, c.hit.passage.title)
        lines = [row[0] for row in kb.store.db.execute(
            "SELECT text FROM passages WHERE article_id = ? ORDER BY id",
            (c.hit.passage.article_id,))]
        assert c.article == article_facts(lines)
    computed = []
    monkeypatch.setattr(Facts, "of", classmethod(lambda cls, *args: computed.append(args)))
    answer = mixed_answerer.ask("how many laptops were sent?")
    assert answer.found and LAPTOPS in answer.citations[0].quote
    assert computed == []


def test_a_names_vector_does_not_depend_on_what_was_asked_before(shared_kb):
    first, second = ShortTexts(shared_kb.embedder), ShortTexts(shared_kb.embedder)
    together = first.vectors(["ordinateurs portables", "ноутбуків"])[1]
    alone = second.vectors(["ноутбуків"])[0]
    assert np.array_equal(together, alone)
