"""Stored files: uploads kept in memory with Telegram-like ids and paths."""

from __future__ import annotations

import mimetypes
import secrets
import struct

from liaisonbot.sandbox.base import WorldBase
from liaisonbot.sandbox.models import StoredFile


class FileStoreMixin(WorldBase):
    """Files the bot uploads or users send."""

    def store_file(
        self, data: bytes, kind: str, file_name: str | None = None, mime_type: str | None = None
    ) -> StoredFile:
        n = next(self._file_seq)
        prefix = "AgACAgUAAxk" if kind == "photo" else "BQACAgUAAxk"
        width: int | None
        height: int | None
        if kind == "photo":
            width, height = image_size(data)
            ext = ".jpg" if data[:2] == b"\xff\xd8" else ".png"
            path = f"photos/file_{n}{ext}"
            file_name = mime_type = None
        else:
            width = height = None
            ext = ""
            if file_name and "." in file_name:
                ext = "." + file_name.rsplit(".", 1)[1][:10]
            path = f"documents/file_{n}{ext}"
            mime_type = mime_type or mimetypes.guess_type(file_name or "")[0]
        stored = StoredFile(
            prefix + secrets.token_urlsafe(30),
            "AgAD" + secrets.token_urlsafe(9),
            data,
            kind,
            file_name,
            mime_type,
            width,
            height,
            path,
        )
        self.files[stored.file_id] = stored
        self.file_paths[path] = stored.file_id
        return stored


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG (0, 0 when unknown)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return w, h
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return w, h
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            size = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return w, h
            i += 2 + size
    return 0, 0
