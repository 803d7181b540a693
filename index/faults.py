"""Crash points for the crash-safety tests: with AIDBOT_CRASH_AT=<name> set, the process kills
itself with SIGKILL when it reaches that point, exactly as a power cut or OOM kill would."""

from __future__ import annotations

import os
import signal

_TARGET = os.environ.get("AIDBOT_CRASH_AT", "")


def crash_point(name: str) -> None:
    if _TARGET and _TARGET == name:
        os.kill(os.getpid(), signal.SIGKILL)
