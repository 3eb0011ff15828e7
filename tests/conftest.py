"""Test configuration.

The PostgreSQL fixtures come from the project's own pytest plugin, `db.testing`, which the
install registers as the `txdb` pytest11 entry point (so it loads once, without
`pytest_plugins` here).
"""
