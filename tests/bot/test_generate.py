"""Generated answers (bot/generate.py) against a fake OpenAI-compatible server on 127.0.0.1 that
speaks the real HTTP protocol, streaming and not. Whatever the model does, the user gets a
correct reply: its answer when every check passes, else the extractive one, and the reason is
logged in one line."""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fake_bot_api import FakeBotAPI
from harness import running_bot
from in_process import aidbot

from bot import cli, formatting, generate
from bot.answer import Answer, Answerer, Citation
from index.knowledge import KnowledgeBase

LAPTOPS_QUOTE = ("Parmi les équipements envoyés figurent près de sept mille ordinateurs portables "
                 "destinés aux unités des Forces armées ukrainiennes")
GOOD = "Nearly 7,000 laptops were sent to units of the Ukrainian armed forces [1]."
EXTRACTIVE_LEAD = "Nearly 7,000 laptops [1]"


class FakeModel:
    """An OpenAI-compatible chat-completions endpoint. `script` says what the next requests
    get: ("text", content), ("status", code), ("stall", None) or ("no choices", None)."""

    def __init__(self) -> None:
        self.script: tuple[str, object] = ("text", GOOD)
        self.requests: list[dict] = []
        self.release = threading.Event()
        model = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                model.requests.append(body)
                if self.path != "/v1/chat/completions":
                    self.send_error(404)
                    return
                model.respond(self, body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    # ---- the protocol ---------------------------------------------------------------------------

    @staticmethod
    def _json(handler: BaseHTTPRequestHandler, code: int, data: dict,
              headers: dict | None = None) -> None:
        raw = json.dumps(data).encode()
        handler.send_response(code)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(raw)

    @staticmethod
    def _chunk(handler: BaseHTTPRequestHandler, choices: list) -> None:
        data = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0,
                "model": "fake", "choices": choices}
        handler.wfile.write(f"data: {json.dumps(data)}\n\n".encode())
        handler.wfile.flush()

    def respond(self, handler: BaseHTTPRequestHandler, body: dict) -> None:
        kind, value = self.script
        if kind == "status":
            headers = {"Retry-After": "1"} if value == 429 else {}
            self._json(handler, int(value), {"error": {"message": f"fake {value}",
                                                       "type": "server_error"}}, headers)
            return
        stream = bool(body.get("stream"))
        if not stream:
            if kind == "stall":
                self.release.wait(30)
                return
            choices = [] if kind == "no choices" else [{
                "index": 0, "message": {"role": "assistant", "content": value},
                "finish_reason": "stop"}]
            self._json(handler, 200, {"id": "chatcmpl-1", "object": "chat.completion",
                                      "created": 0, "model": "fake", "choices": choices})
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.end_headers()
        if kind == "stall":  # a first token, then nothing
            self._chunk(handler, [{"index": 0, "delta": {"role": "assistant", "content": "N"},
                                   "finish_reason": None}])
            self.release.wait(30)
            return
        if kind == "no choices":
            self._chunk(handler, [])
        else:
            words = str(value).split(" ")
            for i, word in enumerate(words):
                piece = word if i == 0 else " " + word
                self._chunk(handler, [{"index": 0, "delta": {"content": piece},
                                       "finish_reason": None}])
            self._chunk(handler, [{"index": 0, "delta": {}, "finish_reason": "stop"}])
        handler.wfile.write(b"data: [DONE]\n\n")
        handler.wfile.flush()


@pytest.fixture
def model() -> Iterator[FakeModel]:
    server = FakeModel()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def answered(shared_kb: KnowledgeBase) -> Answer:
    """What aidbot answers by itself: the lead and the French quote [1]."""
    answer = Answerer(shared_kb).ask("how many laptops were sent?")
    assert answer.lead == EXTRACTIVE_LEAD and not answer.generated
    assert answer.citations[0].quote.startswith(LAPTOPS_QUOTE)
    return answer


