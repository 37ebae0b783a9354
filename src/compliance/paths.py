"""Where the project's folders are: the package runs from its repository (``pip install -e .``),
beside the contracts, clause kinds, features and tests it was cloned with."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS_DIR = ROOT / "contracts"
RULES_DIR = Path(os.environ.get("COMPLIANCE_RULES_DIR", ROOT / "rules"))
FEATURES_DIR = ROOT / "features"
TESTS_DIR = ROOT / "tests"
REPORTS_DIR = Path("reports")
"""Where outputs go by default, relative to the working folder."""
