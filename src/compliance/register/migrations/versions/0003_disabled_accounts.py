"""Accounts that are removed (issue 16): ``compliance user remove`` disables an account rather
than deleting it, so its name stays on the statements it signed, its objections and the audit
log; the moment it was disabled is kept.

Revision ID: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("user_account", sa.Column("disabled_at", sa.String(40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account") as table:
        table.drop_column("disabled_at")
