"""Static reading of SQL files with PostgreSQL's own parser (pglast): statements and triggers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from pglast import parser as pg

NO_TRANSACTION_MARKER = "-- txdb:no-transaction"
_TRIGGER_WORD = re.compile(r"\btrigger\b", re.IGNORECASE)
_FORMAT_SPEC = re.compile(r"%([%ILs])")
_PLPGSQL_TAG = "$__txlint_body__$"

Node = dict[str, Any]


@dataclass(frozen=True)
class Statement:
    """One top-level statement: its node type, its fields and the line it starts on."""

    kind: str
    node: Node
    line: int


@dataclass(frozen=True)
class SqlParse:
    """The statements of a SQL text, or the parser's error and its line."""

    statements: tuple[Statement, ...]
    error: str | None = None
    error_line: int = 1


def line_at(data: bytes, offset: int) -> int:
    """Return the 1-based line of byte OFFSET in DATA."""
    return data.count(b"\n", 0, max(offset, 0)) + 1


def parse_sql(text: str, first_line: int = 1) -> SqlParse:
    """Parse TEXT; lines are numbered from FIRST_LINE (for SQL nested in other SQL)."""
    data = text.encode("utf-8")
    try:
        tree = json.loads(pg.parse_sql_json(text))
    except pg.ParseError as exc:
        location = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else 0
        # The error location counts characters; statement locations count bytes.
        return SqlParse((), str(exc.args[0]), first_line + text.count("\n", 0, location))
    statements = []
    for raw in tree.get("stmts", []):
        ((kind, node),) = raw["stmt"].items()
        start = raw.get("stmt_location", 0)
        # stmt_location points at the end of the previous statement's `;`; skip blank space.
        while start < len(data) and data[start : start + 1].isspace():
            start += 1
        statements.append(Statement(kind, node, first_line - 1 + line_at(data, start)))
    return SqlParse(tuple(statements))


def walk(node: Any) -> Iterator[tuple[str, Node]]:
    """Yield every `(type, fields)` pair nested in a pglast JSON tree, in document order."""
    stack: list[tuple[str, Any]] = [("", node)]
    while stack:
        key, current = stack.pop()
        if isinstance(current, dict):
            if key[:1].isupper():
                yield key, current
            stack.extend(reversed(list(current.items())))
        elif isinstance(current, list):
            stack.extend(("", item) for item in reversed(current))


def func_names(node: Any) -> set[str]:
    """Return the (unqualified, lower-case) names of every function called inside NODE."""
    names = set()
    for kind, fields in walk(node):
        if kind == "FuncCall":
            parts = fields.get("funcname", [])
            if parts:
                names.add(str(parts[-1].get("String", {}).get("sval", "")).lower())
    return names


def string_constants(node: Any) -> list[str]:
    """Return every string constant inside NODE."""
    found = []
    for kind, fields in walk(node):
        if kind == "A_Const" and "sval" in fields:
            found.append(str(fields["sval"].get("sval", "")))
    return found


# ---------------------------------------------------------------------------------------------
# Triggers


@dataclass(frozen=True)
class TriggerOp:
    """A change to the set of live triggers, in the order the files apply it."""

    kind: Literal["create", "drop", "drop_table", "rename", "rename_table", "unreadable"]
    table: str
    name: str
    line: int
    new_name: str = ""


def _names(items: list[Any]) -> list[str]:
    return [str(item.get("String", {}).get("sval", "")) for item in items]


def _format(template: str, args: list[str]) -> str | None:
    values = iter(args)
    failed = False

    def substitute(match: re.Match[str]) -> str:
        nonlocal failed
        spec = match.group(1)
        if spec == "%":
            return "%"
        value = next(values, None)
        if value is None:
            failed = True
            return ""
        if spec == "I":
            return (
                value
                if re.fullmatch(r"[a-z_][a-z0-9_$]*", value)
                else '"' + value.replace('"', '""') + '"'
            )
        if spec == "L":
            return "'" + value.replace("'", "''") + "'"
        return value

    rendered = _FORMAT_SPEC.sub(substitute, template)
    return None if failed else rendered


def _dynamic_sql(expression: str) -> list[str] | None:
    """Return the SQL texts an EXECUTE expression evaluates to, when they are constants."""
    parsed = parse_sql(f"SELECT {expression}")
    if parsed.error or not parsed.statements:
        return None
    target = parsed.statements[0].node.get("targetList", [{}])[0].get("ResTarget", {}).get("val")
    if not isinstance(target, dict):
        return None
    if "A_Const" in target and "sval" in target["A_Const"]:
        return [str(target["A_Const"]["sval"].get("sval", ""))]
    call = target.get("FuncCall")
    if call and _names(call.get("funcname", []))[-1:] == ["format"]:
        args = call.get("args", [])
        consts = [arg.get("A_Const", {}).get("sval", {}).get("sval") for arg in args]
        if args and all(isinstance(value, str) for value in consts):
            rendered = _format(str(consts[0]), [str(value) for value in consts[1:]])
            return None if rendered is None else [rendered]
    return None


