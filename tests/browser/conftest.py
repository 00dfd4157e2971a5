"""Headless Chromium driven over the Chrome DevTools Protocol with aiohttp (no extra dependency).

`chromium` is started with ``--remote-debugging-port=0``; the port it chose is read from the
``DevToolsActivePort`` file in its profile directory, and the test talks to the page target over
its websocket: ``Runtime.evaluate`` to read the page, ``Input.dispatchMouseEvent`` and
``Input.insertText`` to act as a person would.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

LAUNCH_TIMEOUT = 15.0
CALL_TIMEOUT = 15.0
WAIT = 10.0


class BrowserError(AssertionError):
    pass


class Page:
    """One page target of a running Chromium."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        self.lost_clicks: list[str] = []
        self._tasks: set[asyncio.Future[Any]] = set()
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for frame in self.ws:
            if frame.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(frame.data)
            if "id" in data:
                future = self._pending.pop(data["id"], None)
                if future is not None and not future.done():
                    if "error" in data:
                        future.set_exception(BrowserError(str(data["error"])))
                    else:
                        future.set_result(data.get("result", {}))
            elif data.get("method") == "Page.javascriptDialogOpening":
                # alert() from a show_alert answer would block the page: note it and close it
                self.dialogs.append(data["params"].get("message", ""))
                task = asyncio.ensure_future(self.send("Page.handleJavaScriptDialog", accept=True))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            elif data.get("method") == "Runtime.exceptionThrown":
                self.console_errors.append(json.dumps(data["params"], ensure_ascii=False)[:500])
        for future in self._pending.values():
            if not future.done():
                future.set_exception(BrowserError("the browser closed the connection"))

    async def close(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
        await self.ws.close()

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        call_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[call_id] = future
        await self.ws.send_json({"id": call_id, "method": method, "params": params})
        async with asyncio.timeout(CALL_TIMEOUT):
            return await future

    async def js(self, expression: str) -> Any:
        """Evaluate in the page (promises awaited) and return the value as JSON data."""
        result = await self.send(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def until(self, expression: str, what: str, timeout: float = WAIT) -> Any:  # noqa: ASYNC109
        """Poll a page expression until it is truthy; its value. (A DOM node comes back as
        ``{}``, which is falsy here: test nodes with ``!!``.)"""
        deadline = time.monotonic() + timeout
        while True:
            value = await self.js(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                page_text = await self.js("document.body.innerText")
                raise BrowserError(
                    f"the page did not show {what} within {timeout}s; it reads:\n{page_text}"
                )
            await asyncio.sleep(0.1)

    async def click(self, expression: str, what: str) -> None:
        """Click, with the mouse, the middle of the element `expression` finds (waiting for it)."""
        point = await self.until(
            f"""(() => {{
                const el = {expression};
                if (!el) return null;
                el.scrollIntoView({{block: "center"}});
                const r = el.getBoundingClientRect();
                return r.width && r.height ? {{x: r.x + r.width / 2, y: r.y + r.height / 2}} : null;
            }})()""",
            what,
        )
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            await self.send(
                "Input.dispatchMouseEvent",
                type=kind,
                x=point["x"],
                y=point["y"],
                button="left" if kind != "mouseMoved" else "none",
                clickCount=1,
            )

    async def click_until(
        self,
        expression: str,
        effect: str,
        what: str,
        timeout: float = WAIT,  # noqa: ASYNC109
    ) -> Any:
        """Click until `effect` holds. The page re-renders lists from scratch on every change, so
        a click that lands while a list is being rebuilt is lost, as a person's would be; they
        would click again."""
        deadline = time.monotonic() + timeout
        while True:
            await self.click(expression, what)
            try:
                return await self.until(effect, f"the effect of clicking {what}", timeout=1.0)
            except BrowserError:
                if time.monotonic() > deadline:
                    raise
            self.lost_clicks.append(what)

    async def type_text(self, text: str) -> None:
        await self.send("Input.insertText", text=text)

    async def screenshot(self, path: Path) -> Path:
        shot = await self.send("Page.captureScreenshot", format="png")
        await asyncio.to_thread(path.write_bytes, base64.b64decode(shot["data"]))
        return path


async def _devtools_port(profile: Path, process: asyncio.subprocess.Process) -> int:
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + LAUNCH_TIMEOUT
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise BrowserError(f"chromium exited with code {process.returncode}")
        if marker.exists():
            first = marker.read_text().splitlines()[:1]
            if first and first[0].isdigit():
                return int(first[0])
        await asyncio.sleep(0.05)
    raise BrowserError(f"chromium wrote no DevToolsActivePort within {LAUNCH_TIMEOUT}s")


@contextlib.asynccontextmanager
async def chromium_page(url: str, profile: Path, log_path: Path) -> AsyncIterator[Page]:
    """Headless Chromium showing `url`; the page target's CDP session."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("chromium is not installed (apt-get install chromium); browser test skipped")
    await asyncio.to_thread(profile.mkdir, parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--lang=zh-CN",
            "--window-size=1280,860",
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            url,
            stdout=log,
            stderr=log,
        )
    try:
        port = await _devtools_port(profile, process)
        async with aiohttp.ClientSession() as session:
            page_ws = None
            deadline = time.monotonic() + LAUNCH_TIMEOUT
            while page_ws is None:
                async with session.get(f"http://127.0.0.1:{port}/json/list") as resp:
                    targets = await resp.json(content_type=None)
                page_ws = next(
                    (t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page"), None
                )
                if page_ws is None:
                    if time.monotonic() > deadline:
                        raise BrowserError(f"no page target: {targets}")
                    await asyncio.sleep(0.05)
            ws = await session.ws_connect(page_ws, max_msg_size=0)
            page = Page(ws)
            try:
                await page.send("Page.enable")
                await page.send("Runtime.enable")
                await page.send(
                    "Emulation.setDeviceMetricsOverride",
                    width=1280,
                    height=860,
                    deviceScaleFactor=1,
                    mobile=False,
                )
                yield page
            finally:
                await page.close()
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                async with asyncio.timeout(5):
                    await process.wait()
            except TimeoutError:
                process.kill()
                await process.wait()
