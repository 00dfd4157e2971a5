"""Building Telegram updates as Telegram sends them."""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot, Update

# A bot command as Telegram marks one: Latin letters, digits and underscores (and @bot).
LATIN_COMMAND = re.compile(r"^/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?$")


@dataclass(frozen=True)
class Person:
    id: int
    first_name: str
    username: str = ""

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class UpdateFactory:
    bot: Bot
    update_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    message_ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def _chat(self, chat_id: int, person: Person) -> dict[str, Any]:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": person.first_name}
        return {"id": chat_id, "type": "supergroup", "title": "汽车产业链联络群"}

    def message_dict(
        self, person: Person, text: str, chat_id: int | None = None, message_id: int | None = None
    ) -> dict[str, Any]:
        chat_id = person.id if chat_id is None else chat_id
        message: dict[str, Any] = {
            "message_id": message_id or next(self.message_ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id, person),
            "from": person.as_dict(),
            "text": text,
        }
        command = text.split()[0] if text.split() else ""
        if LATIN_COMMAND.match(command):  # as Telegram: /搜 is plain text, not a command
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return message

    def text(
        self, person: Person, text: str, chat_id: int | None = None, update_id: int | None = None
    ) -> Update:
        data = {
            "update_id": update_id or next(self.update_ids),
            "message": self.message_dict(person, text, chat_id),
        }
        return Update.de_json(data, self.bot)

    def edited(self, person: Person, text: str, chat_id: int | None, message_id: int) -> Update:
        message = self.message_dict(person, text, chat_id, message_id)
        message["edit_date"] = int(time.time())
        return Update.de_json(
            {"update_id": next(self.update_ids), "edited_message": message}, self.bot
        )

    def document(
        self, person: Person, file_id: str, file_name: str, file_size: int | None = None
    ) -> Update:
        message = self.message_dict(person, "")
        del message["text"]
        message["document"] = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": file_name,
        }
        if file_size is not None:
            message["document"]["file_size"] = file_size
        return Update.de_json({"update_id": next(self.update_ids), "message": message}, self.bot)

    def press(
        self,
        person: Person,
        sent: dict[str, Any],
        data: str,
        message_id: int,
        update_id: int | None = None,
    ) -> Update:
        """A button press on a message the bot sent (its sendMessage parameters and id)."""
        chat_id = int(sent["chat_id"])
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(chat_id, person),
            "from": {"id": 777000, "is_bot": True, "first_name": "LiaisonBot"},
            "text": sent.get("text", ""),
        }
        if "inline_keyboard" in (sent.get("reply_markup") or {}):
            message["reply_markup"] = sent["reply_markup"]
        query = {
            "id": str(next(self.update_ids) * 7919),
            "from": person.as_dict(),
            "chat_instance": "ci",
            "message": message,
            "data": data,
        }
        return Update.de_json(
            {"update_id": update_id or next(self.update_ids), "callback_query": query}, self.bot
        )
