"""The page's Chinese font: the WenQuanYi Micro Hei 文泉驿微米黑 the PDFs embed (bundled in
``fonts/``), served to browsers that have no Chinese font of their own (a browser that has
Microsoft YaHei, PingFang or Noto Sans CJK uses it and never asks for this one).

Browsers do not take a TrueType collection (``.ttc``) as a web font, so the collection's first
face is written out as a plain TrueType file: the same tables, laid out after a directory of
their own (OpenType spec, "Font Collections" and "Organization of an OpenType Font")."""
from __future__ import annotations

import struct
from functools import cache
from pathlib import Path

FONT_FILE = Path(__file__).resolve().parents[1] / "fonts" / "wqy-microhei.ttc"
ROUTE = "/static/font/wqy-microhei.ttf"


@cache
def first_face() -> bytes:
    """The collection's first face as a standalone TrueType font."""
    data = FONT_FILE.read_bytes()
    (start,) = struct.unpack(">I", data[12:16])
    (count,) = struct.unpack(">H", data[start + 4:start + 6])
    records = [struct.unpack(">4sIII", data[start + 12 + 16 * n:start + 28 + 16 * n]) for n in range(count)]
    position, directory, tables = 12 + 16 * count, [], []
    for tag, checksum, offset, length in records:
        directory.append(struct.pack(">4sIII", tag, checksum, position, length))
        table = data[offset:offset + length]
        tables.append(table + b"\0" * (-len(table) % 4))
        position += len(tables[-1])
    return data[start:start + 12] + b"".join(directory) + b"".join(tables)
