"""An async client for the control API, for end-to-end tests and scripts."""

from __future__ import annotations

import base64
import time
from typing import Any

import aiohttp


class SandboxError(RuntimeError):
    """The control API refused a request."""


class SandboxTimeout(TimeoutError):
    """Nothing happened within the wait's timeout."""


class SandboxClient:
    """``async with SandboxClient("http://127.0.0.1:8081") as sb: ...``"""

    def __init__(self, base_url: str, session: aiohttp.ClientSession | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session
        self._own_session = session is None

    async def __aenter__(self) -> SandboxClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def request(
        self,
        method: str,
        path: str,
        json: Any = None,
        params: dict[str, Any] | None = None,
        data: Any = None,
    ) -> Any:
        query = {k: str(v) for k, v in (params or {}).items() if v is not None}
        async with self.session.request(
            method, f"{self.base_url}/control/{path}", json=json, params=query, data=data
        ) as resp:
            body = await resp.json()
        if not body.get("ok"):
            raise SandboxError(body.get("error", f"HTTP {resp.status}"))
        return body["result"]

    async def _object(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """`request` for an endpoint that answers one JSON object."""
        result = await self.request(method, path, **kwargs)
        if not isinstance(result, dict):
            raise SandboxError(f"{path}: expected an object, got {type(result).__name__}")
        return result

    async def _objects(self, method: str, path: str, **kwargs: Any) -> list[dict[str, Any]]:
        """`request` for an endpoint that answers a list of JSON objects."""
        result = await self.request(method, path, **kwargs)
        if not isinstance(result, list):
            raise SandboxError(f"{path}: expected a list, got {type(result).__name__}")
        return result

    async def _post(self, path: str, **payload: Any) -> dict[str, Any]:
        return await self._object(
            "POST", path, json={k: v for k, v in payload.items() if v is not None}
        )

    # --- world --------------------------------------------------------------------------------

    async def state(self) -> dict[str, Any]:
        return await self._object("GET", "state")

    async def reset(self, seed: bool = True) -> None:
        await self._post("reset", seed=seed)

    async def configure(self, **options: Any) -> dict[str, Any]:
        """privacy=, strict=, strict_html=, callback_answer_timeout=, rate_limits={...}"""
        return await self._object("POST", "config", json=options)

    async def add_user(self, first_name: str, **fields: Any) -> dict[str, Any]:
        return await self._post("users", first_name=first_name, **fields)

    async def add_group(self, title: str, **fields: Any) -> dict[str, Any]:
        return await self._post("groups", title=title, **fields)

    async def set_member(
        self, chat_id: int, user_id: int, status: str = "member", by: int | None = None
    ) -> None:
        await self._post("members", chat_id=chat_id, user_id=user_id, status=status, by=by)

    async def add_bot_to_group(
        self, chat_id: int, by: int, status: str = "member"
    ) -> dict[str, Any]:
        return await self._post("bot", chat_id=chat_id, by=by, status=status)

    async def remove_bot(self, chat_id: int, by: int) -> dict[str, Any]:
        return await self._post("bot", chat_id=chat_id, by=by, status="kicked")

    async def block_bot(self, user_id: int, blocked: bool = True) -> dict[str, Any]:
        return await self._post("block", user_id=user_id, blocked=blocked)

    async def unblock_bot(self, user_id: int) -> dict[str, Any]:
        return await self.block_bot(user_id, blocked=False)

    async def migrate(self, chat_id: int, by: int | None = None) -> dict[str, Any]:
        """Returns the new supergroup (its ``id`` is the new chat id)."""
        return await self._post("migrate", chat_id=chat_id, by=by)

    # --- acting as a user ---------------------------------------------------------------------

    async def send_text(
        self, user_id: int, chat_id: int | None, text: str, reply_to: int | None = None
    ) -> dict[str, Any]:
        """chat_id None: the user's private chat with the bot. Returns the message view."""
        return await self._post(
            "send", user_id=user_id, chat_id=chat_id, text=text, reply_to_message_id=reply_to
        )

    async def edit_text(
        self, user_id: int, chat_id: int | None, message_id: int, text: str
    ) -> dict[str, Any]:
        return await self._post(
            "edit", user_id=user_id, chat_id=chat_id, message_id=message_id, text=text
        )

    async def send_document(
        self,
        user_id: int,
        chat_id: int | None,
        file_name: str,
        content: bytes,
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> dict[str, Any]:
        return await self._post(
            "document",
            user_id=user_id,
            chat_id=chat_id,
            file_name=file_name,
            content_base64=base64.b64encode(content).decode(),
            caption=caption,
            mime_type=mime_type,
        )

    async def press(
        self,
        user_id: int,
        chat_id: int | None,
        message_id: int,
        callback_data: str | None = None,
        text: str | None = None,
    ) -> dict[str, Any]:
        """Press a button by callback_data (or by its text). Returns ``{"kind": "callback",
        "callback_query_id", "seq"}`` or, for deep links, the ``/start`` message sent."""
        return await self._post(
            "press",
            user_id=user_id,
            chat_id=chat_id,
            message_id=message_id,
            callback_data=callback_data,
            text=text,
        )

    async def open_deep_link(self, user_id: int, url: str) -> dict[str, Any]:
        return await self._post("deeplink", user_id=user_id, url=url)

    async def callback_answer(self, callback_query_id: str, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109 - waits server-side
        """The bot's answerCallbackQuery for that press (``answered`` False on timeout)."""
        return await self._object(
            "GET", "callback_answer", params={"id": callback_query_id, "timeout": timeout}
        )

    # --- reading ------------------------------------------------------------------------------

    async def messages(
        self, chat_id: int, after: int | None = None, include_deleted: bool = False
    ) -> list[dict[str, Any]]:
        return await self._objects(
            "GET",
            "messages",
            params={
                "chat_id": chat_id,
                "after_message_id": after,
                "include_deleted": "1" if include_deleted else None,
            },
        )

    async def wait(
        self,
        chat_id: int | None = None,
        after: int | None = None,
        since_seq: int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - waits server-side
    ) -> dict[str, Any]:
        """Raw ``/control/wait``: ``{"messages", "seq", "timed_out"}``."""
        return await self._object(
            "GET",
            "wait",
            params={
                "chat_id": chat_id,
                "after_message_id": after,
                "since_seq": since_seq,
                "timeout": timeout,
            },
        )

    async def wait_for_bot_messages(
        self,
        chat_id: int | None,
        after: int | None = None,
        since_seq: int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - waits server-side
    ) -> list[dict[str, Any]]:
        result = await self.wait(chat_id, after, since_seq, timeout)
        if result["timed_out"]:
            raise SandboxTimeout(f"no bot message in chat {chat_id} within {timeout}s")
        messages: list[dict[str, Any]] = result["messages"]  # /control/wait: message views
        return messages

    async def wait_for_bot_message(
        self,
        chat_id: int | None,
        after: int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - waits server-side
    ) -> dict[str, Any]:
        """The first bot message in the chat with message_id > `after`.

        Pass the id of the message you just sent as a user (``send_text(...)["message_id"]``):
        without `after` only what the bot posts or changes from now on counts, and a reply that
        came before the wait began is missed."""
        found = await self.wait_for_bot_messages(chat_id, after=after, timeout=timeout)
        return found[0]

    async def wait_for_edit(
        self,
        chat_id: int,
        message_id: int,
        since_seq: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - waits server-side
    ) -> dict[str, Any]:
        """Wait until the bot changes `message_id` after world seq `since_seq`."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            result = await self.wait(chat_id, since_seq=since_seq, timeout=left)
            messages: list[dict[str, Any]] = result["messages"]  # /control/wait: message views
            for msg in messages:
                if msg["message_id"] == message_id:
                    return msg
            since_seq = result["seq"]
        raise SandboxTimeout(f"message {message_id} was not changed within {timeout}s")

    async def calls(
        self, method: str | None = None, since: int = 0, include_polling: bool = False
    ) -> list[dict[str, Any]]:
        """The Bot API call log (getUpdates left out unless asked for)."""
        return await self._objects(
            "GET",
            "calls",
            params={
                "method": method,
                "since": since,
                "include_polling": "1" if include_polling else None,
            },
        )

    async def updates(self) -> list[dict[str, Any]]:
        return await self._objects("GET", "updates")

    async def commands(self) -> dict[str, Any]:
        return await self._object("GET", "commands")

    async def download(self, file_id: str) -> bytes:
        async with self.session.get(f"{self.base_url}/control/files/{file_id}") as resp:
            if resp.status != 200:
                raise SandboxError(f"no file {file_id}")
            return await resp.read()

    # --- faults -------------------------------------------------------------------------------

    async def inject_fault(
        self,
        kind: str,
        method: str | None = None,
        chat_id: int | None = None,
        count: int | None = 1,
        **options: Any,
    ) -> dict[str, Any]:
        """kind: retry_after (retry_after=N) | blocked | kicked | timeout (delay=s, execute=)
        | error (error_code=, description=). count=None: until cleared."""
        payload = {"kind": kind, "method": method, "chat_id": chat_id, "count": count, **options}
        return await self._object("POST", "faults", json=payload)

    async def clear_faults(self) -> None:
        await self.request("DELETE", "faults")

    async def deliver_twice(self, update_id: int) -> dict[str, Any]:
        return await self._post("deliver_twice", update_id=update_id)
