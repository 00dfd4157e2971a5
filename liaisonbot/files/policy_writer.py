"""Write the policy library (current versions) as .xlsx, .csv or .yaml, with the headers the
importer reads, so an export edited and imported again makes new versions of what changed."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from liaisonbot.domain.policies import PolicyVersion
from liaisonbot.files.policy_headers import FIELDS, header_label
from liaisonbot.files.sheets import cell_safe, csv_safe

EXPORT_SUFFIXES = frozenset({".xlsx", ".csv", ".yaml", ".yml"})


def _values(v: PolicyVersion, lang: str) -> dict[str, Any]:
    c = v.content
    return {
        "key": c.key,
        "title": c.title,
        "issuer": c.issuer,
        "doc_number": c.doc_number,
        "level": c.level.label(lang),
        "region_code": c.region_code,
        "issued_on": c.issued_on.isoformat() if c.issued_on else "",
        "valid_from": c.valid_from.isoformat() if c.valid_from else "",
        "valid_to": c.valid_to.isoformat() if c.valid_to else "",
        "apply_from": c.apply_from.isoformat() if c.apply_from else "",
        "apply_to": c.apply_to.isoformat() if c.apply_to else "",
        "benefit": c.benefit.label(lang),
        "categories": "、".join(x.label(lang) for x in c.categories),
        "region_prefix": c.criteria.region_prefix,
        "chains": "、".join(c.criteria.chains),
        "tiers": "、".join(t.label(lang) for t in c.criteria.tiers),
        "specialized": "是" if c.criteria.specialized else "",
        "sizes": "、".join(c.criteria.sizes),
        "checklist": c.checklist,
        "link": c.link,
        "automatic": "是" if c.automatic else "否",
    }


def write_policies(path: Path, versions: list[PolicyVersion], lang: str = "zh") -> Path:
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise ValueError(suffix)
    keys = list(FIELDS)
    headers = [header_label(k, lang) for k in keys]
    rows = [_values(v, lang) for v in versions]
    if suffix in (".yaml", ".yml"):
        import yaml

        data = {"policies": [{k: r[k] for k in keys if r[k] != ""} for r in rows]}
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    elif suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(headers)
            for r in rows:
                writer.writerow([csv_safe(r[k]) for k in keys])
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("政策库" if lang != "en" else "Policies")
        sheet.append(headers)
        for r in rows:
            # text cells, never formulas: a leading = is kept as text
            sheet.append([_xlsx_text(sheet, cell_safe(str(r[k]))) for k in keys])
        workbook.save(path)
    return path


def _xlsx_text(sheet: Any, text: str) -> Any:
    from liaisonbot.files.sheets import _text_cell

    return _text_cell(sheet, text)
