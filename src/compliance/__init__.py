"""compliance: Beijing 12345 (接诉即办) service contracts settled clause by clause.

The packages follow the money:

* ``model``   — what is written down: the contract schema, facts, contract months, the
  working-day calendar, money and its arithmetic. It imports no clause kind.
* ``engine``  — durable-rules (``engine/rete.py`` is its only importer), the clause kinds
  (``engine/kinds``), compiling a contract (``engine/loading.py``), settling months and
  judging tranches.
* ``account`` — one account per contract: every amount an entry with its clause, the date it
  arose, its due date and its trace.
* ``views``   — statements, schedule, ledger, preview, diff and termination, each the account
  as of a date.
* ``render``  — PDF, xlsx/CSV and text; atomic writing of output sets.
* ``app``     — the ``compliance`` command and the web page.
* ``legal``   — the lawyers' tools: lint, coverage, show, explain.
* ``register`` — issued statements: numbers, approvals, corrections, the audit log.
"""

__version__ = "0.1.0"
"""The software version every statement names (kept equal to pyproject's by a test)."""
