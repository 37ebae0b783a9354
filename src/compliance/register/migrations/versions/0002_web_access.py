"""The web page's parties (issue 16): user accounts with their roles and contracts, signed-in
sessions, the key session cookies are signed with, vendors' confirmations and objections.

Revision ID: 0002
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vendor_confirmation",
        sa.Column("number", sa.String(120), sa.ForeignKey("statement.number"), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("signed_on", sa.String(10), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
    )
    op.create_table(
        "objection",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("number", sa.String(120), sa.ForeignKey("statement.number"), nullable=False,
                  index=True),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("raised_by", sa.String(100), nullable=False),
        sa.Column("raised_at", sa.String(40), nullable=False),
        sa.Column("attachment_sha256", sa.String(64), sa.ForeignKey("blob.sha256"), nullable=True),
        sa.Column("attachment_name", sa.String(255), nullable=True),
        sa.Column("attachment_type", sa.String(100), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(100), nullable=True),
        sa.Column("answered_at", sa.String(40), nullable=True),
    )
    op.create_table(
        "user_account",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("locked_until", sa.String(40), nullable=True),
    )
    op.create_table(
        "user_contract",
        sa.Column("name", sa.String(100), sa.ForeignKey("user_account.name"), primary_key=True),
        sa.Column("contract", sa.String(100), primary_key=True),
    )
    op.create_table(
        "user_session",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(100), sa.ForeignKey("user_account.name"), nullable=False,
                  index=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("expires_at", sa.String(40), nullable=False),
    )
    key = op.create_table("session_key", sa.Column("id", sa.Integer(), primary_key=True),
                          sa.Column("key", sa.String(64), nullable=False))
    op.bulk_insert(key, [{"id": 1, "key": secrets.token_hex(32)}])


def downgrade() -> None:
    for table in ("session_key", "user_session", "user_contract", "user_account", "objection",
                  "vendor_confirmation"):
        op.drop_table(table)
