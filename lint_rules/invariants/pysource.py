"""Static reading of Python modules with libcst: imports, module-level bindings, literal values."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields

import libcst as cst

LITERAL_NAMES = frozenset({"typing.Literal", "typing_extensions.Literal"})
_BINDING_LINE = re.compile(
    r"^[ \t]*(?:(?:async[ \t]+)?def[ \t]+(\w+)|class[ \t]+(\w+)|(\w+)[ \t]*(?::|=(?!=)))", re.M
)
_SKIPPED_FIELDS = frozenset(
    {
        "lpar",
        "rpar",
        "comma",
        "semicolon",
        "leading_lines",
        "header",
        "footer",
        "lines_after_decorators",
        "newline",
        "colon",
        "dot",
        "equal",
        "star_tok",
    }
)
_NODE_FIELDS: dict[type, tuple[str, ...]] = {}


class LazyText:
    """Source text of a node, rendered only when a message needs it."""

    def __init__(self, module: cst.Module, node: cst.CSTNode, suffix: str = "") -> None:
        self._module = module
        self._node = node
        self._suffix = suffix
        self._text: str | None = None

    def __str__(self) -> str:
        if self._text is None:
            code = self._module.code_for_node(self._node)
            self._text = re.sub(r"\s+", " ", code).strip() + self._suffix
        return self._text

    def with_suffix(self, suffix: str) -> LazyText:
        """Return the same text followed by SUFFIX."""
        return LazyText(self._module, self._node, self._suffix + suffix)


def child_nodes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Yield the direct children of NODE that carry code (no whitespace or punctuation)."""
    names = _NODE_FIELDS.get(type(node))
    if names is None:
        names = tuple(
            f.name
            for f in fields(node)
            if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace")
        )
        _NODE_FIELDS[type(node)] = names
    for name in names:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif isinstance(value, list | tuple):
            yield from (item for item in value if isinstance(item, cst.CSTNode))


def dotted_for(rel: str) -> tuple[str, bool]:
    """Return the dotted module name of project-relative file REL and whether it is a package."""
    parts = rel[: -len(".py")].split("/") if rel.endswith(".py") else rel.split("/")
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def module_rel_candidates(dotted: str) -> tuple[str, str]:
    """Return the two files that can hold module DOTTED: `a/b.py` and `a/b/__init__.py`."""
    base = dotted.replace(".", "/")
    return f"{base}.py", f"{base}/__init__.py"


