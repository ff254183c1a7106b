from services.intake.models import Base
from shared.migrations import run_env

# Migrations 0003 and 0006: FTS5 tables on SQLite; generated tsvector and month columns on PostgreSQL.
run_env(Base.metadata, unmapped=("petition_search", "search_vector", "created_month", "ix_petitions_search"))
