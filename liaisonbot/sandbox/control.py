"""The control API: build the world, act as users, read what chats show, inject faults.

All endpoints live under ``/control`` and speak JSON. Answers are ``{"ok": true, "result": ...}``
or ``{"ok": false, "error": "..."}`` (HTTP 400/404). Ids are numbers; `chat_id` may be left out
(or be the user's own id) to mean the user's private chat with the bot. Every answer that changes
the world carries the world's ``seq``, so that a later ``/control/wait`` can ask for changes
after it.

World
  GET    /control/state                      bot, privacy, limits, users, chats, pending updates
  POST   /control/reset      {seed?: true}   forget everything; re-apply the start seed unless
                                             ``seed`` is false
  POST   /control/config     {privacy?, strict?, strict_html?, callback_answer_timeout?,
                              rate_limits?: {global_per_second, group_per_minute, chat_per_second}}
  POST   /control/users      {first_name, id?, username?, last_name?, language_code?, is_bot?,
                              started?, label?}   (label: shown in the page's user picker)
  GET    /control/users
  POST   /control/groups     {title, id?, type?: group|supergroup, members?: [id], admins?: [id],
                              creator?: id, bot?: member|administrator|left|kicked, username?}
                             (created quietly, as an existing scene: no updates)
  GET    /control/chats      ?user_id=  (only chats that user is in)
  POST   /control/members    {chat_id, user_id, status?: member|administrator|left|kicked, by?}
                             join/leave/promote: service message + chat_member (if bot is admin)
  POST   /control/bot        {chat_id, status: member|administrator|left|kicked, by}
                             add / promote / remove the bot: my_chat_member (+ service message)
  POST   /control/block      {user_id, blocked?: true}     block or unblock the bot (my_chat_member)
  POST   /control/migrate    {chat_id, by?}  basic group -> supergroup (new id, service messages)

Acting as a user
  POST   /control/send       {user_id, chat_id?, text, reply_to_message_id?}
                             a text starting with "/" gets a bot_command entity
  POST   /control/edit       {user_id, chat_id?, message_id, text}   -> edited_message
  POST   /control/document   multipart (user_id, chat_id?, caption?, file) or JSON
                             {user_id, chat_id?, file_name, content_base64, mime_type?, caption?}
  POST   /control/press      {user_id, chat_id?, message_id, callback_data? | text?}
                             callback button -> callback_query (answer: callback_query_id);
                             t.me/<bot>?start=X url button -> "/start X" in the private chat
  POST   /control/deeplink   {user_id, url}  open t.me/<bot>?start=X as that user
  GET    /control/callback_answer  ?id=&timeout=   the bot's answerCallbackQuery (long-poll)

Reading
  GET    /control/messages   ?chat_id=&after_message_id=&include_deleted=   what the chat shows:
                             text, html (rendered entities), source (as the bot sent it),
                             keyboard, document/photo with download_url, service text
  GET    /control/wait       ?chat_id=&after_message_id=&since_seq=&timeout=
                             returns once the bot posts a message with id > after_message_id,
                             or changes (edits/deletes) one after since_seq (default: after the
                             chat's last message); {messages, seq, timed_out}
  GET    /control/calls      ?method=&since=&include_polling=   the Bot API call log
  GET    /control/updates    every update produced (with whether allowed_updates let it queue)
  GET    /control/commands   what the bot set with setMyCommands, by scope
  GET    /control/poll       ?since=&timeout=   long-poll until seq > since (for the page)
  GET    /control/files/{file_id}               download a stored file

Faults and redelivery
  POST   /control/faults     {kind: retry_after|blocked|kicked|timeout|error, method?, chat_id?,
                              count?: 1 (null = until cleared), retry_after?, delay?, execute?,
                              error_code?, description?}
  GET    /control/faults
  DELETE /control/faults     ?id=   (all without id)
  POST   /control/deliver_twice {update_id}   hand out that update again, same update_id
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, unquote

from aiohttp import web

from liaisonbot.sandbox.base import ControlError
from liaisonbot.sandbox.limits import Fault, RateLimits
from liaisonbot.sandbox.models import PRESENT
from liaisonbot.sandbox.world import SandboxWorld

WORLD_KEY: web.AppKey[SandboxWorld] = web.AppKey("sandbox_world", SandboxWorld)
RESEED_KEY: web.AppKey[Callable[[], Awaitable[None]]] = web.AppKey("sandbox_reseed")

routes = web.RouteTableDef()
Json = dict[str, Any]


def ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result}, dumps=_dumps)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


@web.middleware
async def control_errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    if not request.path.startswith("/control/"):
        return await handler(request)
    try:
        return await handler(request)
    except (ControlError, KeyError, TypeError, ValueError) as err:
        what = f"missing field {err}" if isinstance(err, KeyError) else str(err)
        return web.json_response({"ok": False, "error": what}, status=400, dumps=_dumps)


def world_of(request: web.Request) -> SandboxWorld:
    return request.app[WORLD_KEY]


async def body(request: web.Request) -> Json:
    if not request.can_read_body:
        return {}
    try:
        data = await request.json()
    except json.JSONDecodeError:
        raise ControlError("the body must be JSON") from None
    if not isinstance(data, dict):
        raise ControlError("the body must be a JSON object")
    return data


def _int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def _flag(value: Any, default: bool = False) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("1", "true", "yes")


# --- world ----------------------------------------------------------------------------------------


@routes.get("/control/state")
async def state(request: web.Request) -> web.Response:
    w = world_of(request)
    return ok(
        {
            "bot": w.bot.api(),
            "privacy": w.privacy,
            "strict": w.strict,
            "time_zone": w.time_zone,
            "strict_html": w.strict_html,
            "callback_answer_timeout": w.callback_answer_timeout,
            "rate_limits": w.limiter.limits.as_dict(),
            "seq": w.seq,
            "users": [{**u.api(), "label": u.label} for u in w.users.values()],
            "chats": [w.chat_view(c) for c in w.chats.values()],
            "pending_updates": len(w.queue),
            "allowed_updates": w.allowed_updates,
        }
    )


@routes.post("/control/reset")
async def reset(request: web.Request) -> web.Response:
    data = await body(request)
    w = world_of(request)
    w.reset()
    if data.get("seed", True):
        await request.app[RESEED_KEY]()
    return ok({"seq": w.seq})


@routes.post("/control/config")
async def config(request: web.Request) -> web.Response:
    data = await body(request)
    w = world_of(request)
    if "privacy" in data:
        w.privacy = bool(data["privacy"])
    if "strict" in data:
        w.strict = bool(data["strict"])
    if "strict_html" in data:
        w.strict_html = bool(data["strict_html"])
    if "callback_answer_timeout" in data:
        w.callback_answer_timeout = data["callback_answer_timeout"]
    if "rate_limits" in data:
        current = w.limiter.limits.as_dict()
        w.limiter.limits = RateLimits(**{**current, **data["rate_limits"]})
    w.touch()
    return ok({"privacy": w.privacy, "rate_limits": w.limiter.limits.as_dict(), "seq": w.seq})


@routes.post("/control/users")
async def add_user(request: web.Request) -> web.Response:
    data = await body(request)
    user = world_of(request).add_user(data.pop("first_name"), **data)
    return ok(user.api())


@routes.get("/control/users")
async def list_users(request: web.Request) -> web.Response:
    return ok([u.api() for u in world_of(request).users.values()])


@routes.post("/control/groups")
async def add_group(request: web.Request) -> web.Response:
    data = await body(request)
    w = world_of(request)
    chat = w.add_group(data.pop("title"), **data)
    return ok(w.chat_view(chat))


@routes.get("/control/chats")
async def list_chats(request: web.Request) -> web.Response:
    w = world_of(request)
    uid = _int(request.query.get("user_id"))
    chats = [
        w.chat_view(c)
        for c in w.chats.values()
        if uid is None
        or (c.type == "private" and c.user_id == uid)
        or (c.is_group and c.members.get(uid) in PRESENT)
    ]
    return ok(chats)


@routes.post("/control/members")
async def set_member(request: web.Request) -> web.Response:
    data = await body(request)
    w = world_of(request)
    w.set_member(
        int(data["chat_id"]),
        int(data["user_id"]),
        data.get("status", "member"),
        _int(data.get("by")),
    )
    return ok({"seq": w.seq})


@routes.post("/control/bot")
async def set_bot(request: web.Request) -> web.Response:
    data = await body(request)
    w = world_of(request)
    chat = w.set_bot_status(int(data["chat_id"]), data["status"], int(data["by"]))
    return ok({**w.chat_view(chat), "seq": w.seq})


@routes.post("/control/block")
async def block(request: web.Request) -> web.Response:
    data = await body(request)
    w = world_of(request)
    chat = w.set_blocked(int(data["user_id"]), _flag(data.get("blocked"), True))
    return ok({**w.chat_view(chat), "seq": w.seq})


@routes.post("/control/migrate")
async def migrate(request: web.Request) -> web.Response:
    data = await body(request)
    w = world_of(request)
    new = w.migrate(int(data["chat_id"]), _int(data.get("by")))
    return ok({**w.chat_view(new), "seq": w.seq})


# --- acting as a user -----------------------------------------------------------------------------


def _sent(w: SandboxWorld, msg: Any) -> web.Response:
    return ok({**w.message_view(msg), "seq": w.seq})


@routes.post("/control/send")
async def send(request: web.Request) -> web.Response:
    data = await body(request)
    w = world_of(request)
    msg = w.user_send(
        int(data["user_id"]),
        _int(data.get("chat_id")),
        data["text"],
        reply_to=_int(data.get("reply_to_message_id")),
    )
    return _sent(w, msg)


@routes.post("/control/edit")
async def edit(request: web.Request) -> web.Response:
    data = await body(request)
    w = world_of(request)
    msg = w.user_edit(
        int(data["user_id"]), _int(data.get("chat_id")), int(data["message_id"]), data["text"]
    )
    return _sent(w, msg)


@routes.post("/control/document")
async def document(request: web.Request) -> web.Response:
    w = world_of(request)
    mime: str | None
    if request.content_type == "multipart/form-data":
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            raise ControlError("multipart field 'file' is missing")
        data: Json = {k: v for k, v in form.items() if isinstance(v, str)}
        content = upload.file.read()
        # aiohttp clients percent-encode non-ASCII file names; browsers send them raw
        name, mime = unquote(upload.filename), upload.content_type
    else:
        data = await body(request)
        try:
            content = base64.b64decode(data["content_base64"], validate=True)
        except binascii.Error:
            raise ControlError("content_base64 is not base64") from None
        name, mime = data["file_name"], data.get("mime_type")
    if not content:
        raise ControlError("the file is empty")
    kind = "photo" if data.get("as_photo") in (True, "1", "true") else "document"
    stored = w.store_file(content, kind, name, mime)
    msg = w.user_send(
        int(data["user_id"]),
        _int(data.get("chat_id")),
        data.get("caption") or None,
        file=stored,
        reply_to=_int(data.get("reply_to_message_id")),
    )
    return _sent(w, msg)


@routes.post("/control/press")
async def press(request: web.Request) -> web.Response:
    data = await body(request)
    w = world_of(request)
    result = w.press(
        int(data["user_id"]),
        _int(data.get("chat_id")),
        int(data["message_id"]),
        data.get("callback_data"),
        data.get("text"),
    )
    return ok(result)


@routes.post("/control/deeplink")
async def deeplink(request: web.Request) -> web.Response:
    data = await body(request)
    w = world_of(request)
    return _sent(w, w.open_deep_link(int(data["user_id"]), data["url"]))


@routes.get("/control/callback_answer")
async def callback_answer(request: web.Request) -> web.Response:
    w = world_of(request)
    query = w.callbacks.get(request.query["id"])
    if query is None:
        raise ControlError("no such callback query")
    await w.wait_for(lambda: query.answered, float(request.query.get("timeout", 0)))
    return ok({"answered": query.answered, "answer": query.answer, "data": query.data})


# --- reading --------------------------------------------------------------------------------------


@routes.get("/control/messages")
async def messages(request: web.Request) -> web.Response:
    w = world_of(request)
    chat = w.chat(int(request.query["chat_id"]))
    after = _int(request.query.get("after_message_id")) or 0
    deleted = _flag(request.query.get("include_deleted"))
    return ok(
        [
            w.message_view(m)
            for m in chat.messages.values()
            if m.message_id > after and (deleted or not m.deleted)
        ]
    )


@routes.get("/control/wait")
async def wait(request: web.Request) -> web.Response:
    w = world_of(request)
    q = request.query
    chat_id = _int(q.get("chat_id"))
    chats = [w.chat(chat_id)] if chat_id is not None else None
    after = _int(q.get("after_message_id"))
    since = _int(q.get("since_seq"))
    if after is None and since is None:
        since = w.seq
    timeout = min(float(q.get("timeout", 10)), 300)

    def found() -> list[Any]:
        out = []
        for chat in chats if chats is not None else list(w.chats.values()):
            for m in chat.messages.values():
                if m.from_id != w.bot.id:
                    continue
                if (after is not None and m.message_id > after and not m.deleted) or (
                    since is not None and m.seq > since
                ):
                    out.append(m)
        return out

    result = await w.wait_for(found, timeout)
    return ok(
        {
            "messages": [w.message_view(m) for m in result],
            "seq": w.seq,
            "timed_out": not result,
        }
    )


@routes.get("/control/calls")
async def calls(request: web.Request) -> web.Response:
    w = world_of(request)
    name = (request.query.get("method") or "").lower()
    since = _int(request.query.get("since")) or 0
    polling = _flag(request.query.get("include_polling"))
    out = [
        c
        for c in w.calls
        if c["seq"] > since
        and (not name or c["method"].lower() == name)
        and (polling or name == "getupdates" or c["method"] != "getUpdates")
    ]
    return ok(out)


@routes.get("/control/updates")
async def updates(request: web.Request) -> web.Response:
    w = world_of(request)
    return ok(
        [
            {
                "update_id": e["update_id"],
                "type": e["type"],
                "queued": e["queued"],
                "update": e["update"].api(),
            }
            for e in w.update_log
        ]
    )


@routes.get("/control/commands")
async def commands(request: web.Request) -> web.Response:
    return ok(world_of(request).commands)


@routes.get("/control/poll")
async def poll(request: web.Request) -> web.Response:
    w = world_of(request)
    since = _int(request.query.get("since")) or 0
    timeout = min(float(request.query.get("timeout", 25)), 60)
    await w.wait_for(lambda: w.seq > since, timeout)
    return ok({"seq": w.seq})


@routes.get("/control/files/{file_id}")
async def download(request: web.Request) -> web.Response:
    stored = world_of(request).files.get(request.match_info["file_id"])
    if stored is None:
        raise web.HTTPNotFound()
    name = stored.file_name or stored.file_path or "file"
    return web.Response(
        body=stored.data,
        content_type=stored.mime_type or "application/octet-stream",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{_quote(name)}"},
    )


def _quote(name: str) -> str:
    return quote(name.rsplit("/", 1)[-1], safe="")


# --- faults and redelivery ------------------------------------------------------------------


@routes.post("/control/faults")
async def add_fault(request: web.Request) -> web.Response:
    data = await body(request)
    data.pop("id", None)
    data.pop("hits", None)
    if "chat_id" in data:
        data["chat_id"] = _int(data["chat_id"])
    fault = world_of(request).faults.add(Fault(**data))
    return ok(fault.as_dict())


@routes.get("/control/faults")
async def list_faults(request: web.Request) -> web.Response:
    return ok([f.as_dict() for f in world_of(request).faults.rules])


@routes.delete("/control/faults")
async def clear_faults(request: web.Request) -> web.Response:
    world_of(request).faults.clear(_int(request.query.get("id")))
    return ok(True)


@routes.post("/control/deliver_twice")
async def deliver_twice(request: web.Request) -> web.Response:
    data = await body(request)
    w = world_of(request)
    update = w.deliver_twice(int(data["update_id"]))
    return ok({"update_id": update.update_id, "type": update.kind, "seq": w.seq})
