"""event sequences: the last routing decision applied and the petition's status version; Idempotency-Key records

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

from shared.migrations import create_idempotency_keys

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_idempotency_keys(op)
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('routing_seq', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('status_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('link_seq', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    op.drop_table('idempotency_keys')
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.drop_column('link_seq')
        batch_op.drop_column('status_version')
        batch_op.drop_column('routing_seq')
