"""Chinese word cutting for the search index (jieba, from PyPI).

jieba builds its dictionary on first use (about 1 s from its cache, 3 s without): `load()` does
it once, in a worker thread, so the event loop never waits on it. The index and the query both
cut with `cut_for_search`, which also yields the shorter words inside a long one (华芯科技 →
华芯, 科技), so a two-character query finds the longer words that contain it.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

_lock = threading.Lock()
_tokenizer: Any = None


def _load_now() -> Any:
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            _tokenizer = tokenizer
    return _tokenizer


async def load() -> None:
    """Build jieba's dictionary once, off the event loop."""
    if _tokenizer is None:
        await asyncio.to_thread(_load_now)


def words(text: str) -> list[str]:
    """The words of `text`, lower-cased, without spaces and punctuation (loads jieba if needed:
    call from a worker thread, or after `load()`)."""
    tokenizer = _tokenizer or _load_now()
    out = []
    for word in tokenizer.cut_for_search(text.lower()):
        word = word.strip()
        if word and any(ch.isalnum() for ch in word):
            out.append(word)
    return out


def joined(text: str) -> str:
    """The words of `text` separated by spaces, as the FTS table stores them."""
    return " ".join(words(text))
