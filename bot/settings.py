"""Environment variables, read once into one typed object."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

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

    @classmethod
    def from_env(cls, env: dict | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        cache = env.get("AIDBOT_MODEL_CACHE", "").strip()
        return cls(
            corpus_dir=Path(env.get("AIDBOT_CORPUS_DIR", "").strip() or "corpus"),
            index_dir=Path(env.get("AIDBOT_INDEX_DIR", "").strip() or ".aidbot"),
            model=env.get("AIDBOT_MODEL", "").strip() or None,
            model_cache_dir=Path(cache) if cache else None,
            telegram_token=env.get("TELEGRAM_BOT_TOKEN", "").strip(),
            telegram_api_url=(
                env.get("TELEGRAM_API_URL", "").strip() or TELEGRAM_DEFAULT_API_URL
            ).rstrip("/"),
            admins=_admins(env.get("AIDBOT_ADMINS", "")),
            webhook_url=env.get("AIDBOT_WEBHOOK_URL", "").strip(),
            webhook_listen=env.get("AIDBOT_WEBHOOK_LISTEN", "").strip() or "0.0.0.0",
            webhook_port=_int(env, "AIDBOT_WEBHOOK_PORT", 8443),
            webhook_secret=env.get("AIDBOT_WEBHOOK_SECRET", "").strip(),
            allow_private_urls=_flag(env.get("AIDBOT_ALLOW_PRIVATE_URLS")),
            max_article_bytes=_int(env, "AIDBOT_MAX_ARTICLE_BYTES", 20 * 1024 * 1024),
            user_questions_per_minute=_int(env, "AIDBOT_USER_QUESTIONS_PER_MINUTE", 20),
        )

    @property
    def models_dir(self) -> Path:
        return self.model_cache_dir or self.index_dir / "models"
