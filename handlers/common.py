"""What every handler needs: the database, the settings, the clock and the user's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from telegram import Update, User
from telegram.ext import ContextTypes

from liaisonbot import views
from liaisonbot.clock import utcnow
from liaisonbot.config import Settings
from liaisonbot.services import people
from liaisonbot.store import Database


@dataclass
class Deps:
    db: Database
    settings: Settings
    clock: Callable[[], datetime] = utcnow
    # user id -> (username, full name) last stored, so unchanged users cost no write
    known_users: dict[int, tuple[str, str]] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.clock()


def deps(context: ContextTypes.DEFAULT_TYPE) -> Deps:
    return context.bot_data["deps"]  # type: ignore[no-any-return]


async def language(context: ContextTypes.DEFAULT_TYPE, user: User | None) -> str:
    d = deps(context)
    if user is None:
        return d.settings.lang
    return await views.user_language(d.db, user.id) or d.settings.lang


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
