"""Persistence layer: SQLAlchemy Core tables, row schemas, factories and async repositories."""
