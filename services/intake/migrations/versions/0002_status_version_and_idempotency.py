"""status and link versions of each petition; Idempotency-Key records

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

from shared.migrations import create_idempotency_keys


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_idempotency_keys(op)
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('link_version', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    op.drop_table('idempotency_keys')
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.drop_column('link_version')
        batch_op.drop_column('status_version')
