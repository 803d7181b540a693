"""The `aidbot` command run in this process, as a user would see it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout


def aidbot(env, *args, stdin=None) -> subprocess.CompletedProcess:
    """`aidbot ARGS` with this environment and standard input, in this process (the model stays
    loaded between calls): the exit code, stdout and stderr the user would see. As a new process
    would, the command configures its answer writer from this environment."""
    from bot import generate
    from bot.cli import main

    saved_env, saved_stdin = dict(os.environ), sys.stdin
    out, err = io.StringIO(), io.StringIO()
    os.environ.clear()
    os.environ.update(env)
    sys.stdin = io.StringIO(stdin or "")
    generate.reset()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        sys.stdin = saved_stdin
        generate.reset()
    return subprocess.CompletedProcess(["aidbot", *args], code, out.getvalue(), err.getvalue())
