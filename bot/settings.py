"""Settings from the environment, read once by the command line and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from nlp.similarity import DEFAULT_THRESHOLD

DEFAULT_DATABASE_URL = "sqlite:///gridvoice.db"


class Settings(BaseSettings):
    """Everything configurable about a running GridVoice (prefix ``GRIDVOICE_``)."""

    model_config = SettingsConfigDict(env_prefix="GRIDVOICE_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    community: Path | None = None
    """A community YAML file; the shipped sample community when unset."""
    nlp_model: Path | None = None
    """A keyword model written by ``python -m nlp train``; the shipped one when unset."""
    log_level: str = "INFO"
    telegram_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "GRIDVOICE_TELEGRAM_BOT_TOKEN"),
    )
    telegram_api_url: str = Field(
        default="https://api.telegram.org",
        validation_alias=AliasChoices("TELEGRAM_API_URL", "GRIDVOICE_TELEGRAM_API_URL"),
    )

    webhook_url: str | None = None
    """Public HTTPS URL Telegram posts updates to; long polling when unset."""
    webhook_listen: str = "0.0.0.0:8443"
    """Where the webhook server listens (HOST:PORT)."""
    webhook_secret: SecretStr | None = None
    """The secret Telegram sends with every update; a random one per start when unset."""
    sweep_interval_seconds: float = 60.0
    """How often the reminder sweep runs (APScheduler triggers it; the database decides)."""
    outbox_lease_seconds: float = 30.0
    """How long a claimed outgoing message is hidden from other senders (after a crash, it is
    sent again once this has passed)."""
    telegram_chat_interval: float = 1.0
    """Seconds between two messages to the same chat (Telegram asks for about one per second)."""
    telegram_messages_per_second: int = 30
    """Messages per second over all chats (Telegram's limit is about 30)."""
    duplicate_window_hours: float = Field(default=168.0, ge=0)
    """How far back an open ticket counts as "already reported" (0 turns the check off)."""
    duplicate_threshold: float = Field(default=DEFAULT_THRESHOLD, gt=0, le=1)
    """How alike (0–1, ``nlp.similarity``) a report must be to an open ticket to be offered it."""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
