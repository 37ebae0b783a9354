"""“第 X 页 共 Y 页” on every page: a canvas that holds each finished page until the
document ends, when the number of pages is known, then gives each its footer.

Nothing is laid out twice; the held pages are written in order with their footers, so the same
story still gives the same bytes.
"""
from __future__ import annotations

from typing import Any, Callable

from reportlab.pdfgen.canvas import Canvas

Footer = Callable[[Canvas, int, int], None]
"""Draws a page's footer: (canvas, page number, number of pages)."""


def canvas_maker(footer: Footer) -> type[Canvas]:
    """A canvas class for ``SimpleDocTemplate.build(canvasmaker=…)`` that draws ``footer`` on
    each page once the page count is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for number, page in enumerate(self._held, start=1):
                self.__dict__.update(page)
                footer(self, number, total)
                super().showPage()
            self._held = []
            super().save()

    return NumberedCanvas
