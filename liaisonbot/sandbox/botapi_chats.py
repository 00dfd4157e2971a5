"""Bot API methods about chats and their members."""

from __future__ import annotations

from typing import Any

from liaisonbot.sandbox.botapi_base import BotApiBase, Methods
from liaisonbot.sandbox.errors import (
    bad_request,
)
from liaisonbot.sandbox.models import PRESENT, member_api

METHODS = Methods()
method = METHODS.register


@method("getChat")
async def get_chat(api: BotApiBase, p: dict[str, Any]) -> Any:
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


def _user(api: BotApiBase, user_id: int) -> Any:
    if user_id == api.world.bot.id:
        return api.world.bot
    user = api.world.users.get(user_id)
    if user is None:
        raise bad_request("user not found")
    return user


@method("getChatMember")
async def get_chat_member(api: BotApiBase, p: dict[str, Any]) -> Any:
    chat = api.world.require_access(p["chat_id"], write=False)
    user = _user(api, p["user_id"])
    if chat.type == "private":
        status = "member" if user.id in (chat.user_id, api.world.bot.id) else "left"
    else:
        status = api.world.member_status(chat, user.id)
    return member_api(user, status)


@method("getChatAdministrators")
async def get_chat_administrators(api: BotApiBase, p: dict[str, Any]) -> Any:
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
async def get_chat_member_count(api: BotApiBase, p: dict[str, Any]) -> Any:
    chat = api.world.require_access(p["chat_id"], write=False)
    if chat.type == "private":
        return 2
    return sum(s in PRESENT for s in chat.members.values()) + int(chat.bot_present)


@method("leaveChat")
async def leave_chat(api: BotApiBase, p: dict[str, Any]) -> Any:
    chat = api.world.require_access(p["chat_id"], write=False)
    if chat.type == "private":
        raise bad_request("chat member status can't be changed in private chats")
    api.world.set_bot_status(chat.id, "left", by=api.world.bot.id)
    return True
