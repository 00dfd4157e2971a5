"""Decompression bombs sent as enterprise lists: each must be refused in under 2 s and 150 MB.

Builds the bombs of issue 11 in a temporary folder and runs `liaisonbot import enterprises` on
each in its own process, reporting wall time, the child's peak memory (max RSS) and the refusal:
- one cell: a ~2 MB .xlsx whose shared string (one cell) inflates to 2 GB;
- the same with its zip directory lying about the size (caught while streaming);
- 2,000,000 rows: a small .xlsx whose sheet holds two million one-cell rows.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

TIME_TARGET = 2.0
MEMORY_TARGET_MB = 150

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="企业名单" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"


RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def _skeleton(book: zipfile.ZipFile) -> None:
    book.writestr("[Content_Types].xml", CONTENT_TYPES)
    book.writestr("_rels/.rels", RELS)
    book.writestr("xl/workbook.xml", WORKBOOK)
    book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)


def one_cell_bomb(path: Path, gigabytes: float = 2.0) -> Path:
    """One shared string of `gigabytes` of 'A' (deflate's best case: ~1000:1)."""
    block = b"A" * (1 << 24)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        _skeleton(book)
        book.writestr(
            "xl/worksheets/sheet1.xml",
            SHEET_HEAD + '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + SHEET_TAIL,
        )
        info = zipfile.ZipInfo("xl/sharedStrings.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with book.open(info, "w", force_zip64=True) as member:
            member.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            member.write(b"<si><t>")
            for _ in range(int(gigabytes * (1 << 30)) // len(block)):
                member.write(block)
            member.write(b"</t></si></sst>")
    return path


def lying_bomb(source: Path, path: Path) -> Path:
    """The one-cell bomb with every declared uncompressed size rewritten to 1 KB."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as book:
        names = {i.filename: i for i in book.infolist()}
    info = names["xl/sharedStrings.xml"]
    # Local header: uncompressed size at +22 (zip64: in the extra field, left as it is);
    # central directory: the same field at +24 of its record. Patch both 32-bit fields.
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_at = start + (46 if signature == b"PK\x01\x02" else 30)
            if data[name_at : name_at + len(info.filename)] == info.filename.encode():
                data[start + offset : start + offset + 4] = (1024).to_bytes(4, "little")
            start += 4
    path.write_bytes(bytes(data))
    return path


def rows_bomb(path: Path, rows: int = 2_000_000) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        _skeleton(book)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with book.open(info, "w", force_zip64=True) as member:
            member.write(SHEET_HEAD.encode())
            batch = []
            for _ in range(rows):
                batch.append("<row><c><v>1</v></c></row>")
                if len(batch) == 10_000:
                    member.write("".join(batch).encode())
                    batch.clear()
            member.write(("".join(batch) + SHEET_TAIL).encode())
    return path


def refuse(path: Path, folder: Path) -> tuple[float, float, int, str]:
    """(seconds, peak MB of the child, exit code, last line) of `liaisonbot import`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISONBOT_")}
    env.update(LIAISONBOT_DB=str(folder / "bench.db"), LIAISONBOT_CONFIG=os.devnull)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "liaisonbot.cli", "import", "enterprises", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak_kb <= before:  # ru_maxrss is the largest child so far: run the biggest last
        peak_kb = before
    lines = (done.stdout + done.stderr).strip().splitlines()
    return seconds, peak_kb / 1024, done.returncode, lines[-1] if lines else ""


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-bombs-") as tmp:
        folder = Path(tmp)
        print("   building the bombs…", flush=True)
        cell = one_cell_bomb(folder / "one-cell.xlsx")
        bombs = [
            ("one cell → 2 GB", cell),
            ("same, sizes forged", lying_bomb(cell, folder / "lying.xlsx")),
            ("2,000,000 rows", rows_bomb(folder / "rows.xlsx")),
        ]
        for label, path in bombs:
            seconds, peak, code, line = refuse(path, folder)
            ok = seconds < TIME_TARGET and peak < MEMORY_TARGET_MB and code != 0
            size = path.stat().st_size / (1 << 20)
            print(
                f"   {label:<20} {size:5.1f} MB file: refused in {seconds:5.2f} s,"
                f" peak {peak:5.0f} MB, exit {code} {'ok' if ok else 'OVER TARGET'}\n"
                f"      {line}",
                flush=True,
            )


if __name__ == "__main__":
    main()
