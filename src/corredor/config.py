"""Settings, read from the environment (prefix CORREDOR_) by pydantic-settings.

Every default is for development on one machine: a SQLite file under ./var/ and keys that are
published in this file. `Settings.uses_dev_secrets` says so, and `corredor serve` warns.
Production sets CORREDOR_DATABASE_URL, CORREDOR_ENCRYPTION_KEYS (a JSON object of key id ->
base64 32-byte key), CORREDOR_ACTIVE_KEY_ID, CORREDOR_LOOKUP_KEY and CORREDOR_TOKEN_SECRET.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Final, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from corredor.kernel.resources import shipped

DATA_DIR: Final = shipped("data")

# DEVELOPMENT ONLY. These are public; never run a real deployment with them.
DEV_ENCRYPTION_KEY: Final = base64.b64encode(b"corredor-dev-only-aes-key-32byte").decode()
DEV_LOOKUP_KEY: Final = "corredor-dev-only-lookup-key"
DEV_TOKEN_SECRET: Final = "corredor-dev-only-token-secret-change-me"
DEV_AUDIT_KEY: Final = "corredor-dev-only-audit-mac-key"
DEV_AUDIT_SIGNING_KEY: Final = base64.b64encode(b"corredor-dev-only-audit-ed25519!").decode()


def default_database_url() -> str:
    return f"sqlite:///{Path.cwd() / 'var' / 'corredor.db'}"


def default_checkpoint_dir() -> Path:
    return Path.cwd() / "var" / "audit-checkpoints"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CORREDOR_", extra="ignore")

    environment: Literal["development", "production"] = Field(
        default="development",
        description="CORREDOR_ENVIRONMENT: `production` refuses to start with any published "
        "development key or secret, or with the default SQLite file",
    )
    database_url: str = Field(default_factory=default_database_url)
    encryption_keys: dict[str, str] = Field(
        default_factory=lambda: {"dev-1": DEV_ENCRYPTION_KEY},
        description="key id -> base64 AES-256 key; old ids stay so old rows can be read",
    )
    active_key_id: str = "dev-1"
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        pattern=r"^https?://[^\s/]+(/[^\s]*)?$",
        description="CORREDOR_PUBLIC_URL: where verifiers reach this platform; documents name "
        "their issuer's status list under it, so set it before issuing in production",
    )
    lookup_key: str = DEV_LOOKUP_KEY
    token_secret: str = DEV_TOKEN_SECRET
    token_minutes: int = Field(default=15, gt=0, le=24 * 60)
    migration_database_url: str | None = Field(
        default=None,
        description="CORREDOR_MIGRATION_DATABASE_URL: the owner's URL for migrations on "
        "PostgreSQL, when the server's CORREDOR_DATABASE_URL is an application role that owns "
        "nothing (see `corredor db grant-app-role`); unset, migrations use database_url",
    )
    app_role: str | None = Field(
        default=None,
        description="CORREDOR_APP_ROLE: the application role whose grants `db upgrade` renews",
    )
    audit_key: str = Field(
        default=DEV_AUDIT_KEY,
        min_length=16,
        description="CORREDOR_AUDIT_KEY: the audit chain's MAC key. Kept outside the database, "
        "so whoever can write the database cannot forge a chain that verifies.",
    )
    audit_signing_key: str = Field(
        default=DEV_AUDIT_SIGNING_KEY,
        description="CORREDOR_AUDIT_SIGNING_KEY: base64 Ed25519 seed (32 bytes) that signs the "
        "audit checkpoints; auditors check them with its public key.",
    )
    audit_checkpoint_dir: Path = Field(
        default_factory=default_checkpoint_dir,
        description="CORREDOR_AUDIT_CHECKPOINT_DIR: where signed checkpoints are appended, "
        "outside the database (ship it to the auditor's own store).",
    )
    audit_checkpoint_minutes: int = Field(default=5, gt=0, le=24 * 60)
    erasure_ledger_dir: Path | None = Field(
        default=None,
        description="CORREDOR_ERASURE_LEDGER_DIR: where every person's erasure is appended "
        "(`erasures.jsonl`), outside the database, so a restore re-applies it; unset, the audit "
        "checkpoint directory. Keep it with the checkpoints, never inside the backups.",
    )
    retention_daily: bool = Field(
        default=False,
        description="CORREDOR_RETENTION_DAILY: the server applies policies/retention.yaml at "
        "start-up and every 24 hours (else run `corredor retention apply --apply` from cron)",
    )
    watchlist_path: Path = DATA_DIR / "watchlist.csv"
    demo: bool = Field(default=False, description="demo data: the home page lists demo accounts")
    web_secret: str | None = Field(
        default=None,
        min_length=16,
        description="CORREDOR_WEB_SECRET: signs the screener's answers in the visitor's cookie. "
        "Set the same value on every instance behind a load balancer; unset, each process draws "
        "its own (answers then reset when the server restarts, which is safe).",
    )
    rate_limit_url: str | None = Field(
        default=None,
        description="redis://host:port/db shared by every instance for the verification rate "
        "limit; unset, each process keeps its own buckets",
    )

    @field_validator("encryption_keys")
    @classmethod
    def _keys(cls, keys: dict[str, str]) -> dict[str, str]:
        if not keys:
            raise ValueError("at least one encryption key is needed")
        for key_id, encoded in keys.items():
            try:
                raw = base64.b64decode(encoded, validate=True)
            except binascii.Error:
                raise ValueError(f"key {key_id!r} is not valid base64") from None
            if len(raw) != 32:
                raise ValueError(f"key {key_id!r} must be 32 bytes (AES-256), got {len(raw)}")
        return keys

    @model_validator(mode="after")
    def _active_key_known(self) -> Settings:
        if self.active_key_id not in self.encryption_keys:
            raise ValueError(f"active_key_id {self.active_key_id!r} is not in encryption_keys")
        return self

    @field_validator("audit_signing_key")
    @classmethod
    def _signing_key(cls, encoded: str) -> str:
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise ValueError("audit_signing_key is not valid base64") from None
        if len(raw) != 32:
            raise ValueError(f"audit_signing_key must be 32 bytes (Ed25519 seed), got {len(raw)}")
        return encoded

    @property
    def ledger_dir(self) -> Path:
        return self.erasure_ledger_dir or self.audit_checkpoint_dir

    def key_bytes(self) -> dict[str, bytes]:
        return {key_id: base64.b64decode(value) for key_id, value in self.encryption_keys.items()}

    @property
    def owner_url(self) -> str:
        """Who migrates: the owner if one is set apart, else the server's own URL."""
        return self.migration_database_url or self.database_url

    @property
    def uses_dev_secrets(self) -> bool:
        return (
            DEV_ENCRYPTION_KEY in self.encryption_keys.values()
            or self.lookup_key == DEV_LOOKUP_KEY
            or self.token_secret == DEV_TOKEN_SECRET
            or self.audit_key == DEV_AUDIT_KEY
            or self.audit_signing_key == DEV_AUDIT_SIGNING_KEY
        )


