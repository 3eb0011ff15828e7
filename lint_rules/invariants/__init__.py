"""txlint: the project-level invariant checker (TXI codes), static only."""
