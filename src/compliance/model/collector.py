"""Python's cyclic garbage collector paused while a large, acyclic structure is built.

Every few hundred objects allocated, the collector walks the young objects, and now and then
every object alive; building a month of 100,000 events (some two million dicts, lists,
numbers and models, none of them in a cycle) or the parsed face of the bundled font triggers
those walks over and over for nothing: a quarter of loading such a month (issue 13). What is
freed meanwhile is freed by reference counting as always; only cycles wait for the collector,
which runs again as soon as the block ends.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused() -> Iterator[None]:
    """Run the block with the cyclic collector paused (left paused if it already was)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
