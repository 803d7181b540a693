"""The `aidbot` command: build, add, list, remove, ask, eval, chat, run."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from index.articles import IngestError, load_source
from index.embeddings import ModelUnavailable
from index.knowledge import KnowledgeBase

from .answer import Answer, Answerer
from .settings import Settings, SettingsError

log = logging.getLogger("aidbot")


def open_knowledge(settings: Settings) -> KnowledgeBase:
    return KnowledgeBase.open(settings.corpus_dir, settings.index_dir, settings.model,
                              settings.models_dir)


def format_answer(answer: Answer) -> str:
    lines = [answer.text]
    if answer.citations:
        lines.append("")
    for c in answer.citations:
        meta = " · ".join(part for part in (c.published, c.source) if part)
        lines.append(f"[{c.n}] {c.title}" + (f" ({meta})" if meta else ""))
        lines.append(f"    «{c.quote}»")
    return "\n".join(lines)


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    kb = open_knowledge(settings)
    passages = kb.rebuild(progress=sys.stderr.isatty())
    print(f"indexed {len(kb.articles())} articles, {passages} passages")
    return 0


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    loaded, failed = [], False
    for source in args.sources:
        try:
            loaded.append(load_source(source, allow_private_urls=settings.allow_private_urls,
                                      max_bytes=settings.max_article_bytes))
        except IngestError as exc:
            print(f"error: {source}: {exc}", file=sys.stderr)
            failed = True
    if failed:
        print("nothing was added", file=sys.stderr)
        return 1
    kb = open_knowledge(settings)
    results = kb.add_many(loaded, progress=sys.stderr.isatty())
    for source, result in zip(args.sources, results, strict=True):
        a = result.article
        if result.duplicate:
            print(f"{source}: already in the corpus as {a.id} ({a.title})")
        else:
            print(f"{source}: added {a.id} ({a.title}), {a.passages} passages")
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    kb = open_knowledge(settings)
    for a in kb.articles():
        meta = " ".join(part for part in (a.published, a.language, a.source) if part)
        print(f"{a.id}  {a.passages:>4} passages  {a.title}" + (f"  [{meta}]" if meta else ""))
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    kb = open_knowledge(settings)
    status = 0
    for article_id in args.ids:
        try:
            removed = kb.remove(article_id)
            print(f"removed {removed.id} ({removed.title})")
        except KeyError:
            print(f"error: no article with id {article_id!r} (see `aidbot list`)",
                  file=sys.stderr)
            status = 1
    return status


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    answerer = Answerer(open_knowledge(settings))
    questions = sys.stdin if args.question == ["-"] else [" ".join(args.question)]
    for line in questions:
        question = line.rstrip("\n")
        if args.question == ["-"] and not question.strip():
            continue
        answer = answerer.ask(question)
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            print(format_answer(answer), flush=True)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from .evaluate import evaluate, format_report, load_questions

    answerer = Answerer(open_knowledge(settings))
    report = evaluate(answerer, load_questions(Path(args.file)))
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json
          else format_report(report))
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    answerer = Answerer(open_knowledge(settings))
    articles = len(answerer.kb.articles())
    print(f"aidbot: ask about international aid to Ukraine ({articles} articles). "
          "An empty line or Ctrl-D quits.")
    while True:
        try:
            question = input("you> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not question.strip() or question.strip().lower() in {"quit", "exit"}:
            return 0
        print(format_answer(answerer.ask(question)) + "\n", flush=True)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from .telegram import run_bot

    return run_bot(settings)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="aidbot",
        description="Cited answers about international aid to Ukraine, from a corpus of articles.",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="rebuild the index from the corpus").set_defaults(func=cmd_build)
    add = sub.add_parser("add", help="add articles: .md/.txt/.html/.pdf files or http(s) URLs")
    add.add_argument("sources", nargs="+")
    add.set_defaults(func=cmd_add)
    sub.add_parser("list", help="list the articles").set_defaults(func=cmd_list)
    remove = sub.add_parser("remove", help="remove articles by id")
    remove.add_argument("ids", nargs="+")
    remove.set_defaults(func=cmd_remove)
    ask = sub.add_parser("ask", help="answer a question ('-' reads one question a line)")
    ask.add_argument("question", nargs="+")
    ask.add_argument("--json", action="store_true", help="one JSON object per answer")
    ask.set_defaults(func=cmd_ask)
    ev = sub.add_parser("eval", help="measure retrieval and answers on a JSONL question set")
    ev.add_argument("file")
    ev.add_argument("--json", action="store_true")
    ev.set_defaults(func=cmd_eval)
    sub.add_parser("chat", help="chat in the terminal").set_defaults(func=cmd_chat)
    sub.add_parser("run", help="serve on Telegram (TELEGRAM_BOT_TOKEN)").set_defaults(func=cmd_run)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose or args.command in ("run", "build") else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "sentence_transformers", "faiss", "transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = Settings.from_env()
        return args.func(args, settings)
    except (SettingsError, ModelUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
