"""Bot API calls: validation against the spec, faults, and dispatch to the method bodies
(`botapi_updates`, `botapi_profile`, `botapi_messages`, `botapi_files`, `botapi_chats`).

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
import time
from typing import Any

from liaisonbot.sandbox.botapi_base import BotApiBase, Handler
from liaisonbot.sandbox.botapi_chats import METHODS as CHAT_METHODS
from liaisonbot.sandbox.botapi_files import METHODS as FILE_METHODS
from liaisonbot.sandbox.botapi_messages import METHODS as MESSAGE_METHODS
from liaisonbot.sandbox.botapi_profile import METHODS as PROFILE_METHODS
from liaisonbot.sandbox.botapi_updates import METHODS as UPDATE_METHODS
from liaisonbot.sandbox.errors import (
    BLOCKED,
    ApiError,
    bad_request,
    forbidden,
    too_many_requests,
)
from liaisonbot.sandbox.spec import Field, FilePart

# The one registry: every method the sandbox answers, by lower-case name.
HANDLERS: dict[str, Handler] = {
    **UPDATE_METHODS,
    **PROFILE_METHODS,
    **MESSAGE_METHODS,
    **FILE_METHODS,
    **CHAT_METHODS,
}


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


class BotApi(BotApiBase):
    """Answers Bot API calls against a `SandboxWorld` and records them in its call log."""

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
