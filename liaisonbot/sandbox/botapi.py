"""Bot API methods: validation against the spec, faults, flood limits and the method bodies.

By default the server accepts what Telegram accepts: unknown parameters and unknown fields of
nested objects are ignored, each recorded as a warning in the call log. Strict (the world's
`strict`, LIAISONBOT_SANDBOX_STRICT=1; the project's own tests), it goes beyond Telegram on
purpose, to catch bugs: unknown parameters and fields are rejected and a bare ``&`` in HTML is
rejected. Either way nested objects (reply_markup, reply_parameters, entities, ...) are checked
field by field against the spec and message length counts UTF-16 units.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from liaisonbot.sandbox.entities import EntityParseError, detect_entities, parse_html, utf16_len
from liaisonbot.sandbox.errors import (
    BLOCKED,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    ApiError,
    bad_request,
    forbidden,
    too_many_requests,
)
from liaisonbot.sandbox.filestore import image_size
from liaisonbot.sandbox.markdown import parse_markdown
from liaisonbot.sandbox.models import PRESENT, Chat, Message, StoredFile, member_api, now
from liaisonbot.sandbox.spec import BotApiSpec, Field, FilePart, load_spec
from liaisonbot.sandbox.world import SandboxWorld

Handler = Callable[["BotApi", dict[str, Any]], Awaitable[Any]]
HANDLERS: dict[str, Handler] = {}

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_UPLOAD = 50 * 1024 * 1024
MAX_DOWNLOAD = 20 * 1024 * 1024
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
BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
# Methods that send a new message count against the flood limits.
SENDING = {"sendmessage", "senddocument", "sendphoto"}


def method(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[name.lower()] = fn
        return fn

    return register


def _summary(value: Any) -> Any:
    if isinstance(value, FilePart):
        return {"upload": value.filename, "size": len(value.data), "mime": value.content_type}
    return value


def _split_attachments(
    fields: dict[str, Field], raw: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, FilePart]]:
    """Separate multipart files referenced as ``attach://<name>`` from the parameters."""
    referenced = {
        v.removeprefix("attach://")
        for v in raw.values()
        if isinstance(v, str) and v.startswith("attach://")
    }
    extra = {
        k: v
        for k, v in raw.items()
        if isinstance(v, FilePart) and k not in fields and k in referenced
    }
    return {k: v for k, v in raw.items() if k not in extra}, extra


UNKNOWN_FIELD = ": not a field of "


def _plain_string_buttons(params: dict[str, Any]) -> None:
    """The reference allows a plain string for a reply-keyboard button: its text."""
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and isinstance(markup.get("keyboard"), list):
        markup["keyboard"] = [
            [{"text": b} if isinstance(b, str) else b for b in row]
            if isinstance(row, list)
            else row
            for row in markup["keyboard"]
        ]


