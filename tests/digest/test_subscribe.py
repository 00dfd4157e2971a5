"""/subscribe (buttons and arguments), /subscriptions, /unsubscribe and /digest through the
Application; the command line's `subscribe` and `digest --dry-run`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from liaisonbot.cli import main
from liaisonbot.services import subscriptions
from tests.conftest import Bot
from tests.digest.conftest import (
    DIGEST_NOW,
    ESCALATION_GROUP,
    OFFICIAL_GD,
    OFFICIAL_SZ_AUTO,
    generated,
    grant_officials,
)
from tests.support.fake_telegram import buttons
from tests.support.world import STRANGER


async def press(bot: Bot, person: object, label_part: str) -> None:
    params, message_id = bot.request.last_message(person.id)  # type: ignore[attr-defined]
    for call in reversed(bot.request.calls):  # the keyboard may have been edited since
        if call.method == "editMessageText" and call.params.get("reply_markup"):
            params = call.params
            break
    button = next(b for b in buttons(params) if label_part in b["text"])
    await bot.send(bot.updates.press(person, params, button["callback_data"], message_id))  # type: ignore[arg-type]


async def test_subscribe_with_buttons(bot: Bot) -> None:
    await generated(bot.db)
    await grant_officials(bot.db)
    bot.clock.now = DIGEST_NOW
    await bot.say(OFFICIAL_GD, "/subscribe 07:45")
    params, _ = bot.request.last_message(OFFICIAL_GD.id)
    labels = [b["text"] for b in buttons(params)]
    assert "广东省" in labels and "广东省深圳市" in labels
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons(params))
    await press(bot, OFFICIAL_GD, "广东省深圳市")
    await press(bot, OFFICIAL_GD, "汽车")
    await press(bot, OFFICIAL_GD, "电子信息")
    await press(bot, OFFICIAL_GD, "确定")
    subs = await subscriptions.for_chat(bot.db, OFFICIAL_GD.id)
    assert [(s.scope.region_prefix, set(s.scope.chains), s.at_time) for s in subs] == [
        ("4403", {"汽车", "电子信息"}, "07:45")
    ]
    edits = [c.params["text"] for c in bot.request.calls if c.method == "editMessageText"]
    assert "已订阅日调度" in edits[-1] and "07:45" in edits[-1]


async def test_subscribe_with_arguments_list_and_unsubscribe(bot: Bot) -> None:
    await grant_officials(bot.db)
    await bot.say(OFFICIAL_SZ_AUTO, "/subscribe 4403 汽车")
    assert "已订阅日调度" in bot.request.last_text(OFFICIAL_SZ_AUTO.id)
    await bot.say(OFFICIAL_SZ_AUTO, "/subscribe 4403")  # wider than the 汽车 grant
    assert "超出" in bot.request.last_text(OFFICIAL_SZ_AUTO.id)
    await bot.say(OFFICIAL_SZ_AUTO, "/subscribe 44 汽车")
    assert "超出" in bot.request.last_text(OFFICIAL_SZ_AUTO.id)
    await bot.say(OFFICIAL_SZ_AUTO, "/subscriptions")
    listing = bot.request.last_text(OFFICIAL_SZ_AUTO.id)
    assert "汽车" in listing and "08:30" in listing
    await bot.say(OFFICIAL_SZ_AUTO, "/unsubscribe")
    assert "已退订日调度：广东省深圳市 · 汽车" in bot.request.last_text(OFFICIAL_SZ_AUTO.id)
    assert await subscriptions.for_chat(bot.db, OFFICIAL_SZ_AUTO.id) == []


async def test_only_officials_subscribe(bot: Bot) -> None:
    await bot.say(STRANGER, "/subscribe")
    assert "仅发送给负责同志" in bot.request.last_text(STRANGER.id)
    await bot.say(STRANGER, "/digest")
    assert "仅发送给负责同志" in bot.request.last_text(STRANGER.id)


async def test_an_official_subscribes_the_escalation_group(bot: Bot) -> None:
    await grant_officials(bot.db)
    await bot.say(OFFICIAL_GD, "/subscribe 44 skip-empty", chat_id=ESCALATION_GROUP)
    assert "已订阅日调度" in bot.request.last_text(ESCALATION_GROUP)
    [sub] = await subscriptions.for_chat(bot.db, ESCALATION_GROUP)
    assert sub.scope.region_prefix == "44" and sub.skip_empty
    await bot.say(OFFICIAL_GD, "/subscribe 44", chat_id=-100123)  # not the escalation group
    assert "专班" in bot.request.last_text(-100123)


async def test_digest_now_sends_the_message_and_the_ledger(bot: Bot) -> None:
    await generated(bot.db)
    await grant_officials(bot.db)
    bot.clock.now = DIGEST_NOW
    await bot.say(OFFICIAL_GD, "/digest")
    text = bot.request.last_text(OFFICIAL_GD.id)
    assert "日调度 · 2026-11-26" in text and "重点问题" in text
    [document] = bot.request.sent("sendDocument", OFFICIAL_GD.id)
    assert "问题台账" in document["caption"]


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("LIAISONBOT_DB", str(path))
    monkeypatch.delenv("LIAISONBOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    return path


def test_cli_subscribe_and_dry_run(
    cli_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["migrate"]) == 0
    assert main(["subscribe", "7001", "--region", "44"]) == 2  # not an official
    assert main(["grant", "official", "7001", "--region", "44"]) == 0
    assert main(["subscribe", "7001", "--region", "4403", "--chain", "汽车"]) == 2  # no list yet
    assert "no industry chain 汽车" in capsys.readouterr().err
    monkeypatch.setenv("LIAISONBOT_CHAINS", '["汽车", "电子信息"]')  # a configured list
    assert main(["subscribe", "7001", "--region", "4403", "--chain", "汽车", "--at", "7:05"]) == 0
    assert main(["subscribe", "7001", "--region", "35"]) == 2  # outside the grant
    with sqlite3.connect(cli_db) as conn:
        rows = conn.execute("SELECT chat_id, region_prefix, chains, at_time FROM subscriptions")
        assert rows.fetchall() == [(7001, "4403", '["汽车"]', "07:05")]
    capsys.readouterr()
    ledger = cli_db.parent / "ledger.xlsx"
    assert main(["digest", "--dry-run", "--user", "7001", "--ledger", str(ledger)]) == 0
    out = capsys.readouterr().out
    assert "日调度" in out and "<b>" not in out
    assert main(["digest", "--send"]) == 2  # no token


async def test_the_deep_link_of_a_key_item_shows_it(bot: Bot) -> None:
    await generated(bot.db)
    await grant_officials(bot.db)
    row = await bot.db.fetch_one(
        "SELECT r.id FROM reports r JOIN enterprises e ON e.id = r.enterprise_id"
        " WHERE e.region_code LIKE '44%' ORDER BY r.id DESC LIMIT 1"
    )
    assert row is not None
    await bot.say(OFFICIAL_GD, f"/start show_{row[0]}")
    assert f"{row[0]}" in bot.request.last_text(OFFICIAL_GD.id)
    await bot.say(STRANGER, f"/start show_{row[0]}")
    assert "问题办理" not in bot.request.last_text(STRANGER.id)


async def test_an_official_of_another_region_cannot_unsubscribe_the_group(bot: Bot) -> None:
    from tests.digest.conftest import ADMIN, OFFICIAL_FJ

    await grant_officials(bot.db)
    await bot.say(OFFICIAL_GD, "/subscribe 44", chat_id=ESCALATION_GROUP)
    await bot.say(OFFICIAL_FJ, "/unsubscribe", chat_id=ESCALATION_GROUP)
    assert "只有订阅人本人" in bot.request.last_text(ESCALATION_GROUP)
    assert len(await subscriptions.for_chat(bot.db, ESCALATION_GROUP)) == 1
    # a forged press of the one-subscription button, by the same official
    [sub] = await subscriptions.for_chat(bot.db, ESCALATION_GROUP)
    sent = {"chat_id": ESCALATION_GROUP, "text": ""}
    await bot.send(bot.updates.press(OFFICIAL_FJ, sent, f"ds|-|0|{sub.id}|u", 1))
    assert bot.request.sent("answerCallbackQuery")[-1].get("show_alert")
    assert len(await subscriptions.for_chat(bot.db, ESCALATION_GROUP)) == 1
    await bot.say(ADMIN, "/unsubscribe", chat_id=ESCALATION_GROUP)  # an admin covers it
    assert await subscriptions.for_chat(bot.db, ESCALATION_GROUP) == []


async def test_a_chain_nobody_named_is_refused_with_the_known_ones(bot: Bot) -> None:
    await grant_officials(bot.db)
    await bot.say(OFFICIAL_GD, "/subscribe 44 " + "汽" * 5000)
    text = bot.request.last_text(OFFICIAL_GD.id)
    assert "没有名为" in text and "汽车" in text and len(text) < 200
    await bot.say(OFFICIAL_GD, "/subscribe 44 汽 车")
    assert "没有名为" in bot.request.last_text(OFFICIAL_GD.id)
    assert await subscriptions.for_chat(bot.db, OFFICIAL_GD.id) == []
    await bot.say(OFFICIAL_GD, "/subscriptions")  # and nothing broke
    assert bot.request.last_text(OFFICIAL_GD.id)
