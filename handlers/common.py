"""What every handler needs: the database, the settings, the clock and the user's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from telegram import Update, User
from telegram.ext import ContextTypes

from liaisonbot.clock import utcnow
from liaisonbot.config import Settings
from liaisonbot.read import reports as views
from liaisonbot.services import people
from liaisonbot.store import Database


@dataclass
class Deps:
    db: Database
    settings: Settings
    clock: Callable[[], datetime] = utcnow
    # user id -> (username, full name) last stored, so unchanged users cost no write
    known_users: dict[int, tuple[str, str]] = field(default_factory=dict)
    # user id -> chosen language (None: the default); read once, kept in step by /lang
    languages: dict[int, str | None] = field(default_factory=dict)
    # (chat id, message id) -> digests of the card's text and buttons last sent (card_memory)
    shown_cards: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.clock()

    async def language_of(self, user_id: int | None) -> str:
        if user_id is None:
            return self.settings.lang
        if user_id not in self.languages:
            self.languages[user_id] = await views.user_language(self.db, user_id)
        return self.languages[user_id] or self.settings.lang


def deps(context: ContextTypes.DEFAULT_TYPE) -> Deps:
    return context.bot_data["deps"]


async def language(context: ContextTypes.DEFAULT_TYPE, user: User | None) -> str:
    return await deps(context).language_of(user.id if user else None)


async def remember_user(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keep names for timelines and @username look-ups; writes only when a name changed."""
    user = update.effective_user
    if user is None or user.is_bot:
        return
    d = deps(context)
    names = (user.username or "", user.full_name)
    if d.known_users.get(user.id) == names:
        return
    await people.remember_user(d.db, user.id, names[0], names[1], d.now())
    d.known_users[user.id] = names
