"""Telegram's HTML subset: parse to (text, entities), auto-detect entities, render back safely.

Offsets and lengths of entities count UTF-16 code units, as in the Bot API. Parse errors are
worded like Telegram's ("Unsupported start tag "br" at byte offset 5", ...) and byte offsets
count UTF-8 bytes of the source.

One deliberate difference: Telegram keeps a bare ``&`` that does not start a known entity as a
literal character. The sandbox (``strict=True``, the default) rejects it, because a bot that
forgets to escape ``&`` in user text also forgets ``<``, which Telegram does reject.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class EntityParseError(ValueError):
    """Answered as ``Bad Request: can't parse entities: <message>``."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def utf16_index(text: str) -> list[int]:
    """``result[i]`` is the UTF-16 offset of ``text[i]`` (one extra item for the end)."""
    out = [0]
    for ch in text:
        out.append(out[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return out


@dataclass
class _Open:
    tag: str
    start: int  # UTF-16 offset in the output
    byte_offset: int
    attrs: dict[str, str] = field(default_factory=dict)


def _byte_offset(src: str, i: int) -> int:
    return len(src[:i].encode("utf-8"))


def _decode_entity(src: str, i: int) -> tuple[str, int] | None:
    """Decode ``&...;`` at ``src[i]``; return (text, consumed) or None."""
    m = re.match(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);", src[i:])
    if not m:
        return None
    body = m.group(1)
    if body.startswith("#"):
        code = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        return chr(code), m.end()
    if body in NAMED_ENTITIES:
        return NAMED_ENTITIES[body], m.end()
    return None


def parse_html(src: str, strict: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into plain text and MessageEntity dicts (``text_mention`` entities
    carry ``user_id`` for the caller to resolve)."""
    out: list[str] = []
    pos16 = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    n = len(src)
    i = 0

    def emit(chunk: str) -> None:
        nonlocal pos16
        out.append(chunk)
        pos16 += utf16_len(chunk)

    while i < n:
        ch = src[i]
        if ch == "&":
            decoded = _decode_entity(src, i)
            if decoded is not None:
                emit(decoded[0])
                i += decoded[1]
                continue
            if strict:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(src, i)}"
                )
            emit("&")
            i += 1
            continue
        if ch != "<":
            j = i
            while j < n and src[j] not in "&<":
                j += 1
            emit(src[i:j])
            i = j
            continue
        offset = _byte_offset(src, i)
        if src.startswith("</", i):
            end = src.find(">", i)
            if end < 0:
                raise EntityParseError(f"Unclosed end tag at byte offset {offset}")
            name = src[i + 2 : end].strip().lower()
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {offset}")
            top = stack[-1]
            if name and name != top.tag:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {offset}, expected "</{top.tag}>", '
                    f'found "</{name}>"'
                )
            stack.pop()
            _close(top, pos16, stack, entities)
            i = end + 1
            continue
        i = _parse_start_tag(src, i, offset, pos16, stack)
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities = [e for e in entities if e["length"] > 0]
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _parse_start_tag(src: str, i: int, offset: int, pos16: int, stack: list[_Open]) -> int:
    n = len(src)
    j = i + 1
    while j < n and (src[j].isascii() and (src[j].isalnum() or src[j] == "-")):
        j += 1
    name = src[i + 1 : j].lower()
    if j >= n:
        raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
    if name not in TAG_TYPES:
        raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
    attrs: dict[str, str] = {}
    while True:
        while j < n and src[j] in " \t\r\n":
            j += 1
        if j >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
        if src[j] == ">":
            j += 1
            break
        if src[j] == "/" and src.startswith("/>", j):
            raise EntityParseError(f'Unsupported start tag "{name}/" at byte offset {offset}')
        k = j
        while k < n and src[k].isascii() and (src[k].isalnum() or src[k] in "-_"):
            k += 1
        attr = src[j:k].lower()
        if not attr:
            raise EntityParseError(
                f'Empty attribute name in the tag "{name}" at byte offset {offset}'
            )
        j = k
        while j < n and src[j] in " \t\r\n":
            j += 1
        value = ""
        if j < n and src[j] == "=":
            j += 1
            while j < n and src[j] in " \t\r\n":
                j += 1
            if j >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
            if src[j] in "\"'":
                quote = src[j]
                end = src.find(quote, j + 1)
                if end < 0:
                    raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
                value = html.unescape(src[j + 1 : end])
                j = end + 1
            else:
                k = j
                while k < n and src[k] not in " \t\r\n>":
                    k += 1
                value = html.unescape(src[j:k])
                j = k
        attrs[attr] = value
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
    if name == "tg-emoji" and not attrs.get("emoji-id"):
        raise EntityParseError(
            f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset}'
        )
    stack.append(_Open(name, pos16, offset, attrs))
    return j


_USER_LINK = re.compile(r"tg://user\?id=(\d+)$")


def _close(top: _Open, end16: int, stack: list[_Open], entities: list[dict[str, Any]]) -> None:
    kind = TAG_TYPES[top.tag]
    ent: dict[str, Any] = {"type": kind, "offset": top.start, "length": end16 - top.start}
    if top.tag == "a":
        href = top.attrs.get("href", "").strip()
        if not href:
            return
        m = _USER_LINK.match(href)
        if m:
            ent = {**ent, "type": "text_mention", "user_id": int(m.group(1))}
        else:
            ent["url"] = href
    elif top.tag == "code":
        parent = stack[-1] if stack else None
        lang = top.attrs.get("class", "")
        if parent is not None and parent.tag == "pre" and parent.start == top.start:
            if lang.startswith("language-"):
                parent.attrs["language"] = lang.removeprefix("language-")
            return
    elif top.tag == "pre":
        if top.attrs.get("language"):
            ent["language"] = top.attrs["language"]
    elif top.tag == "blockquote":
        if "expandable" in top.attrs:
            ent["type"] = "expandable_blockquote"
    elif top.tag == "tg-emoji":
        ent["custom_emoji_id"] = top.attrs["emoji-id"]
    entities.append(ent)


# --- auto-detected entities -----------------------------------------------------------------

_AUTO = re.compile(
    r"(?P<bot_command>(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?)(?![\w/])"
    r"|(?P<email>(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<mention>(?<![\w@])@[A-Za-z0-9_]{4,32})(?!\w)"
    r"|(?P<url>(?<![\w/])https?://[^\s<>\"]+[^\s<>\".,;:!?)\]'])"
    r"|(?P<hashtag>(?<![\w#])#\w*[^\W\d]\w*)"
)
_NO_AUTO_INSIDE = {"code", "pre", "text_link", "url", "email", "text_mention"}


def detect_entities(text: str, existing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add the entities Telegram detects by itself (commands, mentions, urls, e-mails,
    hashtags) outside code and links; returns the merged, sorted list."""
    idx = utf16_index(text)
    blocked = [
        (e["offset"], e["offset"] + e["length"]) for e in existing if e["type"] in _NO_AUTO_INSIDE
    ]
    found: list[dict[str, Any]] = []
    for m in _AUTO.finditer(text):
        kind = m.lastgroup or ""
        start, end = idx[m.start()], idx[m.end()]
        if any(s < end and start < e for s, e in blocked):
            continue
        found.append({"type": kind, "offset": start, "length": end - start})
    merged = existing + found
    merged.sort(key=lambda e: (e["offset"], -e["length"]))
    return merged


# --- rendering for the page -----------------------------------------------------------------

_SAFE_SCHEMES = ("http://", "https://", "tg://", "mailto:")


def _open_tag(e: dict[str, Any], text: str) -> tuple[str, str]:
    kind = e["type"]
    simple = {
        "bold": "b",
        "italic": "i",
        "underline": "u",
        "strikethrough": "s",
        "code": "code",
    }
    if kind in simple:
        return f"<{simple[kind]}>", f"</{simple[kind]}>"
    if kind == "pre":
        lang = html.escape(e.get("language", ""))
        return f'<pre data-language="{lang}"><code>', "</code></pre>"
    if kind == "spoiler":
        return '<span class="tg-spoiler">', "</span>"
    if kind in ("blockquote", "expandable_blockquote"):
        cls = ' class="expandable"' if kind == "expandable_blockquote" else ""
        return f"<blockquote{cls}>", "</blockquote>"
    if kind in ("text_link", "url", "email"):
        url = e.get("url") or text
        if kind == "email":
            url = "mailto:" + text
        if not url.lower().startswith(_SAFE_SCHEMES):
            return '<span class="link">', "</span>"
        return (
            f'<a href="{html.escape(url)}" target="_blank" rel="noopener noreferrer">',
            "</a>",
        )
    if kind == "text_mention":
        uid = (e.get("user") or {}).get("id", "")
        return f'<span class="mention" data-user-id="{html.escape(str(uid))}">', "</span>"
    return f'<span class="{html.escape(kind.replace("_", "-"))}">', "</span>"


def render_html(text: str, entities: list[dict[str, Any]] | None) -> str:
    """Safe HTML for a message: every piece of text is escaped, only known tags are produced,
    overlapping entities are closed and reopened so the output always nests."""
    if not text:
        return ""
    idx = utf16_index(text)
    to_py = {u: i for i, u in enumerate(idx)}
    spans = []
    for e in entities or []:
        s, t = to_py.get(e["offset"]), to_py.get(e["offset"] + e["length"])
        if s is None or t is None or t <= s:
            continue
        opening, closing = _open_tag(e, text[s:t])
        spans.append((s, t, opening, closing))
    spans.sort(key=lambda x: (x[0], -x[1]))
    bounds = sorted({0, len(text)} | {s for s, *_ in spans} | {t for _, t, *_ in spans})
    stack: list[tuple[int, int, str, str]] = []
    parts: list[str] = []
    k = 0
    prev = 0
    for pos in bounds:
        parts.append(html.escape(text[prev:pos]))
        prev = pos
        if any(sp[1] == pos for sp in stack):
            reopen = []
            while any(sp[1] == pos for sp in stack):
                sp = stack.pop()
                parts.append(sp[3])
                if sp[1] != pos:
                    reopen.append(sp)
            for sp in reversed(reopen):
                parts.append(sp[2])
                stack.append(sp)
        while k < len(spans) and spans[k][0] == pos:
            parts.append(spans[k][2])
            stack.append(spans[k])
            k += 1
    while stack:
        parts.append(stack.pop()[3])
    return "".join(parts)


def html_escape(text: str) -> str:
    """Escape user text for Telegram HTML (what a bot must do before interpolating it)."""
    return html.escape(text, quote=False)
