"""monitoring's copy of routing's agencies (catalog events), for the names in reports

Revision ID: 0003_8a_catalog_copy
Revises: 0002
"""
from alembic import op

from shared.migrations import create_catalog_copy

revision = '0003_8a_catalog_copy'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_catalog_copy(op, units=False, agencies=True)


def downgrade() -> None:
    op.drop_table('catalog_agencies')
