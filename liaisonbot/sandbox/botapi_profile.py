"""Bot API methods for the bot's commands and profile texts (description, name, menu button)."""

from __future__ import annotations

import json
import re
from typing import Any

from liaisonbot.sandbox.botapi_base import BotApiBase, Methods
from liaisonbot.sandbox.errors import (
    bad_request,
)

METHODS = Methods()
method = METHODS.register

COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


def _scope_key(api: BotApiBase, p: dict[str, Any]) -> str:
    scope = dict(p.get("scope") or {"type": "default"})
    if "chat_id" in scope:
        scope["chat_id"] = api.world.resolve_chat(scope["chat_id"]).id
    return json.dumps(scope, sort_keys=True) + "|" + str(p.get("language_code", ""))


@method("setMyCommands")
async def set_my_commands(api: BotApiBase, p: dict[str, Any]) -> Any:
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
async def get_my_commands(api: BotApiBase, p: dict[str, Any]) -> Any:
    return api.world.commands.get(_scope_key(api, p), [])


@method("deleteMyCommands")
async def delete_my_commands(api: BotApiBase, p: dict[str, Any]) -> Any:
    api.world.commands.pop(_scope_key(api, p), None)
    return True


def _register_profile_text(field: str, limit: int, suffix: str) -> None:
    """setMy<Suffix> / getMy<Suffix> for the bot's description, short description and name."""

    async def setter(api: BotApiBase, p: dict[str, Any]) -> Any:
        value = p.get(field, "")
        if len(value) > limit:
            raise bad_request(f"{field} is too long")
        api.world.bot_texts[f"{field}|{p.get('language_code', '')}"] = value
        return True

    async def getter(api: BotApiBase, p: dict[str, Any]) -> Any:
        key = f"{field}|{p.get('language_code', '')}"
        default = api.world.bot.first_name if field == "name" else ""
        return {field: api.world.bot_texts.get(key, default)}

    method(f"setMy{suffix}")(setter)
    method(f"getMy{suffix}")(getter)


_register_profile_text("description", 512, "Description")
_register_profile_text("short_description", 120, "ShortDescription")
_register_profile_text("name", 64, "Name")


@method("setChatMenuButton")
async def set_chat_menu_button(api: BotApiBase, p: dict[str, Any]) -> Any:
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(api: BotApiBase, p: dict[str, Any]) -> Any:
    return {"type": "commands"}
