"""The learned ranker: the committed files load and match their features, features are what the
ranker expects, and training is deterministic."""

from __future__ import annotations

import json
import math
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from index import text
from index.facts import Facts, folded
from index.rank import (
    DECISION_FEATURES,
    DECISION_FILE,
    FEATURES,
    LEARNED,
    RANKERS,
    Candidate,
    LearnedFilesMissing,
    QuestionTerms,
    Ranker,
    features,
    match_words,
    word_match,
)

REPO = Path(__file__).resolve().parents[2]
LAPTOPS = "près de sept mille ordinateurs portables"


def test_the_committed_learned_files_load_and_match_their_schema():
    ranker = Ranker()
    decision = json.loads((LEARNED / DECISION_FILE).read_text(encoding="utf-8"))
    assert tuple(decision["features"]) == DECISION_FEATURES
    assert len(decision["coef"]) == len(DECISION_FEATURES)
    assert 0 < ranker.threshold < 1 and 0 < ranker.extra_score <= 1
    assert 0 <= ranker.veto < ranker.threshold and ranker.veto < ranker.sure <= 1
    assert 0 <= ranker.veto_alone < ranker.sure
    # the threshold is the one chosen on dev, and its curve is written beside it
    assert decision["chosen_on_dev"]["threshold"] == ranker.threshold
    assert any(row["threshold"] == ranker.threshold for row in decision["dev_curve"])
    assert sum(path.stat().st_size for path in LEARNED.iterdir()) < 25_000_000


def test_files_of_other_features_are_refused(tmp_path):
    for path in LEARNED.iterdir():
        shutil.copy(path, tmp_path / path.name)
    Ranker(tmp_path)
    decision = json.loads((LEARNED / DECISION_FILE).read_text(encoding="utf-8"))
    decision["features"] = ["something", "else"]
    (tmp_path / DECISION_FILE).write_text(json.dumps(decision), encoding="utf-8")
    with pytest.raises(LearnedFilesMissing, match="make train"):
        Ranker(tmp_path)
    shutil.copy(LEARNED / DECISION_FILE, tmp_path / DECISION_FILE)
    (tmp_path / f"ranker-{RANKERS - 1}.txt.gz").unlink()
    with pytest.raises(LearnedFilesMissing, match="make train"):
        Ranker(tmp_path)


def test_features_of_real_candidates(kb):
    question = "how many routers did Latvia send?"
    candidates = kb.candidates(question)
    rows = features(QuestionTerms.of(question), candidates)
    assert rows.shape == (len(candidates), len(FEATURES))
    assert np.isfinite(rows).all()
    routers = next(i for i, c in enumerate(candidates) if "1 000 routeurs" in c.hit.passage.text)
    row = dict(zip(FEATURES, rows[routers], strict=True))
    assert row["countries_missing"] == 0 and row["question_countries"] == 1  # Латвія ~ Lettonie
    assert row["asks_count"] == 1 and row["has_number"] == 1
    leaders = next(i for i, c in enumerate(candidates) if "Les leaders" in c.hit.passage.text)
    assert dict(zip(FEATURES, rows[leaders], strict=True))["countries_missing"] == 1


def test_ukraine_is_the_destination_not_a_term_the_sentence_must_name():
    terms = QuestionTerms.of("Скільки ноутбуків отримала Україна?")
    assert terms.key_terms == () and terms.countries == frozenset()
    terms = QuestionTerms.of("How many tanks did Germany send to Ukraine?")
    assert terms.key_terms == ("Germany",) and terms.countries == {"DE"}


def test_the_words_a_question_asks_about_are_matched_across_languages(kb):
    """A sentence that names the country a question asks the capital of has no word near
    "capital"; one that counts laptops has a word near "ноутбуків" ("ordinateurs")."""
    ramstein = next(c.hit.passage for c in kb.candidates("Rammstein Canada Danemark")
                    if "Rammstein" in c.hit.passage.text)
    laptops = next(c.hit.passage for c in kb.candidates("ordinateurs portables")
                   if LAPTOPS in c.hit.passage.text)
    vectors = kb.short_texts.vectors
    capital = QuestionTerms.of("Яка столиця Канади?")
    assert capital.words == ("столиця",)  # countries and function words have features of their own
    how_many = QuestionTerms.of("Скільки ноутбуків отримала Україна?")
    least_capital, _ = word_match(capital, ramstein, vectors)
    assert word_match(how_many, laptops, vectors)[1] > word_match(how_many, ramstein, vectors)[1]
    assert least_capital < word_match(QuestionTerms.of("How many laptops?"), laptops, vectors)[0]
    assert match_words("How many Laptops did Latvia send in 2024?") == ("laptops",)


