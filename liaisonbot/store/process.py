"""Naming this process, and telling whether the process that named itself so still runs.

A claim (a digest being sent) records its holder. A process killed with -9 cannot release its
claims; a later run on the same host sees that the holder is gone and takes them over at once.
The start time read from /proc tells a reused pid from the original process.
"""

from __future__ import annotations

import os
import socket
from functools import cache


def _start_ticks(pid: int) -> str:
    """The process's start time in clock ticks since boot ('' where /proc cannot tell)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return fields[19]  # field 22 of proc(5), counted after the command name
    except (OSError, IndexError):
        return ""


@cache
def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{_start_ticks(os.getpid())}"


def is_gone(holder: str) -> bool:
    """True only when the holder surely no longer runs (same host, pid gone or reused)."""
    host, _, rest = holder.partition(":")
    pid_text, _, started = rest.partition(":")
    if not holder or host != socket.gethostname() or not pid_text.isascii():
        return False
    if not pid_text.isdigit():
        return False
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # runs, as another user
    return bool(started) and _start_ticks(pid) != started
