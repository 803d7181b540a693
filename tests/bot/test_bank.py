"""The question bank is what the learned parts are trained and measured on: its labels must hold."""

import json
from collections import Counter

from bot.bank import SEED_CORPUS, check_bank, load_bank


def test_every_label_stands_in_exactly_one_sentence_of_its_article():
    bank = load_bank()
    assert check_bank(bank) == []


def test_the_bank_is_split_by_article_with_every_split_in_the_main_languages():
    bank = load_bank()
    assert len(bank.article_files) >= 30
    assert len(bank.questions) >= 1500
    assert sum(not q.answerable for q in bank.questions) >= 400
    assert len({q.lang for q in bank.questions}) >= 8
    for split in ("train", "dev", "test"):
        questions = bank.of_split(split)
        langs = Counter(q.lang for q in questions if q.answerable)
        assert all(langs[lang] >= 20 for lang in ("en", "fr", "uk")), (split, langs)
        # a question belongs to its article's split: no article's questions cross splits
        assert {bank.splits[q.article] for q in questions if q.article} == {split}


def test_the_train_articles_fall_in_folds_that_split_them_by_article():
    bank = load_bank()
    train = sorted(a for a, split in bank.splits.items() if split == "train")
    folds = Counter(bank.train_fold(a, "", 2) for a in train)
    assert set(folds) == {0, 1} and abs(folds[0] - folds[1]) <= 1
    # a question falls in its article's fold, whatever its words; off-topic ones spread by text
    for q in bank.of_split("train"):
        if q.article:
            assert bank.train_fold(q.article, q.question, 2) == bank.train_fold(q.article, "", 2)
    assert {bank.train_fold(None, q.question, 2) for q in bank.of_split("train")
            if not q.article} == {0, 1}


def test_an_article_whose_words_changed_after_it_was_named_is_reported(tmp_path):
    seed = sorted(SEED_CORPUS.glob("*.md"))[0]
    bank_dir, corpus = tmp_path / "eval", tmp_path / "corpus"
    (bank_dir / "articles").mkdir(parents=True)
    (bank_dir / "questions").mkdir()
    corpus.mkdir()
    words = seed.read_text(encoding="utf-8")
    edited = words[:-1] + " Fin." + words[-1]  # a word more than the id was computed from
    (bank_dir / "articles" / seed.name).write_text(edited, encoding="utf-8")
    (bank_dir / "splits.json").write_text(json.dumps({"train": [seed.stem], "dev": [], "test": []}))
    (bank_dir / "folds.json").write_text(json.dumps([[seed.stem]]))
    problems = check_bank(load_bank(bank_dir, corpus))
    assert len(problems) == 1 and problems[0].startswith(f"{seed.name}: its id is not")
