"""Domain records. Pydantic validates them at the edges; the store maps them to rows."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from liaisonbot.domain.codes import validate_credit_code, validate_region_code
from liaisonbot.domain.limits import LIMITS, clean_text
from liaisonbot.domain.vocabulary import (
    Category,
    Channel,
    Mode,
    ReportState,
    Role,
    Scope,
    Tier,
    Urgency,
)


class Enterprise(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int | None = None
    credit_code: str
    name: str = Field(min_length=1, max_length=LIMITS.enterprise_name)
    region_code: str
    chain: str = Field(default="", max_length=LIMITS.chain)
    tier: Tier = Tier.OTHER
    specialized: bool = False
    size: str = ""
    liaison_officer_id: int | None = None
    resumption_status: str = ""

    @field_validator("credit_code")
    @classmethod
    def _credit_code(cls, value: str) -> str:
        return validate_credit_code(value)

    @field_validator("region_code")
    @classmethod
    def _region_code(cls, value: str) -> str:
        return validate_region_code(value)


class Attachment(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: str  # "photo" or "document"
    file_id: str
    file_unique_id: str = ""
    file_name: str = ""


class ReportContent(BaseModel):
    """What the reporter says: validated the same way by the dialog and the one-line form."""

    model_config = ConfigDict(frozen=True)

    category: Category
    title: str
    description: str = ""
    ask: str = ""
    urgency: Urgency = Urgency.NORMAL
    scope: Scope = Scope.LOCAL
    mode: Mode = Mode.SINGLE_ITEM
    channel: Channel = Channel.CHAT
    attachments: tuple[Attachment, ...] = ()

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        return clean_text(value, "title", required=True)

    @field_validator("description")
    @classmethod
    def _description(cls, value: str) -> str:
        return clean_text(value, "description")

    @field_validator("ask")
    @classmethod
    def _ask(cls, value: str) -> str:
        return clean_text(value, "ask")


class Report(BaseModel):
    """A difficulty report (一事一议: one report is one item) as stored."""

    id: int
    enterprise_id: int
    reporter_id: int | None
    content: ReportContent
    state: ReportState
    assignee_id: int | None = None
    group_chat_id: int | None = None
    card_message_id: int | None = None
    origin_chat_id: int | None = None
    origin_message_id: int | None = None
    acked_at: datetime | None = None
    due_at: datetime | None = None
    filed_by: int | None = None  # the officer who filed it for the enterprise (a call, a visit)
    created_at: datetime
    updated_at: datetime


class ReportEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    report_id: int
    actor_id: int | None
    at: datetime
    action: str
    from_state: ReportState | None
    to_state: ReportState
    note: str = ""


class RoleGrant(BaseModel):
    model_config = ConfigDict(frozen=True)

    user_id: int
    role: Role
    region_prefix: str = ""
    chain: str = ""

    def covers(self, region_code: str, chain: str) -> bool:
        """Whether this grant's scope includes an enterprise of that region and chain."""
        return region_code.startswith(self.region_prefix) and (
            not self.chain or self.chain == chain
        )


class LiaisonGroup(BaseModel):
    model_config = ConfigDict(frozen=True)

    chat_id: int
    title: str = ""
    region_prefix: str = ""
    chain: str = ""
    is_escalation: bool = False
    # 'staff': officers only (cards, internal notes); 'open': enterprise contacts are there too,
    # so it gets only what every member may see (docs/domain.md#staff-and-open-groups).
    kind: Literal["staff", "open"] = "staff"

    def covers(self, region_code: str, chain: str) -> bool:
        return region_code.startswith(self.region_prefix) and (
            not self.chain or self.chain == chain
        )

    @property
    def specificity(self) -> tuple[int, int]:
        """Longer region prefixes, then chain-specific groups, win when several cover one."""
        return (len(self.region_prefix), 1 if self.chain else 0)
