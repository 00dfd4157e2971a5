"""The aiohttp application, ``running_sandbox`` for tests and the CLI, and the standalone main.

Routes: ``/bot<token>/<method>`` (Bot API), ``/file/bot<token>/<file_path>`` (downloads),
``/control/...`` (see `control`), ``/`` and ``/static/...`` (the chat page).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import json
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from liaisonbot.sandbox.base import DEFAULT_BOT_USERNAME, DEFAULT_TOKEN
from liaisonbot.sandbox.botapi import BotApi
from liaisonbot.sandbox.control import RESEED_KEY, WORLD_KEY, control_errors, routes
from liaisonbot.sandbox.spec import FilePart
from liaisonbot.sandbox.world import SandboxWorld

STATIC_DIR = Path(__file__).with_name("static")
MAX_BODY = 60 * 1024 * 1024
API_KEY: web.AppKey[BotApi] = web.AppKey("sandbox_api", BotApi)

# A small scene for trying the page standalone (`--demo`).
DEMO_SEED: dict[str, Any] = {
    "users": [
        {"id": 1001, "first_name": "王经理", "username": "wang_mgr", "started": True},
        {"id": 1002, "first_name": "李联络员", "username": "li_officer", "started": True},
        {"id": 1003, "first_name": "赵处长", "username": "zhao_official"},
    ],
    "groups": [
        {
            "id": -4000000001,
            "title": "汽车产业链联络群",
            "members": [1001, 1002],
            "creator": 1002,
            "bot": "administrator",
        }
    ],
}

Seed = dict[str, Any] | str | Path | Callable[[SandboxWorld], Any] | None
log = logging.getLogger(__name__)


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def read_params(request: web.Request) -> dict[str, Any]:
    """Query string plus JSON, url-encoded or multipart body, as Telegram accepts them."""
    params: dict[str, Any] = dict(request.query)
    if not request.can_read_body:
        return params
    if request.content_type == "application/json":
        try:
            data = await request.json()
        except ValueError:
            raise web.HTTPBadRequest() from None
        if isinstance(data, dict):
            params.update(data)
        return params
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            params[key] = FilePart(value.filename, value.content_type, value.file.read())
        else:
            params[key] = value
    return params


async def bot_api(request: web.Request) -> web.Response:
    api = request.app[API_KEY]
    if request.match_info["token"] != api.world.token:
        return _json({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
    try:
        params = await read_params(request)
    except web.HTTPBadRequest:
        return _json(
            {"ok": False, "error_code": 400, "description": "Bad Request: can't parse JSON"}, 400
        )
    status, body = await api.call(request.match_info["method"], params)
    return _json(body, status)


async def bot_file(request: web.Request) -> web.Response:
    world = request.app[API_KEY].world
    if request.match_info["token"] != world.token:
        return _json({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
    file_id = world.file_paths.get(request.match_info["path"])
    if file_id is None:
        return _json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
    stored = world.files[file_id]
    return web.Response(
        body=stored.data, content_type=stored.mime_type or "application/octet-stream"
    )


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "index.html")


def load_seed(seed: Seed) -> Callable[[SandboxWorld], Awaitable[None]]:
    """Turn a seed (dict, JSON file path, or callable taking the world) into an async hook."""

    async def hook(world: SandboxWorld) -> None:
        if seed is None:
            return
        if callable(seed):
            result = seed(world)
            if inspect.isawaitable(result):
                await result
            return
        data = seed
        if isinstance(seed, (str, Path)):
            data = json.loads(await asyncio.to_thread(Path(seed).read_text, encoding="utf-8"))
        assert isinstance(data, dict)
        world.apply_seed(data)

    return hook


def create_app(world: SandboxWorld | None = None, seed: Seed = None) -> web.Application:
    """The sandbox as an aiohttp app (seeded on startup; ``/control/reset`` re-seeds)."""
    world = world or SandboxWorld()
    app = web.Application(client_max_size=MAX_BODY, middlewares=[control_errors])
    app[WORLD_KEY] = world
    app[API_KEY] = BotApi(world)
    hook = load_seed(seed)

    async def reseed() -> None:
        await hook(world)

    app[RESEED_KEY] = reseed

    async def on_startup(app: web.Application) -> None:
        await reseed()

    async def on_shutdown(app: web.Application) -> None:
        world.closing.set()

    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)
    app.router.add_route("*", "/bot{token}/{method}", bot_api)
    app.router.add_get("/file/bot{token}/{path:.+}", bot_file)
    app.router.add_routes(routes)
    app.router.add_get("/", index)
    app.router.add_static("/static/", STATIC_DIR)
    return app


@dataclass
class Sandbox:
    """A running sandbox server."""

    world: SandboxWorld
    host: str
    port: int

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        """PTB's ``base_url`` (PTB appends the token and the method)."""
        return f"{self.base_url}/bot"

    @property
    def file_base(self) -> str:
        """PTB's ``base_file_url``."""
        return f"{self.base_url}/file/bot"

    @property
    def token(self) -> str:
        return self.world.token

    @property
    def bot_username(self) -> str:
        return self.world.bot.username or ""


