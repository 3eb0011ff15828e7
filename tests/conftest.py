"""Test configuration: the project's own pytest plugin provides the PostgreSQL fixtures."""

pytest_plugins = ["db.testing"]
