"""Decide a CSV list's encoding, line by line, and refuse text that only decodes as gibberish.

GB18030 decodes almost any bytes, so "it decodes" proves nothing: a Big5 or Shift-JIS file comes
out as rare characters (籓芖代刚筿Τそ) and private-use code points. A line is taken as GB18030
only when it is plausible Chinese: no private-use characters, and most of its non-ASCII characters
in GB2312 (the 6,763 common hanzi and the usual punctuation). Rare hanzi in real names (喆, 堃)
are fine: a line is refused only when more than `RARE_SHARE` of its non-ASCII characters are
rare. Each line must be in the file's one encoding (the first line that is not ASCII decides): a
UTF-8 row among GBK rows is refused at that row rather than garbled.

charset-normalizer only names what the bytes probably are (Big5, Shift-JIS, cp1252…) in the
refusal; the decision itself is the rule above, which a test can state.
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

UTF16 = "utf-16"
UTF8 = "utf-8-sig"
GB18030 = "gb18030"
RARE_SHARE = 0.4
_SAMPLE_BYTES = 1 << 16
_CHUNK = 1 << 20


class EncodingProblem(Exception):
    """Line `line` is not in the file's encoding; `kind` is 'gibberish', 'mixed' or
    'utf16' (a broken UTF-16 file); `guess` what
    the bytes probably are ('big5'), or '' when unknown."""

    def __init__(self, line: int, kind: str, guess: str) -> None:
        super().__init__(f"line {line}: {kind} ({guess or '?'})")
        self.line = line
        self.kind = kind
        self.guess = guess


def _is_rare(char: str) -> bool:
    if unicodedata.category(char) == "Co":  # private use: never real text
        return True
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def plausible_chinese(text: str) -> bool:
    """No private-use characters, and at most RARE_SHARE of the non-ASCII ones outside GB2312."""
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return True
    if any(unicodedata.category(c) == "Co" for c in wide):
        return False
    rare = sum(1 for c in wide if _is_rare(c))
    return rare <= RARE_SHARE * len(wide)


def _line_encoding(raw: bytes) -> str | None:
    """UTF8 or GB18030 for a line that is plausible in it; None for gibberish."""
    try:
        raw.decode("utf-8")
        return UTF8
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode(GB18030)
    except UnicodeDecodeError:
        return None
    return GB18030 if plausible_chinese(text) else None


def guess_encoding(sample: bytes) -> str:
    """What charset-normalizer thinks the bytes are ('big5', 'cp932'…), '' if it cannot tell."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency; the refusal still stands
        return ""
    best = from_bytes(sample).best()
    return best.encoding if best is not None else ""


def _check_utf16(path: Path) -> None:
    decoder = codecs.getincrementaldecoder(UTF16)()
    line = 1
    with path.open("rb") as f:
        try:
            while chunk := f.read(_CHUNK):
                line += decoder.decode(chunk).count("\n")
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise EncodingProblem(line, "utf16", "") from None


def detect_csv_encoding(path: Path) -> str:
    """UTF16, UTF8 or GB18030; raise EncodingProblem at the first line that is none of them
    plausibly, or that is in another encoding than the lines before it."""
    with path.open("rb") as f:
        head = f.read(2)
    if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        _check_utf16(path)
        return UTF16
    chosen: str | None = None
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
                chosen = UTF8
            if raw.isascii():
                continue
            encoding = _line_encoding(raw)
            if encoding is None:
                raise EncodingProblem(number, "gibberish", _guess_at(path))
            if chosen is None:
                chosen = encoding
            elif encoding != chosen:
                raise EncodingProblem(number, "mixed", "")
    return chosen or UTF8


def _guess_at(path: Path) -> str:
    with path.open("rb") as f:
        return guess_encoding(f.read(_SAMPLE_BYTES))
