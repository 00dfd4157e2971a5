"""The Bot API reference as data: method lookup, parameter coercion and response shape checks.

`bot-api-10.1.json` (beside this module, MIT, see `LICENSE-bot-api-spec`) is Telegram's Bot API
documentation scraped into JSON. The sandbox checks every incoming method and parameter name
against it, coerces form values to the documented types, and the tests use `check_shape` to make
sure every answer has Telegram's shape.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from liaisonbot.sandbox.errors import ApiError, bad_request

SPEC_PATH = Path(__file__).with_name("bot-api-10.1.json")

# Telegram's own wording for a few missing parameters; others get an explicit generic message.
MISSING_WORDING = {
    "chat_id": "chat_id is empty",
    "text": "message text is empty",
    "message_id": "message identifier is not specified",
    "user_id": "invalid user_id specified",
    "document": "there is no document in the request",
    "photo": "there is no photo in the request",
    "callback_query_id": "query is too old and response timeout expired or query ID is invalid",
    "file_id": "invalid file_id",
    "action": "wrong parameter action in request",
}


@dataclass(frozen=True)
class Field:
    name: str
    types: tuple[str, ...]
    required: bool

    @property
    def is_file(self) -> bool:
        return "InputFile" in self.types


@dataclass(frozen=True)
class Method:
    name: str
    fields: dict[str, Field]


class BotApiSpec:
    """Index over the spec JSON. Method names are case-insensitive, as in Telegram."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.version: str = data.get("version", "")
        self.types: dict[str, Any] = data["types"]
        self.methods: dict[str, Method] = {}
        for name, body in data["methods"].items():
            fields = {
                f["name"]: Field(f["name"], tuple(f["types"]), bool(f["required"]))
                for f in body.get("fields", [])
            }
            self.methods[name.lower()] = Method(name, fields)

    def method(self, name: str) -> Method | None:
        return self.methods.get(name.lower())

    # --- parameters -------------------------------------------------------------------------

    def coerce_params(
        self, method: Method, raw: dict[str, Any], unknown: list[str] | None = None
    ) -> dict[str, Any]:
        """Check names against the spec, convert values to their documented types.

        Form values arrive as strings (nested objects JSON-encoded, as PTB sends them); JSON
        bodies may carry either typed values or JSON-encoded strings. File parts are passed
        through unchanged and resolved by the method handler. A parameter the spec does not
        know is refused, or, given an `unknown` list, dropped and named there (as Telegram
        ignores it).
        """
        out: dict[str, Any] = {}
        for name, value in raw.items():
            field = method.fields.get(name)
            if field is None:
                if unknown is None:
                    raise bad_request(f'unknown parameter "{name}" for method {method.name}')
                unknown.append(f'parameter "{name}"')
                continue
            out[name] = coerce_value(field, value)
        for field in method.fields.values():
            if field.required and (name := field.name) not in out:
                raise bad_request(MISSING_WORDING.get(name, f'parameter "{name}" is required'))
        return out

    # --- response shapes --------------------------------------------------------------------

    def check_shape(self, type_name: str, value: Any, path: str = "") -> list[str]:
        """Problems of `value` as an instance of spec type `type_name` (empty list: fine)."""
        return _check(self, type_name, value, path or type_name)


@cache
def load_spec(path: str | None = None) -> BotApiSpec:
    with open(path or SPEC_PATH, encoding="utf-8") as fh:
        return BotApiSpec(json.load(fh))


def _bad_type(field: Field) -> ApiError:
    kinds = " or ".join(field.types)
    return bad_request(f'parameter "{field.name}" must be of type {kinds}')


def coerce_value(field: Field, value: Any) -> Any:
    types = field.types
    if isinstance(value, FilePart):
        if not field.is_file:
            raise bad_request(f'parameter "{field.name}" can not be a file upload')
        return value
    if field.is_file:
        if not isinstance(value, str):
            raise _bad_type(field)
        return value
    if any(t not in _SCALAR_NAMES for t in types):
        if not isinstance(value, str):
            return value
        if "String" in types and not value.lstrip().startswith(("[", "{")):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {field.name} JSON object") from None
    if "Integer" in types:
        if isinstance(value, bool):
            raise _bad_type(field)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                if "String" in types:
                    return value
        raise _bad_type(field)
    if "Float" in types:
        try:
            return float(value)
        except (TypeError, ValueError):
            raise _bad_type(field) from None
    if "Boolean" in types or "True" in types:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "1", "false", "0"):
            return value.lower() in ("true", "1")
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise _bad_type(field)
    if "String" in types:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str):
            return value
        raise _bad_type(field)
    return value


@dataclass(frozen=True)
class FilePart:
    """An uploaded multipart file."""

    filename: str
    content_type: str | None
    data: bytes


_SCALAR_NAMES = frozenset({"Integer", "Float", "String", "Boolean", "True"})

_SCALARS = {
    "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "Float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "String": lambda v: isinstance(v, str),
    "Boolean": lambda v: isinstance(v, bool),
    "True": lambda v: v is True,
}


def _check(spec: BotApiSpec, type_name: str, value: Any, path: str) -> list[str]:
    if type_name.startswith("Array of "):
        if not isinstance(value, list):
            return [f"{path}: expected {type_name}"]
        inner = type_name.removeprefix("Array of ")
        problems: list[str] = []
        for i, item in enumerate(value):
            problems += _check(spec, inner, item, f"{path}[{i}]")
        return problems
    if type_name in _SCALARS:
        return (
            [] if _SCALARS[type_name](value) else [f"{path}: expected {type_name}, got {value!r}"]
        )
    if type_name == "InputFile":
        return []
    body = spec.types.get(type_name)
    if body is None:
        return [f"{path}: unknown type {type_name}"]
    if body.get("subtypes"):
        best: list[str] | None = None
        for sub in body["subtypes"]:
            problems = _check(spec, sub, value, path)
            if not problems:
                return []
            if best is None or len(problems) < len(best):
                best = problems
        return best or [f"{path}: matches no subtype of {type_name}"]
    if not isinstance(value, dict):
        return [f"{path}: expected object {type_name}"]
    fields = {f["name"]: f for f in body.get("fields", [])}
    problems = []
    for name, item in value.items():
        f = fields.get(name)
        if f is None:
            problems.append(f"{path}.{name}: not a field of {type_name}")
            continue
        alternatives = [_check(spec, t, item, f"{path}.{name}") for t in f["types"]]
        if all(alternatives):
            shortest = min(alternatives, key=len)
            problems += shortest
    for name, f in fields.items():
        if f["required"] and name not in value:
            problems.append(f"{path}.{name}: required field missing")
    return problems
