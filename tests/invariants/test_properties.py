"""Properties: enum comparison ignores order but not membership; headers catch any change."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lint_rules.invariants.generated import generated_header, verify_generated
from tests.invariants.conftest import FIXTURE
from tests.invariants.helpers import check, codes

STATUSES = ["pending", "accepted", "revoked", "expired"]
SHAPE = "db/row_schemas/invitations.py"
LITERAL = 'Literal["pending", "accepted", "revoked", "expired"]'


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.sampled_from([*STATUSES, "archived"]), min_size=1, max_size=6).map(
        lambda values: list(dict.fromkeys(values))
    )
)
def test_enum_literal_matches_exactly_the_same_values(values: list[str]) -> None:
    """TXI005 fires exactly when the Literal's value set differs from the enum's."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "project"
        shutil.copytree(FIXTURE, root)
        path = root / SHAPE
        literal = "Literal[" + ", ".join(f'"{value}"' for value in values) + "]"
        path.write_text(path.read_text().replace(LITERAL, literal))
        expected = set() if set(values) == set(STATUSES) else {"TXI005"}
        assert codes(check(root)) == expected


paths = st.text(st.characters(min_codepoint=97, max_codepoint=122), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(paths, st.binary(max_size=40)), max_size=3, unique_by=lambda i: i[0]),
    st.binary(max_size=80),
    st.data(),
)
def test_any_change_to_body_or_input_is_detected(
    inputs: list[tuple[str, bytes]], body: bytes, data: st.DataObject
) -> None:
    """A fresh header verifies; flipping any byte of the body or of an input does not."""
    files = dict(inputs)
    content = generated_header(inputs, body).encode() + body
    assert verify_generated(content, files.get) == []
    if body:
        index = data.draw(st.integers(0, len(body) - 1))
        flipped = body[:index] + bytes([body[index] ^ 1]) + body[index + 1 :]
        header = content[: len(content) - len(body)]
        assert verify_generated(header + flipped, files.get) != []
    if inputs:
        name = data.draw(st.sampled_from(sorted(files)))
        changed = {**files, name: files[name] + b"!"}
        assert verify_generated(content, changed.get) != []


FIXTURE_FILES = sorted(
    path.relative_to(FIXTURE).as_posix()
    for path in FIXTURE.rglob("*")
    if path.is_file() and path.suffix in (".py", ".sql")
)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(FIXTURE_FILES), st.data())
def test_damaged_files_never_crash_the_checker(rel: str, data: st.DataObject) -> None:
    """Cutting any fixture file at any point yields messages or a pass, never an exception."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "project"
        shutil.copytree(FIXTURE, root)
        text = (root / rel).read_text()
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 80)))
        (root / rel).write_text(text[:start] + text[end:])
        messages = check(root)
        assert all(m.line >= 1 and m.path for m in messages)
