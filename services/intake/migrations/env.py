from services.intake.models import Base
from shared.migrations import run_env

# Migration 0003's full-text search: FTS5 tables on SQLite, a generated tsvector column on PostgreSQL.
run_env(Base.metadata, unmapped=("petition_search", "search_vector", "ix_petitions_search"))
