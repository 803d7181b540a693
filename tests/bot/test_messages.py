"""The bot's sentences (bot/messages.py): every one in every language the bot speaks, with the
same placeholders and the same Telegram markup as the English one. No model."""

from __future__ import annotations

import re
import string

import pytest

from bot import messages, render
from bot.answer import reply_language
from bot.messages import LANGUAGES, MESSAGES

NEW = ("de", "es", "pl", "ru")


def fields(template: str) -> list[str]:
    """The placeholders of a str.format template, in order ("{refs}" → ["refs"])."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def markup(template: str) -> list[str]:
    """What Telegram or the reader sees as structure: commands, backticks, [n], emoji, line
    breaks, in order."""
    return re.findall(r"/[a-z]+\b|`|\[\d\]|👍|👎|\n", template)


def test_the_bot_speaks_every_language_it_renders_facts_in():
    assert set(LANGUAGES) == set(render.LANGUAGES)
    assert LANGUAGES[0] == "en"  # the fallback


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_is_in_every_language(key):
    table = MESSAGES[key]
    assert sorted(table) == sorted(LANGUAGES), f"{key}: missing {set(LANGUAGES) - set(table)}"
    assert all(table[lang].strip() for lang in LANGUAGES)


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_translation_has_the_english_placeholders_and_markup(key):
    english = MESSAGES[key]["en"]
    for lang in LANGUAGES:
        template = MESSAGES[key][lang]
        assert sorted(fields(template)) == sorted(fields(english)), (key, lang)
        assert markup(template) == markup(english), (key, lang)


@pytest.mark.parametrize("key", sorted(MESSAGES))
@pytest.mark.parametrize("lang", NEW)
def test_the_new_languages_are_translated_not_copied(key, lang):
    assert MESSAGES[key][lang] != MESSAGES[key]["en"]


@pytest.mark.parametrize("question, lang", [
    ("Wie viele Laptops wurden geliefert?", "de"),
    ("¿Cuántos portátiles recibió Ucrania?", "es"),
    ("Ile laptopów otrzymała Ukraina?", "pl"),
    ("Сколько ноутбуков получила Украина?", "ru"),
])
def test_a_question_is_answered_in_its_own_language(question, lang):
    assert reply_language(question) == lang
    assert reply_language(question, "en") == lang  # the question's language before the app's


@pytest.mark.parametrize("code, lang", [
    ("de-DE", "de"), ("es_419", "es"), ("pl", "pl"), ("RU", "ru"), ("it", "en"), (None, "en"),
])
def test_the_telegram_language_code_picks_the_reply_language(code, lang):
    assert messages.base_language(code) == lang
    assert reply_language("???", code) == lang


@pytest.mark.parametrize("lang, expected", [
    ("de-AT", "Ihre Telegram-Benutzer-ID ist 42. Sie sind Administrator dieses Bots."),
    ("es", "Su identificador de usuario de Telegram es 42. Es administrador de este bot."),
    ("pl", "Twój identyfikator użytkownika Telegrama to 42. Jesteś administratorem tego bota."),
    ("ru", "Ваш идентификатор пользователя Telegram: 42. Вы администратор этого бота."),
    ("it", "Your Telegram user id is 42. You are an administrator of this bot."),
])
def test_text_fills_the_placeholders_in_the_users_language(lang, expected):
    assert messages.text("whoami_admin", lang, id=42) == expected
