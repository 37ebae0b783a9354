"""YAML loading that reads numbers as a person means them and remembers where every value came
from.

* **Numbers as written** (YAML 1.2 core schema, not PyYAML's YAML 1.1): ``010`` is ten, not
  eight; ``0x10``, ``0o17`` and ``1:30`` are text, not 16, 15 and 90; ``yes``/``no``/``on``/
  ``off`` are text, not booleans. A number with a decimal point or an exponent is read as a
  ``Decimal`` from its written digits, so money never passes through a binary float. ``.nan``
  and ``.inf`` are refused: no amount is infinite.
* **Where from**: facts and contracts are validated after loading; to report "file:line field"
  the loader keeps the line of every mapping key and list item.
* **Which files**: a folder's ``.yaml`` and ``.yml`` files, hidden files (editor dotfiles such
  as ``._period-02.yaml``) left out; a symbolic link that leads outside the folder is refused
  without being read, and so is a file larger than ``MAX_FILE_BYTES``.

libyaml's parser (``CSafeLoader``) is used when PyYAML was built with it: a month of 100,000
events parses in seconds rather than half a minute.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from compliance.errors import UserError
from compliance.model import yaml_problems

MAX_FILE_BYTES = 64 * 1024 * 1024
"""The largest YAML file read: a month of 100,000 events with long work-order refs is about
15 MiB."""

MAX_DEPTH = 64
"""The deepest nesting of mappings and lists a contract or facts file may have; the schema
needs five."""

YAML_SUFFIXES = (".yaml", ".yml")


class LocatedDict(dict):
    """A mapping with the 1-based source line of each key in ``lines``."""

    lines: dict[Any, int]


class LocatedList(list):
    """A sequence with the 1-based source line of each item in ``lines``."""

    lines: list[int]


try:
    from yaml.cyaml import CParser as _Parser
    _POSITIONS_IN_BYTES = True  # libyaml counts a bad character's position in UTF-8 bytes
except ImportError:  # PyYAML built without libyaml: its own, slower, parser
    _POSITIONS_IN_BYTES = False
    class _Parser(yaml.reader.Reader, yaml.scanner.Scanner,  # type: ignore[no-redef]
                  yaml.parser.Parser):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)


_BOOLEANS = {"true": True, "True": True, "TRUE": True,
             "false": False, "False": False, "FALSE": False}
_NULLS = frozenset({"~", "null", "Null", "NULL", ""})
_INTEGER = re.compile(r"[-+]?[0-9]+")
_DECIMAL = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INFINITE = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
"""Beijing time: China has kept UTC+8 all year since 1991, so a fixed offset is exact."""
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9].*")
_MAYBE_NOT_TEXT = frozenset("0123456789+-.~tTfFnN")
"""The first characters of plain scalars that may be something other than text."""

MAX_NODES = 5_000_000
"""The most values a document may hold once its aliases are counted out (a guard against
"billion laughs" files)."""


class _Problem(Exception):
    """A value that cannot be read as written: the message and the event where it is."""

    def __init__(self, message: str, event: yaml.events.Event) -> None:
        super().__init__(message)
        self.line = event.start_mark.line + 1


def _plain(text: str, event: yaml.ScalarEvent) -> Any:
    """A plain scalar by the YAML 1.2 core schema, decimal only, plus calendar dates."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and _DATE.fullmatch(text):
        try:
            return date(int(text[:4]), int(text[5:7]), int(text[8:]))
        except ValueError:
            raise _Problem(f"不是有效日期：{text}（请写作 YYYY-MM-DD）",
                           event) from None
    if text in _BOOLEANS:
        return _BOOLEANS[text]
    if text in _NULLS:
        return None
    if _INTEGER.fullmatch(text):
        if len(text.lstrip("+-0")) > 18:
            raise _Problem(f"数字 {text} 位数过多（整数最多 18 位）", event)
        return int(text, 10)
    if _DECIMAL.fullmatch(text):
        value = Decimal(text)
        if value != 0 and not -30 <= value.adjusted() <= 18:
            raise _Problem(f"数字 {text} 超出可读范围（请直接写出数字，如 5000.00）", event)
        return value
    if _INFINITE.fullmatch(text):
        raise _Problem(f"{text} 不是数：金额、比例和天数须写成有限的十进制数（如 5000 或 0.05）",
                       event)
    match = _DATE.fullmatch(text)
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            raise _Problem(f"不是有效日期：{text}（请写作 YYYY-MM-DD）", event) from None
    if _DATETIME.fullmatch(text):
        return _moment(text, event)
    return text


