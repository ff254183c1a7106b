"""the last intake revision (correction or withdrawal) applied to each routing

Revision ID: 0003_12b_corrections
Revises: 0002
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0003_12b_corrections'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('routings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intake_revision', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('routings', schema=None) as batch_op:
        batch_op.drop_column('intake_revision')
