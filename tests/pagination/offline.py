"""A database nobody listens on: proves a repository call fails (or answers) before any query."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from db.client import Database

UNREACHABLE_URL = "postgresql://postgres@127.0.0.1:9/nothing_listens_here"


@contextmanager
def offline() -> Iterator[Database]:
    """Make `provide_db()` use a database on a closed port for the block."""
    with Database.from_url(UNREACHABLE_URL).use() as database:
        yield database