def string_value(node: cst.BaseExpression) -> str | None:
    """Return the value of a plain (non-f, non-bytes) string literal, else None."""
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def call_keyword(call: cst.Call, name: str) -> cst.Arg | None:
    """Return the keyword argument NAME of CALL, if given."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def positional_args(call: cst.Call) -> list[cst.Arg]:
    """Return the positional (and starred) arguments of CALL."""
    return [arg for arg in call.args if arg.keyword is None]


@dataclass
class PyModule:
    """One parsed Python file and what its top level binds."""

    rel: str
    dotted: str
    is_package: bool
    source: str
    tree: cst.Module | None
    error: str | None = None
    error_line: int = 1
    imports: dict[str, str] = field(default_factory=dict)
    star_imports: list[str] = field(default_factory=list)
    bindings: dict[str, cst.BaseExpression] = field(default_factory=dict)
    annotations: dict[str, cst.BaseExpression] = field(default_factory=dict)
    classes: dict[str, cst.ClassDef] = field(default_factory=dict)
    functions: dict[str, cst.FunctionDef] = field(default_factory=dict)
    _lines: list[str] | None = None
    _binding_lines: dict[str, int] | None = None

    @property
    def lines(self) -> list[str]:
        """Return the source split into lines (computed once)."""
        if self._lines is None:
            self._lines = self.source.splitlines()
        return self._lines

    def line_of(self, pattern: str, start: int = 1) -> int:
        """Return the first line at or after START whose text matches regex PATTERN (else START)."""
        regex = re.compile(pattern)
        for number in range(max(start, 1), len(self.lines) + 1):
            if regex.search(self.lines[number - 1]):
                return number
        return max(start, 1)

    def line_containing(self, needles: tuple[str, ...], start: int = 1) -> int:
        """Return the first line at or after START containing one of NEEDLES (else START)."""
        for number in range(max(start, 1), len(self.lines) + 1):
            text = self.lines[number - 1]
            if any(needle in text for needle in needles):
                return number
        return max(start, 1)

    def line_of_name(self, name: str, start: int = 1) -> int:
        """Return the line where NAME is bound at the start of a statement (def, class or `=`)."""
        if start <= 1:
            if self._binding_lines is None:
                self._binding_lines = {}
                line, position = 1, 0
                for match in _BINDING_LINE.finditer(self.source):
                    line += self.source.count("\n", position, match.start())
                    position = match.start()
                    bound = match.group(1) or match.group(2) or match.group(3)
                    self._binding_lines.setdefault(bound, line)
            return self._binding_lines.get(name, 1)
        escaped = re.escape(name)
        return self.line_of(
            rf"^\s*(?:(?:async\s+)?def\s+{escaped}\b|class\s+{escaped}\b|{escaped}\s*[:=])", start
        )

    def package(self) -> str:
        """Return the dotted package that relative imports of this module start from."""
        if self.is_package:
            return self.dotted
        return self.dotted.rpartition(".")[0]

    def qualify(self, node: cst.BaseExpression) -> str | None:
        """Return the dotted name NODE refers to (imports followed, locals prefixed), or None."""
        if isinstance(node, cst.Name):
            name = node.value
            if name in self.imports:
                return self.imports[name]
            if name in self.bindings or name in self.classes or name in self.functions:
                return f"{self.dotted}.{name}"
            return f"builtins.{name}"
        if isinstance(node, cst.Attribute):
            base = self.qualify(node.value)
            return None if base is None else f"{base}.{node.attr.value}"
        return None

    def resolve_relative(self, level: int, module: str) -> str:
        """Return the absolute dotted name of a `from <dots><module> import` target."""
        base_parts = self.package().split(".") if self.package() else []
        if level > 1:
            base_parts = base_parts[: len(base_parts) - (level - 1)]
        return ".".join([*base_parts, module] if module else base_parts)


def _dotted_expr(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted_expr(node.value)}.{node.attr.value}"
    return ""


def _collect(module: PyModule, body: Sequence[cst.CSTNode]) -> None:
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                _collect_small(module, small)
        elif isinstance(statement, cst.ClassDef):
            module.classes[statement.name.value] = statement
        elif isinstance(statement, cst.FunctionDef):
            module.functions[statement.name.value] = statement
        elif isinstance(statement, cst.If):
            _collect(module, statement.body.body)
            if isinstance(statement.orelse, cst.Else):
                _collect(module, statement.orelse.body.body)
        elif isinstance(statement, cst.Try):
            _collect(module, statement.body.body)


def _collect_small(module: PyModule, small: cst.BaseSmallStatement) -> None:
    if isinstance(small, cst.Import):
        for alias in small.names:
            full = _dotted_expr(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                module.imports[alias.asname.name.value] = full
            else:
                head = full.split(".")[0]
                module.imports[head] = head
    elif isinstance(small, cst.ImportFrom):
        source = _dotted_expr(small.module) if small.module is not None else ""
        if small.relative:
            source = module.resolve_relative(len(small.relative), source)
        if isinstance(small.names, cst.ImportStar):
            module.star_imports.append(source)
            return
        for alias in small.names:
            name = _dotted_expr(alias.name)
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            module.imports[local] = f"{source}.{name}"
    elif isinstance(small, cst.Assign):
        for target in small.targets:
            if isinstance(target.target, cst.Name):
                module.bindings[target.target.value] = small.value
    elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
        module.annotations[small.target.value] = small.annotation.annotation
        if small.value is not None:
            module.bindings[small.target.value] = small.value


def parse_module(rel: str, source: str) -> PyModule:
    """Parse SOURCE (the file REL) and index its top level; a syntax error is kept, not raised."""
    dotted, is_package = dotted_for(rel)
    try:
        tree = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        return PyModule(
            rel, dotted, is_package, source, None, str(exc).splitlines()[0], exc.raw_line
        )
    module = PyModule(rel, dotted, is_package, source, tree)
    _collect(module, tree.body)
    return module


def iter_calls(node: cst.CSTNode) -> Iterator[cst.Call]:
    """Yield every call inside NODE, outermost first."""
    stack: list[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Call):
            yield current
        stack.extend(reversed(list(child_nodes(current))))
