"""The register: statements, their facts and approvals, blobs, numbers and the audit log.

Revision ID: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

GENESIS = "0" * 64
"""The hash the first audit record chains to."""


def upgrade() -> None:
    op.create_table("blob", sa.Column("sha256", sa.String(64), primary_key=True),
                    sa.Column("content", sa.LargeBinary(), nullable=False))
    op.create_table("number_sequence",
                    sa.Column("contract", sa.String(100), primary_key=True),
                    sa.Column("year", sa.Integer(), primary_key=True),
                    sa.Column("last", sa.Integer(), nullable=False))
    op.create_table(
        "statement",
        sa.Column("number", sa.String(120), primary_key=True),
        sa.Column("contract", sa.String(100), nullable=False, index=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("span", sa.String(120), nullable=False),
        sa.Column("span_label", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("issued_on", sa.String(10), nullable=False),
        sa.Column("issued_by", sa.String(100), nullable=False),
        sa.Column("issued_at", sa.String(40), nullable=False),
        sa.Column("facts_folder", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("contract_sha256", sa.String(64), nullable=False),
        sa.Column("calendar_sha256", sa.String(64), nullable=False),
        sa.Column("software_version", sa.String(40), nullable=False),
        sa.Column("payable", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("json_sha256", sa.String(64), sa.ForeignKey("blob.sha256"), nullable=False),
        sa.Column("pdf_sha256", sa.String(64), sa.ForeignKey("blob.sha256"), nullable=False),
        sa.Column("corrects", sa.String(120), sa.ForeignKey("statement.number"), nullable=True),
        sa.Column("superseded_by", sa.String(120), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("closes", sa.Text(), nullable=False),
        sa.UniqueConstraint("contract", "year", "sequence"),
    )
    op.create_table(
        "statement_facts",
        sa.Column("number", sa.String(120), sa.ForeignKey("statement.number"), primary_key=True),
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("period", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("blob.sha256"), nullable=False),
    )
    op.create_table(
        "approval",
        sa.Column("number", sa.String(120), sa.ForeignKey("statement.number"), primary_key=True),
        sa.Column("step", sa.Integer(), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("signed_on", sa.String(10), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("sequence", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("contract", sa.String(100), nullable=False),
        sa.Column("number", sa.String(120), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    head = op.create_table("audit_head", sa.Column("id", sa.Integer(), primary_key=True),
                           sa.Column("sequence", sa.Integer(), nullable=False),
                           sa.Column("hash", sa.String(64), nullable=False))
    op.bulk_insert(head, [{"id": 1, "sequence": 0, "hash": GENESIS}])


def downgrade() -> None:
    for table in ("audit_head", "audit", "approval", "statement_facts", "statement",
                  "number_sequence", "blob"):
        op.drop_table(table)
