"""The objects of the sandbox world and their Bot API shapes."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

# Telegram's anonymous-admin account; sends the service message that opens a migrated supergroup.
GROUP_ANONYMOUS_BOT_ID = 1087968824

MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")
PRESENT = ("creator", "administrator", "member", "restricted")


def now() -> int:
    return int(time.time())


@dataclass
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    label: str | None = None  # sandbox only (the page's picker), never in Bot API answers

    def api(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out

    @property
    def display_name(self) -> str:
        return " ".join(x for x in (self.first_name, self.last_name) if x)


@dataclass
class Chat:
    id: int
    type: str  # private | group | supergroup
    title: str | None = None
    username: str | None = None
    user_id: int | None = None  # the other party of a private chat
    members: dict[int, str] = field(default_factory=dict)  # user id -> status
    bot_status: str = "left"  # the bot's membership; "kicked" in a private chat = blocked
    started: bool = False  # private chats: the user has opened the chat with the bot
    migrated_to: int | None = None
    migrated_from: int | None = None
    next_message_id: int = 1
    messages: dict[int, Message] = field(default_factory=dict)

    def api(self, world_users: dict[int, User] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private" and world_users is not None and self.user_id in world_users:
            user = world_users[self.user_id]
            out["first_name"] = user.first_name
            if user.last_name:
                out["last_name"] = user.last_name
            if user.username:
                out["username"] = user.username
        else:
            out["title"] = self.title or ""
            if self.username:
                out["username"] = self.username
        return out

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    @property
    def bot_present(self) -> bool:
        return self.bot_status in PRESENT


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    kind: str  # document | photo
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    file_path: str | None = None

    def document_api(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_name:
            out["file_name"] = self.file_name
        if self.mime_type:
            out["mime_type"] = self.mime_type
        out["file_size"] = len(self.data)
        return out

    def photo_api(self) -> list[dict[str, Any]]:
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": self.width or 0,
                "height": self.height or 0,
                "file_size": len(self.data),
            }
        ]


@dataclass
class Message:
    chat_id: int
    message_id: int
    from_id: int | None
    date: int
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    source: str | None = None  # the text or caption exactly as the bot sent it
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    reply_to: int | None = None
    document: str | None = None  # file id
    photo: str | None = None  # file id
    service: dict[str, Any] = field(default_factory=dict)
    sender_chat_id: int | None = None
    edit_date: int | None = None
    deleted: bool = False
    seq: int = 0  # world sequence number of the last change
    link_preview_options: dict[str, Any] | None = None


@dataclass
class Update:
    update_id: int
    kind: str  # message | edited_message | callback_query | my_chat_member | chat_member
    payload: dict[str, Any]
    created: float = field(default_factory=time.time)

    def api(self) -> dict[str, Any]:
        return {"update_id": self.update_id, self.kind: self.payload}


@dataclass
class CallbackQuery:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created: float = field(default_factory=time.monotonic)
    answered: bool = False
    answer: dict[str, Any] | None = None


def member_api(user: User, status: str, until: int = 0) -> dict[str, Any]:
    """A ChatMember object of the right subtype for `status`."""
    u = user.api()
    if status == "creator":
        return {"status": "creator", "user": u, "is_anonymous": False}
    if status == "administrator":
        rights = dict.fromkeys(
            (
                "can_manage_chat",
                "can_delete_messages",
                "can_manage_video_chats",
                "can_restrict_members",
                "can_change_info",
                "can_invite_users",
                "can_post_stories",
                "can_edit_stories",
                "can_delete_stories",
                "can_pin_messages",
            ),
            True,
        )
        rights["can_promote_members"] = False
        return {
            "status": "administrator",
            "user": u,
            "can_be_edited": False,
            "is_anonymous": False,
            **rights,
        }
    if status == "kicked":
        return {"status": "kicked", "user": u, "until_date": until}
    if status == "left":
        return {"status": "left", "user": u}
    return {"status": "member", "user": u}
