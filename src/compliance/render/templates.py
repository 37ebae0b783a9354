"""The Jinja2 templates of the package (``src/compliance/templates/``): the web page and the
coverage report, HTML-escaped, as one environment."""
from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

TEMPLATES = Environment(loader=PackageLoader("compliance", "templates"),
                        autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
