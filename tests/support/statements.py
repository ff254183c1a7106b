"""The SQL a block of code sends: the tests that count round trips on an event's path read it here."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def statements_sent(engine, keep: Callable[[str], bool] = lambda statement: True) -> Iterator[list[str]]:
    """The statements `engine` (sync or async) sends while the block runs, those `keep` accepts."""
    sync_engine = getattr(engine, "sync_engine", engine)
    sent: list[str] = []

    def note(conn, cursor, statement, *args) -> None:
        if keep(statement):
            sent.append(statement)

    event.listen(sync_engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(sync_engine, "before_cursor_execute", note)
