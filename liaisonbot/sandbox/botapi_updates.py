"""Bot API methods for the bot itself and its updates: getMe, getUpdates, webhooks, close."""

from __future__ import annotations

import time
from typing import Any

from liaisonbot.sandbox.botapi_base import BotApiBase, Methods
from liaisonbot.sandbox.errors import (
    ApiError,
    bad_request,
)

METHODS = Methods()
method = METHODS.register


@method("getMe")
async def get_me(api: BotApiBase, p: dict[str, Any]) -> Any:
    return {
        **api.world.bot.api(),
        "can_join_groups": True,
        "can_read_all_group_messages": not api.world.privacy,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("getUpdates")
async def get_updates(api: BotApiBase, p: dict[str, Any]) -> Any:
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
async def delete_webhook(api: BotApiBase, p: dict[str, Any]) -> Any:
    api.world.webhook_url = ""
    if p.get("drop_pending_updates"):
        api.world.queue.clear()
        api.world.redeliver.clear()
    return True


@method("setWebhook")
async def set_webhook(api: BotApiBase, p: dict[str, Any]) -> Any:
    if p["url"] == "":
        return await delete_webhook(api, p)
    raise bad_request("bad webhook: the sandbox delivers updates through getUpdates only")


@method("getWebhookInfo")
async def get_webhook_info(api: BotApiBase, p: dict[str, Any]) -> Any:
    return {
        "url": api.world.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(api.world.queue),
    }


@method("close")
async def close(api: BotApiBase, p: dict[str, Any]) -> Any:
    return True


@method("logOut")
async def log_out(api: BotApiBase, p: dict[str, Any]) -> Any:
    return True
