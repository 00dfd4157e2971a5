"""A Bot API transport for tests: records every call the bot makes and answers like Telegram.

PTB objects are frozen, so tests fake the transport (a BaseRequest), never the bot's methods.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_ID = 777000
BOT_USERNAME = "LiaisonTestBot"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    result: Any = None
    # uploaded files (sendDocument…): part name -> (file name, content)
    uploads: dict[str, tuple[str, bytes]] = field(default_factory=dict)


@dataclass
class RecordingRequest(BaseRequest):
    calls: list[Call] = field(default_factory=list)
    fail_next: dict[str, dict[str, Any]] = field(default_factory=dict)
    # file_id -> content, for getFile and the download that follows it
    files: dict[str, bytes] = field(default_factory=dict)
    # chat id -> the error every send to that chat answers (a migrated group, a kicked bot)
    fail_chat: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Calls Telegram would refuse as the bot's own mistake (a callback query answered twice);
    # the harness fails a test that leaves any.
    violations: list[str] = field(default_factory=list)
    # (chat id, user id) -> status for getChatMember ("left" when absent)
    members: dict[tuple[int, int], str] = field(default_factory=dict)
    _answered: set[str] = field(default_factory=set)
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(1000))

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:  # a file download: https://…/file/bot<token>/<file_path>
            file_id = url.rsplit("/", 1)[-1]
            self.calls.append(Call("download", {"file_id": file_id}))
            if file_id not in self.files:
                return 404, b"Not Found"
            return 200, self.files[file_id]
        api_method = url.rsplit("/", 1)[-1]
        params = _decode(request_data.json_parameters) if request_data else {}
        call = Call(api_method, params)
        if request_data is not None and request_data.contains_files:
            for part, value in request_data.multipart_data.items():
                name, content = value[0], value[1]
                if not isinstance(content, bytes):
                    content = content.read()
                call.uploads[part] = (name or "", content)
        self.calls.append(call)
        if api_method == "answerCallbackQuery":
            query_id = str(params.get("callback_query_id"))
            if query_id in self._answered:
                self.violations.append(f"callback query {query_id} answered twice: {params}")
                error = {
                    "error_code": 400,
                    "description": "Bad Request: query is too old and "
                    "response timeout expired or query ID is invalid",
                }
                return 400, json.dumps({"ok": False, **error}).encode()
            self._answered.add(query_id)
        chat = params.get("chat_id")
        if isinstance(chat, int | str) and str(chat).lstrip("-").isdigit():
            error = self.fail_chat.get(int(chat))
            if error is not None:
                return error.get("error_code", 400), json.dumps({"ok": False, **error}).encode()
        if api_method in self.fail_next:
            error = self.fail_next.pop(api_method)
            return error.get("error_code", 400), json.dumps({"ok": False, **error}).encode()
        call.result = self._result(api_method, params)
        return 200, json.dumps({"ok": True, "result": call.result}).encode()

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "LiaisonBot",
                "username": BOT_USERNAME,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method == "getFile":
            file_id = str(params.get("file_id", ""))
            content = self.files.get(file_id)
            result = {"file_id": file_id, "file_unique_id": f"u{file_id}"}
            if content is not None:
                result["file_size"] = len(content)
                result["file_path"] = f"documents/{file_id}"
            return result
        if method == "getChatMember":
            user_id = int(params["user_id"])
            status = self.members.get((int(params["chat_id"]), user_id), "left")
            return {"status": status, "user": {"id": user_id, "is_bot": False, "first_name": "u"}}
        if method in ("sendMessage", "sendDocument", "sendPhoto"):
            return self._message(params, next(self._message_ids))
        if method in ("editMessageText", "editMessageReplyMarkup"):
            return self._message(params, int(params["message_id"]))
        return True

    def _message(self, params: dict[str, Any], message_id: int) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {
                "id": chat_id,
                "type": "private" if chat_id > 0 else "supergroup",
                "title": None if chat_id > 0 else "group",
            },
            "from": {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "LiaisonBot",
                "username": BOT_USERNAME,
            },
            "text": params.get("text", ""),
        }
        markup = params.get("reply_markup") or {}
        if "inline_keyboard" in markup:  # Telegram echoes inline keyboards only, not ForceReply
            message["reply_markup"] = markup
        return message

    # --- what tests ask -----------------------------------------------------------------

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[dict[str, Any]]:
        return [
            c.params
            for c in self.calls
            if c.method == method
            and (chat_id is None or int(c.params.get("chat_id", 0)) == chat_id)
        ]

    def last_message(self, chat_id: int) -> tuple[dict[str, Any], int]:
        """The last sendMessage to a chat: its parameters and the message id it got."""
        for call in reversed(self.calls):
            if call.method == "sendMessage" and int(call.params["chat_id"]) == chat_id:
                return call.params, call.result["message_id"]
        raise AssertionError(f"nothing was sent to chat {chat_id}")

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [p["text"] for p in self.sent("sendMessage", chat_id)]

    def last_text(self, chat_id: int) -> str:
        texts = self.texts(chat_id)
        assert texts, f"nothing was sent to chat {chat_id}; calls: {self.calls}"
        return texts[-1]

    def clear(self) -> None:
        self.calls.clear()


def _decode(params: dict[str, str]) -> dict[str, Any]:
    decoded: dict[str, Any] = {}
    for key, value in params.items():
        try:
            decoded[key] = json.loads(value)
        except (TypeError, ValueError):
            decoded[key] = value
    return decoded


def buttons(params: dict[str, Any]) -> list[dict[str, Any]]:
    markup = params.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]
