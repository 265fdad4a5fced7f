"""Count the SQL statements a block of code runs (tests and the benchmark use it to catch N+1 queries)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def __repr__(self) -> str:
        return f"<QueryCounter {self.count}: " + " | ".join(s[:80] for s in self.statements) + ">"


@contextmanager
def count_queries(engine: Engine):
    counter = QueryCounter()

    def before(_conn, _cursor, statement, _params, _context, _executemany):
        counter.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)
