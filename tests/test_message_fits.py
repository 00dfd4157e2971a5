"""Whatever users typed, a rendered message fits Telegram's limits as Telegram counts them
(UTF-16 code units after entity parsing): every field at its limit, astral characters, text that
grows when escaped."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.people.my_reports import report_detail
from handlers.rendering import TELEGRAM_TEXT_LIMIT, excerpt, fit, utf16_units, visible_length
from handlers.reporting.delivery import filed_ack
from handlers.reporting.dialog import draft_summary
from handlers.triage.cards import report_card
from liaisonbot.domain.limits import LIMITS
from liaisonbot.domain.models import Enterprise, Report, ReportContent, ReportEvent
from liaisonbot.domain.vocabulary import Category, ReportState, Tier

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
# Characters that cost most: astral (two UTF-16 units), and ones that grow when escaped.
WORST = st.sampled_from(["😀", "𠀀", "<", "&", ">", '"', "中", "a", "\n"])


def text_of(limit: int) -> st.SearchStrategy[str]:
    return st.text(WORST, min_size=limit, max_size=limit).map(lambda s: "x" + s[1:])


def report_with(title: str, description: str, ask: str) -> tuple[Report, Enterprise]:
    # model_copy skips validation: the stored text is at its limits by construction.
    content = ReportContent(category=Category.LOG, title="t").model_copy(
        update={"title": title, "description": description, "ask": ask}
    )
    report = Report(
        id=123456,
        enterprise_id=1,
        reporter_id=5,
        content=content,
        state=ReportState.SUBMITTED,
        group_chat_id=-100,
        origin_chat_id=5,
        created_at=NOW,
        updated_at=NOW,
    )
    enterprise = Enterprise.model_construct(
        id=1,
        credit_code="91350100M000100Y43",
        name="&" * LIMITS.enterprise_name,
        region_code="350100",
        chain="😀" * LIMITS.chain,
        tier=Tier.CORE_SUPPLIER,
    )
    return report, enterprise


@settings(max_examples=25, deadline=None)
@given(
    text_of(LIMITS.title),
    text_of(LIMITS.description),
    text_of(LIMITS.ask),
    st.sampled_from(["zh", "en"]),
)
def test_every_report_message_fits_at_the_worst(
    title: str, description: str, ask: str, lang: str
) -> None:
    report, enterprise = report_with(title, description, ask)
    notes = [
        ReportEvent(
            report_id=report.id,
            actor_id=6001,
            at=NOW,
            action="note",
            from_state=ReportState.SUBMITTED,
            to_state=ReportState.SUBMITTED,
            note="😀<" * (LIMITS.note // 2),
        )
        for _ in range(8)
    ]
    messages = {
        "acknowledgement": filed_ack(report, enterprise, lang, ZONE),
        "card": report_card(report, enterprise, lang, ZONE),
        "draft": draft_summary(report.content, lang),
        "show": report_detail(report, enterprise, notes, {6001: "😀" * 64}, lang, ZONE),
    }
    for name, html_text in messages.items():
        assert visible_length(html_text) <= TELEGRAM_TEXT_LIMIT, name


def test_a_long_description_is_cut_with_where_the_whole_text_is() -> None:
    report, enterprise = report_with("标题", "😀" * LIMITS.description, "")
    ack = filed_ack(report, enterprise, "zh", ZONE)
    assert "…（全文见 /show 123456）" in ack
    assert visible_length(ack) <= TELEGRAM_TEXT_LIMIT
    assert "123456" in ack.splitlines()[0]  # the number is never what gets cut


@settings(max_examples=200)
@given(st.text(min_size=0, max_size=300), st.integers(min_value=2, max_value=120))
def test_excerpt_never_exceeds_and_never_splits_a_pair(text: str, units: int) -> None:
    cut = excerpt(text, units)
    assert utf16_units(cut) <= max(units, utf16_units("…")) or cut == text
    cut.encode("utf-16-le")  # a split surrogate pair would not encode


@settings(max_examples=100)
@given(st.lists(st.text(WORST, max_size=900), min_size=1, max_size=12))
def test_fit_keeps_any_html_message_within_the_limit(parts: list[str]) -> None:
    from html import escape

    html_text = "\n".join(f"<b>{escape(p)}</b>" for p in parts)
    assert visible_length(fit(html_text, "zh", 1024, number=7)) <= 1024
