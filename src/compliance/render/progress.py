"""A progress bar for long work (a whole year of statements, many contracts): shown on a
terminal, silent when the output is piped or captured, so logs and JSON stay clean."""
from __future__ import annotations

import sys
from typing import Iterable, TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress(items: Iterable[T], label: str, unit: str = "期") -> Iterable[T]:
    """``items``, with a bar on stderr while they are worked through, if stderr is a terminal;
    ``unit`` counts them (期, or 步 for the steps of an import)."""
    return tqdm(items, desc=label, file=sys.stderr, leave=False, disable=not sys.stderr.isatty(),
                unit=unit, dynamic_ncols=True)