@contextlib.asynccontextmanager
async def running_sandbox(
    host: str = "127.0.0.1",
    port: int = 0,
    token: str = DEFAULT_TOKEN,
    bot_username: str = DEFAULT_BOT_USERNAME,
    seed: Seed = None,
    world: SandboxWorld | None = None,
    **world_options: Any,
) -> AsyncIterator[Sandbox]:
    """Run the server on `host`:`port` (0: a free port) for the duration of the block.

    `world_options` go to `SandboxWorld` (privacy, rate_limits, strict_html,
    callback_answer_timeout, bot_name)."""
    world = world or SandboxWorld(token, bot_username, **world_options)
    world.closing.clear()
    app = create_app(world, seed)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        actual_port = runner.addresses[0][1]
        yield Sandbox(world, host, actual_port)
    finally:
        world.closing.set()
        await runner.cleanup()


async def serve(
    host: str = "127.0.0.1",
    port: int = 0,
    token: str = DEFAULT_TOKEN,
    bot_username: str = DEFAULT_BOT_USERNAME,
    seed: Seed = None,
    ready: Callable[[Sandbox], Any] | None = None,
    **world_options: Any,
) -> None:
    """Serve until cancelled; `ready(sandbox)` is called once the port is bound."""
    async with running_sandbox(host, port, token, bot_username, seed, **world_options) as sb:
        if ready is not None:
            result = ready(sb)
            if inspect.isawaitable(result):
                await result
        await asyncio.Event().wait()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m liaisonbot.sandbox",
        description="Local Telegram Bot API sandbox with a control API and a chat page.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8081, help="port, 0 = any free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="bot token to accept")
    parser.add_argument("--bot-username", default=DEFAULT_BOT_USERNAME)
    scene = parser.add_mutually_exclusive_group()
    scene.add_argument("--seed", help="JSON file with users and groups to create")
    scene.add_argument("--demo", action="store_true", help="start with a few demo users")
    parser.add_argument("--no-privacy", action="store_true", help="group privacy mode off")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            "warning: the control API has no authentication; anyone who can reach "
            f"{args.host} can act as any user",
            file=sys.stderr,
        )

    def ready(sb: Sandbox) -> None:
        print(f"LiaisonBot sandbox: {sb.base_url}/  (chat page)", flush=True)
        print(f"  Bot API base_url:      {sb.api_base}", flush=True)
        print(f"  Bot API base_file_url: {sb.file_base}", flush=True)
        print(f"  bot: @{sb.bot_username}", flush=True)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            serve(
                args.host,
                args.port,
                args.token,
                args.bot_username,
                seed=DEMO_SEED if args.demo else args.seed,
                ready=ready,
                privacy=not args.no_privacy,
            )
        )
    return 0
