"""Messages as stored and as the bot sees them: creating, finding, the Bot API form, and whether
Telegram would deliver a group message to the bot (privacy mode)."""

from __future__ import annotations

from typing import Any

from liaisonbot.sandbox.models import Chat, Message, now
from liaisonbot.sandbox.updates import UpdatesMixin


class MessagesMixin(UpdatesMixin):
    """Messages in chats; builds on the update queue (service messages reach the bot)."""

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


def _utf16_slice(text: str, offset: int, length: int) -> str:
    raw = text.encode("utf-16-le")
    return raw[offset * 2 : (offset + length) * 2].decode("utf-16-le", errors="replace")
