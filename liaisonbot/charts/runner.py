"""Drawing off the event loop, with a time limit.

One worker thread draws (matplotlib's object-oriented API keeps no global state; one at a time
keeps the peak memory of a busy digest run to one figure). The caller waits at most
`TIME_LIMIT_S`; a chart that takes longer is given up (the digest goes without it, the thread
finishes in the background) and `ChartTimeout` is raised.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from liaisonbot.charts import draw, fonts
from liaisonbot.charts.data import ChartData

TIME_LIMIT_S = 20.0
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chart")


class ChartTimeout(Exception):
    """The chart took longer than the time limit."""


async def check_font() -> str:
    """At start: raise FontMissing unless Chinese renders (matplotlib is imported here, off the
    event loop)."""
    return await asyncio.get_running_loop().run_in_executor(_executor, fonts.check)


async def render(
    data: ChartData, lang: str, scope_name: str, *, time_limit: float = TIME_LIMIT_S
) -> bytes:
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(_executor, draw.render_png, data, lang, scope_name)
    try:
        return await asyncio.wait_for(future, time_limit)
    except TimeoutError as exc:
        raise ChartTimeout(f"chart not drawn within {time_limit:g} s") from exc
