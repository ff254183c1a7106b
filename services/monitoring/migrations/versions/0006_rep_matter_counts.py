"""the matters' ledger (petitions per matter), filled from the petitions; the report's index by received time

Revision ID: 0006_rep_matter_counts
Revises: 0003_perf_report_indexes
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_rep_matter_counts'
down_revision = '0003_perf_report_indexes'
branch_labels = None
depends_on = None

MATTER_WHERE = sa.text('matter_id IS NOT NULL')


def upgrade() -> None:
    op.create_table('matter_counts',
                    sa.Column('matter_id', sa.Uuid(), nullable=False),
                    sa.Column('delta', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('matter_id', name=op.f('pk_matter_counts')))
    op.create_index('ix_matter_counts_repeated', 'matter_counts', ['matter_id'], unique=False,
                    postgresql_include=['delta'], postgresql_where=sa.text('delta > 1'),
                    sqlite_where=sa.text('delta > 1'))
    # Every petition already in a matter, counted once: the ledger starts where the projections left off.
    op.execute("INSERT INTO matter_counts (matter_id, delta) "
               "SELECT matter_id, count(*) FROM petitions WHERE matter_id IS NOT NULL GROUP BY matter_id")
    op.drop_index('ix_petitions_matter', table_name='petitions', postgresql_where=MATTER_WHERE,
                  sqlite_where=MATTER_WHERE)
    op.create_index('ix_petitions_matter_received', 'petitions', ['received_at', 'matter_id'], unique=False,
                    postgresql_where=MATTER_WHERE, sqlite_where=MATTER_WHERE)


def downgrade() -> None:
    op.drop_index('ix_petitions_matter_received', table_name='petitions', postgresql_where=MATTER_WHERE,
                  sqlite_where=MATTER_WHERE)
    op.create_index('ix_petitions_matter', 'petitions', ['matter_id', 'received_at'], unique=False,
                    postgresql_where=MATTER_WHERE, sqlite_where=MATTER_WHERE)
    op.drop_index('ix_matter_counts_repeated', table_name='matter_counts', postgresql_where=sa.text('delta > 1'),
                  sqlite_where=sa.text('delta > 1'))
    op.drop_table('matter_counts')
