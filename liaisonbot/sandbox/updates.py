"""The update queue: emitting updates (filtered by allowed_updates), confirming them, delivering
one twice, and the log of Bot API calls."""

from __future__ import annotations

from typing import Any

from liaisonbot.sandbox.base import ControlError, WorldBase
from liaisonbot.sandbox.models import Update

# Telegram's default when allowed_updates is unset or an empty list.
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


class UpdatesMixin(WorldBase):
    """Updates for the bot and the call log."""

    def update_allowed(self, kind: str) -> bool:
        if not self.allowed_updates:
            return kind in DEFAULT_UPDATE_TYPES
        return kind in self.allowed_updates

    def emit(self, kind: str, payload: dict[str, Any]) -> Update | None:
        """Queue an update, unless allowed_updates excludes its type (as Telegram does, the
        filter applies when the update is created)."""
        update = Update(next(self._update_ids), kind, payload)
        allowed = self.update_allowed(kind)
        self.update_log.append(
            {"update_id": update.update_id, "type": kind, "queued": allowed, "update": update}
        )
        if allowed:
            self.queue.append(update)
        self.touch()
        return update if allowed else None

    def confirm(self, offset: int) -> None:
        if offset < 0:
            self.queue = self.queue[offset:]
        else:
            self.queue = [u for u in self.queue if u.update_id >= offset]

    def deliver_twice(self, update_id: int) -> Update:
        """Deliver an update again, with the same update_id, on the next getUpdates."""
        for entry in self.update_log:
            if entry["update_id"] == update_id:
                self.redeliver.append(entry["update"])
                self.touch()
                return entry["update"]
        raise ControlError(f"no update {update_id}")

    def record_call(self, entry: dict[str, Any]) -> None:
        self.call_seq += 1
        entry["seq"] = self.call_seq
        self.calls.append(entry)
        self.touch()
