"""Acting as users: writing, editing, pressing inline buttons and opening deep links."""

from __future__ import annotations

import re
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

from liaisonbot.sandbox.base import ControlError
from liaisonbot.sandbox.chats import ChatsMixin
from liaisonbot.sandbox.entities import detect_entities
from liaisonbot.sandbox.models import PRESENT, CallbackQuery, Chat, Message, StoredFile, User, now

START_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


class ActingMixin(ChatsMixin):
    """What people do in the sandbox; each action reaches the bot as Telegram would send it."""

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
