"""Bot API methods for files: sending documents and photos, getFile."""

from __future__ import annotations

from typing import Any

from liaisonbot.sandbox.botapi_base import BotApiBase, Methods
from liaisonbot.sandbox.errors import (
    bad_request,
)

METHODS = Methods()
method = METHODS.register

MAX_DOWNLOAD = 20 * 1024 * 1024


async def _send_file(api: BotApiBase, p: dict[str, Any], kind: str) -> Any:
    chat = api.world.require_access(p["chat_id"], write=True)
    caption: str | None = None
    ents: list[dict[str, Any]] = []
    if p.get("caption"):
        caption, ents = api.format_text(
            p["caption"], p.get("parse_mode"), p.get("caption_entities"), caption=True
        )
    markup = api.markup(p.get("reply_markup"))
    reply = api.reply_to(chat, p)
    stored = api.resolve_file(p[kind], kind, p.get("__files__", {}))
    api.check_flood(chat)
    msg = api.world.new_message(
        chat,
        api.world.bot.id,
        caption=caption,
        caption_entities=ents,
        source=p.get("caption"),
        parse_mode=p.get("parse_mode"),
        reply_markup=markup,
        reply_to=reply,
        **{kind: stored.file_id},
    )
    return api.world.message_api(msg)


@method("sendDocument")
async def send_document(api: BotApiBase, p: dict[str, Any]) -> Any:
    return await _send_file(api, p, "document")


@method("sendPhoto")
async def send_photo(api: BotApiBase, p: dict[str, Any]) -> Any:
    return await _send_file(api, p, "photo")


@method("getFile")
async def get_file(api: BotApiBase, p: dict[str, Any]) -> Any:
    stored = api.world.files.get(p["file_id"])
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }
