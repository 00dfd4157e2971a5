"""The in-memory world: users, chats, members, messages, keyboards, files and the update queue.

`SandboxWorld` combines one mixin per concern over `base.WorldBase` (state, reset, change
notification): `updates`, `messages`, `chats`, `acting` (acting as users), `filestore`, `views`.
"""

from __future__ import annotations

from typing import Any

from liaisonbot.sandbox.acting import ActingMixin
from liaisonbot.sandbox.filestore import FileStoreMixin
from liaisonbot.sandbox.limits import RateLimits
from liaisonbot.sandbox.views import ViewsMixin


class SandboxWorld(ActingMixin, ViewsMixin, FileStoreMixin):
    """State of the fake Telegram. Build the scene with ``add_user`` / ``add_group``; act as
    users with ``user_send`` / ``user_edit`` / ``press`` / ``open_deep_link``."""

    def apply_seed(self, seed: dict[str, Any]) -> None:
        """Build the scene from plain data (see the package docstring for the format)."""
        if "privacy" in seed:
            self.privacy = bool(seed["privacy"])
        if "rate_limits" in seed:
            self.limiter.limits = RateLimits(**seed["rate_limits"])
        for u in seed.get("users", []):
            u = dict(u)
            self.add_user(u.pop("first_name"), **u)
        for g in seed.get("groups", []):
            g = dict(g)
            members = g.pop("members", [])
            ids: list[int] = []
            admins = list(g.pop("admins", []))
            for m in members:
                if isinstance(m, dict):
                    (admins if m.get("status") == "administrator" else ids).append(m["id"])
                else:
                    ids.append(m)
            self.add_group(g.pop("title"), members=ids, admins=admins, **g)
