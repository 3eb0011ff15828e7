"""Benchmarks of the data layer and the lint suite; each script rewrites its docs section."""
