"""monthly report on a million petitions: the status-entered index carries petition_id (index-only count)

Revision ID: 0003_perf_report_indexes
Revises: 0003_12b_corrections
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_perf_report_indexes'
down_revision = '0003_12b_corrections'
branch_labels = None
depends_on = None


def _entered_index(include: list[str]) -> None:
    op.drop_index('ix_versions_entered', table_name='petition_versions')
    op.create_index('ix_versions_entered', 'petition_versions', ['status', 'valid_from'], unique=False,
                    postgresql_include=include, postgresql_where=sa.text('status_entered'),
                    sqlite_where=sa.text('status_entered'))


def upgrade() -> None:
    _entered_index(['petition_id'])


def downgrade() -> None:
    _entered_index([])
