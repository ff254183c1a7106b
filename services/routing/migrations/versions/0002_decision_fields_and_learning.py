"""routing decisions as fields (audit), training examples from people's decisions, model versions,
idempotency keys of assignments

Rows routed before this revision get empty decision fields (their explanation keeps the prose).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 22:00:20.236757
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
    op.create_table('model_versions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('trained_by', sa.String(length=200), nullable=False),
    sa.Column('examples_through', sa.BigInteger(), nullable=False),
    sa.Column('corrections', sa.Integer(), nullable=False),
    sa.Column('base_examples', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.Float(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('comparison', sa.JSON(), nullable=True),
    sa.Column('training_seconds', sa.Float(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('model', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('model_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_model_versions_active'), ['active'], unique=False)

    op.create_table('training_examples',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('petition_id', sa.Uuid(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('unit_code', sa.String(length=20), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('agency_code', sa.String(length=40), nullable=False),
    sa.Column('topic', sa.String(length=60), nullable=True),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('training_examples', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_examples_petition_id'), ['petition_id'], unique=False)

    with op.batch_alter_table('routing_history', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision', sa.JSON(), nullable=True))

    with op.batch_alter_table('routings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rule_id', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('rule_hits', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('model_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('candidates', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('place', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.add_column(sa.Column('cooperating', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))



def downgrade() -> None:
    op.drop_table('idempotency_keys')
    with op.batch_alter_table('routings', schema=None) as batch_op:
        batch_op.drop_column('cooperating')
        batch_op.drop_column('place')
        batch_op.drop_column('candidates')
        batch_op.drop_column('model_version')
        batch_op.drop_column('rule_hits')
        batch_op.drop_column('rule_id')

    with op.batch_alter_table('routing_history', schema=None) as batch_op:
        batch_op.drop_column('decision')

    with op.batch_alter_table('training_examples', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_examples_petition_id'))

    op.drop_table('training_examples')
    with op.batch_alter_table('model_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_model_versions_active'))

    op.drop_table('model_versions')