def test_a_country_in_the_headline_counts_for_its_sentences(kb):
    question = "How much did the Norway package cost?"
    hit = kb.candidates(question)[0].hit
    passage = replace(hit.passage, title="Norway funds 25 mobile water-purification units",
                      text="Each unit can clean 12,000 litres of water an hour, and the package "
                           "cost 4.5 million euros.")
    candidate = Candidate(replace(hit, passage=passage), np.zeros(3), 0.5, 0.5,
                          Facts.of(passage.text, passage.title), Facts.of(passage.text))
    row = dict(zip(FEATURES, features(QuestionTerms.of(question), [candidate])[0],
                   strict=True))
    assert row["question_countries"] == 1 and row["countries_missing"] == 0
    assert row["key_terms_missing"] == 0 and row["key_term_coverage"] == 1


def test_the_ranker_puts_the_answer_first_and_is_sure_of_it(kb):
    terms, ranked = kb.rank("Скільки роутерів передала Латвія?")
    assert "1 000 routeurs" in ranked[0].hit.passage.text
    assert kb.answer_probability(terms, ranked) >= kb.ranker.threshold
    terms, ranked = kb.rank("Яка столиця Канади?")
    assert kb.answer_probability(terms, ranked) < kb.ranker.threshold
    assert all(0 <= r.score <= 1 for r in ranked)
    assert not math.isnan(kb.answer_probability(terms, ranked))


def test_training_is_deterministic():
    sys.path.insert(0, str(REPO / "scripts"))
    import train

    rng = np.random.default_rng(0)

    class Sample:
        def __init__(self):
            self.rows = rng.normal(size=(30, len(FEATURES))).astype(np.float32)
            self.labels = (self.rows[:, 0] > 1.2).astype(np.int8)

    samples = [Sample() for _ in range(20)]
    params = train.GRID[0]
    first = [b.model_to_string() for b in train.fit_ranker(samples, params).boosters]
    second = [b.model_to_string() for b in train.fit_ranker(samples, params).boosters]
    assert len(first) == RANKERS and first == second
    assert len(set(first)) == RANKERS  # each booster has its own seed


def test_the_veto_is_where_the_bots_own_answers_meet_the_target():
    """(probability, the answer checks pass, answerable, best is gold): the checks decide under
    the sure bound, so an unanswerable question they refuse costs nothing, and one they let
    through is wrong unless vetoed."""
    sys.path.insert(0, str(REPO / "scripts"))
    import train

    points = [(0.9, False, True, True), (0.3, True, True, True), (0.2, True, False, False),
              (0.4, False, False, False)] + [(0.1, False, False, False)] * 3
    assert train.choose_veto(points, sure=0.5)["threshold"] == 0.21
    decision = json.loads((LEARNED / DECISION_FILE).read_text(encoding="utf-8"))
    chosen, target = decision["bot_chosen_on_dev"], decision["target"]
    assert decision["veto_below"] == chosen["threshold"] < decision["answer_above"]
    assert chosen["wrong"] <= target["max_wrong"]
    assert chosen["not_found_accuracy"] >= target["min_not_found"]


def test_the_shipped_passage_model_has_not_seen_the_shipped_article():
    """Fine-tuned on an article, the passage model puts its sentences first for questions that
    an article added later answers: the shipped one is the fold model that left it out."""
    sys.path.insert(0, str(REPO / "scripts"))
    import train

    from bot.bank import load_bank

    bank = load_bank()
    shipped = sorted(path.stem for path in (REPO / "corpus").glob("*.md"))
    part = train.shipped_fold(bank, 2)
    assert all(bank.splits[a] != "train" or bank.train_fold(a, "", 2) == part for a in shipped)
    fine_tuned_on = [a for a, split in bank.splits.items()
                     if split == "train" and bank.train_fold(a, "", 2) != part]
    assert fine_tuned_on and not set(shipped) & set(fine_tuned_on)


@pytest.mark.parametrize("body", [
    "Les leaders de cette coalition sont l’Estonie et le Luxembourg.",
    "Латвія передала 1 000 роутерів, а ЗСУ отримали їх у 2025 році.",
    "Norway paid for 25 units; each one cleans 12,000 litres an hour.",
])
def test_a_texts_facts_find_a_stem_or_trigram_exactly_where_one_of_its_words_has_it(body):
    """The facts keep the text's words in Latin letters, not sets of their stems and trigrams:
    looking them up must give what the sets would."""
    facts = Facts.of(body, "Aid to Ukraine")
    words = {folded(w) for w in text.words(f"Aid to Ukraine {body}")}
    stems = {w[:5] for w in words}
    trigrams = {w[i:i + 3] for w in words for i in range(len(w) - 2)}
    probes = stems | trigrams | {w[:4] for w in words} | {w[1:4] for w in words} \
        | {"aid", "ukrai", "ukr", "lux", "xyz", "zzzzz", "ro", "to"}
    for probe in sorted(p for p in probes if p):
        assert facts.has_stem(probe) == (probe in stems), probe
        if len(probe) == 3:
            assert facts.trigrams_in(frozenset([probe])) == (probe in trigrams), probe