class BotApi:
    """Answers Bot API calls against a `SandboxWorld` and records them in its call log."""

    def __init__(self, world: SandboxWorld, spec: BotApiSpec | None = None) -> None:
        self.world = world
        self.spec = spec or load_spec()

    async def call(self, name: str, raw: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Run one call; returns (HTTP status, JSON body)."""
        started = time.monotonic()
        spec_method = self.spec.method(name)
        canonical = spec_method.name if spec_method else name
        entry: dict[str, Any] = {
            "time": time.time(),
            "method": canonical,
            "params": {k: _summary(v) for k, v in raw.items()},
        }
        warnings: list[str] = []
        try:
            if spec_method is None:
                raise ApiError(404, "Not Found")
            handler = HANDLERS.get(spec_method.name.lower())
            if handler is None:
                raise bad_request(f"method {spec_method.name} is not supported by the sandbox")
            raw, extra_files = _split_attachments(spec_method.fields, raw)
            # Telegram ignores what it does not know; the strict sandbox refuses it
            unknown: list[str] | None = None if self.world.strict else warnings
            params = self.spec.coerce_params(spec_method, raw, unknown)
            _plain_string_buttons(params)
            self._check_nested(spec_method.fields, params, unknown)
            entry["params"] = {k: _summary(v) for k, v in params.items()}
            params["__files__"] = extra_files
            fault = self.world.faults.take(spec_method.name, params.get("chat_id"))
            if fault is not None:
                await self._apply_fault(fault)
            result = await handler(self, params)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as err:
            status, body = err.code, err.payload()
        entry.update(
            status=status,
            ok=body["ok"],
            duration_ms=round((time.monotonic() - started) * 1000, 1),
        )
        if body["ok"]:
            result = body["result"]
            if canonical == "getUpdates":
                entry["result"] = [u["update_id"] for u in result]
            else:
                entry["result"] = result
        else:
            entry["description"] = body["description"]
        if warnings:
            entry["warnings"] = [f"ignored {w} (unknown to the Bot API)" for w in warnings]
        self.world.record_call(entry)
        return status, body

    def _check_nested(
        self, fields: dict[str, Field], params: dict[str, Any], unknown: list[str] | None
    ) -> None:
        """Objects in the parameters against the reference; with `unknown` (the lenient
        default), fields the reference does not know are listed there instead of refused."""
        for name, value in params.items():
            field = fields[name]
            kinds = [t for t in field.types if t not in ("InputFile",)]
            if isinstance(value, FilePart) or not kinds:
                continue
            problems = [self.spec.check_shape(t, value, name) for t in kinds]
            if unknown is not None:
                known = [[p for p in found if UNKNOWN_FIELD not in p] for found in problems]
                fitting = [i for i, errors in enumerate(known) if not errors]
                if fitting:  # fits one type but for fields Telegram would ignore
                    unknown.extend(f"field {p.split(':')[0]}" for p in problems[fitting[0]])
                    continue
                problems = known
            if all(problems):
                best = min(problems, key=len)
                raise bad_request(f"can't parse {name}: {best[0]}")

    async def _apply_fault(self, fault: Any) -> None:
        if fault.kind == "retry_after":
            raise too_many_requests(fault.retry_after)
        if fault.kind == "blocked":
            raise forbidden(BLOCKED)
        if fault.kind == "kicked":
            raise forbidden("bot was kicked from the group chat")
        if fault.kind == "error":
            raise ApiError(fault.error_code, fault.description)
        if fault.kind == "timeout":
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.world.closing.wait(), fault.delay)
            if not fault.execute:
                raise ApiError(502, "Bad Gateway")

    # --- helpers ------------------------------------------------------------------------------

    def format_text(
        self,
        text: str | None,
        parse_mode: str | None,
        entities: list[dict[str, Any]] | None,
        *,
        caption: bool = False,
    ) -> tuple[str, list[dict[str, Any]]]:
        text = text or ""
        if entities is not None:
            ents = [dict(e) for e in entities]
            limit = utf16_len(text)
            for e in ents:
                if e["offset"] < 0 or e["length"] <= 0 or e["offset"] + e["length"] > limit:
                    raise bad_request("can't parse entities: entity is out of the text")
        elif parse_mode:
            mode = parse_mode.lower()
            if mode not in ("html", "markdown", "markdownv2"):
                raise bad_request("unsupported parse_mode")
            try:
                if mode == "html":
                    text, ents = parse_html(text, strict=self.world.strict_html)
                else:
                    text, ents = parse_markdown(text, v2=mode == "markdownv2")
            except EntityParseError as err:
                raise bad_request(f"can't parse entities: {err}") from None
        else:
            ents = []
        resolved = []
        for e in ents:
            if e["type"] == "text_mention":
                uid = e.pop("user_id", None) or (e.get("user") or {}).get("id")
                if uid not in self.world.users:
                    continue
                e["user"] = self.world.users[uid].api()
            resolved.append(e)
        ents = detect_entities(text, resolved)
        size = utf16_len(text)
        if caption:
            if size > MAX_CAPTION:
                raise bad_request("message caption is too long")
        else:
            if not text.strip():
                raise bad_request("message text is empty")
            if size > MAX_TEXT:
                raise bad_request("message is too long")
        return text, ents

    def markup(self, value: Any, inline_only: bool = False) -> dict[str, Any] | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in value:
            count = 0
            for row in value["inline_keyboard"]:
                for button in row:
                    count += 1
                    self._check_button(button)
            if count > 100:
                raise bad_request("reply markup is too long")
            return value
        if inline_only:
            raise bad_request("inline keyboard expected")
        if any(k in value for k in ("keyboard", "remove_keyboard", "force_reply")):
            return value
        raise bad_request("can't parse reply keyboard markup JSON object")

    @staticmethod
    def _check_button(button: dict[str, Any]) -> None:
        if not str(button.get("text", "")).strip():
            raise bad_request("BUTTON_TEXT_INVALID")
        actions = [k for k in BUTTON_ACTIONS if k in button]
        if not actions:
            raise bad_request(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline "
                "keyboard"
            )
        if len(actions) > 1:
            raise bad_request(
                f"can't parse inline keyboard button: exactly one of {', '.join(actions)} expected"
            )
        if "callback_data" in button:
            data = button["callback_data"].encode("utf-8")
            if not 1 <= len(data) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
        if "url" in button:
            parts = urlsplit(button["url"])
            if parts.scheme not in ("http", "https", "tg") or not (parts.netloc or parts.path):
                raise bad_request("BUTTON_URL_INVALID")

    def reply_to(self, chat: Chat, params: dict[str, Any]) -> int | None:
        rp = params.get("reply_parameters")
        if not rp:
            return None
        if "chat_id" in rp and str(rp["chat_id"]) != str(chat.id):
            target = self.world.resolve_chat(rp["chat_id"])
            if target.id != chat.id:
                raise bad_request("the sandbox does not support replies to other chats")
        msg = self.world.find_message(chat, rp["message_id"])
        if msg is None:
            if rp.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        return msg.message_id

    def resolve_file(self, value: Any, kind: str, extra: dict[str, Any]) -> StoredFile:
        if isinstance(value, str) and value.startswith("attach://"):
            value = extra.get(value.removeprefix("attach://"))
            if value is None:
                raise bad_request(f"there is no {kind} in the request")
        if isinstance(value, FilePart):
            if not value.data:
                raise bad_request("file must be non-empty")
            if len(value.data) > MAX_UPLOAD:
                raise ApiError(413, "Request Entity Too Large")
            if kind == "photo" and image_size(value.data) == (0, 0):
                raise bad_request("IMAGE_PROCESS_FAILED")
            return self.world.store_file(value.data, kind, value.filename, value.content_type)
        if isinstance(value, str):
            known = self.world.files.get(value)
            if known is not None:
                if known.kind != kind:
                    raise bad_request(
                        f"type of file mismatch: can't use file of type {known.kind} as {kind}"
                    )
                return known
            if value.startswith(("http://", "https://")):
                raise bad_request("failed to get HTTP URL content")
        raise bad_request("wrong file identifier/HTTP URL specified")

    def check_flood(self, chat: Chat) -> None:
        wait = self.world.limiter.check(chat.id, chat.is_group)
        if wait:
            raise too_many_requests(wait)

    def bot_message(self, chat_id: Any, message_id: Any, what: str) -> tuple[Chat, Message]:
        if chat_id is None:
            raise bad_request("chat_id is empty")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        chat = self.world.require_access(chat_id, write=True)
        msg = self.world.find_message(chat, message_id)
        if msg is None:
            raise bad_request(f"message to {what} not found")
        return chat, msg


# --- updates and webhook ------------------------------------------------------------------------


@method("getMe")
async def get_me(api: BotApi, p: dict[str, Any]) -> Any:
    return {
        **api.world.bot.api(),
        "can_join_groups": True,
        "can_read_all_group_messages": not api.world.privacy,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("getUpdates")
async def get_updates(api: BotApi, p: dict[str, Any]) -> Any:
    world = api.world
    if world.webhook_url:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
            "to delete the webhook first",
        )
    if "allowed_updates" in p:
        world.allowed_updates = list(p["allowed_updates"])
    if "offset" in p:
        world.confirm(p["offset"])
    limit = min(max(p.get("limit", 100), 1), 100)
    timeout = min(max(p.get("timeout", 0), 0), 600)
    world.poll_generation += 1
    generation = world.poll_generation
    deadline = time.monotonic() + timeout
    while True:
        if world.poll_generation != generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; make sure that only one bot "
                "instance is running",
            )
        batch = world.redeliver[:limit]
        batch += world.queue[: limit - len(batch)]
        if batch:
            del world.redeliver[: len(batch)]
            return [u.api() for u in batch]
        left = deadline - time.monotonic()
        if left <= 0 or world.closing.is_set():
            return []
        await world.wait_change(left)


@method("deleteWebhook")
async def delete_webhook(api: BotApi, p: dict[str, Any]) -> Any:
    api.world.webhook_url = ""
    if p.get("drop_pending_updates"):
        api.world.queue.clear()
        api.world.redeliver.clear()
    return True


@method("setWebhook")
async def set_webhook(api: BotApi, p: dict[str, Any]) -> Any:
    if p["url"] == "":
        return await delete_webhook(api, p)
    raise bad_request("bad webhook: the sandbox delivers updates through getUpdates only")


@method("getWebhookInfo")
async def get_webhook_info(api: BotApi, p: dict[str, Any]) -> Any:
    return {
        "url": api.world.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(api.world.queue),
    }


@method("close")
async def close(api: BotApi, p: dict[str, Any]) -> Any:
    return True


@method("logOut")
async def log_out(api: BotApi, p: dict[str, Any]) -> Any:
    return True


# --- commands and bot profile ---------------------------------------------------------------


def _scope_key(api: BotApi, p: dict[str, Any]) -> str:
    scope = dict(p.get("scope") or {"type": "default"})
    if "chat_id" in scope:
        scope["chat_id"] = api.world.resolve_chat(scope["chat_id"]).id
    return json.dumps(scope, sort_keys=True) + "|" + str(p.get("language_code", ""))


@method("setMyCommands")
async def set_my_commands(api: BotApi, p: dict[str, Any]) -> Any:
    commands = p["commands"]
    if len(commands) > 100:
        raise bad_request("too many commands")
    for c in commands:
        if not COMMAND_NAME.fullmatch(c["command"]):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(c["description"]) <= 256:
            raise bad_request("command description must be 1-256 characters")
    api.world.commands[_scope_key(api, p)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    api.world.touch()
    return True


@method("getMyCommands")
async def get_my_commands(api: BotApi, p: dict[str, Any]) -> Any:
    return api.world.commands.get(_scope_key(api, p), [])


@method("deleteMyCommands")
async def delete_my_commands(api: BotApi, p: dict[str, Any]) -> Any:
    api.world.commands.pop(_scope_key(api, p), None)
    return True


def _register_profile_text(field: str, limit: int, suffix: str) -> None:
    """setMy<Suffix> / getMy<Suffix> for the bot's description, short description and name."""

    async def setter(api: BotApi, p: dict[str, Any]) -> Any:
        value = p.get(field, "")
        if len(value) > limit:
            raise bad_request(f"{field} is too long")
        api.world.bot_texts[f"{field}|{p.get('language_code', '')}"] = value
        return True

    async def getter(api: BotApi, p: dict[str, Any]) -> Any:
        key = f"{field}|{p.get('language_code', '')}"
        default = api.world.bot.first_name if field == "name" else ""
        return {field: api.world.bot_texts.get(key, default)}

    method(f"setMy{suffix}")(setter)
    method(f"getMy{suffix}")(getter)


_register_profile_text("description", 512, "Description")
_register_profile_text("short_description", 120, "ShortDescription")
_register_profile_text("name", 64, "Name")


@method("setChatMenuButton")
async def set_chat_menu_button(api: BotApi, p: dict[str, Any]) -> Any:
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(api: BotApi, p: dict[str, Any]) -> Any:
    return {"type": "commands"}


# --- sending and editing ----------------------------------------------------------------------


@method("sendMessage")
async def send_message(api: BotApi, p: dict[str, Any]) -> Any:
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


async def _send_file(api: BotApi, p: dict[str, Any], kind: str) -> Any:
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
async def send_document(api: BotApi, p: dict[str, Any]) -> Any:
    return await _send_file(api, p, "document")


@method("sendPhoto")
async def send_photo(api: BotApi, p: dict[str, Any]) -> Any:
    return await _send_file(api, p, "photo")


def _no_inline(p: dict[str, Any]) -> None:
    if "inline_message_id" in p:
        raise bad_request("the sandbox has no inline messages (inline_message_id)")


@method("editMessageText")
async def edit_message_text(api: BotApi, p: dict[str, Any]) -> Any:
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


def _edited(api: BotApi, msg: Message) -> Any:
    msg.edit_date = now()
    msg.seq = api.world.touch()
    return api.world.message_api(msg)


@method("editMessageCaption")
async def edit_message_caption(api: BotApi, p: dict[str, Any]) -> Any:
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
async def edit_message_reply_markup(api: BotApi, p: dict[str, Any]) -> Any:
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


def _delete(api: BotApi, chat: Chat, msg: Message) -> None:
    if msg.from_id != api.world.bot.id and chat.is_group and chat.bot_status != "administrator":
        raise bad_request("message can't be deleted")
    msg.deleted = True
    msg.seq = api.world.touch()


@method("deleteMessage")
async def delete_message(api: BotApi, p: dict[str, Any]) -> Any:
    chat, msg = api.bot_message(p["chat_id"], p["message_id"], "delete")
    _delete(api, chat, msg)
    return True


@method("deleteMessages")
async def delete_messages(api: BotApi, p: dict[str, Any]) -> Any:
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
async def answer_callback_query(api: BotApi, p: dict[str, Any]) -> Any:
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
async def send_chat_action(api: BotApi, p: dict[str, Any]) -> Any:
    chat = api.world.require_access(p["chat_id"], write=True)
    if p["action"] not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    api.world.touch()
    del chat
    return True


@method("pinChatMessage")
async def pin_chat_message(api: BotApi, p: dict[str, Any]) -> Any:
    chat = api.world.require_access(p["chat_id"], write=True)
    if api.world.find_message(chat, p["message_id"]) is None:
        raise bad_request("message to pin not found")
    if chat.is_group and chat.bot_status != "administrator":
        raise bad_request("not enough rights to manage pinned messages in the chat")
    return True


@method("unpinChatMessage")
async def unpin_chat_message(api: BotApi, p: dict[str, Any]) -> Any:
    api.world.require_access(p["chat_id"], write=True)
    return True


# --- files --------------------------------------------------------------------------------------


@method("getFile")
async def get_file(api: BotApi, p: dict[str, Any]) -> Any:
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


# --- chats and members --------------------------------------------------------------------------


@method("getChat")
async def get_chat(api: BotApi, p: dict[str, Any]) -> Any:
    chat = api.world.require_access(p["chat_id"], write=False)
    info = chat.api(api.world.users)
    info.update(
        accent_color_id=0,
        max_reaction_count=11,
        accepted_gift_types={
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    )
    if chat.is_group:
        info["permissions"] = {"can_send_messages": True, "can_send_documents": True}
    return info


def _user(api: BotApi, user_id: int) -> Any:
    if user_id == api.world.bot.id:
        return api.world.bot
    user = api.world.users.get(user_id)
    if user is None:
        raise bad_request("user not found")
    return user


@method("getChatMember")
async def get_chat_member(api: BotApi, p: dict[str, Any]) -> Any:
    chat = api.world.require_access(p["chat_id"], write=False)
    user = _user(api, p["user_id"])
    if chat.type == "private":
        status = "member" if user.id in (chat.user_id, api.world.bot.id) else "left"
    else:
        status = api.world.member_status(chat, user.id)
    return member_api(user, status)


@method("getChatAdministrators")
async def get_chat_administrators(api: BotApi, p: dict[str, Any]) -> Any:
    chat = api.world.require_access(p["chat_id"], write=False)
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    admins = [
        member_api(api.world.users[uid], status)
        for uid, status in chat.members.items()
        if status in ("creator", "administrator")
    ]
    if chat.bot_status == "administrator":
        admins.append(member_api(api.world.bot, "administrator"))
    return admins


@method("getChatMemberCount")
async def get_chat_member_count(api: BotApi, p: dict[str, Any]) -> Any:
    chat = api.world.require_access(p["chat_id"], write=False)
    if chat.type == "private":
        return 2
    return sum(s in PRESENT for s in chat.members.values()) + int(chat.bot_present)


@method("leaveChat")
async def leave_chat(api: BotApi, p: dict[str, Any]) -> Any:
    chat = api.world.require_access(p["chat_id"], write=False)
    if chat.type == "private":
        raise bad_request("chat member status can't be changed in private chats")
    api.world.set_bot_status(chat.id, "left", by=api.world.bot.id)
    return True
