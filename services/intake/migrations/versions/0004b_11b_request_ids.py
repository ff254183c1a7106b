"""the request that linked a petition, and the one that undid the link, on the link's history row

Revision ID: 0004_11b_request_ids
Revises: 0004_8a_catalog_copy
"""
from alembic import op
import sqlalchemy as sa

revision = '0004_11b_request_ids'
down_revision = '0004_8a_catalog_copy'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('petition_links') as batch:
        batch.add_column(sa.Column('request_id', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('undone_request_id', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('petition_links') as batch:
        batch.drop_column('undone_request_id')
        batch.drop_column('request_id')
