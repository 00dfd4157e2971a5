"""Views of messages and chats for the control API and the page."""

from __future__ import annotations

from typing import Any

from liaisonbot.sandbox.entities import render_html
from liaisonbot.sandbox.messages import MessagesMixin
from liaisonbot.sandbox.models import Chat, Message


class ViewsMixin(MessagesMixin):
    """Plain-data views (with rendered HTML and service-message descriptions in words)."""

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
