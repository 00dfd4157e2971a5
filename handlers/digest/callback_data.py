"""The `/subscribe` and `/unsubscribe` buttons' callback data: `ds|<region>|<chain mask>|<time and
options>|<step>`, the choices made so far and nothing else (who may do what is decided from the
database when a button is pressed)."""

from __future__ import annotations

from liaisonbot.domain.numbers import is_ascii_digits

PREFIX = "ds"
# /unsubscribe's buttons ride on the same callback prefix: ds|-|0|<subscription id or "all">|u
UNSUBSCRIBE_STEP, KEEP_STEP, ALL = "u", "k", "all"


def _data(region: str, mask: int, opts: str, step: str) -> str:
    data = f"{PREFIX}|{region or '-'}|{mask:x}|{opts}|{step}"
    assert len(data.encode()) <= 64, data
    return data


def _parse(data: str) -> tuple[str, int, str, str] | None:
    parts = data.split("|")
    if len(parts) != 5 or parts[0] != PREFIX:
        return None
    region = "" if parts[1] == "-" else parts[1]
    if region and (not is_ascii_digits(region) or len(region) > 6):
        return None
    if not (parts[2].isascii() and 0 < len(parts[2]) <= 4):
        return None
    try:
        mask = int(parts[2], 16)
    except ValueError:
        return None
    return region, mask, parts[3], parts[4]


def _opts(at_time: str, skip_empty: bool, skip_non_working: bool) -> str:
    return (
        at_time.replace(":", "") + ("e" if skip_empty else "") + ("h" if skip_non_working else "")
    )


def _unpack_opts(opts: str, default_time: str) -> tuple[str, bool, bool]:
    digits = opts[:4]
    at_time = (
        f"{digits[:2]}:{digits[2:]}"
        if len(digits) == 4 and is_ascii_digits(digits)
        else default_time
    )
    return at_time, "e" in opts[4:], "h" in opts[4:]
