"""What every Bot API method body may use: the world, text formatting, keyboards, replies,
files, flood limits, and the table a module registers its methods in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from liaisonbot.sandbox.entities import EntityParseError, detect_entities, parse_html, utf16_len
from liaisonbot.sandbox.errors import (
    ApiError,
    bad_request,
    too_many_requests,
)
from liaisonbot.sandbox.filestore import image_size
from liaisonbot.sandbox.markdown import parse_markdown
from liaisonbot.sandbox.models import Chat, Message, StoredFile
from liaisonbot.sandbox.spec import BotApiSpec, FilePart, load_spec
from liaisonbot.sandbox.world import SandboxWorld

Handler = Callable[["BotApiBase", dict[str, Any]], Awaitable[Any]]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_UPLOAD = 50 * 1024 * 1024
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


class Methods(dict[str, Handler]):
    """One module's Bot API methods by lower-case name; ``@methods.register("sendMessage")``."""

    def register(self, name: str) -> Callable[[Handler], Handler]:
        def add(fn: Handler) -> Handler:
            self[name.lower()] = fn
            return fn

        return add


class BotApiBase:
    """The world and the spec, with the checks the method bodies share."""

    def __init__(self, world: SandboxWorld, spec: BotApiSpec | None = None) -> None:
        self.world = world
        self.spec = spec or load_spec()

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
