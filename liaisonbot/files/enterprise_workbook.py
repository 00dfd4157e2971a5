"""The enterprise list as officials hand it on: sheets 企业名单 (the import's headers, so an
exported list imports back unchanged) and 配套关系 (one row per supplier → leading link), as .xlsx
or .csv (liaisonbot.files.sheets)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

from liaisonbot.clock import from_db
from liaisonbot.domain.vocabulary import Tier
from liaisonbot.files.filters import scope_filter
from liaisonbot.files.sheets import SHANGHAI, TableSink, region_label, zh_label
from liaisonbot.read.people import person_label
from liaisonbot.store import Database

RELATION_LABELS = {"UPSTREAM": "上游", "DOWNSTREAM": "下游"}

ENTERPRISE_HEADERS = (
    "序号",
    "企业名称",
    "统一社会信用代码",
    "地区代码",
    "地区",
    "产业链",
    "企业类型",
    "配套龙头企业",
    "上下游",
    "专精特新",
    "企业规模",
    "联络员",
    "联络员姓名",
    "联系人",
    "复工状态",
    "登记时间",
    "更新时间",
)
LINK_HEADERS = (
    "序号",
    "配套企业名称",
    "配套企业统一社会信用代码",
    "龙头企业名称",
    "龙头企业统一社会信用代码",
    "上下游",
)


async def export_enterprises(
    db: Database,
    path: Path,
    *,
    region: str | None = None,
    chain: str | None = None,
    tz: ZoneInfo = SHANGHAI,
) -> list[Path]:
    """Sheets 企业名单 (importable) and 配套关系 (one row per supplier → leading link)."""
    path = Path(path)
    sink = TableSink(path, tz)
    where = scope_filter("e", region, chain)

    links: dict[int, list[tuple[str, str]]] = defaultdict(list)
    link_rows = await db.fetch_all(
        "SELECT l.supplier_id, d.credit_code, l.relation FROM enterprise_links l"
        " JOIN enterprises e ON e.id = l.supplier_id JOIN enterprises d ON d.id = l.leading_id"
        f"{where.sql} ORDER BY l.supplier_id, d.credit_code",
        where.params,
    )
    for r in link_rows:
        links[r["supplier_id"]].append((r["credit_code"], r["relation"]))
    del link_rows
    contacts: dict[int, list[str]] = defaultdict(list)
    for r in await db.fetch_all(
        "SELECT c.enterprise_id, c.user_id FROM contacts c"
        f" JOIN enterprises e ON e.id = c.enterprise_id{where.sql} ORDER BY c.user_id",
        where.params,
    ):
        contacts[r["enterprise_id"]].append(str(r["user_id"]))

    sink.table("企业名单", ENTERPRISE_HEADERS)
    n = 0
    async with db.conn.execute(
        "SELECT e.*, u.full_name, u.username FROM enterprises e"
        f" LEFT JOIN users u ON u.user_id = e.liaison_officer_id{where.sql}"
        " ORDER BY e.region_code, e.chain, e.id",
        where.params,
    ) as cursor:
        async for e in cursor:
            n += 1
            own = links.get(e["id"], [])
            relations = {rel for _, rel in own}
            sink.row(
                [
                    n,
                    e["name"],
                    e["credit_code"],
                    e["region_code"],
                    region_label(e["region_code"]),
                    e["chain"],
                    zh_label(Tier, e["tier"]),
                    ";".join(code for code, _ in own),
                    RELATION_LABELS.get(relations.pop(), "") if len(relations) == 1 else "",
                    "是" if e["specialized"] else "否",
                    e["size"],
                    e["liaison_officer_id"] if e["liaison_officer_id"] is not None else "",
                    person_label(e["liaison_officer_id"], e["full_name"], e["username"])
                    if e["full_name"] or e["username"]
                    else "",
                    ";".join(contacts.get(e["id"], [])),
                    e["resumption_status"],
                    from_db(e["created_at"]),
                    from_db(e["updated_at"]),
                ]
            )

    sink.table("配套关系", LINK_HEADERS)
    n = 0
    async with db.conn.execute(
        "SELECT e.name AS s_name, e.credit_code AS s_code, d.name AS d_name,"
        " d.credit_code AS d_code, l.relation FROM enterprise_links l"
        " JOIN enterprises e ON e.id = l.supplier_id JOIN enterprises d ON d.id = l.leading_id"
        f"{where.sql} ORDER BY d.credit_code, e.credit_code",
        where.params,
    ) as cursor:
        async for r in cursor:
            n += 1
            sink.row(
                [
                    n,
                    r["s_name"],
                    r["s_code"],
                    r["d_name"],
                    r["d_code"],
                    RELATION_LABELS.get(r["relation"], r["relation"]),
                ]
            )
    return sink.close()
