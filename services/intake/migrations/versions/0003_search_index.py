"""word search index over petitions; undoable repeat links

Revision ID: 0003
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

from services.intake.petitions.search import petition_terms

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# SQLite: an FTS5 table kept in step with petitions by triggers. "_" is part of a token (the twin of a
# word written without marks) and diacritics are kept: the tokens are already folded where they should be.
SQLITE_UP = [
    """CREATE VIRTUAL TABLE petition_search USING fts5(
         search_terms, petition_id UNINDEXED, tokenize="unicode61 remove_diacritics 0 tokenchars '_'")""",
    """CREATE TRIGGER petitions_search_insert AFTER INSERT ON petitions BEGIN
         INSERT INTO petition_search(rowid, search_terms, petition_id) VALUES (new.rowid, new.search_terms, new.id);
       END""",
    """CREATE TRIGGER petitions_search_update AFTER UPDATE OF search_terms ON petitions BEGIN
         UPDATE petition_search SET search_terms = new.search_terms WHERE rowid = old.rowid;
       END""",
    """CREATE TRIGGER petitions_search_delete AFTER DELETE ON petitions BEGIN
         DELETE FROM petition_search WHERE rowid = old.rowid;
       END""",
]
# PostgreSQL: the tokens are lexemes as they are (array_to_tsvector applies no dictionary), stored
# in a generated column so that ranking and the index's rechecks read it instead of rebuilding it.
PG_UP = [
    "ALTER TABLE petitions ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (array_to_tsvector(string_to_array(search_terms, ' '))) STORED",
    "CREATE INDEX ix_petitions_search ON petitions USING gin (search_vector)",
]


def upgrade() -> None:
    op.add_column('petitions', sa.Column('search_terms', sa.Text(), nullable=False, server_default=''))
    op.add_column('petition_links', sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('petition_links', sa.Column('undone_by', sa.String(length=200), nullable=True))
    bind = op.get_bind()
    petitions = sa.table('petitions', sa.column('id', sa.Uuid()), sa.column('code', sa.String()),
                         sa.column('content', sa.Text()), sa.column('search_terms', sa.Text()))
    for row in bind.execute(sa.select(petitions.c.id, petitions.c.code, petitions.c.content)).all():
        bind.execute(petitions.update().where(petitions.c.id == row.id)
                     .values(search_terms=petition_terms(row.content, row.code)))
    if bind.dialect.name == 'sqlite':
        for statement in SQLITE_UP:
            op.execute(statement)
        op.execute("INSERT INTO petition_search(rowid, search_terms, petition_id) "
                   "SELECT rowid, search_terms, id FROM petitions")
    else:
        for statement in PG_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('insert', 'update', 'delete'):
            op.execute(f"DROP TRIGGER petitions_search_{name}")
        op.execute("DROP TABLE petition_search")
    else:
        op.execute("DROP INDEX ix_petitions_search")
        op.execute("ALTER TABLE petitions DROP COLUMN search_vector")
    op.drop_column('petition_links', 'undone_by')
    op.drop_column('petition_links', 'undone_at')
    op.drop_column('petitions', 'search_terms')
