"""Bot API methods that send, edit, delete and pin messages, answer buttons and show actions."""

from __future__ import annotations

import time
from typing import Any

from liaisonbot.sandbox.botapi_base import BotApiBase, Methods
from liaisonbot.sandbox.errors import (
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    bad_request,
)
from liaisonbot.sandbox.models import Chat, Message, now

METHODS = Methods()
method = METHODS.register

CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}


@method("sendMessage")
async def send_message(api: BotApiBase, p: dict[str, Any]) -> Any:
    chat = api.world.require_access(p["chat_id"], write=True)
    text, ents = api.format_text(p["text"], p.get("parse_mode"), p.get("entities"))
    markup = api.markup(p.get("reply_markup"))
    reply = api.reply_to(chat, p)
    api.check_flood(chat)
    msg = api.world.new_message(
        chat,
        api.world.bot.id,
        text=text,
        entities=ents,
        source=p["text"],
        parse_mode=p.get("parse_mode"),
        reply_markup=markup,
        reply_to=reply,
        link_preview_options=p.get("link_preview_options"),
    )
    return api.world.message_api(msg)


def _no_inline(p: dict[str, Any]) -> None:
    if "inline_message_id" in p:
        raise bad_request("the sandbox has no inline messages (inline_message_id)")


@method("editMessageText")
async def edit_message_text(api: BotApiBase, p: dict[str, Any]) -> Any:
    _no_inline(p)
    _, msg = api.bot_message(p.get("chat_id"), p.get("message_id"), "edit")
    if msg.from_id != api.world.bot.id:
        raise bad_request("message can't be edited")
    if msg.text is None:
        raise bad_request("there is no text in the message to edit")
    if "text" not in p:
        raise bad_request("message text is empty")
    text, ents = api.format_text(p["text"], p.get("parse_mode"), p.get("entities"))
    markup = api.markup(p.get("reply_markup"), inline_only=True)
    if text == msg.text and ents == msg.entities and markup == msg.reply_markup:
        raise bad_request(NOT_MODIFIED)
    msg.text, msg.entities, msg.reply_markup = text, ents, markup
    msg.source, msg.parse_mode = p["text"], p.get("parse_mode")
    return _edited(api, msg)


def _edited(api: BotApiBase, msg: Message) -> Any:
    msg.edit_date = now()
    msg.seq = api.world.touch()
    return api.world.message_api(msg)


@method("editMessageCaption")
async def edit_message_caption(api: BotApiBase, p: dict[str, Any]) -> Any:
    _no_inline(p)
    _, msg = api.bot_message(p.get("chat_id"), p.get("message_id"), "edit")
    if msg.from_id != api.world.bot.id:
        raise bad_request("message can't be edited")
    if msg.text is not None or msg.service:
        raise bad_request("there is no caption in the message to edit")
    caption: str | None = None
    ents: list[dict[str, Any]] = []
    if p.get("caption"):
        caption, ents = api.format_text(
            p["caption"], p.get("parse_mode"), p.get("caption_entities"), caption=True
        )
    markup = api.markup(p.get("reply_markup"), inline_only=True)
    if caption == msg.caption and ents == msg.caption_entities and markup == msg.reply_markup:
        raise bad_request(NOT_MODIFIED)
    msg.caption, msg.caption_entities, msg.reply_markup = caption, ents, markup
    msg.source, msg.parse_mode = p.get("caption"), p.get("parse_mode")
    return _edited(api, msg)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(api: BotApiBase, p: dict[str, Any]) -> Any:
    _no_inline(p)
    _, msg = api.bot_message(p.get("chat_id"), p.get("message_id"), "edit")
    if msg.from_id != api.world.bot.id:
        raise bad_request("message can't be edited")
    markup = api.markup(p.get("reply_markup"), inline_only=True)
    current = (
        msg.reply_markup if msg.reply_markup and "inline_keyboard" in msg.reply_markup else None
    )
    if markup == current or (not markup and not current):
        raise bad_request(NOT_MODIFIED)
    msg.reply_markup = markup
    return _edited(api, msg)


def _delete(api: BotApiBase, chat: Chat, msg: Message) -> None:
    if msg.from_id != api.world.bot.id and chat.is_group and chat.bot_status != "administrator":
        raise bad_request("message can't be deleted")
    msg.deleted = True
    msg.seq = api.world.touch()


@method("deleteMessage")
async def delete_message(api: BotApiBase, p: dict[str, Any]) -> Any:
    chat, msg = api.bot_message(p["chat_id"], p["message_id"], "delete")
    _delete(api, chat, msg)
    return True


@method("deleteMessages")
async def delete_messages(api: BotApiBase, p: dict[str, Any]) -> Any:
    chat = api.world.require_access(p["chat_id"], write=True)
    ids = p["message_ids"]
    if not 1 <= len(ids) <= 100:
        raise bad_request("message_ids must contain 1-100 identifiers")
    found = [m for m in (api.world.find_message(chat, i) for i in ids) if m is not None]
    if not found:
        raise bad_request("message to delete not found")
    for msg in found:
        _delete(api, chat, msg)
    return True


@method("answerCallbackQuery")
async def answer_callback_query(api: BotApiBase, p: dict[str, Any]) -> Any:
    world = api.world
    query = world.callbacks.get(p["callback_query_id"])
    too_old = (
        query is not None
        and world.callback_answer_timeout is not None
        and time.monotonic() - query.created > world.callback_answer_timeout
    )
    if query is None or query.answered or too_old:
        raise bad_request(QUERY_TOO_OLD)
    if len(p.get("text", "")) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    if "url" in p and world.deep_link_payload(p["url"]) is None:
        raise bad_request("URL_INVALID")
    query.answered = True
    query.answer = {
        "text": p.get("text"),
        "show_alert": p.get("show_alert", False),
        "url": p.get("url"),
        "cache_time": p.get("cache_time", 0),
    }
    world.touch()
    return True


@method("sendChatAction")
async def send_chat_action(api: BotApiBase, p: dict[str, Any]) -> Any:
    chat = api.world.require_access(p["chat_id"], write=True)
    if p["action"] not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    api.world.touch()
    del chat
    return True


@method("pinChatMessage")
async def pin_chat_message(api: BotApiBase, p: dict[str, Any]) -> Any:
    chat = api.world.require_access(p["chat_id"], write=True)
    if api.world.find_message(chat, p["message_id"]) is None:
        raise bad_request("message to pin not found")
    if chat.is_group and chat.bot_status != "administrator":
        raise bad_request("not enough rights to manage pinned messages in the chat")
    return True


@method("unpinChatMessage")
async def unpin_chat_message(api: BotApiBase, p: dict[str, Any]) -> Any:
    api.world.require_access(p["chat_id"], write=True)
    return True