@pytest.fixture(scope="module")
def extractive(shared_kb: KnowledgeBase, answered: Answer) -> Answer:
    """The same answer with a further sentence of its article, [2], behind Sources: whether the
    answerer adds one depends on how close the passage model puts it, and the writer must handle
    it either way."""
    first = answered.citations[0]
    store = shared_kb.store
    [further] = [p for p in store.passages(store.passage_ids(first.article_id)).values()
                 if "318 stations de charge" in p.text]
    citation = Citation(2, further.article_id, further.title, further.source, further.published,
                        further.text)
    return dataclasses.replace(answered, citations=[first, citation])


def seen(answer: Answer) -> str:
    """What a Telegram user reads."""
    return "\n".join(part.text for part in formatting.format_answer(answer))


# ---- every behaviour of the model ends in a correct reply ---------------------------------------

CASES = {
    "good answer": (("text", GOOD), None),
    "citation [7] that does not exist": (("text", "Nearly 7,000 laptops were sent [7]."),
                                         "the reply cites [7], which does not exist"),
    "invented figure": (("text", "Nearly 9,000 laptops were sent [1]."),
                        "the figure 9000 is not in the passages cited"),
    "wrong language": (("text", "Près de 7 000 ordinateurs portables ont été envoyés [1]."),
                       "the reply is in 'fr', not 'en'"),
    "a sentence without citation": (("text", "Nearly 7,000 laptops were sent [1]. "
                                             "Germany sent them."),
                                    "a sentence cites nothing"),
    "refusal": (("text", "I'm sorry, I can't help with that."), "the reply cites nothing"),
    "HTTP 500": (("status", 500), "HTTP 500 from the model"),
    "HTTP 429": (("status", 429), "HTTP 429 from the model"),
    "stall past the timeout": (("stall", None), "the model did not answer in time"),
    "empty choice list": (("no choices", None), "the reply has no choices"),
}


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
@pytest.mark.parametrize("case", list(CASES))
def test_the_user_gets_a_correct_reply_whatever_the_model_does(
        model: FakeModel, extractive: Answer, caplog: pytest.LogCaptureFixture, case: str,
        stream: bool):
    model.script, reason = CASES[case]
    writer = generate.Writer(model.url, "fake", api_key="secret", timeout=1.0, stream=stream)
    with caplog.at_level(logging.WARNING, logger="bot.generate"):
        answer = writer.write(extractive)
    reply = seen(answer)
    [request] = model.requests
    assert request["model"] == "fake" and request.get("stream", False) is stream
    if reason is None:
        assert answer.generated and answer.lead == GOOD
        assert reply.startswith(GOOD + "\n" + LAPTOPS_QUOTE)
        uncited = extractive.citations[1].quote
        assert uncited not in reply  # behind the Sources button only
        assert reply.endswith("Other sentences that may help: [2]")
        assert not caplog.records
    else:
        assert answer == extractive  # nothing the model wrote reaches the user
        assert reply.startswith(EXTRACTIVE_LEAD + "\n" + LAPTOPS_QUOTE)
        lines = [r.getMessage() for r in caplog.records]
        assert len(lines) == 1 and reason in lines[0] and "\n" not in lines[0]
    for part in formatting.format_answer(answer):
        assert "secret" not in part.text
    assert cli.format_answer(answer).splitlines()[0] == (GOOD if reason is None
                                                         else EXTRACTIVE_LEAD)


def test_the_model_gets_the_question_and_the_numbered_passages(model: FakeModel,
                                                               extractive: Answer):
    generate.Writer(model.url, "fake").write(extractive)
    [request] = model.requests
    system, user = request["messages"]
    assert "English" in system["content"] and "[1]" in system["content"]
    assert user["content"].startswith("Passages:\n[1] " + LAPTOPS_QUOTE)
    assert "\n[2] " in user["content"]
    assert user["content"].endswith("Question: how many laptops were sent?")


