"""The sandbox's chat page in headless Chromium, with the real bot behind it: a contact files a
report by typing the one-liner, the liaison officer accepts it on the card in the group."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from liaisonbot.sandbox.scene import CONTACT, LIAISON_GROUP, OFFICER
from tests.browser.conftest import Page, chromium_page
from tests.e2e.conftest import E2E, running_e2e

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

GROUP_TITLE = "福州汽车产业链联络群"

# Finders the test uses from the page (kept in the page between renders).
HELPERS = r"""
window.__t = {
  option(name) {
    return [...document.querySelectorAll("#as-user option")]
      .find((o) => o.textContent.startsWith(name)) || null;
  },
  chat(title) {
    return [...document.querySelectorAll("#chat-list li")]
      .find((li) => li.querySelector(".title").textContent.includes(title)) || null;
  },
  card(number) {
    return [...document.querySelectorAll("#messages .msg.bot")]
      .find((m) => m.querySelector(".body").textContent.includes(`问题 ${number}｜`)) || null;
  },
  button(root, label) {
    return root ? [...root.querySelectorAll(".keyboard button")]
      .find((b) => b.textContent === label) || null : null;
  },
  messages() { return document.getElementById("messages").innerText; },
};
true
"""


async def act_as(page: Page, name: str) -> None:
    """Pick a person in the page's picker (a native <select>: set and announce the change)."""
    value = await page.until(
        f"(window.__t.option({name!r}) || {{}}).value", f"{name} in the person picker"
    )
    await page.js(
        f"""(() => {{
            const select = document.getElementById("as-user");
            select.value = {value!r};
            select.dispatchEvent(new Event("change"));
            return true;
        }})()"""
    )


async def open_chat(page: Page, title: str, header: str | None = None) -> None:
    """Click the chat in the list; wait for its header (`header`, or the title)."""
    header = header or title
    await page.click_until(
        f"window.__t.chat({title!r})",
        f"document.getElementById('chat-title').textContent.includes({header!r})",
        f"the chat {title} in the list",
    )


async def test_contact_reports_and_officer_accepts_in_the_page(tmp_path: Path) -> None:
    if shutil.which("chromium") is None:
        pytest.skip("chromium is not installed (apt-get install chromium); browser test skipped")
    async with running_e2e(tmp_path) as harness:
        url = f"{harness.sandbox.base_url}/"
        async with chromium_page(url, tmp_path / "chromium", tmp_path / "chromium.log") as page:
            await page.until(
                f"location.href === {url!r} && document.readyState === 'complete'",
                "the sandbox page loaded",
            )
            await page.js(HELPERS)
            await story(page, harness, tmp_path)
            await on_a_phone(page)


async def story(page: Page, e2e: E2E, tmp_path: Path) -> None:
    bot = f"@{e2e.sandbox.bot_username}"
    await page.until("document.getElementById('bot-name').textContent", "the bot's name")
    assert await page.js("document.getElementById('bot-name').textContent") == bot
    assert await page.js("document.querySelectorAll('#as-user option').length") >= 6

    # 王经理 writes the one-liner in the private chat
    await act_as(page, CONTACT.first_name)
    await open_chat(page, bot, "与机器人私聊")  # not started yet: the page says so
    await page.click("document.getElementById('text')", "the message box")
    await page.type_text("/report LOG 紧急 原材料运不进厂")
    await page.click("document.querySelector('#composer button[type=submit]')", "发送")
    ack = await page.until(
        "window.__t.messages().match(/问题已登记，编号 (\\d+)/)?.[1]", "the acknowledgement"
    )
    number = int(ack)
    assert await page.js("document.getElementById('text').value") == ""

    # the card reaches the liaison group
    await open_chat(page, GROUP_TITLE)
    await page.until(
        f"!!window.__t.button(window.__t.card({number}), '✅ 受理')", "the card with 受理"
    )
    assert "已登记" in await page.js(f"window.__t.card({number}).innerText")

    # 李联络员 accepts it on the card, confirming urgency and scope on the panel
    await act_as(page, OFFICER.first_name)
    await open_chat(page, GROUP_TITLE)
    await page.click(f"window.__t.button(window.__t.card({number}), '✅ 受理')", "受理")
    await page.click(
        f"window.__t.button(window.__t.card({number}), '✅ 确认受理')", "确认受理 on the panel"
    )
    card_text = await page.until(
        f"(() => {{ const c = window.__t.card({number});"
        " return c && c.innerText.includes('已受理') ? c.innerText : null; })()",
        "the card showing 已受理",
    )
    assert "承办人：李联络员" in card_text
    assert "签收" in card_text  # the accepted card's buttons
    await page.until(
        "!document.getElementById('toast').hidden"
        " && document.getElementById('toast').textContent.includes('已处理')",
        "the toast with the bot's answer",
    )
    shot = await page.screenshot(tmp_path / "accepted.png")
    print(f"screenshot: {shot}; clicks repeated: {page.lost_clicks}")

    # the page showed what the bot did: the state is in the bot's database too
    row = await e2e.report_when(number, state="accepted", assignee_id=OFFICER.id)
    assert row["group_chat_id"] == LIAISON_GROUP
    assert not page.dialogs, page.dialogs
    assert not page.console_errors, page.console_errors
    assert re.search(r"问题 \d+｜已受理", card_text)


async def on_a_phone(page: Page) -> None:
    """390 px wide: the chat list and the conversation take turns; nothing scrolls sideways."""
    await page.send(
        "Emulation.setDeviceMetricsOverride",
        width=390,
        height=844,
        deviceScaleFactor=3,
        mobile=True,
    )
    wide = "document.documentElement.scrollWidth <= window.innerWidth"
    shown = "(id) => getComputedStyle(document.querySelector(id)).display !== 'none'"
    await page.until(
        f"document.body.classList.contains('in-chat') && ({wide})", "no sideways scroll"
    )
    assert await page.js(f"({shown})('.conversation') && !({shown})('.chats')")
    await page.click("document.getElementById('back-to-chats')", "the back arrow")
    await page.until(f"({shown})('.chats') && !({shown})('.conversation')", "the chat list alone")
    assert await page.js(wide)
    await open_chat(page, GROUP_TITLE)
    assert await page.js(f"({shown})('.conversation') && ({wide})")
    assert await page.js(
        "document.querySelector('#messages .msg .meta span')?.textContent.length > 0"
    ), "message times are shown"