def _plpgsql_ops(body: str, line: int) -> Iterator[TriggerOp]:
    source = f"CREATE FUNCTION __txlint_do() RETURNS void LANGUAGE plpgsql AS {_PLPGSQL_TAG}"
    source += f"{body}{_PLPGSQL_TAG}"
    try:
        tree = json.loads(pg.parse_plpgsql_json(source))
    except pg.ParseError as exc:
        if _TRIGGER_WORD.search(body):
            yield TriggerOp("unreadable", "", f"a DO block PL/pgSQL rejects ({exc.args[0]})", line)
        return
    for kind, fields in walk(tree):
        here = line + int(fields.get("lineno", 1)) - 1
        if kind == "PLpgSQL_stmt_execsql":
            query = fields.get("sqlstmt", {}).get("PLpgSQL_expr", {}).get("query", "")
            yield from trigger_ops(parse_sql(str(query), here))
        elif kind == "PLpgSQL_stmt_dynexecute":
            query = str(fields.get("query", {}).get("PLpgSQL_expr", {}).get("query", ""))
            if not _TRIGGER_WORD.search(query):
                continue
            texts = _dynamic_sql(query)
            parsed = [parse_sql(text, here) for text in texts or []]
            if texts is None or any(item.error for item in parsed):
                yield TriggerOp("unreadable", "", f"EXECUTE {query[:80]}", here)
                continue
            for item in parsed:
                yield from trigger_ops(item)


def trigger_ops(parsed: SqlParse) -> Iterator[TriggerOp]:
    """Yield the trigger changes of PARSED, looking inside DO blocks and EXECUTE strings."""
    for statement in parsed.statements:
        node, line = statement.node, statement.line
        if statement.kind == "CreateTrigStmt":
            table = str(node.get("relation", {}).get("relname", ""))
            yield TriggerOp("create", table, str(node.get("trigname", "")), line)
        elif statement.kind == "DropStmt" and node.get("removeType") == "OBJECT_TRIGGER":
            for obj in node.get("objects", []):
                parts = _names(obj.get("List", {}).get("items", []))
                if len(parts) >= 2:
                    yield TriggerOp("drop", parts[-2], parts[-1], line)
        elif statement.kind == "DropStmt" and node.get("removeType") == "OBJECT_TABLE":
            for obj in node.get("objects", []):
                parts = _names(obj.get("List", {}).get("items", []))
                if parts:
                    yield TriggerOp("drop_table", parts[-1], "", line)
        elif statement.kind == "RenameStmt" and node.get("renameType") == "OBJECT_TRIGGER":
            table = str(node.get("relation", {}).get("relname", ""))
            yield TriggerOp(
                "rename", table, str(node.get("subname", "")), line, str(node.get("newname", ""))
            )
        elif statement.kind == "RenameStmt" and node.get("renameType") == "OBJECT_TABLE":
            table = str(node.get("relation", {}).get("relname", ""))
            yield TriggerOp("rename_table", table, "", line, str(node.get("newname", "")))
        elif statement.kind == "DoStmt":
            options = {
                arg["DefElem"]["defname"]: arg["DefElem"].get("arg", {}).get("String", {})
                for arg in node.get("args", [])
                if "DefElem" in arg
            }
            language = str(options.get("language", {}).get("sval", "plpgsql")).lower()
            body = str(options.get("as", {}).get("sval", ""))
            if language == "plpgsql":
                yield from _plpgsql_ops(body, line)
            elif _TRIGGER_WORD.search(body):
                yield TriggerOp("unreadable", "", f"a DO block in language {language}", line)


# ---------------------------------------------------------------------------------------------
# pgTAP coverage


def strip_psql_meta(text: str) -> str:
    """Blank psql meta-commands (`\\set`, `\\gset`, ...) so PostgreSQL's parser can read TEXT."""
    try:
        tokens = pg.scan(text)
    except pg.ParseError:
        return text
    data = bytearray(text.encode("utf-8"))
    for token in tokens:
        if token.name == "ASCII_92":
            end = data.find(b"\n", token.start)
            end = len(data) if end < 0 else end
            data[token.start : end] = b" " * (end - token.start)
    return data.decode("utf-8", errors="replace")


def _unquote(raw: str) -> str:
    if raw.startswith("$"):
        tag_end = raw.find("$", 1)
        return raw[tag_end + 1 : len(raw) - tag_end - 1]
    if raw[:1] in "eEnNbBxXuU" and raw[1:2] == "'":
        raw = raw[1:]
    if raw.startswith("'") and raw.endswith("'"):
        return raw[1:-1].replace("''", "'")
    return raw


def executable_names(text: str, depth: int = 0) -> set[str]:
    """Return identifiers and whole string constants of TEXT outside comments and meta-commands.

    A string constant that PostgreSQL parses as SQL (`results_eq($$SELECT ...$$, ...)`) is read
    too; a description such as `'normalize_email fires'` names nothing.
    """
    names: set[str] = set()
    try:
        tokens = pg.scan(text)
    except pg.ParseError:
        return names
    data = text.encode("utf-8")
    skip_until = -1
    for token in tokens:
        if token.start < skip_until:
            continue
        if token.name == "ASCII_92":
            newline = data.find(b"\n", token.start)
            skip_until = len(data) if newline < 0 else newline
            continue
        raw = data[token.start : token.end + 1].decode("utf-8", errors="replace")
        if token.name == "IDENT":
            names.add(raw[1:-1] if raw.startswith('"') else raw.lower())
        elif token.name == "SCONST":
            value = _unquote(raw)
            names.add(value.strip())
            if depth < 3 and not parse_sql(value).error:
                names |= executable_names(value, depth + 1)
    return names
