"""corrections and withdrawals: change records, withdrawn marks, the petition's revision; imported files

Revision ID: 0004_12b_corrections
Revises: 0004_8a_catalog_copy
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

from shared.persistence import BigIntPK

revision = '0004_12b_corrections'
down_revision = '0004_8a_catalog_copy'
branch_labels = None
depends_on = None

WITHDRAWABLE = ('council_sessions', 'meetings', 'petitions')


def upgrade() -> None:
    op.create_table(
        'change_records',
        sa.Column('id', BigIntPK, autoincrement=True, nullable=False),
        sa.Column('entity', sa.String(length=20), nullable=False),
        sa.Column('entity_id', sa.Uuid(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('by', sa.String(length=200), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_change_records_entity', 'change_records', ['entity', 'entity_id', 'id'])
    for table in WITHDRAWABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('withdrawn_by', sa.String(length=200), nullable=True))
            batch_op.add_column(sa.Column('withdrawal_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), server_default='0', nullable=False))
    op.create_table(
        'import_records',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('filename', sa.String(length=300), nullable=False),
        sa.Column('rows_taken', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_import_records_sha256'), 'import_records', ['sha256'])


def downgrade() -> None:
    op.drop_index(op.f('ix_import_records_sha256'), table_name='import_records')
    op.drop_table('import_records')
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.drop_column('revision')
    for table in WITHDRAWABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('withdrawal_reason')
            batch_op.drop_column('withdrawn_by')
            batch_op.drop_column('withdrawn_at')
    op.drop_index('ix_change_records_entity', table_name='change_records')
    op.drop_table('change_records')
