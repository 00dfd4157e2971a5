"""A local Telegram Bot API server for development and tests (no network, no account).

The bot under test talks to it through PTB's ``base_url`` / ``base_file_url``; people and tests
drive the other side through the JSON control API (`control`), the chat page at ``/`` or
`SandboxClient`. It never imports ``telegram`` or ``handlers``.

    async with running_sandbox(seed={...}) as sb:
        bot = telegram.Bot(sb.token, base_url=sb.api_base, base_file_url=sb.file_base)
        async with SandboxClient(sb.base_url) as client:
            ...

Standalone: ``python -m liaisonbot.sandbox --port 8081 --seed scene.json``.

Seed (a dict, a JSON file with the same content, or a callable receiving the `SandboxWorld`)::

    {
      "privacy": true,
      "rate_limits": {"global_per_second": 30, "group_per_minute": 20, "chat_per_second": null},
      "users": [{"id": 1001, "first_name": "张三", "username": "zhangsan",
                 "language_code": "zh-hans", "started": true}],
      "groups": [{"id": -4001, "title": "汽车产业链联络群", "type": "group",
                  "members": [1001, {"id": 1002, "status": "administrator"}],
                  "creator": 1001, "bot": "member"}]
    }

``started`` means the user has already opened the private chat with the bot, so the bot may
write first (otherwise Telegram answers 403 "bot can't initiate conversation with a user").
Seeded groups exist quietly: creating them emits no updates.
"""

from liaisonbot.sandbox.base import DEFAULT_BOT_USERNAME, DEFAULT_TOKEN, ControlError
from liaisonbot.sandbox.client import SandboxClient, SandboxError, SandboxTimeout
from liaisonbot.sandbox.errors import ApiError
from liaisonbot.sandbox.limits import Fault, RateLimits
from liaisonbot.sandbox.server import Sandbox, create_app, main, running_sandbox, serve
from liaisonbot.sandbox.world import SandboxWorld

__all__ = [
    "DEFAULT_BOT_USERNAME",
    "DEFAULT_TOKEN",
    "ApiError",
    "ControlError",
    "Fault",
    "RateLimits",
    "Sandbox",
    "SandboxClient",
    "SandboxError",
    "SandboxTimeout",
    "SandboxWorld",
    "create_app",
    "main",
    "running_sandbox",
    "serve",
]
