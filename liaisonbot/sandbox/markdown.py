"""Telegram's MarkdownV2 and legacy Markdown parse modes: source → (text, entities).

MarkdownV2: *bold*, _italic_, __underline__, ~strikethrough~, ||spoiler||, `code`,
```language\\npre```, [text](url), > quotes at line starts; any character can be escaped with
a backslash, and the reserved characters must be. Legacy Markdown: *bold*, _italic_, `code`,
```pre```, [text](url), no nesting; `\\` escapes _ * ` [ only. Errors are worded like Telegram's
and count UTF-8 bytes of the source; entity offsets count UTF-16 units, as in the Bot API.
"""

from __future__ import annotations

import re
from typing import Any

from liaisonbot.sandbox.entities import EntityParseError, utf16_len

RESERVED_V2 = set("_*[]()~`>#+-=|{}.!")
TOGGLES_V2: tuple[tuple[str, str], ...] = (
    ("||", "spoiler"),
    ("__", "underline"),
    ("*", "bold"),
    ("_", "italic"),
    ("~", "strikethrough"),
)
TOGGLES_V1 = (("*", "bold"), ("_", "italic"))
_USER_LINK = re.compile(r"tg://user\?id=(\d+)$")


def _byte_offset(src: str, i: int) -> int:
    return len(src[:i].encode("utf-8"))


class _Parser:
    def __init__(self, src: str, v2: bool) -> None:
        self.src, self.v2 = src, v2
        self.out: list[str] = []
        self.pos16 = 0
        self.entities: list[dict[str, Any]] = []
        self.stack: list[tuple[str, str, int, int]] = []  # marker, type, start16, source index

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.pos16 += utf16_len(text)

    def add(self, kind: str, start16: int, **extra: Any) -> None:
        if self.pos16 > start16:
            self.entities.append({"type": kind, "offset": start16, "length": self.pos16 - start16})
            self.entities[-1].update(extra)

    def closing(self, i: int, marker: str) -> int:
        """Index of the unescaped `marker` closing a code span opened before `i`."""
        j = i
        while j < len(self.src):
            if self.src[j] == "\\" and self.v2:
                j += 2
                continue
            if self.src.startswith(marker, j):
                return j
            j += 1
        raise EntityParseError(
            f"Can't find end of {'pre' if len(marker) == 3 else 'code'} entity at byte offset "
            f"{_byte_offset(self.src, i - len(marker))}"
        )

    def unescape_code(self, body: str) -> str:
        return re.sub(r"\\([\\`])", r"\1", body) if self.v2 else body

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        src, i = self.src, 0
        quote_start: int | None = None
        while i < len(src):
            c = src[i]
            line_start = i == 0 or src[i - 1] == "\n"
            if self.v2 and line_start:
                if c == ">":
                    if quote_start is None:
                        quote_start = self.pos16
                    i += 1
                    continue
                if quote_start is not None:
                    self.add("blockquote", quote_start)
                    quote_start = None
            if c == "\\" and i + 1 < len(src) and (self.v2 or src[i + 1] in "_*`["):
                self.emit(src[i + 1])
                i += 2
                continue
            if src.startswith("```", i):
                end = self.closing(i + 3, "```")
                body = src[i + 3 : end]
                first, newline, rest = body.partition("\n")
                language = first if newline and first and " " not in first else ""
                start = self.pos16
                self.emit(self.unescape_code(rest if language else body))
                self.add("pre", start, **({"language": language} if language else {}))
                i = end + 3
                continue
            if c == "`":
                end = self.closing(i + 1, "`")
                start = self.pos16
                self.emit(self.unescape_code(src[i + 1 : end]))
                self.add("code", start)
                i = end + 1
                continue
            if c == "[":
                self.stack.append(("[", "link", self.pos16, i))
                i += 1
                continue
            if c == "]" and self.stack and self.stack[-1][0] == "[":
                _, _, start, _ = self.stack.pop()
                i = self.link(i + 1, start)
                continue
            toggled = self.toggle(i)
            if toggled:
                i += toggled
                continue
            if self.v2 and c in RESERVED_V2:
                raise EntityParseError(
                    f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
                )
            self.emit(c)
            i += 1
        if quote_start is not None:
            self.add("blockquote", quote_start)
        if self.stack:
            _, kind, _, where = self.stack[-1]
            raise EntityParseError(
                f"Can't find end of {'Url' if kind == 'link' else kind.title()} entity at byte "
                f"offset {_byte_offset(src, where)}"
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def toggle(self, i: int) -> int:
        for marker, kind in TOGGLES_V2 if self.v2 else TOGGLES_V1:
            if not self.src.startswith(marker, i):
                continue
            if self.stack and self.stack[-1][0] == marker:
                _, _, start, _ = self.stack.pop()
                self.add(kind, start)
            elif not self.v2 and self.stack:
                return 0  # legacy Markdown does not nest: a literal character
            else:
                self.stack.append((marker, kind, self.pos16, i))
            return len(marker)
        return 0

    def link(self, i: int, start: int) -> int:
        """After `[text]`: `(url)` makes a link; legacy Markdown keeps a bare `[text]` as is."""
        if not self.src.startswith("(", i):
            if self.v2:
                raise EntityParseError("Character ']' is reserved and must be escaped")
            return i
        url, j = [], i + 1
        while j < len(self.src) and self.src[j] != ")":
            if self.src[j] == "\\" and j + 1 < len(self.src):
                j += 1
            url.append(self.src[j])
            j += 1
        if j >= len(self.src):
            raise EntityParseError(
                f"Can't find end of a url at byte offset {_byte_offset(self.src, i)}"
            )
        target = "".join(url)
        user = _USER_LINK.match(target)
        if user:
            self.add("text_mention", start, user_id=int(user.group(1)))
        else:
            self.add("text_link", start, url=target)
        return j + 1


def parse_markdown(src: str, *, v2: bool) -> tuple[str, list[dict[str, Any]]]:
    return _Parser(src, v2).parse()
