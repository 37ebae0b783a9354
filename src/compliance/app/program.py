"""The ``compliance`` program: the commands of :mod:`compliance.app.cli`, started with Python's
cyclic garbage collector set aside while the package is imported (issue 13).

Importing the model, the engine and their dependencies makes a few hundred thousand objects
(modules, classes, functions, pydantic schemas) that live as long as the process. While they
are being made, the collector walks them again and again, and afterwards every full
collection walks them once more, though none can ever be garbage. So the collector is paused
during the imports and what they made is then frozen (``gc.freeze``: left out of every later
collection), as CPython's documentation advises for a process's start-up; the command then runs
with the collector on, and frees its cycles as usual. Pydantic is told there are no plugins to
look for (the models use none, and looking reads the metadata of every installed package when
the first model is built, about 10 ms).

This module imports nothing heavy itself, so that the pause covers the imports.
"""
from __future__ import annotations

import gc
import os


def main() -> int:
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    gc.disable()
    try:
        from compliance.app import cli
    finally:
        gc.freeze()
        gc.enable()
    return cli.main()


if __name__ == "__main__":
    raise SystemExit(main())