class DevelopmentSecretsInProduction(ValueError):
    """Production settings that still hold a published development value."""


def development_values(settings: Settings) -> list[str]:
    """The settings still at a published development value (or the default database)."""
    found = [
        name
        for name, in_use in (
            ("CORREDOR_ENCRYPTION_KEYS", DEV_ENCRYPTION_KEY in settings.encryption_keys.values()),
            ("CORREDOR_LOOKUP_KEY", settings.lookup_key == DEV_LOOKUP_KEY),
            ("CORREDOR_TOKEN_SECRET", settings.token_secret == DEV_TOKEN_SECRET),
            ("CORREDOR_AUDIT_KEY", settings.audit_key == DEV_AUDIT_KEY),
            ("CORREDOR_AUDIT_SIGNING_KEY", settings.audit_signing_key == DEV_AUDIT_SIGNING_KEY),
            ("CORREDOR_DATABASE_URL", settings.database_url == default_database_url()),
        )
        if in_use
    ]
    return found


def refuse_development_secrets(settings: Settings) -> None:
    """In production, a published key would let anyone forge tokens or read sealed data."""
    if settings.environment == "production" and (found := development_values(settings)):
        raise DevelopmentSecretsInProduction(
            "production refuses development values; set " + ", ".join(found)
        )
