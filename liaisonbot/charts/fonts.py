"""The CJK font, loaded by path: matplotlib's Agg backend draws empty boxes for Chinese unless a
font that has the glyphs is named and present. Debian's `fonts-wqy-microhei` (or
`fonts-noto-cjk`) provides one; `LIAISONBOT_CJK_FONT` names another file.

`check()` runs at start (and before the first chart): every character of a Chinese sample must be
in the font and must render without matplotlib's "missing glyph" warning, or it raises
`FontMissing` with what to install.
"""

from __future__ import annotations

import os
import threading
import warnings
from functools import lru_cache
from pathlib import Path

FONT_ENV = "LIAISONBOT_CJK_FONT"
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
SAMPLE = "问题台账 新增 办结 未办结 复工率 产能利用率 用工返岗 供应配套 物流运输 工作日"
_lock = threading.Lock()


class FontMissing(RuntimeError):
    """No usable CJK font: the chart would show empty boxes."""


def font_path() -> Path:
    named = os.environ.get(FONT_ENV)
    for candidate in ((named,) if named else ()) + CANDIDATES:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise FontMissing(
        "no CJK font for the digest's chart: install Debian's fonts-wqy-microhei "
        f"(apt-get install fonts-wqy-microhei) or set {FONT_ENV} to a .ttf/.ttc file with "
        "Chinese glyphs"
    )


@lru_cache(maxsize=1)
def font_name() -> str:
    """The font's family name, registered with matplotlib (once)."""
    from matplotlib import font_manager

    path = font_path()
    with _lock:
        font_manager.fontManager.addfont(str(path))
    return str(font_manager.FontProperties(fname=str(path)).get_name())


def missing_glyphs(text: str, path: Path | None = None) -> list[str]:
    """The characters of `text` the font has no glyph for."""
    from matplotlib.ft2font import FT2Font

    font = FT2Font(str(path or font_path()))
    return [
        ch for ch in dict.fromkeys(text) if not ch.isspace() and font.get_char_index(ord(ch)) == 0
    ]


@lru_cache(maxsize=1)
def check() -> str:
    """Raise FontMissing unless Chinese renders; the font's family name."""
    missing = missing_glyphs(SAMPLE)
    if missing:
        raise FontMissing(f"the CJK font {font_path()} lacks {''.join(missing)!r}")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    name = font_name()
    figure = Figure(figsize=(4, 1), dpi=50)
    FigureCanvasAgg(figure)
    figure.text(0.01, 0.5, SAMPLE, family=name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.canvas.draw()
    glyph_warnings = [str(w.message) for w in caught if "missing from" in str(w.message)]
    if glyph_warnings:
        raise FontMissing(f"Chinese does not render with {font_path()}: {glyph_warnings[0]}")
    return name
