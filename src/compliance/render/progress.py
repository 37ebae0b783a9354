"""A progress bar for long work (a whole year of statements, many contracts): shown on a
terminal, silent when the output is piped or captured, so logs and JSON stay clean."""
from __future__ import annotations

import sys
from typing import Iterable, TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress(items: Iterable[T], label: str) -> Iterable[T]:
    """``items``, with a bar on stderr while they are worked through, if stderr is a terminal."""
    return tqdm(items, desc=label, file=sys.stderr, leave=False, disable=not sys.stderr.isatty(),
                unit="期", dynamic_ncols=True)
