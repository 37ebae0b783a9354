"""PyYAML's syntax errors told in Chinese, with the line they are on.

PyYAML words its problems in English ("mapping values are not allowed here"); a clerk who
mistyped a facts file reads what is wrong and what to do in Chinese, with PyYAML's own words
kept after it for whoever knows YAML. A problem not listed here is shown as PyYAML words it.
"""
from __future__ import annotations

import yaml

PROBLEMS = (
    ("mapping values are not allowed",
     "此处不能有“键: 值”：冒号后须有空格，含冒号的文字须加引号，或缩进有误"),
    ("block sequence entries are not allowed", "此处不能开始列表项（“- ”）：缩进有误"),
    ("could not find expected ':'", "缺少冒号：每个键后须写“: ”再写值"),
    ("found a tab character", "含制表符（Tab）：YAML 只能用空格缩进"),
    ("found character '\\t'", "含制表符（Tab）：YAML 只能用空格缩进"),
    ("found character that cannot start any token",
     "此处的字符不能开始一个值（如 Tab、@、`）：缩进请用空格，特殊字符开头的文字须加引号"),
    ("found character", "此处的字符不能开始一个值（如 @、`）：请给文字加引号"),
    ("found undefined alias", "引用了未定义的锚点（以 * 开头的文字须加引号）"),
    ("found unexpected end of stream", "文件在引号或括号闭合前就结束了"),
    ("found unexpected ':'", "多余的冒号：含冒号的文字须加引号"),
    ("did not find expected ',' or ']'", "方括号列表未闭合：缺少逗号或 ]"),
    ("did not find expected ',' or '}'", "花括号未闭合：缺少逗号或 }（也可能是引号未闭合）"),
    ("expected ',' or ']'", "方括号列表未闭合：缺少逗号或 ]"),
    ("expected ',' or '}'", "花括号未闭合：缺少逗号或 }（也可能是引号未闭合）"),
    ("did not find expected key", "缩进不一致或缺少键：同一层的键须对齐"),
    ("did not find expected '-' indicator", "列表项须以“- ”开头并对齐"),
    ("did not find expected node content", "此处缺少值"),
    ("expected <block end>", "缩进不一致：同一层的键或列表项须对齐"),
    ("expected a comment or a line break", "值后面有多余的文字（引号外的内容须删去或一并加引号）"),
    ("found duplicate anchor", "锚点（&）重复定义"),
    ("found unknown escape character", "双引号文字中有无效的反斜杠转义（可改用单引号）"),
    ("while scanning a quoted scalar", "引号未闭合"),
)
"""Each problem's English opening, as PyYAML writes it, and what it means for the writer."""


def described(error: yaml.YAMLError, source: str | bytes) -> tuple[str, int | None]:
    """The problem of ``error`` in reading ``source`` (the text, or its UTF-8 bytes when the
    parser counts positions in bytes, as libyaml does), in Chinese (PyYAML's words after it),
    and its line (1-based) when it has one."""
    if isinstance(error, yaml.reader.ReaderError):
        newline = "\n" if isinstance(source, str) else b"\n"
        return _unreadable(error), source.count(newline, 0, error.position) + 1
    english = (getattr(error, "problem", None) or str(error)).strip()
    context = getattr(error, "context", None) or ""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    for opening, meaning in PROBLEMS:
        if english.startswith(opening) or context.startswith(opening):
            return f"YAML 格式错误：{meaning}（{english}）", line
    return f"YAML 格式错误：{english}", line


def _unreadable(error: yaml.reader.ReaderError) -> str:
    """A character YAML does not allow in a file (a control character, pasted from a terminal
    or a spreadsheet), shown escaped, never sent raw to the terminal."""
    character = error.character
    code = character if isinstance(character, int) else ord(character)
    return (f"YAML 格式错误：含不可打印的控制字符 U+{code:04X}，YAML 文件中不允许出现；"
            "请删去该字符（常见于从终端或表格粘贴的文字）")
