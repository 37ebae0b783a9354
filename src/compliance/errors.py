"""User errors: bad facts, contracts or arguments, reported without a traceback."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class UserError(Exception):
    """An input the user can fix: names the file, the line, the field and what would be valid."""

    message: str
    file: Path | str | None = None
    line: int | None = None
    field: str | None = None
    valid: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = str(self.file)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        field = f"{self.field}: " if self.field else ""
        hint = f"（可用：{self.valid}）" if self.valid else ""
        return f"{where}{field}{self.message}{hint}"


def all_of(problems: list[UserError]) -> UserError:
    """One error that reports every problem: the first as it is (its file, line, field and
    hint), each other on its own line after it."""
    first, rest = problems[0], problems[1:]
    if not rest:
        return first
    hint = f"（可用：{first.valid}）" if first.valid else ""
    message = first.message + hint + "".join(f"\n  另：{problem}" for problem in rest)
    return UserError(message, file=first.file, line=first.line, field=first.field)


class RuleActionError(RuntimeError):
    """A rule action failed inside durable-rules; never a user error, always a bug to report."""
