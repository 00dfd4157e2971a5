"""Users and chats: creating them, group membership, the bot's status (joining, leaving,
blocking), migration to a supergroup, and finding a chat the way the Bot API does."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from liaisonbot.sandbox.base import ControlError
from liaisonbot.sandbox.errors import bad_request, forbidden
from liaisonbot.sandbox.messages import MessagesMixin
from liaisonbot.sandbox.models import GROUP_ANONYMOUS_BOT_ID, PRESENT, Chat, User, member_api, now


class ChatsMixin(MessagesMixin):
    """Users, chats and members; builds on messages (joins and migrations leave service
    messages) and updates (my_chat_member, chat_member)."""

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

    def private_chat(self, user_id: int) -> Chat:
        user = self.user(user_id)
        chat = self.chats.get(user.id)
        if chat is None:
            chat = Chat(user.id, "private", user_id=user.id, bot_status="member")
            chat.members = {user.id: "member"}
            self.chats[user.id] = chat
        return chat

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