def test_citations_are_renumbered_in_the_order_the_answer_cites_them(model: FakeModel,
                                                                      extractive: Answer):
    shipped = extractive.citations[1].quote
    assert "318 stations de charge" in shipped
    model.script = ("text", "318 charging stations were shipped [2], and nearly 7,000 laptops "
                            "were sent [1].")
    answer = generate.Writer(model.url, "fake").write(extractive)
    assert answer.generated
    assert answer.text == answer.lead == ("318 charging stations were shipped [1], and nearly "
                                          "7,000 laptops were sent [2].")
    assert [c.quote for c in answer.citations] == [shipped, extractive.citations[0].quote]
    reply = seen(answer)
    assert reply.index("318 stations de charge") < reply.index(LAPTOPS_QUOTE)


def test_an_answer_in_the_askers_language_with_names_across_scripts(model: FakeModel,
                                                                    shared_kb: KnowledgeBase):
    extractive = Answerer(shared_kb).ask("хто заявив про мільйон FPV-дронів?")
    assert "Denys Shmyhal" in extractive.citations[0].quote
    model.script = ("text", "Про це заявив міністр оборони Денис Шмигаль [1].")
    answer = generate.Writer(model.url, "fake").write(extractive)
    assert answer.generated and answer.lead == "Про це заявив міністр оборони Денис Шмигаль [1]."
    assert "Write in Ukrainian" in model.requests[0]["messages"][0]["content"]
    model.script = ("text", "Про це заявив міністр оборони Олександр Шмигаль [1].")
    assert generate.Writer(model.url, "fake").write(extractive) == extractive  # not that name


def test_i_dont_know_is_decided_without_the_model(model: FakeModel, shared_kb: KnowledgeBase):
    generate.configure(generate.Writer(model.url, "fake"))
    try:
        answer = Answerer(shared_kb).ask("How many tanks did Germany send?")
    finally:
        generate.reset()
    assert not answer.found and answer.text.startswith("I don't know")
    assert model.requests == []


def test_without_a_url_nothing_changes(monkeypatch: pytest.MonkeyPatch,
                                       shared_kb: KnowledgeBase, answered: Answer):
    monkeypatch.delenv("AIDBOT_LLM_URL", raising=False)
    generate.reset()
    try:
        assert generate.current() is None
        assert Answerer(shared_kb).ask("how many laptops were sent?") == answered
    finally:
        generate.reset()


# ---- the same path serves the command line and Telegram -----------------------------------------

def test_aidbot_ask_json_carries_the_checked_answer(model: FakeModel, cli_env: dict):
    env = {**cli_env, "AIDBOT_LLM_URL": model.url, "AIDBOT_LLM_MODEL": "fake",
           "AIDBOT_LLM_TIMEOUT": "5"}
    run = aidbot(env, "ask", "--json", "-",
                 stdin="how many laptops were sent?\nHow many tanks did Germany send?\n")
    assert run.returncode == 0, run.stderr
    good, unknown = (json.loads(line) for line in run.stdout.splitlines())
    assert good["answer"].splitlines()[0] == GOOD and good["found"]
    assert good["citations"][0]["quote"].startswith(LAPTOPS_QUOTE)
    assert unknown["answer"].startswith("I don't know") and not unknown["found"]
    assert len(model.requests) == 1  # "I don't know" never reached the model


async def test_telegram_types_while_the_model_writes_then_sends_the_checked_answer(
        model: FakeModel, api: FakeBotAPI, shared_kb: KnowledgeBase):
    generate.configure(generate.Writer(model.url, "fake", timeout=5.0))
    try:
        async with running_bot(api, shared_kb) as bot:
            user = bot.api.user(7001, "en")
            [reply] = await bot.api.answer_to(bot.api.send_message(
                user, "how many laptops were sent?"))
            assert reply.text.startswith(GOOD + "\n" + LAPTOPS_QUOTE)
            assert (user["id"], "typing") in bot.api.chat_actions
            assert reply.buttons and reply.buttons[0]["text"] == "Sources"
            model.script = ("stall", None)
            generate.configure(generate.Writer(model.url, "fake", timeout=0.5))
            [fallback] = await bot.api.answer_to(bot.api.send_message(
                user, "how many laptops were sent?"))
            assert fallback.text.startswith(EXTRACTIVE_LEAD + "\n" + LAPTOPS_QUOTE)
    finally:
        generate.reset()
