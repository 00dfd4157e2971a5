"""Importing lists: what lands in the database, the all-or-nothing rule, re-imports and updates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from liaisonbot.domain.models import RoleGrant
from liaisonbot.domain.vocabulary import Role
from liaisonbot.services.enterprise_import.importer import (
    import_enterprises,
    import_summary_for_chat,
)
from liaisonbot.store import Database, UnitOfWork
from tests.lists.conftest import (
    BAD_CODE,
    FUZHOU_CODE,
    HEADER,
    INSTITUTION_CODE,
    LATER,
    LEADING_CODE,
    NOW,
    SUPPLIER_CODE,
    good_rows,
    snapshot,
    table,
    write_csv,
    write_xlsx,
)

ENTERPRISES_SQL = (
    "SELECT credit_code, name, region_code, chain, tier, specialized, size, liaison_officer_id"
    " FROM enterprises ORDER BY credit_code"
)
LINKS_SQL = (
    "SELECT s.credit_code, d.credit_code, l.relation FROM enterprise_links l"
    " JOIN enterprises s ON s.id = l.supplier_id JOIN enterprises d ON d.id = l.leading_id"
    " ORDER BY 1, 2"
)
CONTACTS_SQL = (
    "SELECT c.user_id, e.credit_code FROM contacts c JOIN enterprises e ON e.id = c.enterprise_id"
    " ORDER BY 1"
)
ROLES_SQL = "SELECT user_id, role, region_prefix, chain FROM roles ORDER BY 1, 3"

EXPECTED_ENTERPRISES = [
    (INSTITUTION_CODE, "某事业单位", "11", "汽车", "OTHER", 0, "", 1002),
    (SUPPLIER_CODE, "北京配套零部件有限公司", "110000", "汽车", "CORE_SUPPLIER", 1, "中型", 1001),
    (LEADING_CODE, "北京龙头科技有限公司", "110108", "汽车", "LEADING", 0, "大型", 1001),
    (FUZHOU_CODE, "福州配套有限公司", "350100", "汽车", "CORE_SUPPLIER", 1, "小型", 1003),
]


async def import_file(db: Database, path: Path, **kwargs: Any):  # type: ignore[no-untyped-def]
    kwargs.setdefault("now", NOW)
    return await import_enterprises(db, path, **kwargs)


async def remember(db: Database, user_id: int, username: str) -> None:
    async with UnitOfWork(db) as uow:
        await uow.people.remember_user(user_id, username, username.title(), NOW)


async def test_import_real_enterprises(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "名单.csv", good_rows())
    result = await import_file(db, path)

    assert result.ok and result.applied
    assert (result.total, result.created, result.updated, result.unchanged) == (4, 4, 0, 0)
    assert result.invalid == 0
    assert await table(db, ENTERPRISES_SQL) == EXPECTED_ENTERPRISES
    assert await table(db, LINKS_SQL) == [
        (INSTITUTION_CODE, LEADING_CODE, "DOWNSTREAM"),
        (SUPPLIER_CODE, LEADING_CODE, "UPSTREAM"),
        (FUZHOU_CODE, LEADING_CODE, "UPSTREAM"),  # no 上下游 given: upstream
    ]
    assert await table(db, CONTACTS_SQL) == [
        (2001, LEADING_CODE),
        (2002, SUPPLIER_CODE),
        (2003, SUPPLIER_CODE),
    ]
    # One-to-one: each liaison officer now holds an officer grant covering their enterprise.
    assert await table(db, ROLES_SQL) == [
        (1001, "officer", "110000", "汽车"),
        (1001, "officer", "110108", "汽车"),
        (1002, "officer", "11", "汽车"),
        (1003, "officer", "350100", "汽车"),
    ]
    imports = await table(
        db, "SELECT file_name, rows_total, created, updated, unchanged, invalid"
        " FROM enterprise_imports"
    )  # fmt: skip
    assert imports == [("名单.csv", 4, 4, 0, 0, 0)]
    created = await table(
        db, "SELECT e.credit_code, c.new FROM enterprise_changes c"
        " JOIN enterprises e ON e.id = c.enterprise_id WHERE c.field = 'created' ORDER BY 1"
    )  # fmt: skip
    assert [code for code, _ in created] == sorted(
        [LEADING_CODE, SUPPLIER_CODE, INSTITUTION_CODE, FUZHOU_CODE]
    )
    assert result.without_liaison == []


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
async def test_each_encoding_imports_the_same(db: Database, tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "list.csv", good_rows(), encoding=encoding)
    result = await import_file(db, path)
    assert result.ok and result.created == 4
    assert await table(db, ENTERPRISES_SQL) == EXPECTED_ENTERPRISES


async def test_xlsx_imports_the_same(db: Database, tmp_path: Path) -> None:
    rows = good_rows()
    rows[0][2] = 110108  # typed as numbers in Excel
    rows[0][9] = 1001
    rows[1][9] = 1001.0
    path = write_xlsx(tmp_path / "list.xlsx", rows, title_rows=[["2020年汽车产业链企业名单"]])
    result = await import_file(db, path)
    assert result.ok and result.created == 4
    assert await table(db, ENTERPRISES_SQL) == EXPECTED_ENTERPRISES
    assert len(await table(db, LINKS_SQL)) == 3


async def test_english_headers_in_another_order(db: Database, tmp_path: Path) -> None:
    english = [
        "name", "credit_code", "region_code", "chain", "tier", "leading_credit_codes",
        "relation", "specialized", "size", "liaison", "contacts",
    ]  # fmt: skip
    order = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
    rows = [[r[i] for i in order] for r in good_rows()]
    path = write_csv(tmp_path / "list.csv", rows, header=[english[i] for i in order])
    result = await import_file(db, path)
    assert result.ok and result.created == 4
    assert await table(db, ENTERPRISES_SQL) == EXPECTED_ENTERPRISES


async def test_one_bad_row_imports_nothing(db: Database, tmp_path: Path) -> None:
    rows = good_rows()
    rows.insert(2, ["坏企业", BAD_CODE, "350100", "电子", "龙头", "", "", "", "", "", ""])
    path = write_csv(tmp_path / "list.csv", rows)
    empty = await snapshot(db)

    result = await import_file(db, path)

    assert not result.applied
    assert [(e.row, e.code) for e in result.errors] == [(4, "credit_code_checksum")]
    assert result.invalid == 1 and result.invalid_rows == [4]
    assert await snapshot(db) == empty
    assert await table(db, "SELECT * FROM enterprise_imports") == []
    assert "第 4 行" in result.render() and "未导入任何数据" in result.render()


async def test_skip_invalid_imports_the_good_rows(db: Database, tmp_path: Path) -> None:
    rows = good_rows()
    rows.insert(2, ["坏企业", BAD_CODE, "350100", "电子", "龙头", "", "", "", "", "", ""])
    result = await import_file(db, write_csv(tmp_path / "list.csv", rows), skip_invalid=True)
    assert result.applied and result.created == 4 and result.invalid == 1
    assert await table(db, ENTERPRISES_SQL) == EXPECTED_ENTERPRISES
    assert "跳过有误的 1 行" in result.render()


async def test_dry_run_reports_and_writes_nothing(db: Database, tmp_path: Path) -> None:
    empty = await snapshot(db)
    result = await import_file(db, write_csv(tmp_path / "list.csv", good_rows()), apply=False)
    assert result.ok and not result.applied and result.dry_run
    assert result.created == 4 and len(result.grants) == 4 and result.contacts_bound == 3
    assert await snapshot(db) == empty
    assert "仅校验，尚未写入" in result.render()


async def test_reimporting_the_same_file_changes_nothing(db: Database, tmp_path: Path) -> None:
    for make in (write_csv, write_xlsx):
        path = make(tmp_path / f"list.{'csv' if make is write_csv else 'xlsx'}", good_rows())
        await import_file(db, path)
        before = await snapshot(db)
        again = await import_file(db, path, now=LATER)
        assert again.ok and again.applied
        assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
        assert again.changes == [] and again.grants == [] and again.contacts_bound == 0
        assert await snapshot(db) == before  # updated_at included


async def test_newer_list_updates_by_credit_code_and_records_changes(
    db: Database, tmp_path: Path
) -> None:
    await import_file(db, write_csv(tmp_path / "v1.csv", good_rows()))
    rows = good_rows()
    rows[1][3] = "电子信息"  # chain
    rows[1][4] = "其他"  # tier
    rows[1][9] = "1004"  # a new liaison officer
    rows[2][5] = ""  # no longer linked
    rows[3][7] = "否"
    v2 = write_csv(tmp_path / "v2.csv", rows)

    result = await import_file(db, v2, now=LATER)

    assert (result.created, result.updated, result.unchanged) == (0, 3, 1)
    got = {(c.credit_code, c.field, c.old, c.new) for c in result.changes}
    assert got == {
        (SUPPLIER_CODE, "chain", "汽车", "电子信息"),
        (SUPPLIER_CODE, "tier", "CORE_SUPPLIER", "OTHER"),
        (SUPPLIER_CODE, "liaison_officer_id", "1001", "1004"),
        (INSTITUTION_CODE, "leading", f"{LEADING_CODE}:DOWNSTREAM", None),
        (FUZHOU_CODE, "specialized", "1", "0"),
    }
    stored = await table(
        db, "SELECT e.credit_code, c.field, c.old, c.new, c.changed_at, i.file_name"
        " FROM enterprise_changes c JOIN enterprises e ON e.id = c.enterprise_id"
        " JOIN enterprise_imports i ON i.id = c.import_id WHERE i.file_name = 'v2.csv'"
    )  # fmt: skip
    assert {(s[0], s[1], s[2], s[3]) for s in stored} == got
    assert {s[4] for s in stored} == {"2020-03-09T01:00:00.000000+00:00"}
    assert await table(db, LINKS_SQL) == [
        (SUPPLIER_CODE, LEADING_CODE, "UPSTREAM"),
        (FUZHOU_CODE, LEADING_CODE, "UPSTREAM"),
    ]
    supplier = await db.fetch_one(
        "SELECT chain, tier, liaison_officer_id, updated_at FROM enterprises WHERE credit_code = ?",
        (SUPPLIER_CODE,),
    )
    assert supplier is not None
    assert tuple(supplier) == ("电子信息", "OTHER", 1004, "2020-03-09T01:00:00.000000+00:00")
    # The new officer covers the supplier in its new chain; the old grants stay.
    assert (1004, "officer", "110000", "电子信息") in await table(db, ROLES_SQL)
    render = result.render()
    assert "产业链 汽车 → 电子信息" in render and "企业类型 核心配套 → 其他" in render
    assert "chain 汽车 → 电子信息" in result.render("en")


async def test_absent_columns_keep_stored_values(db: Database, tmp_path: Path) -> None:
    await import_file(db, write_csv(tmp_path / "v1.csv", good_rows()))
    before = await snapshot(db)
    short = [[r[0], r[1], r[2]] for r in good_rows()]
    path = write_csv(
        tmp_path / "v2.csv", short, header=["企业名称", "统一社会信用代码", "地区代码"]
    )
    result = await import_file(db, path, now=LATER)
    assert (result.unchanged, result.updated) == (4, 0)
    assert await snapshot(db) == before


async def test_empty_liaison_cell_keeps_the_officer(db: Database, tmp_path: Path) -> None:
    await import_file(db, write_csv(tmp_path / "v1.csv", good_rows()))
    rows = good_rows()
    for r in rows:
        r[9] = ""
        r[10] = ""
    result = await import_file(db, write_csv(tmp_path / "v2.csv", rows), now=LATER)
    assert result.unchanged == 4
    assert await table(db, ENTERPRISES_SQL) == EXPECTED_ENTERPRISES
    assert len(await table(db, CONTACTS_SQL)) == 3  # an import never unbinds contacts


async def test_duplicate_credit_codes(db: Database, tmp_path: Path) -> None:
    rows = good_rows()
    rows.append(["重复企业", SUPPLIER_CODE.lower(), "110000", "", "", "", "", "", "", "", ""])
    result = await import_file(db, write_csv(tmp_path / "l.csv", rows))
    assert [(e.row, e.code, e.params) for e in result.errors] == [
        (6, "duplicate_credit_code", {"value": SUPPLIER_CODE, "first_row": 3})
    ]
    assert "与第 3 行的统一社会信用代码" in result.render()


async def test_unknown_leading_enterprise(db: Database, tmp_path: Path) -> None:
    rows = good_rows()[1:]  # the leading enterprise's row is missing
    result = await import_file(db, write_csv(tmp_path / "l.csv", rows), skip_invalid=True)
    assert sorted((e.row, e.code) for e in result.errors) == [
        (2, "unknown_leading"),
        (3, "unknown_leading"),
        (4, "unknown_leading"),
    ]
    assert result.created == 0
    assert await table(db, ENTERPRISES_SQL) == []


async def test_leading_enterprise_already_registered(db: Database, tmp_path: Path) -> None:
    await import_file(db, write_csv(tmp_path / "leading.csv", good_rows()[:1]))
    result = await import_file(db, write_csv(tmp_path / "suppliers.csv", good_rows()[1:]))
    assert result.ok and result.created == 3
    assert len(await table(db, LINKS_SQL)) == 3


async def test_refused_rows_cascade_to_rows_that_refer_to_them(
    db: Database, tmp_path: Path
) -> None:
    rows = good_rows()
    rows[0][2] = "999999"  # the leading enterprise's row is wrong (row 2)
    rows[1][5] = f"{LEADING_CODE}"  # row 3 supplies it
    rows[2][5] = SUPPLIER_CODE  # row 4 supplies row 3's enterprise, which falls with row 2
    rows[3][5] = ""  # row 5 is independent
    result = await import_file(db, write_csv(tmp_path / "l.csv", rows), skip_invalid=True)
    assert [(e.row, e.code) for e in result.errors] == [
        (2, "region_code"),
        (3, "leading_invalid_row"),
        (4, "leading_invalid_row"),
    ]
    assert result.errors[1].params == {"value": LEADING_CODE, "ref_row": 2}
    assert result.created == 1
    assert [r[0] for r in await table(db, ENTERPRISES_SQL)] == [FUZHOU_CODE]


async def test_a_contact_in_two_rows(db: Database, tmp_path: Path) -> None:
    rows = good_rows()
    rows[3][10] = "2002"
    result = await import_file(db, write_csv(tmp_path / "l.csv", rows))
    assert [(e.row, e.code, e.params) for e in result.errors] == [
        (5, "contact_twice", {"value": 2002, "first_row": 3})
    ]


async def test_usernames_resolve_against_known_users(db: Database, tmp_path: Path) -> None:
    await remember(db, 5001, "Officer_Wang")
    await remember(db, 6001, "contact_li")
    rows = good_rows()
    rows[0][9] = "@officer_wang"
    rows[0][10] = "@Contact_Li;2001"
    rows[1][9] = "@nobody_here"
    result = await import_file(db, write_csv(tmp_path / "l.csv", rows), skip_invalid=True)
    assert [(e.row, e.code, e.field) for e in result.errors] == [(3, "unknown_liaison", "liaison")]
    leading = await db.fetch_one(
        "SELECT liaison_officer_id FROM enterprises WHERE credit_code = ?", (LEADING_CODE,)
    )
    assert leading is not None and leading[0] == 5001
    assert (6001, LEADING_CODE) in await table(db, CONTACTS_SQL)


async def test_no_grant_when_one_already_covers(db: Database, tmp_path: Path) -> None:
    async with UnitOfWork(db) as uow:
        await uow.people.grant(
            RoleGrant(user_id=1001, role=Role.OFFICER, region_prefix="11"), 1, NOW
        )
    result = await import_file(db, write_csv(tmp_path / "l.csv", good_rows()))
    assert sorted(result.grants) == [(1002, "11", "汽车"), (1003, "350100", "汽车")]
    assert [r for r in await table(db, ROLES_SQL) if r[0] == 1001] == [(1001, "officer", "11", "")]


async def test_contact_bound_elsewhere_moves_with_a_warning(db: Database, tmp_path: Path) -> None:
    await import_file(db, write_csv(tmp_path / "v1.csv", good_rows()))
    rows = good_rows()
    rows[3][10] = "2001"  # 2001 was the leading enterprise's contact
    rows[0][10] = ""
    result = await import_file(db, write_csv(tmp_path / "v2.csv", rows), now=LATER)
    assert result.ok
    assert [(w.row, w.code) for w in result.warnings] == [(5, "contact_moved")]
    assert (2001, FUZHOU_CODE) in await table(db, CONTACTS_SQL)
    assert any(c.field == "contact" and c.old == LEADING_CODE for c in result.changes)


async def test_warnings_not_leading_unknown_columns_no_liaison(
    db: Database, tmp_path: Path
) -> None:
    rows = [[*r, "备注"] for r in good_rows()]
    rows[0][4] = "其他"  # the referenced enterprise is not a leading one
    rows[2][9] = ""
    result = await import_file(db, write_csv(tmp_path / "l.csv", rows, header=[*HEADER, "说明"]))
    assert result.ok and result.applied
    assert [(w.row, w.code) for w in result.warnings] == [
        (1, "unknown_columns"),
        (3, "not_leading"),
        (4, "not_leading"),
        (5, "not_leading"),
    ]
    assert result.without_liaison == [4]
    assert "1 家企业未指定一对一联络员（第 4 行）" in result.render()


async def test_file_level_errors_are_results(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text("企业名称,产业链\n甲,汽车\n", encoding="utf-8")
    result = await import_file(db, path)
    assert not result.applied
    assert [(e.row, e.code) for e in result.errors] == [
        (1, "missing_column"),
        (1, "missing_column"),
    ]
    assert "缺少必需的列「统一社会信用代码」" in result.render()

    only_header = write_csv(tmp_path / "h.csv", [])
    result = await import_file(db, only_header)
    assert [e.code for e in result.errors] == ["no_rows"]


async def test_chat_summary_fits_one_message(db: Database, tmp_path: Path) -> None:
    rows = [[f"企业{i}", BAD_CODE, "350100", "", "", "", "", "", "", "", ""] for i in range(500)]
    result, text = await import_summary_for_chat(
        db, write_csv(tmp_path / "l.csv", rows), now=NOW, lang="en"
    )
    assert not result.applied and result.invalid == 500
    assert len(text) <= 4000
    assert text.startswith("Enterprise list l.csv: 500 rows")
    assert "… and 485 more" in text
    assert await table(db, ENTERPRISES_SQL) == []
