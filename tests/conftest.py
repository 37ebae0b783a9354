"""Shared fixtures: the repository's folders, and a writer for facts files."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from compliance.model.numbering import TAG_ID

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = ROOT / "contracts"
EXAMPLES = ROOT / "examples"
FEATURES = ROOT / "features"
TEXTS = CONTRACTS / "texts"
"""The signed texts, personal data redacted as 〔…〕 (contracts/texts/README.md); each
contract's ``seed`` names its file, relative to contracts/."""
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"
"""The unredacted originals, beside the clone on machines that have them (never required)."""


class _FactsDumper(yaml.SafeDumper):
    """Writes Decimal amounts as plain YAML numbers, the way a clerk types them."""


_FactsDumper.add_representer(
    Decimal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", str(value)))


def dump_facts(document: dict) -> str:
    return yaml.dump(document, Dumper=_FactsDumper, allow_unicode=True, sort_keys=False)


def edited_contract(tmp_path: Path, name: str, edit) -> Path:
    """A copy of contract ``name`` under ``tmp_path``, changed by ``edit(document)``."""
    document = yaml.safe_load((CONTRACTS / f"{name}.yaml").read_text("utf-8"))
    edit(document)
    path = tmp_path / f"{name}.yaml"
    path.write_text(dump_facts(document), "utf-8")
    return path


def run_cli(capsys, *args) -> tuple[int, str, str]:
    """Run ``compliance`` with ``args``: exit status, stdout, stderr."""
    from compliance.app import cli

    try:
        code = cli.main(list(args))
    except SystemExit as refused:  # argparse refuses an argument before the command runs
        code = refused.code
    out, err = capsys.readouterr()
    return code, out, err


def pdf_text(path: Path) -> str:
    """The text of every page of a PDF, as a reader would copy it."""
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture
def write_facts(tmp_path: Path):
    """Write one facts file per period into a fresh folder and return the folder."""
    folder = tmp_path / "facts"
    folder.mkdir()

    def write(contract: str, period: int, events: list[dict] | None = None,
              rating: str | None = None, name: str | None = None) -> Path:
        document: dict = {"contract": contract, "period": period}
        if rating:
            document["rating"] = rating
        document["events"] = events or []
        path = folder / (name or f"period-{period:02d}.yaml")
        path.write_text(dump_facts(document), "utf-8")
        return folder

    return write


def pytest_configure(config: pytest.Config) -> None:
    """Register every @clause-<id> tag used in features/ as a known marker."""
    import re

    for feature in FEATURES.glob("*.feature"):
        for tag in sorted(set(re.findall(rf"@(clause-{TAG_ID})", feature.read_text("utf-8")))):
            config.addinivalue_line("markers", f"{tag}: scenario exercising contract clause {tag[7:]}")
    # pytest cannot register a marker whose name holds "(" (9.2(3), 五(一)1); those tags are
    # checked against the contracts by test_clause_coverage instead.
    config.addinivalue_line("filterwarnings",
                            r"ignore:Unknown pytest\.mark\.clause-:pytest.PytestUnknownMarkWarning")


@pytest.fixture(scope="session", autouse=True)
def _no_register_of_the_user(tmp_path_factory):
    """No test reads or writes the register of the person running the tests: the data folder
    is a temporary one, and no PostgreSQL server is configured, unless a test sets them."""
    import os

    os.environ["COMPLIANCE_DATA_DIR"] = str(tmp_path_factory.mktemp("data"))
    os.environ.pop("COMPLIANCE_DB", None)


@pytest.fixture(scope="session")
def postgresql_server():
    """A real PostgreSQL server for the session (see tests/postgresql_server.py)."""
    import os

    from postgresql_server import REQUIRE_VARIABLE, Server, binaries

    bin_dir = binaries()
    if bin_dir is None:
        message = "PostgreSQL 未安装（Debian 软件包 postgresql）：跳过 PostgreSQL 上的登记簿测试"
        if os.environ.get(REQUIRE_VARIABLE):
            pytest.fail(message)
        pytest.skip(message)
    server = Server(bin_dir)
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def register_database(request, tmp_path, monkeypatch):
    """An empty register, on SQLite and again on PostgreSQL: COMPLIANCE_DB and
    COMPLIANCE_DATA_DIR set for the test; the URL is given back."""
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(tmp_path / "data"))
    if request.param == "sqlite":
        monkeypatch.delenv("COMPLIANCE_DB", raising=False)
        return f"sqlite:///{tmp_path / 'data' / 'register.sqlite'}"
    url = request.getfixturevalue("postgresql_server").url()
    monkeypatch.setenv("COMPLIANCE_DB", url)
    return url
