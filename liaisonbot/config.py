"""Settings from LIAISONBOT_* environment variables and an optional TOML file.

The TOML file is `liaisonbot.toml` in the working directory, or the file named by
LIAISONBOT_CONFIG; environment variables win over the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

if TYPE_CHECKING:
    from liaisonbot.files.archive_guard import ImportLimits

DEFAULT_API_BASE = "https://api.telegram.org/bot"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LIAISONBOT_", extra="ignore")

    token: SecretStr | None = None
    api_base: str = DEFAULT_API_BASE
    api_file_base: str | None = Field(
        default=None, description="Defaults to api_base with its trailing /bot made /file/bot."
    )
    db: Path = Path("liaisonbot.db")
    tz: str = "Asia/Shanghai"
    lang: Literal["zh", "en"] = "zh"
    invite_ttl_hours: int = Field(default=72, ge=1, le=24 * 30)
    confirm_timeout_days: int = Field(
        default=7, ge=1, le=90, description="A resolved item unanswered this long is closed."
    )
    # Industry chains known besides those of the enterprise lists (e.g. before a list is
    # imported); a chain name anyone types must be one of the two.
    chains: list[str] = Field(default_factory=list)
    # The daily digest: the default time of a new subscription (HH:MM in `tz`), how late a missed
    # digest may still go out after a restart, and how often failed deliveries are retried.
    digest_time: str = Field(default="08:30", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    digest_grace_hours: float = Field(default=6, ge=0, le=24)
    digest_sweep_minutes: int = Field(default=10, ge=1, le=24 * 60)
    # the digest's picture (liaisonbot/charts): working days shown, and whether it is sent
    digest_chart: bool = True
    digest_chart_days: int = Field(default=14, ge=5, le=60)
    # Messages the bot posts into one group a minute from its outbox (cards, summaries):
    # Telegram allows about 20; the rest is left for replies to officers' buttons.
    group_posts_per_minute: int = Field(default=15, ge=2, le=600)
    # Backups: a daily consistent copy of the database into `backup_dir` (none when unset),
    # keeping the newest `backup_keep`, at `backup_time` (HH:MM in `tz`).
    backup_dir: Path | None = None
    backup_keep: int = Field(default=7, ge=1, le=365)
    backup_time: str = Field(default="03:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")

    # Enterprise lists: checked before they are read (a decompression bomb is refused in seconds).
    import_max_file_mb: float = Field(default=20, gt=0)
    import_max_member_mb: float = Field(default=200, gt=0, description="an .xlsx member, inflated")
    import_max_ratio: float = Field(default=200, gt=1, description="inflated / compressed")
    import_max_rows: int = Field(default=200_000, ge=1)
    import_max_cell_chars: int = Field(default=10_000, ge=100)

    @property
    def import_limits(self) -> ImportLimits:
        from liaisonbot.files.archive_guard import ImportLimits

        return ImportLimits(
            file_mb=self.import_max_file_mb,
            member_mb=self.import_max_member_mb,
            ratio=self.import_max_ratio,
            rows=self.import_max_rows,
            cell_chars=self.import_max_cell_chars,
        )

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def file_base(self) -> str:
        if self.api_file_base:
            return self.api_file_base
        base = self.api_base.rstrip("/")
        if base.endswith("/bot"):
            return base[: -len("bot")] + "file/bot"
        return base + "/file/bot"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = Path(os.environ.get("LIAISONBOT_CONFIG", "liaisonbot.toml"))
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_file),
        )
