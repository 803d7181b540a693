"""The `aidbot` command: build, add, list, remove, ask, eval, chat, run."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .settings import Settings, SettingsError

if TYPE_CHECKING:  # imported where used: `--help`, `list` and `remove` load no model code
    from index.knowledge import KnowledgeBase

    from .answer import Answer, Answerer

log = logging.getLogger("aidbot")


def open_knowledge(settings: Settings, sync: bool = True) -> KnowledgeBase:
    """The model is prepared here if it never was, and loaded at its first use."""
    from index.knowledge import KnowledgeBase

    return KnowledgeBase.open(settings.corpus_dir, settings.index_dir, settings.model,
                              settings.models_dir, progress=sys.stderr.isatty(), sync=sync)


def open_answerer(settings: Settings) -> Answerer:
    from .answer import Answerer

    return Answerer(open_knowledge(settings))


def format_answer(answer: Answer) -> str:
    """The reply as the terminal shows it, laid out as on Telegram: the lead, each shown quote
    once with its source under it, then the other citations by title (`--json` has them
    whole)."""
    if not (answer.lead and answer.text.startswith(answer.lead)):
        return answer.text
    lines = [answer.lead]
    by_number = {c.n: c for c in answer.citations}
    for n in answer.shown:
        c = by_number[n]
        meta = " · ".join(part for part in (c.published[:10], c.source) if part)
        lines.append(f"    «{c.quote}»")
        lines.append(f"    [{c.n}] {c.title}" + (f" ({meta})" if meta else ""))
    rest = answer.text[len(answer.lead):].strip()
    if rest:
        lines.append(rest)
        lines += [f"    [{c.n}] {c.title}" for c in answer.citations if c.n not in answer.shown]
    return "\n".join(lines)


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    kb = open_knowledge(settings, sync=False)  # the rebuild indexes everything: once is enough
    passages = kb.rebuild(progress=sys.stderr.isatty())
    print(f"indexed {len(kb.articles())} articles, {passages} passages")
    return 0


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    from index.articles import IngestError, load_source

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
    answerer = open_answerer(settings)
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
    from .answer import Answerer
    from .bank import load_bank
    from .evaluate import format_table, open_bank_knowledge, plot, run, table

    bank = load_bank(Path(args.bank)) if args.bank else load_bank()
    questions = bank.of_split(*args.split)
    kb = open_bank_knowledge(bank, settings.index_dir / "bank", settings.model,
                             settings.models_dir)
    try:
        outcomes = run(Answerer(kb), questions)
    finally:
        kb.close()
    report = {"answers": table(outcomes), "calibrated_decision": table(outcomes, learned=True)}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print(f"{'+'.join(args.split)}: {len(questions)} questions about "
              f"{sum(s in args.split for s in bank.splits.values())} articles, "
              f"among all {len(bank.article_files)} (percent)")
        print("\nthe bot's answers (learned ranker, answer checks, the decision's veto and "
              "sure answers):")
        print(format_table(report["answers"]))
        print("\nthe calibrated decision alone (threshold chosen on dev):")
        print(format_table(report["calibrated_decision"]))
    if args.plot:
        plot(outcomes, Path(args.plot), f"aidbot, {'+'.join(args.split)} questions")
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    answerer = open_answerer(settings)
    answerer.warm_up_in_background()
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


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from .report import report

    return report(settings, days=args.days, as_json=args.json)


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
    ev = sub.add_parser("eval", help="answer quality on the question bank (eval/README.md)")
    ev.add_argument("--split", nargs="+", choices=("train", "dev", "test"), default=["dev"],
                    help="whose articles' questions (dev)")
    ev.add_argument("--bank", help="a question bank folder (eval/)")
    ev.add_argument("--plot", metavar="FILE.png", help="write a coverage-accuracy plot")
    ev.add_argument("--json", action="store_true")
    ev.set_defaults(func=cmd_eval)
    sub.add_parser("chat", help="chat in the terminal").set_defaults(func=cmd_chat)
    sub.add_parser("run", help="serve on Telegram (TELEGRAM_BOT_TOKEN)").set_defaults(func=cmd_run)
    rep = sub.add_parser("report", help="what readers asked that the articles do not answer, "
                                        "and their 👍/👎 per article")
    rep.add_argument("--days", type=int, default=30, help="look back this many days (30)")
    rep.add_argument("--json", action="store_true", help="one JSON object")
    rep.set_defaults(func=cmd_report)
    return p


def _model_unavailable() -> type[Exception]:
    from index.embeddings import ModelUnavailable

    return ModelUnavailable


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
    except (SettingsError, _model_unavailable()) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:  # Ctrl-C: no traceback; stopping the bot is a normal exit
        return 0 if args.command == "run" else 130


if __name__ == "__main__":
    sys.exit(main())
