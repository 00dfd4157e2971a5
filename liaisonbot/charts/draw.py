"""The picture: about 1080 px wide with large type, read on a phone.

Panels, top to bottom: new / resolved reports per working day (bars) with the open items at each
day's end (line); open items by category (horizontal bars, short category names); and, when
check-ins exist, 复工率 and 产能利用率 of the rounds in the window. Each data artist carries a gid
(`new`, `resolved`, `open`, `category`, `resumed`, `capacity`) so tests can read the series back
from the figure and compare them with a direct count. Object-oriented matplotlib only (no pyplot
state), so drawing is safe in a worker thread.
"""

from __future__ import annotations

import io

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from liaisonbot.charts import fonts
from liaisonbot.charts.data import ChartData
from liaisonbot.domain.vocabulary import Category
from liaisonbot.i18n import t

WIDTH_IN, DPI = 10.8, 100  # 1080 px
TEXT_PT, TITLE_PT = 20, 26
COLOURS = {"new": "#1f77b4", "resolved": "#2ca02c", "open": "#d62728", "category": "#ff7f0e"}
MAX_CATEGORIES = 8


def _category_name(code: str, lang: str) -> str:
    try:
        return Category(code).short_label(lang)
    except ValueError:
        return code


def build(data: ChartData, lang: str, scope_name: str) -> Figure:
    family = fonts.check()
    panels = 3 if data.rounds else 2
    heights = [5.0, 4.2, 4.0][:panels]
    height = sum(heights) + 1.4
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.suptitle(
        t(lang, "chart.title", days=len(data.days), scope=scope_name),
        y=1 - 0.25 / (sum(heights) + 1.4),
        fontsize=TITLE_PT,
        family=family,
    )
    # fixed margins: constrained layout would cost more than the drawing itself
    top = 1 - 1.0 / height
    axes = figure.subplots(
        panels,
        1,
        height_ratios=heights,
        gridspec_kw={
            "left": 0.14,
            "right": 0.97,
            "top": top,
            "bottom": 0.7 / height,
            "hspace": 0.55,
        },
    )
    labels = [d.strftime("%m-%d") for d in data.days]
    positions = list(range(len(labels)))
    _trend(axes[0], data, lang, family, positions, labels)
    _categories(axes[1], data, lang, family)
    if data.rounds:
        _rounds(axes[2], data, lang, family)
    return figure


def _tag(bars: BarContainer, gid: str) -> None:
    for patch in bars.patches:
        patch.set_gid(gid)


def _style(ax: Axes, family: str) -> None:
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        label.set_fontfamily(family)
        label.set_fontsize(TEXT_PT - 4)
    ax.grid(axis="y", alpha=0.3)


def _trend(
    ax: Axes, data: ChartData, lang: str, family: str, x: list[int], labels: list[str]
) -> None:
    width = 0.4
    bars_new = ax.bar(
        [p - width / 2 for p in x],
        data.new,
        width,
        label=t(lang, "chart.new"),
        color=COLOURS["new"],
    )
    _tag(bars_new, "new")
    bars_done = ax.bar(
        [p + width / 2 for p in x],
        data.resolved,
        width,
        label=t(lang, "chart.resolved"),
        color=COLOURS["resolved"],
    )
    _tag(bars_done, "resolved")
    (line,) = ax.plot(
        x, data.open, marker="o", linewidth=3, label=t(lang, "chart.open"), color=COLOURS["open"]
    )
    line.set_gid("open")
    ax.set_xticks(x, labels, rotation=45, ha="right")
    ax.set_ylim(bottom=0)
    ax.set_title(t(lang, "chart.trend"), fontsize=TEXT_PT + 2, family=family, loc="left")
    ax.legend(prop={"family": family, "size": TEXT_PT - 4}, loc="upper left", ncols=3)
    _style(ax, family)


def _categories(ax: Axes, data: ChartData, lang: str, family: str) -> None:
    shown = list(data.open_by_category[:MAX_CATEGORIES])
    rest = sum(n for _, n in data.open_by_category[MAX_CATEGORIES:])
    names = [_category_name(code, lang) for code, _ in shown]
    counts = [n for _, n in shown]
    if rest:
        names.append(t(lang, "chart.other_categories"))
        counts.append(rest)
    ax.set_title(
        t(lang, "chart.by_category", count=data.open_now),
        fontsize=TEXT_PT + 2,
        family=family,
        loc="left",
    )
    if not counts:
        ax.text(
            0.5,
            0.5,
            t(lang, "chart.none_open"),
            ha="center",
            va="center",
            fontsize=TEXT_PT,
            family=family,
        )
        ax.set_axis_off()
        return
    bars = ax.barh(names[::-1], counts[::-1], color=COLOURS["category"])
    _tag(bars, "category")
    ax.bar_label(bars, fontsize=TEXT_PT - 4)
    _style(ax, family)


def _rounds(ax: Axes, data: ChartData, lang: str, family: str) -> None:
    x = [r.day.strftime("%m-%d") for r in data.rounds]
    resumed = [r.resumed if r.resumed is not None else float("nan") for r in data.rounds]
    capacity = [r.capacity if r.capacity is not None else float("nan") for r in data.rounds]
    (one,) = ax.plot(x, resumed, marker="o", linewidth=3, label=t(lang, "chart.resumed"))
    one.set_gid("resumed")
    (two,) = ax.plot(x, capacity, marker="s", linewidth=3, label=t(lang, "chart.capacity"))
    two.set_gid("capacity")
    ax.set_ylim(0, 105)
    ax.set_title(t(lang, "chart.rounds"), fontsize=TEXT_PT + 2, family=family, loc="left")
    ax.legend(prop={"family": family, "size": TEXT_PT - 4}, loc="lower left", ncols=2)
    _style(ax, family)


def png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return out.getvalue()


def render_png(data: ChartData, lang: str, scope_name: str) -> bytes:
    return png(build(data, lang, scope_name))
