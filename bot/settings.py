"""Environment variables, read once into one typed object."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit

TELEGRAM_DEFAULT_API_URL = "https://api.telegram.org"


class SettingsError(ValueError):
    pass


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _int(env: dict, name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None


def _seconds(env: dict, name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not value > 0:
        raise SettingsError(f"{name} must be more than 0 seconds, got {raw!r}")
    return value


def _api_url(raw: str) -> str:
    url = (raw or TELEGRAM_DEFAULT_API_URL).rstrip("/")
    if not url.lower().startswith(("http://", "https://")):
        raise SettingsError(f"TELEGRAM_API_URL must start with https:// or http://, got {raw!r}")
    return url


def _admins(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            ids.add(int(part))
        except ValueError:
            raise SettingsError(
                f"AIDBOT_ADMINS must be comma-separated Telegram user ids, got {part!r}"
            ) from None
    return frozenset(ids)


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path(".aidbot")
    model: str | None = None  # None: the bundled multilingual-e5-small
    model_cache_dir: Path | None = None  # None: <index_dir>/models
    telegram_token: str = field(default="", repr=False)
    telegram_api_url: str = TELEGRAM_DEFAULT_API_URL
    admins: frozenset[int] = field(default_factory=frozenset)
    webhook_url: str = ""
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: str = field(default="", repr=False)
    allow_private_urls: bool = False
    max_article_bytes: int = 20 * 1024 * 1024
    user_questions_per_minute: int = 20
    # an OpenAI-compatible endpoint that writes answers from the cited passages (bot/generate.py)
    llm_url: str = ""
    llm_model: str = ""
    llm_api_key: str = field(default="", repr=False)
    llm_timeout: float = 30.0
    llm_stream: bool = False
    feedback_db: Path | None = None  # None: <index_dir>/feedback.sqlite3
    # capped exponential backoff while the Bot API cannot be reached
    retry_min: float = 1.0
    retry_max: float = 60.0

    @classmethod
    def from_env(cls, env: dict | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        cache = env.get("AIDBOT_MODEL_CACHE", "").strip()
        feedback = env.get("AIDBOT_FEEDBACK_DB", "").strip()
        return cls(
            corpus_dir=Path(env.get("AIDBOT_CORPUS_DIR", "").strip() or "corpus"),
            index_dir=Path(env.get("AIDBOT_INDEX_DIR", "").strip() or ".aidbot"),
            model=env.get("AIDBOT_MODEL", "").strip() or None,
            model_cache_dir=Path(cache) if cache else None,
            telegram_token=env.get("TELEGRAM_BOT_TOKEN", "").strip(),
            telegram_api_url=_api_url(env.get("TELEGRAM_API_URL", "").strip()),
            admins=_admins(env.get("AIDBOT_ADMINS", "")),
            webhook_url=env.get("AIDBOT_WEBHOOK_URL", "").strip(),
            webhook_listen=env.get("AIDBOT_WEBHOOK_LISTEN", "").strip() or "0.0.0.0",
            webhook_port=_int(env, "AIDBOT_WEBHOOK_PORT", 8443),
            webhook_secret=env.get("AIDBOT_WEBHOOK_SECRET", "").strip(),
            allow_private_urls=_flag(env.get("AIDBOT_ALLOW_PRIVATE_URLS")),
            max_article_bytes=_int(env, "AIDBOT_MAX_ARTICLE_BYTES", 20 * 1024 * 1024),
            user_questions_per_minute=_int(env, "AIDBOT_USER_QUESTIONS_PER_MINUTE", 20),
            llm_url=env.get("AIDBOT_LLM_URL", "").strip().rstrip("/"),
            llm_model=env.get("AIDBOT_LLM_MODEL", "").strip(),
            llm_api_key=env.get("AIDBOT_LLM_API_KEY", "").strip(),
            llm_timeout=_seconds(env, "AIDBOT_LLM_TIMEOUT", 30.0),
            llm_stream=_flag(env.get("AIDBOT_LLM_STREAM")),
            feedback_db=Path(feedback) if feedback else None,
            retry_min=_seconds(env, "AIDBOT_RETRY_MIN", 1.0),
            retry_max=_seconds(env, "AIDBOT_RETRY_MAX", 60.0),
        )

    @property
    def models_dir(self) -> Path:
        return self.model_cache_dir or self.index_dir / "models"

    @property
    def feedback_path(self) -> Path:
        return self.feedback_db or self.index_dir / "feedback.sqlite3"


def is_local_url(url: str) -> bool:
    """A URL on this machine or the local network: reached directly, never through a proxy."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private
