"""Shared benchmark helpers: a throwaway database, the machine, and rewriting a docs section."""

from __future__ import annotations

import os
import platform
import re
import statistics
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS_DOC = ROOT / "docs" / "benchmarks.md"


@contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """Yield the URL of a new migrated database on the local (or throwaway) server; drop it."""
    from db.testing import create_database, drop_database, migrate_database, server_for_cli

    with server_for_cli() as server:
        url = create_database(server, prefix)
        try:
            migrate_database(url, ROOT)
            yield url
        finally:
            drop_database(server, url)


def _memory_gib() -> float:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")


def machine(server_version: str) -> str:
    """One line naming the machine, the server version and today's date (UTC)."""
    cores = os.cpu_count() or 0
    return (
        f"{cores} cores, {_memory_gib():.0f} GiB RAM, {platform.system()} "
        f"{platform.machine()}, Python {platform.python_version()}, {server_version}; "
        f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Render HEADER and ROWS as a Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def rewrite_section(name: str, body: str, doc: Path = BENCHMARKS_DOC) -> None:
    """Replace the text between `<!-- bench:NAME:start -->` and its end marker in DOC."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    text = doc.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{doc}: markers for section {name!r} not found")
    replacement = f"{start}\n{body.strip()}\n{end}"
    doc.write_text(pattern.sub(lambda _: replacement, text, count=1), encoding="utf-8")


@dataclass
class Stopwatch:
    """Durations of repeated timed sections, in seconds."""

    samples: list[float] = field(default_factory=list)

    @contextmanager
    def time(self) -> Iterator[None]:
        """Time the block and record its duration."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.samples.append(time.perf_counter() - started)

    @property
    def total(self) -> float:
        """The sum of every sample."""
        return sum(self.samples)

    @property
    def longest(self) -> float:
        """The longest sample (0 when none)."""
        return max(self.samples, default=0.0)

    @property
    def median(self) -> float:
        """The median sample (0 when none)."""
        return statistics.median(self.samples) if self.samples else 0.0


def ratio(value: float, baseline: float) -> str:
    """VALUE / BASELINE with two decimals ('n/a' when the baseline is 0)."""
    return f"{value / baseline:.2f}" if baseline else "n/a"
