"""intake's copy of routing's units (catalog events)

Revision ID: 0004_8a_catalog_copy
Revises: 0003
"""
from alembic import op

from shared.migrations import create_catalog_copy

revision = '0004_8a_catalog_copy'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_catalog_copy(op, units=True, agencies=False)


def downgrade() -> None:
    op.drop_table('catalog_units')
