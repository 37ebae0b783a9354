"""An export as DuckDB reads it: UTF-8 CSV records, numbered as the clerk's spreadsheet numbers
its rows.

* **xlsx** is read with python-calamine (DuckDB's own reader is a downloadable extension, not
  reachable here) and written out as UTF-8 CSV, one record per sheet row from A1: a date cell as
  ``YYYY-MM-DD`` (with ``HH:MM:SS`` when it has a time), a number as Excel shows it (15
  significant digits), a line break inside a cell as a space.
* **CSV** in UTF-8 (with or without BOM) is handed over as it is; GBK and GB18030 (its superset)
  are transcoded to UTF-8 first, in chunks, so memory does not grow with the file. The encoding
  is told from the file's first 64 KiB: a BOM, else strict UTF-8, else GB18030.
* **Row numbers**: DuckDB skips empty lines, which a spreadsheet shows as empty rows. The empty
  records are found (``scan_lines``, then ``Lines.blank_records``) so that record *i* of DuckDB
  is given the row number the clerk sees; a quoted field holding a line break makes one record
  of two lines, as Excel does.
"""
from __future__ import annotations

import codecs
import csv
import itertools
import mmap
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from compliance.errors import UserError
from compliance.model.suggest import did_you_mean

SAMPLE_BYTES = 64 * 1024
"""How much of a CSV file its encoding is told from."""
CHUNK_BYTES = 8 * 1024 * 1024
"""How much of a file is held at once while it is transcoded or scanned."""
HEAD_RECORDS = 40
"""How many records from the top the header row is looked for in."""
XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


@dataclass(frozen=True)
class Source:
    """One export, ready for DuckDB: ``csv`` is UTF-8; ``head`` its first records as lists of
    cells (an empty line is ``[]``), counted as the spreadsheet counts rows."""

    path: Path
    sheet: str | None
    encoding: str
    csv: Path
    head: list[list[str]]

    @property
    def name(self) -> str:
        return self.path.name


def open_export(path: Path, sheet: str | None, target: Path) -> Source:
    """The export at ``path`` as UTF-8 CSV (written to ``target`` when it is not already)."""
    if not path.is_file():
        raise UserError("找不到导出文件", file=path, field="FILE", valid="平台导出的 .xlsx 或 .csv 文件")
    if path.suffix.lower() in XLSX_SUFFIXES:
        sheet = _xlsx_to_csv(path, sheet, target)
        encoding, text = "xlsx", target
    else:
        codec, encoding = _encoding(path)
        text = path if codec == "utf-8" else _transcoded(path, codec, target)
        sheet = None
    return Source(path, sheet, encoding, text, _head(text))


def _encoding(path: Path) -> tuple[str, str]:
    """(Python codec, the name shown) of a CSV export, from its first 64 KiB."""
    with open(path, "rb") as stream:
        sample = stream.read(SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8", "UTF-8（带 BOM）"
    cut = sample[:sample.rfind(b"\n") + 1] if len(sample) == SAMPLE_BYTES else sample
    for codec, name in (("utf-8", "UTF-8"), ("gb18030", "GBK/GB18030")):
        try:
            cut.decode(codec)
            return codec, name
        except UnicodeDecodeError:
            continue
    raise UserError("无法识别文件的编码", file=path, field="FILE",
                    valid="UTF-8、带 BOM 的 UTF-8、GBK 或 GB18030 编码的 CSV")


def _transcoded(path: Path, codec: str, target: Path) -> Path:
    """``path`` decoded with ``codec`` and written to ``target`` as UTF-8, chunk by chunk."""
    decoder = codecs.getincrementaldecoder(codec)()
    line = 1
    with open(path, "rb") as source, open(target, "wb") as sink:
        while chunk := source.read(CHUNK_BYTES):
            try:
                sink.write(decoder.decode(chunk).encode("utf-8"))
            except UnicodeDecodeError as bad:
                at = line + chunk.count(b"\n", 0, bad.start)
                raise UserError(f"第 {at} 行有无法按 {codec.upper()} 解码的字节", file=path, line=at,
                                valid="整个文件使用同一种编码") from None
            line += chunk.count(b"\n")
        sink.write(decoder.decode(b"", final=True).encode("utf-8"))
    return target


def _xlsx_to_csv(path: Path, sheet: str | None, target: Path) -> str:
    """The sheet named ``sheet`` (default: the first) written to ``target``; its name."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error types for a damaged file
        raise UserError(f"无法读取 Excel 文件：{error}", file=path, field="FILE") from None
    names = book.sheet_names
    chosen = sheet or names[0]
    if chosen not in names:
        raise UserError(f"没有工作表 {chosen!r}；{did_you_mean(chosen, names)}", file=path,
                        field="sheet", valid="、".join(names))
    with open(target, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        for row in book.get_sheet_by_name(chosen).iter_rows():
            writer.writerow([_cell(value) for value in row] or [""])
    return chosen


def _cell(value: object) -> str:
    """A cell as the clerk sees it in Excel."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return f"{value:.15g}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return " ".join(str(value).splitlines())


def _head(path: Path) -> list[list[str]]:
    """The first records of a UTF-8 CSV file (``[]`` for an empty line)."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as stream:
        return list(itertools.islice(csv.reader(stream), HEAD_RECORDS))


@dataclass(frozen=True)
class Lines:
    """A UTF-8 CSV file's empty lines (0-based numbers) and, when it holds a quote, how many
    lines it has."""

    blanks: list[int]
    count: int | None

    def blank_records(self, path: Path, records: int) -> list[int]:
        """The 0-based numbers of the empty records, DuckDB having read ``records`` (it skips
        empty lines): the empty lines when every record is one line (always so without a
        quote), else found by following the quotes line by line."""
        if self.count is None or records + len(self.blanks) == self.count:
            return self.blanks
        return _blank_records_quoted(path)


def scan_lines(path: Path) -> Lines:
    """The empty lines of a UTF-8 CSV file, found without decoding it."""
    with open(path, "rb") as stream:
        if not stream.read(1):
            return Lines([], None)
        with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
            quoted = data.find(b'"') >= 0
            count = _newlines(data, 0, len(data)) + (data[-1:] != b"\n") if quoted else None
            return Lines(_blank_lines(data), count)


_BLANK = re.compile(rb"\n(?=\r?\n)")
"""A line break followed by an empty line (``\\n`` or ``\\r\\n`` alone)."""


def _blank_lines(data: mmap.mmap) -> list[int]:
    """The 0-based numbers of the empty lines."""
    starts = [0] if data[:1] == b"\n" or data[:2] == b"\r\n" else []
    starts += [match.end() for match in _BLANK.finditer(data)]
    numbers, counted, before = [], 0, 0
    for start in starts:
        before += _newlines(data, counted, start)
        counted = start
        numbers.append(before)
    return numbers


def _newlines(data: mmap.mmap, start: int, end: int) -> int:
    """How many line breaks ``data[start:end]`` holds, read a chunk at a time."""
    return sum(data[at:min(at + CHUNK_BYTES, end)].count(b"\n") for at in range(start, end, CHUNK_BYTES))


def _blank_records_quoted(path: Path) -> list[int]:
    """The empty records of a file some of whose quoted fields hold line breaks."""
    blanks, record, quoted = [], 0, False
    with open(path, "rb") as stream:
        for line in stream:
            if not quoted:
                if not line.strip(b"\r\n"):
                    blanks.append(record)
                record += 1
            quoted ^= bool(line.count(b'"') & 1)
    return blanks