def _moment(text: str, event: yaml.events.Event) -> datetime:
    """A date with a time of day (``2025-03-04 09:30``, ``2025-03-04T09:30:00+08:00``); one
    written without a zone is a Beijing time (UTC+8), whatever the machine's zone."""
    try:
        moment = datetime.fromisoformat(text.replace("\t", " "))
    except ValueError:
        raise _Problem(f"不是有效时刻：{text}（请写作 YYYY-MM-DD HH:MM，北京时间）", event) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=BEIJING)
    return moment.astimezone(BEIJING)


_TAGGED = {"tag:yaml.org,2002:str": str, "tag:yaml.org,2002:int": _plain,
           "tag:yaml.org,2002:float": _plain, "tag:yaml.org,2002:bool": _plain,
           "tag:yaml.org,2002:null": _plain, "tag:yaml.org,2002:timestamp": _plain}
_COLLECTION_TAGS = {None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


def _scalar(event: yaml.ScalarEvent) -> Any:
    """A scalar as a person means it: quoted is text, plain is resolved by the core schema."""
    text = event.value
    if event.tag is None:
        if event.style or not text or text[0] not in _MAYBE_NOT_TEXT:
            return text
        return _plain(text, event)
    if event.tag == "!":
        return text
    read = _TAGGED.get(event.tag)
    if read is None:
        raise _Problem(f"不支持的 YAML 标签 {event.tag}", event)
    return read(text) if read is str else read(text, event)


class _Frame:
    """A mapping or list being read: its container, the key awaiting its value, its size."""

    __slots__ = ("container", "lines", "mapping", "key", "key_line", "start", "size", "anchor")

    def __init__(self, event: yaml.events.CollectionStartEvent) -> None:
        self.mapping = type(event) is yaml.MappingStartEvent
        self.container = LocatedDict() if self.mapping else LocatedList()
        self.lines = self.container.lines = {} if self.mapping else []
        self.key: Any = _Frame
        self.key_line = 0
        self.start = event.start_mark.line + 1
        self.size = 1
        self.anchor = event.anchor

    def awaits_key(self) -> bool:
        return self.mapping and self.key is _Frame

    def place(self, value: Any, line: int, size: int, event: yaml.events.Event) -> None:
        """Put a value read into this mapping or list."""
        self.size += size
        if not self.mapping:
            self.container.append(value)
            self.lines.append(line)
        elif self.key is _Frame:
            if not isinstance(value, (str, int, bool, type(None))):
                raise _Problem("键必须是文字（如 amount、events）", event)
            if value in self.container:
                raise _Problem(f"键 {value!r} 重复（第 {self.lines[value]} 行已有）", event)
            self.key, self.key_line = value, line
        else:
            self.container[self.key] = value
            self.lines[self.key] = self.key_line
            self.key = _Frame


def _document(parser: Any) -> Any:
    """Build the document from the parser's events, without recursion: nesting is bounded by
    ``MAX_DEPTH``, aliases by ``MAX_NODES``, and one file holds one document. Scalars, nine
    events in ten, take the short path."""
    stack: list[_Frame] = [_Frame.__new__(_Frame)]
    stack[0].mapping, stack[0].container, stack[0].size = False, LocatedList(), 0
    stack[0].lines = stack[0].container.lines = []
    anchors: dict[str, tuple[Any, int]] = {}
    get_event, scalar_event = parser.get_event, yaml.ScalarEvent
    while (event := get_event()) is not None:
        kind = type(event)
        if kind is scalar_event:
            text = event.value
            plain_text = event.tag is None and (event.style or not text or text[0] not in _MAYBE_NOT_TEXT)
            value = text if plain_text else _scalar(event)
            if event.anchor:
                anchors[event.anchor] = (value, 1)
            frame = stack[-1]
            if frame.mapping and frame.key is not _Frame:  # a mapping's value: its key has the line
                frame.container[frame.key] = value
                frame.lines[frame.key] = frame.key_line
                frame.key = _Frame
                frame.size += 1
            else:
                frame.place(value, event.start_mark.line + 1, 1, event)
            continue
        if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            _open(stack, event)
            continue
        if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            frame = stack.pop()
            value, size, line = frame.container, frame.size, frame.start
            if frame.anchor:
                anchors[frame.anchor] = (value, size)
        elif kind is yaml.AliasEvent:
            if event.anchor not in anchors:
                raise _Problem(f"别名 *{event.anchor} 没有对应的锚点 &{event.anchor}", event)
            value, size = anchors[event.anchor]
            line = event.start_mark.line + 1
        else:
            if kind is yaml.DocumentStartEvent and stack[0].container:
                raise _Problem("一个文件只能有一个 YAML 文档（请删去第二个 ---）", event)
            continue
        stack[-1].place(value, line, size, event)
        if stack[0].size + sum(frame.size for frame in stack[1:]) > MAX_NODES:
            raise _Problem(f"文件展开后超过 {MAX_NODES:,} 个值（别名引用过多）", event)
    return stack[0].container[0] if stack[0].container else None


def _open(stack: list[_Frame], event: yaml.events.CollectionStartEvent) -> None:
    """A mapping or list begins: checked, then read into a new frame."""
    if event.tag not in _COLLECTION_TAGS:
        raise _Problem(f"不支持的 YAML 标签 {event.tag}", event)
    if stack[-1].awaits_key():
        raise _Problem("键必须是文字（如 amount、events）", event)
    if len(stack) > MAX_DEPTH:
        raise _Problem(f"嵌套超过 {MAX_DEPTH} 层（合同与事实文件最多用到五层）", event)
    stack.append(_Frame(event))


def yaml_files(folder: Path) -> list[Path]:
    """The YAML files of ``folder`` in name order: ``.yaml`` and ``.yml``, hidden files left out.

    A symbolic link whose target lies outside the folder is refused (its target is never read
    nor quoted).
    """
    inside = folder.resolve()
    files = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.suffix.lower() not in YAML_SUFFIXES:
            continue
        if path.is_symlink() and inside not in path.resolve().parents:
            raise UserError("该文件是指向文件夹之外的符号链接，不予读取", file=path,
                            valid=f"{folder} 内的普通文件")
        if path.is_file():
            files.append(path)
    return files


def read_text(path: Path) -> str:
    """A YAML file's text: UTF-8, at most ``MAX_FILE_BYTES``."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UserError(f"文件过大（{size:,} 字节）", file=path,
                            valid=f"至多 {MAX_FILE_BYTES:,} 字节；请按月拆分事实文件")
        return path.read_bytes().decode("utf-8")
    except OSError as error:
        raise UserError(f"无法读取文件：{error.strerror}", file=path) from None
    except UnicodeDecodeError:
        raise UserError("文件不是 UTF-8 文本", file=path) from None


def load(path: Path) -> Any:
    """Parse one YAML file; a syntax error, or a value that cannot be read as written, becomes
    a UserError with its line."""
    text = read_text(path)
    parser = _Parser(text)
    try:
        return _document(parser)
    except _Problem as problem:
        raise UserError(str(problem), file=path, line=problem.line) from None
    except yaml.YAMLError as error:
        source = text.encode("utf-8") if _POSITIONS_IN_BYTES else text
        message, line = yaml_problems.described(error, source)
        raise UserError(message, file=path, line=line) from None
    finally:
        parser.dispose()


def line_of(document: Any, location: tuple[Any, ...]) -> int | None:
    """The source line of the deepest part of ``location`` found in ``document``."""
    line = None
    node = document
    for part in location:
        if isinstance(node, LocatedDict) and part in node:
            line = node.lines[part]
            node = node[part]
        elif isinstance(node, LocatedList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lines[part]
            node = node[part]
        else:
            break
    return line
