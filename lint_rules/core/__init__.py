"""Shared machinery of the TXD rules: file roles, name resolution, reports and the runner."""
