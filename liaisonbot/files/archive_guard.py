"""Checks on a list file before anything parses it, so that a decompression bomb is refused in
seconds and within little memory.

An .xlsx is a zip archive of XML. Before python-calamine (which loads a whole sheet into memory)
sees it: the file's size; each member's declared uncompressed size and compression ratio (from
the zip directory, no decompression); then each worksheet is inflated as a stream, counting its
bytes (a forged directory cannot lie past the member limit) and its rows, and stopping at the
first limit crossed. CSV: the file's size; rows and cell lengths are counted while reading.
Each refusal names the limit (`import.error.limit_*`).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from liaisonbot.services.enterprise_import.row_error import RowError

_CHUNK = 1 << 20
_MiB = 1 << 20


@dataclass(frozen=True)
class ImportLimits:
    """What a list file may be; Settings.import_limits builds it from LIAISONBOT_IMPORT_*."""

    file_mb: float = 20  # the file as sent (the Bot API's download limit is 20 MB)
    member_mb: float = 200  # one member of an .xlsx, uncompressed
    ratio: float = 200  # uncompressed / compressed size of a member
    rows: int = 200_000
    cell_chars: int = 10_000

    @property
    def file_bytes(self) -> int:
        return int(self.file_mb * _MiB)

    @property
    def member_bytes(self) -> int:
        return int(self.member_mb * _MiB)


DEFAULT_LIMITS = ImportLimits()


class LimitExceeded(Exception):
    def __init__(self, error: RowError) -> None:
        super().__init__(error.code)
        self.error = error


def limit_error(which: str, row: int = 0, **params: object) -> RowError:
    return RowError(row, f"limit_{which}", params=params)


def check_file_size(path: Path, limits: ImportLimits) -> None:
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise LimitExceeded(
            limit_error("file", size=f"{size / _MiB:.1f}", limit=f"{limits.file_mb:g}")
        )


def check_xlsx(path: Path, limits: ImportLimits) -> None:
    """Refuse an archive over any limit; a damaged archive is left to the reader's own error."""
    check_file_size(path, limits)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with archive:
        members = archive.infolist()
        for info in members:
            _check_declared(info, limits)
        for info in members:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                _scan_sheet(path, info, limits)
            elif info.filename.endswith("sharedStrings.xml"):
                _scan_sheet(path, info, limits, count_rows=False)


def _check_declared(info: zipfile.ZipInfo, limits: ImportLimits) -> None:
    if info.file_size > limits.member_bytes:
        raise LimitExceeded(_member_error(info.filename, info.file_size, limits))
    if info.compress_size and info.file_size > _MiB:  # small members compress as they like
        ratio = info.file_size / info.compress_size
        if ratio > limits.ratio:
            raise LimitExceeded(
                limit_error(
                    "ratio", member=info.filename, ratio=f"{ratio:.0f}", limit=f"{limits.ratio:g}"
                )
            )


def _member_error(name: str, size: int, limits: ImportLimits) -> RowError:
    return limit_error(
        "member", member=name, size=f"{size / _MiB:.0f}", limit=f"{limits.member_mb:g}"
    )


def _scan_sheet(
    path: Path, info: zipfile.ZipInfo, limits: ImportLimits, *, count_rows: bool = True
) -> None:
    """Inflate one member as a stream: its real size and (for a sheet) its rows, within limits."""
    size = rows = 0
    try:
        for chunk in _inflate(path, info):
            size += len(chunk)
            if size > limits.member_bytes:
                raise LimitExceeded(_member_error(info.filename, size, limits))
            if count_rows:
                rows += chunk.count(b"<row ") + chunk.count(b"<row>")
                if rows > limits.rows:
                    raise LimitExceeded(limit_error("rows", limit=limits.rows))
    except (OSError, zlib.error, struct.error):
        return  # damaged: the reader says so in its own words


def _inflate(path: Path, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes, inflated from its compressed data without trusting the declared
    uncompressed size (zipfile stops there; a reader that does not would inflate it all)."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return
    with path.open("rb") as f:
        f.seek(info.header_offset)
        header = f.read(30)
        if header[:4] != b"PK\x03\x04":
            return
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        f.seek(info.header_offset + 30 + name_length + extra_length)
        remaining = info.compress_size
        inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        while remaining > 0:
            data = f.read(min(_CHUNK, remaining))
            if not data:
                return
            remaining -= len(data)
            if inflater is None:
                yield data
                continue
            out = inflater.decompress(data, _CHUNK)
            yield out
            while inflater.unconsumed_tail:
                yield inflater.decompress(inflater.unconsumed_tail, _CHUNK)
