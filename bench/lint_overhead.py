"""Lint overhead of the TXD flake8 plugin, measured side by side with flake8's default checks.

Two corpora, each linted by the real `flake8` command in the same run:

(a) at least 100k lines of real third-party code installed in the virtualenv;
(b) a db-heavy corpus: copies of this project's own `db/` package laid out so that every
    copy keeps its file roles (repositories stay repositories).

The baseline is `flake8 --extend-ignore=TXD` (with every TXD code deselected the plugin
returns before reading the file); "with TXD" is plain `flake8`. Runs alternate and the
median of the repeats is kept. The results replace the section between
`<!-- bench:lint_overhead:start -->` and `<!-- bench:lint_overhead:end -->` of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
START = "<!-- bench:lint_overhead:start -->"
END = "<!-- bench:lint_overhead:end -->"
THIRD_PARTY = ("setuptools", "pydantic", "hypothesis", "_pytest", "pip")
THIRD_PARTY_LINES = 100_000
DB_LINES = 20_000


@dataclass(frozen=True)
class Result:
    """One corpus measured both ways."""

    name: str
    files: int
    lines: int
    baseline: float
    with_txd: float
    goal: float

    @property
    def overhead(self) -> float:
        """Extra time of TXD relative to the baseline (0.15 = 15%)."""
        return self.with_txd / self.baseline - 1

    @property
    def verdict(self) -> str:
        """Whether the goal is met."""
        return "met" if self.overhead <= self.goal else "MISSED"


def count_lines(paths: list[Path]) -> tuple[int, int]:
    """(files, lines) of every Python file under PATHS."""
    files = [f for p in paths for f in (p.rglob("*.py") if p.is_dir() else [p])]
    lines = sum(f.read_bytes().count(b"\n") for f in files)
    return len(files), lines


def third_party_corpus() -> list[Path]:
    """Installed packages, in a fixed order, until they add up to enough lines."""
    site = Path(sysconfig.get_paths()["purelib"])
    chosen: list[Path] = []
    total = 0
    for name in THIRD_PARTY:
        path = site / name
        if path.is_dir():
            chosen.append(path)
            total += count_lines([path])[1]
        if total >= THIRD_PARTY_LINES:
            return chosen
    raise SystemExit(f"only {total} lines of third-party code found in {site}")


def db_corpus(target: Path) -> list[Path]:
    """Copies of `db/` under TARGET/db, file roles kept (copy i prefixes file names)."""
    source = ROOT / "db"
    files = sorted(p for p in source.rglob("*.py") if "__pycache__" not in p.parts)
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    copies = max(1, -(-DB_LINES // max(lines, 1)))
    for index in range(copies):
        for path in files:
            relative = path.relative_to(source)
            name = relative.name if index == 0 else f"c{index}_{relative.name}"
            destination = target / "db" / relative.parent / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
    return [target / "db"]


def run_flake8(paths: list[Path], cwd: Path, extra: list[str]) -> float:
    """Wall time of one flake8 run (isolated from any project configuration)."""
    command = [sys.executable, "-m", "flake8", "--isolated", "--exit-zero", *extra]
    command += [str(p) for p in paths]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or "TXD000" in done.stdout:
        raise SystemExit(f"flake8 failed: {done.stderr[-2000:]}{done.stdout[-2000:]}")
    return elapsed


def measure(name: str, paths: list[Path], cwd: Path, goal: float, repeats: int) -> Result:
    """Alternate baseline and TXD runs; keep the medians."""
    files, lines = count_lines(paths)  # also warms the file cache
    baseline: list[float] = []
    with_txd: list[float] = []
    for _ in range(repeats):
        baseline.append(run_flake8(paths, cwd, ["--extend-ignore=TXD"]))
        with_txd.append(run_flake8(paths, cwd, []))
    return Result(
        name, files, lines, statistics.median(baseline), statistics.median(with_txd), goal
    )


def machine() -> str:
    """Cores, memory and platform of this machine."""
    memory = "unknown memory"
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB memory"
    return (
        f"{os.cpu_count()} cores, {memory}, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}"
    )


def render(results: list[Result], repeats: int) -> str:
    """The markdown section."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Measured {now} on {machine()}; flake8 with its default checks, median of "
        f"{repeats} alternating runs per variant (`python bench/lint_overhead.py`).",
        "",
        "| corpus | files | lines | flake8 alone (s) | flake8 + TXD (s) | overhead | goal |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.files} | {r.lines} | {r.baseline:.2f} | {r.with_txd:.2f} | "
            f"{r.overhead:+.0%} | ≤ {r.goal:.0%}: {r.verdict} |"
        )
    lines += [
        "",
        "Baseline: `flake8 --isolated --extend-ignore=TXD` (the plugin is loaded but returns "
        "before reading a file when every TXD code is deselected); with TXD: "
        "`flake8 --isolated`.",
    ]
    return "\n".join(lines)


def write_section(section: str) -> None:
    """Replace the lint-overhead section of docs/benchmarks.md, nothing else."""
    text = DOC.read_text(encoding="utf-8")
    head, found, rest = text.partition(START)
    _, found_end, tail = rest.partition(END)
    if not found or not found_end:
        raise SystemExit(f"{DOC} lacks the {START} ... {END} markers")
    DOC.write_text(f"{head}{START}\n{section}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Measure both corpora, print the table and update docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="runs per variant (default 2)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    third_party = third_party_corpus()
    names = ", ".join(p.name for p in third_party)
    results = [measure(f"(a) third-party: {names}", third_party, ROOT, 0.15, args.repeats)]
    with tempfile.TemporaryDirectory(prefix="txd-bench-") as tmp:
        corpus = db_corpus(Path(tmp))
        results.append(
            measure("(b) db-heavy: copies of `db/`", corpus, Path(tmp), 1.0, args.repeats)
        )
    section = render(results, args.repeats)
    print(section)
    if not args.no_write:
        write_section(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
