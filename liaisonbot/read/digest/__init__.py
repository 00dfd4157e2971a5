"""The daily digest (日调度): scope and period, the read-side queries, the figures as plain data
and the ledger (问题台账) attached to it. Knows nothing of Telegram (handlers/digest_render.py
turns a `Digest` into a message)."""

from liaisonbot.read.digest.model import Digest, LedgerRow, Tally
from liaisonbot.read.digest.queries import build_digest
from liaisonbot.read.digest.scope import DigestScope, Period, digest_period, today_so_far

__all__ = [
    "Digest",
    "DigestScope",
    "LedgerRow",
    "Period",
    "Tally",
    "build_digest",
    "digest_period",
    "today_so_far",
]
