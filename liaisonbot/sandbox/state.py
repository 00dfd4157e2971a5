"""The in-memory world: users, chats, members, messages, keyboards, files and the update queue.

Everything runs on one event loop, so the world needs no locks. Every change bumps ``seq`` and
wakes the waiters (long-polling bots, ``/control/wait``, the page).
"""

from __future__ import annotations

import asyncio
import itertools
import mimetypes
import os
import re
import secrets
import struct
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, TypedDict
from urllib.parse import parse_qs, urlsplit

from liaisonbot.sandbox.entities import detect_entities, render_html
from liaisonbot.sandbox.errors import ApiError, bad_request, forbidden
from liaisonbot.sandbox.limits import Faults, RateLimiter, RateLimits
from liaisonbot.sandbox.models import (
    GROUP_ANONYMOUS_BOT_ID,
    PRESENT,
    CallbackQuery,
    Chat,
    Message,
    StoredFile,
    Update,
    User,
    member_api,
    now,
)


class LoggedUpdate(TypedDict):
    """One entry of the world's update log (the control API's /updates)."""

    update_id: int
    type: str
    queued: bool
    update: Update


DEFAULT_TOKEN = "1234567890:SANDBOX-token-for-local-use-only"
DEFAULT_BOT_USERNAME = "liaison_sandbox_bot"
# Telegram's default when allowed_updates is unset or an empty list.
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
START_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
CALL_LOG_SIZE = 5000


class ControlError(ValueError):
    """A bad control-API request (answered 400 with ``{"ok": false, "error": ...}``)."""


def bot_id_from_token(token: str) -> int:
    head = token.split(":", 1)[0]
    return int(head) if head.isdigit() else 1234567890


STRICT_VARIABLE = "LIAISONBOT_SANDBOX_STRICT"


def strict_from_environment() -> bool:
    """LIAISONBOT_SANDBOX_STRICT=1 makes new worlds strict; Telegram's leniency otherwise."""
    return os.environ.get(STRICT_VARIABLE, "").strip().lower() in ("1", "true", "yes", "on")


