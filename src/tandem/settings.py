"""All configuration in one place: environment (prefix TANDEM_), then tandem.toml, then defaults.

Every field here is documented in docs/configuration.md; a test fails when one is not.
Secrets also accept a `<NAME>_FILE` variant naming a file that holds the value.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

ENV_PREFIX = "TANDEM_"
SECRET_FIELDS = ("secret_key", "secret_key_previous", "smtp_password", "ai_api_key")
PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "password", "tandem", "xxx"}


class _SecretFileSource(PydanticBaseSettingsSource):
    """Reads TANDEM_<NAME>_FILE for secret fields (Docker/Kubernetes secrets convention)."""

    def get_field_value(
        self, field: FieldInfo, field_name: str
    ) -> tuple[Any, str, bool]:
        variable = f"{ENV_PREFIX}{field_name.upper()}_FILE"
        path = os.environ.get(variable)
        if field_name not in SECRET_FIELDS or not path:
            return None, field_name, False
        try:
            return Path(path).read_text().strip(), field_name, False
        except OSError as exc:
            raise ValueError(
                f"{variable} names {path!r}, which cannot be read: {exc}"
            ) from exc

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, info in self.settings_cls.model_fields.items():
            value, key, _ = self.get_field_value(info, name)
            if value is not None:
                values[key] = value
        return values


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    data_dir: Path = Field(
        Path("tandem-data"),
        description="Directory for the database, warehouse, media, key and backups.",
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default is SQLite in the data dir."
    )
    secret_key: SecretStr | None = Field(
        None, description="Key that signs sessions and encrypts stored credentials."
    )
    secret_key_file: Path | None = Field(
        None,
        description="File holding the secret key (default: <data_dir>/secret.key).",
    )
    secret_key_previous: SecretStr | None = Field(
        None,
        description="Former secret keys (comma-separated), still accepted to decrypt stored credentials after a rotation.",
    )
    token_refresh_window_minutes: int = Field(
        30,
        ge=1,
        description="Platform tokens expiring within this many minutes are refreshed ahead of time.",
    )
    base_url: str = Field(
        "http://127.0.0.1:8000", description="Public URL used in emailed links."
    )
    host: str = Field("127.0.0.1", description="Address `tandem serve` binds.")
    port: int = Field(8000, description="Port `tandem serve` listens on.")
    signup: Literal["closed", "open"] = Field(
        "closed", description="`open` lets anyone create an organisation."
    )
    demo_mode: bool = Field(
        False, description="Set by `tandem demo`; allows placeholder secrets."
    )
    session_days: int = Field(14, ge=1, description="How long a sign-in lasts.")
    cookie_secure: bool = Field(False, description="Send cookies only over HTTPS.")
    login_max_failures: int = Field(
        5, ge=1, description="Failed sign-ins allowed per window."
    )
    login_window_minutes: int = Field(
        15, ge=1, description="Window for counting failed sign-ins."
    )
    smtp_host: str | None = Field(
        None, description="SMTP server; email is not sent when unset."
    )
    smtp_port: int = Field(587, description="SMTP port.")
    smtp_username: str | None = Field(None, description="SMTP user name.")
    smtp_password: SecretStr | None = Field(None, description="SMTP password.")
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        "starttls", description="SMTP transport security."
    )
    mail_from: str = Field(
        "Tandem <tandem@localhost>", description="From address of outgoing email."
    )
    media_max_bytes: int = Field(
        1 << 30,
        ge=1,
        description="Largest file one media upload may be, in bytes; bigger ones get HTTP 413.",
    )
    public_media_ttl_seconds: int = Field(
        3600,
        ge=60,
        description="How long a signed public media URL (Instagram, Threads) stays valid.",
    )
    ai_base_url: str | None = Field(
        None,
        description="OpenAI-compatible API base URL for the optional AI rewrite; off when unset.",
    )
    ai_api_key: SecretStr | None = Field(
        None, description="API key for the AI endpoint."
    )
    ai_model: str = Field(
        "gpt-4o-mini", description="Model name sent to the AI endpoint."
    )
    sandbox_url: str = Field(
        "http://127.0.0.1:8780",
        description="Address of the built-in Sandbox network (`tandem sandbox serve`).",
    )
    connector_timeout_seconds: float = Field(
        10.0, gt=0, description="HTTP timeout of each call to a social platform."
    )
    publish_settle_seconds: float = Field(
        120.0,
        ge=0,
        description="After a send with no answer, how long 'not on the platform' is doubted before resending.",
    )
    recurring_horizon_days: int = Field(
        14,
        ge=1,
        le=90,
        description="How far ahead recurring posts are created as scheduled publications.",
    )
    feeds_allow_private: bool = Field(
        False,
        description="Let auto-posting fetch feeds on private or loopback addresses (self-hosted feeds, tests).",
    )
    feeds_max_bytes: int = Field(
        5_000_000,
        ge=1024,
        description="Largest feed document auto-posting reads, in bytes.",
    )
    feeds_timeout_seconds: float = Field(
        15.0, gt=0, description="HTTP timeout of each feed fetch."
    )
    log_level: str = Field("INFO", description="Python log level.")
    log_format: Literal["json", "text"] = Field("json", description="Log line format.")
    worker_poll_seconds: float = Field(
        1.0, gt=0, description="How often an idle worker looks for jobs."
    )
    worker_lease_seconds: int = Field(
        300, ge=10, description="How long a claimed job is reserved."
    )
    publish_batch_size: int = Field(
        4,
        ge=1,
        le=32,
        description="Due posts (of distinct accounts) a worker claims in one transaction and sends in parallel.",
    )
    publish_account_in_flight: int = Field(
        1,
        ge=1,
        description="Posts of one account on their way at once, across all workers (1 keeps them in order).",
    )
    publish_platform_in_flight: dict[str, int] = Field(
        default_factory=dict,
        description='Per-platform cap on posts on their way at once across all workers, e.g. {"x": 4}; 0 removes it.',
    )
    publish_account_limits: dict[str, str] = Field(
        default_factory=dict,
        description='Per-platform posts allowed per account per rolling window, e.g. {"instagram": "50/24h"}; "none" removes it.',
    )
    publish_x_tier: Literal["free", "basic", "pro"] = Field(
        "basic", description="Your X API tier; sets X's per-account posting limit."
    )
    webhooks_allow_private: bool = Field(
        False,
        description="Let webhooks reach private, loopback and link-local addresses (intranets, tests).",
    )
    webhooks_timeout_seconds: float = Field(
        10.0, gt=0, le=60, description="How long a webhook endpoint has to answer."
    )
    webhooks_disable_after: int = Field(
        5,
        ge=1,
        description="Deliveries in a row that fail for good before an endpoint is disabled.",
    )
    inbox_suggestions: Literal["auto", "lexical", "semantic"] = Field(
        "auto",
        description="How saved replies are suggested: semantic when the ml extra is installed (auto), or forced.",
    )
    collect_max_backlog: int = Field(
        100_000,
        ge=100,
        description="Collected events waiting for the warehouse beyond which the collector answers 503 with Retry-After.",
    )
    journey_lookback_days: int = Field(
        30,
        ge=1,
        le=365,
        description="How far back before a conversion touches count in its journey.",
    )

    @field_validator("base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        config_file = Path(os.environ.get(f"{ENV_PREFIX}CONFIG", "tandem.toml"))
        return (
            init_settings,
            env_settings,
            _SecretFileSource(settings_cls),
            TomlConfigSettingsSource(settings_cls, toml_file=config_file),
        )

    @property
    def database(self) -> str:
        return (
            self.database_url or f"sqlite:///{(self.data_dir / 'tandem.db').resolve()}"
        )

    @property
    def key_file(self) -> Path:
        return self.secret_key_file or self.data_dir / "secret.key"

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"


@lru_cache
def get_settings() -> Settings:
    return Settings()


class ConfigError(Exception):
    """Configuration that Tandem cannot run with; the message says how to fix it."""


def read_secret_key(settings: Settings) -> str:
    """The secret key from the setting, its _FILE variant or the key file `tandem init` wrote."""
    if settings.secret_key is not None:
        key = settings.secret_key.get_secret_value()
        source = "TANDEM_SECRET_KEY"
    else:
        path = settings.key_file
        try:
            key = path.read_text().strip()
        except FileNotFoundError:
            raise ConfigError(
                f"No secret key at {path}. Run `tandem init` to create one, "
                "or set TANDEM_SECRET_KEY_FILE to a file that holds one."
            ) from None
        except OSError as exc:
            raise ConfigError(
                f"The secret key file {path} cannot be read: {exc}"
            ) from exc
        source = str(path)
    if not settings.demo_mode and (key.lower() in PLACEHOLDER_SECRETS or len(key) < 32):
        raise ConfigError(
            f"The secret key from {source} is a placeholder or shorter than 32 characters. "
            "Generate one with `tandem init` or `python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )
    return key


def write_secret_key(path: Path) -> bool:
    """Create a new key file readable only by its owner. Returns False when one exists."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48) + "\n")
    return True
