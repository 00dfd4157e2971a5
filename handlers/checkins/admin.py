"""The command line's check-in work that talks to Telegram or uses the chat's rendering:
`liaisonbot checkin --send | --dry-run | --status` (called lazily from liaisonbot/cli.py)."""

from __future__ import annotations

import html
import re
from datetime import date

from telegram.ext import ExtBot

from handlers.checkins import render, rounds
from handlers.common import Deps
from handlers.rate_lanes import LaneRateLimiter
from liaisonbot.config import Settings
from liaisonbot.domain.checkins import DEFAULT_THRESHOLD
from liaisonbot.read import checkins as views
from liaisonbot.store import Database


async def checkin_send(
    db: Database, settings: Settings, dry_run: bool, region: str, chain: str
) -> int:
    d = Deps(db=db, settings=settings)
    if dry_run:
        result = await rounds.send_round(
            None,  # type: ignore[arg-type]  # nothing is sent
            d,
            dry_run=True,
            region_prefix=region,
            chain=chain,
        )
        for line in result.planned:
            print(line)
        print(f"{len(result.planned)} enterprises would be asked")
        return 0
    assert settings.token is not None
    bot = ExtBot(
        settings.token.get_secret_value(),
        base_url=settings.api_base,
        base_file_url=settings.file_base,
        rate_limiter=LaneRateLimiter(),
    )
    async with bot:
        result = await rounds.send_round(bot, d, region_prefix=region, chain=chain)
    print(
        f"asked {result.asked} (in a group {result.in_group}), unreachable {result.unreachable},"
        f" failed {result.failed}"
    )
    return 1 if result.failed else 0


async def checkin_status(
    db: Database, settings: Settings, day: date | None, region: str, chain: str
) -> int:
    picture = await views.picture(db, day, region_prefix=region, chain=chain)
    if picture is None:
        print("no check-in rounds yet")
        return 0
    shortfalls = await views.shortfalls(db, picture.round_date, items=picture.entries)
    text = render.picture_text(picture, shortfalls, settings.lang, threshold=DEFAULT_THRESHOLD)
    print(html.unescape(re.sub(r"<[^>]+>", "", text)))
    return 0