class SandboxWorld:
    """State of the fake Telegram. Build the scene with ``add_user`` / ``add_group``; act as
    users with ``user_send`` / ``user_edit`` / ``press`` / ``open_deep_link``."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = DEFAULT_BOT_USERNAME,
        bot_name: str = "LiaisonBot (sandbox)",
        *,
        privacy: bool = True,
        rate_limits: RateLimits | None = None,
        strict: bool | None = None,
        strict_html: bool | None = None,
        time_zone: str | None = None,
        callback_answer_timeout: float | None = 15.0,
    ) -> None:
        self.token = token
        self.bot = User(bot_id_from_token(token), bot_name, username=bot_username, is_bot=True)
        self.privacy = privacy
        # strict: unknown parameters and fields are refused (the project's own tests); else
        # ignored as Telegram ignores them, each noted as a warning in the call log
        self.strict = strict_from_environment() if strict is None else strict
        self.strict_html = self.strict if strict_html is None else strict_html
        # the page shows times in the bot's zone (LIAISONBOT_TZ), whatever the browser's
        self.time_zone = time_zone or os.environ.get("LIAISONBOT_TZ") or "Asia/Shanghai"
        self.callback_answer_timeout = callback_answer_timeout
        self.limiter = RateLimiter(rate_limits)
        self.faults = Faults()
        self.closing = asyncio.Event()
        self._changed = asyncio.Event()
        # These survive reset(): a bot that keeps polling across a reset must neither see a
        # Conflict nor confirm new updates with its old offset, and waiters rely on seq growing.
        self.seq = 0
        self.call_seq = 0
        self.poll_generation = 0
        self._update_ids = itertools.count(secrets.randbelow(10**6) + 10**6)
        self._clear()

    def _clear(self) -> None:
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.file_paths: dict[str, str] = {}
        self.queue: list[Update] = []
        self.update_log: list[LoggedUpdate] = []
        self.redeliver: list[Update] = []
        self.allowed_updates: list[str] | None = None
        self.webhook_url = ""
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.bot_texts: dict[str, str] = {}
        self.callbacks: dict[str, CallbackQuery] = {}
        self.calls: deque[dict[str, Any]] = deque(maxlen=CALL_LOG_SIZE)
        self._user_ids = itertools.count(200001)
        self._group_ids = itertools.count(1)
        self._file_seq = itertools.count(1)
        self.faults.clear()
        self.limiter.reset()

    def reset(self) -> None:
        """Forget everything (users, chats, files, updates, calls, faults); keep the bot
        identity, privacy and limits."""
        self._clear()
        self.touch()

    # --- change notification ----------------------------------------------------------------

    def touch(self) -> int:
        self.seq += 1
        self._changed.set()
        self._changed = asyncio.Event()
        return self.seq

    async def wait_change(self, seconds: float) -> bool:
        """Wait until the world changes (True) or `seconds` pass / the server closes."""
        if seconds <= 0 or self.closing.is_set():
            return False
        changed = asyncio.ensure_future(self._changed.wait())
        closing = asyncio.ensure_future(self.closing.wait())
        try:
            done, _ = await asyncio.wait(
                {changed, closing}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            changed.cancel()
            closing.cancel()
        return changed in done

    async def wait_for(self, predicate: Callable[[], Any], seconds: float) -> Any:
        """Wait until `predicate()` is truthy; return its value (or the last falsy one)."""
        deadline = time.monotonic() + seconds
        while True:
            value = predicate()
            left = deadline - time.monotonic()
            if value or left <= 0 or self.closing.is_set():
                return value
            await self.wait_change(left)

    # --- users and chats ----------------------------------------------------------------------

    def add_user(
        self,
        first_name: str,
        *,
        id: int | None = None,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = "zh-hans",
        is_bot: bool = False,
        started: bool = False,
        label: str | None = None,
    ) -> User:
        """Create a user. With `started`, the user has already opened the private chat with
        the bot (so the bot may write first). `label` (e.g. a role) is shown in the page only."""
        uid = id if id is not None else next(self._user_ids)
        if uid <= 0:
            raise ControlError("user ids are positive")
        if uid in self.users or uid == self.bot.id:
            raise ControlError(f"user {uid} exists")
        user = User(uid, first_name, last_name, username, language_code, is_bot, label)
        self.users[uid] = user
        if started:
            self.private_chat(uid).started = True
        self.touch()
        return user

    def user(self, user_id: int) -> User:
        if user_id == self.bot.id:
            return self.bot
        try:
            return self.users[int(user_id)]
        except (KeyError, ValueError, TypeError):
            raise ControlError(f"no user {user_id}") from None

    def private_chat(self, user_id: int) -> Chat:
        user = self.user(user_id)
        chat = self.chats.get(user.id)
        if chat is None:
            chat = Chat(user.id, "private", user_id=user.id, bot_status="member")
            chat.members = {user.id: "member"}
            self.chats[user.id] = chat
        return chat

    def chat(self, chat_id: int) -> Chat:
        try:
            return self.chats[int(chat_id)]
        except (KeyError, ValueError, TypeError):
            raise ControlError(f"no chat {chat_id}") from None

    def _new_group_id(self, kind: str) -> int:
        n = next(self._group_ids)
        if kind == "supergroup":
            return -int(f"100{2000000000 + n}")
        return -(4000000000 + n)

    def add_group(
        self,
        title: str,
        *,
        id: int | None = None,
        type: str = "group",
        members: Iterable[int] = (),
        admins: Iterable[int] = (),
        creator: int | None = None,
        bot: str | None = "member",
        username: str | None = None,
    ) -> Chat:
        """Create a group quietly (no updates): the scene as it already exists.

        `bot` is the bot's status in it: "member", "administrator", "left", "kicked" or None.
        """
        if type not in ("group", "supergroup"):
            raise ControlError("type must be group or supergroup")
        cid = id if id is not None else self._new_group_id(type)
        if cid >= 0 or cid in self.chats:
            raise ControlError(f"bad or existing group id {cid}")
        chat = Chat(cid, type, title=title, username=username, bot_status=bot or "left")
        for uid in members:
            chat.members[self.user(uid).id] = "member"
        for uid in admins:
            chat.members[self.user(uid).id] = "administrator"
        if creator is not None:
            chat.members[self.user(creator).id] = "creator"
        self.chats[cid] = chat
        self.touch()
        return chat

    def member_status(self, chat: Chat, user_id: int) -> str:
        if user_id == self.bot.id:
            return chat.bot_status
        return chat.members.get(user_id, "left")

    def set_member(self, chat_id: int, user_id: int, status: str, by: int | None = None) -> None:
        """Join, promote, remove or ban a user; emits the service message and chat_member."""
        chat = self.chat(chat_id)
        if not chat.is_group:
            raise ControlError("members can be changed in groups only")
        user = self.user(user_id)
        actor = self.user(by) if by is not None else user
        old = chat.members.get(user.id, "left")
        if old == status:
            return
        chat.members[user.id] = status
        if old not in PRESENT and status in PRESENT:
            self._service(chat, actor.id, new_chat_members=[user.api()])
        elif old in PRESENT and status not in PRESENT:
            self._service(chat, actor.id, left_chat_member=user.api())
        if chat.bot_status == "administrator":
            self.emit("chat_member", self._member_update(chat, actor, user, old, status))
        self.touch()

    def _member_update(
        self, chat: Chat, actor: User, user: User, old: str, new: str
    ) -> dict[str, Any]:
        return {
            "chat": chat.api(self.users),
            "from": actor.api(),
            "date": now(),
            "old_chat_member": member_api(user, old),
            "new_chat_member": member_api(user, new),
        }

    def set_bot_status(self, chat_id: int, status: str, by: int) -> Chat:
        """Add the bot to a group ("member"/"administrator"), remove ("kicked") or make it
        leave ("left"); emits my_chat_member and, on joining, the service message."""
        chat = self.chat(chat_id)
        if not chat.is_group:
            raise ControlError("use block/unblock for private chats")
        if chat.migrated_to is not None:
            raise ControlError("the group was migrated to a supergroup")
        actor = self.user(by)
        old = chat.bot_status
        if old == status:
            return chat
        chat.bot_status = status
        self.emit("my_chat_member", self._member_update(chat, actor, self.bot, old, status))
        if old not in PRESENT and status in PRESENT:
            self._service(chat, actor.id, new_chat_members=[self.bot.api()])
        self.touch()
        return chat

    def set_blocked(self, user_id: int, blocked: bool) -> Chat:
        chat = self.private_chat(user_id)
        old = chat.bot_status
        new = "kicked" if blocked else "member"
        if old != new:
            chat.bot_status = new
            user = self.user(user_id)
            until = 0
            self.emit(
                "my_chat_member",
                {
                    "chat": chat.api(self.users),
                    "from": user.api(),
                    "date": now(),
                    "old_chat_member": member_api(self.bot, old, until),
                    "new_chat_member": member_api(self.bot, new, until),
                },
            )
            self.touch()
        return chat

    def migrate(self, chat_id: int, by: int | None = None) -> Chat:
        """Upgrade a basic group to a supergroup with a new id (service messages both sides)."""
        old = self.chat(chat_id)
        if old.type != "group" or old.migrated_to is not None:
            raise ControlError("only a basic group that was not migrated can be migrated")
        if by is None:
            by = next(
                (u for u, s in old.members.items() if s in ("creator", "administrator")),
                next(iter(old.members), None),
            )
        if by is None:
            raise ControlError("the group has no members to migrate it")
        new = Chat(
            self._new_group_id("supergroup"),
            "supergroup",
            title=old.title,
            members=dict(old.members),
            bot_status=old.bot_status,
            migrated_from=old.id,
        )
        self.chats[new.id] = new
        old.migrated_to = new.id
        self._service(old, by, migrate_to_chat_id=new.id)
        anon = User(GROUP_ANONYMOUS_BOT_ID, "Group", username="GroupAnonymousBot", is_bot=True)
        self.users.setdefault(anon.id, anon)
        self._service(new, anon.id, migrate_from_chat_id=old.id, sender_chat_id=new.id)
        self.touch()
        return new

    def resolve_chat(self, chat_id: Any, write: bool = True) -> Chat:
        """Find a chat the way the Bot API does (ids, or @username of a supergroup)."""
        chat: Chat | None
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            name = chat_id[1:].lower()
            for chat in self.chats.values():
                if chat.type == "supergroup" and (chat.username or "").lower() == name:
                    return chat
            raise bad_request("chat not found")
        try:
            cid = int(chat_id)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        chat = self.chats.get(cid)
        if chat is None:
            user = self.users.get(cid)
            if write and user is not None and user.is_bot:
                raise forbidden("bot can't send messages to bots")
            if write and user is not None:
                raise forbidden("bot can't initiate conversation with a user")
            raise bad_request("chat not found")
        if chat.migrated_to is not None:
            raise bad_request(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        return chat

    def require_access(self, chat_id: Any, write: bool) -> Chat:
        """The chat, if the bot may read (write=False) or write to it; else Telegram's error."""
        chat = self.resolve_chat(chat_id, write)
        if chat.type == "private":
            user = self.users[chat.user_id or 0]
            if not write and not chat.started:
                raise bad_request("chat not found")
            if user.is_bot:
                raise forbidden("bot can't send messages to bots")
            if not chat.started:
                raise forbidden("bot can't initiate conversation with a user")
            if write and chat.bot_status == "kicked":
                raise forbidden("bot was blocked by the user")
            return chat
        kind = "supergroup chat" if chat.type == "supergroup" else "group chat"
        if chat.bot_status == "kicked":
            raise forbidden(f"bot was kicked from the {kind}")
        if chat.bot_status not in PRESENT:
            raise forbidden(f"bot is not a member of the {kind}")
        return chat

    # --- messages -----------------------------------------------------------------------------

    def new_message(self, chat: Chat, from_id: int | None, **fields: Any) -> Message:
        msg = Message(chat.id, chat.next_message_id, from_id, now(), **fields)
        chat.next_message_id += 1
        chat.messages[msg.message_id] = msg
        msg.seq = self.touch()
        return msg

    def _service(
        self, chat: Chat, from_id: int, sender_chat_id: int | None = None, **what: Any
    ) -> Message:
        msg = self.new_message(chat, from_id, service=what, sender_chat_id=sender_chat_id)
        if chat.bot_present:
            self.emit("message", self.message_api(msg))
        return msg

    def find_message(self, chat: Chat, message_id: Any) -> Message | None:
        try:
            msg = chat.messages.get(int(message_id))
        except (TypeError, ValueError):
            return None
        return None if msg is None or msg.deleted else msg

    def message_api(self, msg: Message, depth: int = 0) -> dict[str, Any]:
        chat = self.chats[msg.chat_id]
        out: dict[str, Any] = {"message_id": msg.message_id}
        if msg.from_id is not None:
            out["from"] = self.user(msg.from_id).api()
        if msg.sender_chat_id is not None:
            out["sender_chat"] = self.chats[msg.sender_chat_id].api(self.users)
        out["chat"] = chat.api(self.users)
        out["date"] = msg.date
        if msg.reply_to is not None and depth == 0:
            replied = self.find_message(chat, msg.reply_to)
            if replied is not None:
                out["reply_to_message"] = self.message_api(replied, depth + 1)
        if msg.edit_date is not None:
            out["edit_date"] = msg.edit_date
        if msg.text is not None:
            out["text"] = msg.text
            if msg.entities:
                out["entities"] = msg.entities
        if msg.document is not None:
            out["document"] = self.files[msg.document].document_api()
        if msg.photo is not None:
            out["photo"] = self.files[msg.photo].photo_api()
        if msg.caption is not None:
            out["caption"] = msg.caption
            if msg.caption_entities:
                out["caption_entities"] = msg.caption_entities
        out.update(msg.service)
        if msg.reply_markup and "inline_keyboard" in msg.reply_markup:
            out["reply_markup"] = msg.reply_markup
        return out

    def is_for_bot(self, chat: Chat, msg: Message) -> bool:
        """Would Telegram deliver this group message to the bot (privacy mode)?"""
        if chat.type == "private":
            return True
        if not chat.bot_present:
            return False
        if msg.service or not self.privacy or chat.bot_status == "administrator":
            return True
        text = msg.text if msg.text is not None else (msg.caption or "")
        entities = msg.entities if msg.text is not None else msg.caption_entities
        name = (self.bot.username or "").lower()
        for e in entities:
            piece = _utf16_slice(text, e["offset"], e["length"])
            if e["type"] == "bot_command" and e["offset"] == 0:
                _, _, target = piece.partition("@")
                if not target or target.lower() == name:
                    return True
            if e["type"] == "mention" and piece[1:].lower() == name:
                return True
            if e["type"] == "text_mention" and e.get("user", {}).get("id") == self.bot.id:
                return True
        if msg.reply_to is not None:
            replied = chat.messages.get(msg.reply_to)
            if replied is not None and replied.from_id == self.bot.id:
                return True
        return False

    # --- acting as users ----------------------------------------------------------------------

    def _chat_for_user(self, user_id: int, chat_id: int | None) -> tuple[User, Chat]:
        user = self.user(user_id)
        if user.id == self.bot.id:
            raise ControlError("act as a user, not as the bot")
        if chat_id is None or int(chat_id) in (user.id, self.bot.id):
            chat = self.private_chat(user.id)
            chat.started = True
            if chat.bot_status == "kicked":  # writing to a blocked bot restarts it
                self.set_blocked(user.id, False)
            return user, chat
        chat = self.chat(chat_id)
        if chat.migrated_to is not None:
            raise ControlError(f"the group was migrated to {chat.migrated_to}")
        if chat.members.get(user.id) not in PRESENT:
            raise ControlError(f"user {user.id} is not a member of chat {chat.id}")
        return user, chat

    def user_send(
        self,
        user_id: int,
        chat_id: int | None,
        text: str | None = None,
        *,
        reply_to: int | None = None,
        file: StoredFile | None = None,
    ) -> Message:
        """A user writes into a chat (None or the bot's id: the private chat with the bot).

        Text gets Telegram's automatic entities (a leading ``/cmd`` becomes bot_command);
        with `file`, `text` is the caption."""
        user, chat = self._chat_for_user(user_id, chat_id)
        fields: dict[str, Any] = {}
        if reply_to is not None:
            if self.find_message(chat, reply_to) is None:
                raise ControlError(f"no message {reply_to} in chat {chat.id}")
            fields["reply_to"] = int(reply_to)
        if file is not None:
            fields[file.kind] = file.file_id
            if text:
                fields["caption"] = text
                fields["caption_entities"] = detect_entities(text, [])
        else:
            if not text:
                raise ControlError("text is empty")
            fields["text"] = text
            fields["entities"] = detect_entities(text, [])
        msg = self.new_message(chat, user.id, **fields)
        if self.is_for_bot(chat, msg):
            self.emit("message", self.message_api(msg))
        return msg

    def user_edit(self, user_id: int, chat_id: int | None, message_id: int, text: str) -> Message:
        user, chat = self._chat_for_user(user_id, chat_id)
        msg = self.find_message(chat, message_id)
        if msg is None or msg.from_id != user.id:
            raise ControlError(f"user {user.id} has no message {message_id} in chat {chat.id}")
        if msg.text is None:
            if msg.caption is None and not (msg.document or msg.photo):
                raise ControlError("service messages can't be edited")
            msg.caption = text
            msg.caption_entities = detect_entities(text, [])
        else:
            if not text:
                raise ControlError("text is empty")
            msg.text = text
            msg.entities = detect_entities(text, [])
        msg.edit_date = now()
        msg.seq = self.touch()
        if self.is_for_bot(chat, msg):
            self.emit("edited_message", self.message_api(msg))
        return msg

    def press(
        self,
        user_id: int,
        chat_id: int | None,
        message_id: int,
        callback_data: str | None = None,
        text: str | None = None,
    ) -> dict[str, Any]:
        """Press an inline button, chosen by its callback_data or its text.

        A callback button emits callback_query; a ``t.me/<bot>?start=`` url button opens the
        private chat and sends ``/start PAYLOAD``; any other url button is only reported."""
        user, chat = self._chat_for_user(user_id, chat_id)
        msg = self.find_message(chat, message_id)
        if msg is None or not msg.reply_markup or "inline_keyboard" not in msg.reply_markup:
            raise ControlError(f"message {message_id} in chat {chat.id} has no inline keyboard")
        button = None
        for row in msg.reply_markup["inline_keyboard"]:
            for b in row:
                if (callback_data is not None and b.get("callback_data") == callback_data) or (
                    callback_data is None and text is not None and b.get("text") == text
                ):
                    button = b
                    break
            if button:
                break
        if button is None:
            raise ControlError("no such button on that message")
        if "callback_data" in button:
            query = CallbackQuery(
                str(secrets.randbits(63)), user.id, chat.id, msg.message_id, button["callback_data"]
            )
            self.callbacks[query.id] = query
            self.emit(
                "callback_query",
                {
                    "id": query.id,
                    "from": user.api(),
                    "message": self.message_api(msg),
                    "chat_instance": str(abs(chat.id * 7919 + self.bot.id) % 10**19),
                    "data": query.data,
                },
            )
            return {"kind": "callback", "callback_query_id": query.id, "seq": self.touch()}
        if "url" in button:
            if self.deep_link_payload(button["url"]) is not None:
                sent = self.open_deep_link(user.id, button["url"])
                return {
                    "kind": "deep_link",
                    "url": button["url"],
                    "chat_id": sent.chat_id,
                    "message_id": sent.message_id,
                    "seq": self.seq,
                }
            return {"kind": "url", "url": button["url"], "seq": self.seq}
        raise ControlError("the sandbox can press callback and url buttons only")

    def deep_link_payload(self, url: str) -> str | None:
        """The start payload of a deep link to this bot (``""`` for a bare link), else None."""
        parts = urlsplit(url)
        query = parse_qs(parts.query, keep_blank_values=True)
        name = (self.bot.username or "").lower()
        if parts.scheme in ("http", "https") and parts.netloc.lower() in ("t.me", "telegram.me"):
            target = parts.path.strip("/").lower()
        elif parts.scheme == "tg" and parts.netloc == "resolve":
            target = (query.get("domain") or [""])[0].lower()
        else:
            return None
        if target != name:
            return None
        return (query.get("start") or [""])[0]

    def open_deep_link(self, user_id: int, url: str) -> Message:
        payload = self.deep_link_payload(url)
        if payload is None:
            raise ControlError(f"not a link to @{self.bot.username}: {url}")
        if payload and not START_PAYLOAD.fullmatch(payload):
            raise ControlError(f"invalid start payload {payload!r} (A-Z a-z 0-9 _ -, 1-64)")
        text = f"/start {payload}" if payload else "/start"
        return self.user_send(user_id, None, text)

    # --- files --------------------------------------------------------------------------------

    def store_file(
        self, data: bytes, kind: str, file_name: str | None = None, mime_type: str | None = None
    ) -> StoredFile:
        n = next(self._file_seq)
        prefix = "AgACAgUAAxk" if kind == "photo" else "BQACAgUAAxk"
        width: int | None
        height: int | None
        if kind == "photo":
            width, height = image_size(data)
            ext = ".jpg" if data[:2] == b"\xff\xd8" else ".png"
            path = f"photos/file_{n}{ext}"
            file_name = mime_type = None
        else:
            width = height = None
            ext = ""
            if file_name and "." in file_name:
                ext = "." + file_name.rsplit(".", 1)[1][:10]
            path = f"documents/file_{n}{ext}"
            mime_type = mime_type or mimetypes.guess_type(file_name or "")[0]
        stored = StoredFile(
            prefix + secrets.token_urlsafe(30),
            "AgAD" + secrets.token_urlsafe(9),
            data,
            kind,
            file_name,
            mime_type,
            width,
            height,
            path,
        )
        self.files[stored.file_id] = stored
        self.file_paths[path] = stored.file_id
        return stored

    # --- updates ------------------------------------------------------------------------------

    def update_allowed(self, kind: str) -> bool:
        if not self.allowed_updates:
            return kind in DEFAULT_UPDATE_TYPES
        return kind in self.allowed_updates

    def emit(self, kind: str, payload: dict[str, Any]) -> Update | None:
        """Queue an update, unless allowed_updates excludes its type (as Telegram does, the
        filter applies when the update is created)."""
        update = Update(next(self._update_ids), kind, payload)
        allowed = self.update_allowed(kind)
        self.update_log.append(
            {"update_id": update.update_id, "type": kind, "queued": allowed, "update": update}
        )
        if allowed:
            self.queue.append(update)
        self.touch()
        return update if allowed else None

    def confirm(self, offset: int) -> None:
        if offset < 0:
            self.queue = self.queue[offset:]
        else:
            self.queue = [u for u in self.queue if u.update_id >= offset]

    def deliver_twice(self, update_id: int) -> Update:
        """Deliver an update again, with the same update_id, on the next getUpdates."""
        for entry in self.update_log:
            if entry["update_id"] == update_id:
                self.redeliver.append(entry["update"])
                self.touch()
                return entry["update"]
        raise ControlError(f"no update {update_id}")

    def record_call(self, entry: dict[str, Any]) -> None:
        self.call_seq += 1
        entry["seq"] = self.call_seq
        self.calls.append(entry)
        self.touch()

    # --- seeding --------------------------------------------------------------------------------

    def apply_seed(self, seed: dict[str, Any]) -> None:
        """Build the scene from plain data (see the package docstring for the format)."""
        if "privacy" in seed:
            self.privacy = bool(seed["privacy"])
        if "rate_limits" in seed:
            self.limiter.limits = RateLimits(**seed["rate_limits"])
        for u in seed.get("users", []):
            u = dict(u)
            self.add_user(u.pop("first_name"), **u)
        for g in seed.get("groups", []):
            g = dict(g)
            members = g.pop("members", [])
            ids: list[int] = []
            admins = list(g.pop("admins", []))
            for m in members:
                if isinstance(m, dict):
                    (admins if m.get("status") == "administrator" else ids).append(m["id"])
                else:
                    ids.append(m)
            self.add_group(g.pop("title"), members=ids, admins=admins, **g)

    # --- views for the control API and the page -----------------------------------------------

    def message_view(self, msg: Message) -> dict[str, Any]:
        chat = self.chats[msg.chat_id]
        sender = self.user(msg.from_id) if msg.from_id is not None else None
        text = msg.text if msg.text is not None else msg.caption
        ents = msg.entities if msg.text is not None else msg.caption_entities
        view: dict[str, Any] = {
            "chat_id": msg.chat_id,
            "message_id": msg.message_id,
            "date": msg.date,
            "edit_date": msg.edit_date,
            "from": sender.api() if sender else None,
            "from_bot": bool(sender and sender.id == self.bot.id),
            "sender_name": sender.display_name if sender else chat.title,
            "text": msg.text,
            "caption": msg.caption,
            "html": render_html(text or "", ents),
            "source": msg.source,
            "parse_mode": msg.parse_mode,
            "entities": ents,
            "reply_to_message_id": msg.reply_to,
            "keyboard": (msg.reply_markup or {}).get("inline_keyboard"),
            "reply_keyboard": (msg.reply_markup or {}).get("keyboard"),
            "deleted": msg.deleted,
            "seq": msg.seq,
            "visible_to_bot": self.is_for_bot(chat, msg),
        }
        for kind in ("document", "photo"):
            fid = getattr(msg, kind)
            if fid:
                f = self.files[fid]
                view[kind] = {
                    "file_id": f.file_id,
                    "file_name": f.file_name,
                    "mime_type": f.mime_type,
                    "file_size": len(f.data),
                    "download_url": f"/control/files/{f.file_id}",
                }
        if msg.service:
            view["service"] = self.describe_service(msg)
            view["service_raw"] = msg.service
        return view

    def describe_service(self, msg: Message) -> str:
        s = msg.service
        who = self.user(msg.from_id).display_name if msg.from_id else ""
        if "new_chat_members" in s:
            names = "、".join(m["first_name"] for m in s["new_chat_members"])
            return (
                f"{who} 邀请 {names} 加入了群组"
                if s["new_chat_members"][0]["first_name"] != who
                else f"{who} 加入了群组"
            )
        if "left_chat_member" in s:
            return f"{s['left_chat_member']['first_name']} 离开了群组"
        if "migrate_to_chat_id" in s:
            return f"群组已升级为超级群组（新 ID {s['migrate_to_chat_id']}）"
        if "migrate_from_chat_id" in s:
            return f"由普通群组升级而来（原 ID {s['migrate_from_chat_id']}）"
        return "服务消息"

    def chat_view(self, chat: Chat) -> dict[str, Any]:
        title = chat.title
        if chat.type == "private":
            title = self.users[chat.user_id or 0].display_name
        last = next((m for m in reversed(chat.messages.values()) if not m.deleted), None)
        return {
            "id": chat.id,
            "type": chat.type,
            "title": title,
            "members": {str(k): v for k, v in chat.members.items()},
            "bot_status": chat.bot_status,
            "started": chat.started,
            "migrated_to": chat.migrated_to,
            "migrated_from": chat.migrated_from,
            "last_seq": max((m.seq for m in chat.messages.values()), default=0),
            "last_text": (last.text or last.caption or ("[服务消息]" if last.service else "[文件]"))
            if last
            else "",
        }


def _utf16_slice(text: str, offset: int, length: int) -> str:
    raw = text.encode("utf-16-le")
    return raw[offset * 2 : (offset + length) * 2].decode("utf-16-le", errors="replace")


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG (0, 0 when unknown)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return w, h
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return w, h
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            size = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return w, h
            i += 2 + size
    return 0, 0


__all__ = ["ApiError", "ControlError", "SandboxWorld"]
