"""Static reader of RowShape `TypedDict`s: fields, nullability and type families."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst

from lint_rules.invariants.project import Project, Symbol
from lint_rules.invariants.pysource import LITERAL_NAMES, LazyText, PyModule, string_value

TYPED_DICT = frozenset({"typing.TypedDict", "typing_extensions.TypedDict"})
WRAPPERS = frozenset(
    f"{mod}.{name}"
    for mod in ("typing", "typing_extensions")
    for name in ("NotRequired", "Required", "ReadOnly", "Annotated")
)
UNIONS = frozenset({"typing.Union", "typing_extensions.Union"})
OPTIONALS = frozenset({"typing.Optional", "typing_extensions.Optional"})
SCALARS: dict[str, str] = {
    "builtins.str": "text",
    "builtins.int": "int",
    "builtins.bool": "bool",
    "builtins.float": "float",
    "builtins.bytes": "bytes",
    "uuid.UUID": "uuid",
    "datetime.datetime": "datetime",
    "datetime.date": "date",
    "datetime.timedelta": "timedelta",
    "decimal.Decimal": "decimal",
    **{
        f"{module}.{name}": family
        for module in ("pydantic", "pydantic.types")
        for names, family in (
            (("AwareDatetime", "NaiveDatetime", "PastDatetime", "FutureDatetime"), "datetime"),
            (("UUID1", "UUID3", "UUID4", "UUID5"), "uuid"),
            (("StrictStr",), "text"),
            (("StrictInt",), "int"),
            (("StrictBool",), "bool"),
            (("StrictFloat",), "float"),
            (("StrictBytes",), "bytes"),
            (("JsonValue",), "json"),
        )
        for name in names
    },
}
WEAK_NAMES = frozenset(
    {
        "typing.Any",
        "typing_extensions.Any",
        "builtins.object",
        "builtins.dict",
        "typing.Dict",
        "typing.Mapping",
        "collections.abc.Mapping",
        "typing.MutableMapping",
        "collections.abc.MutableMapping",
    }
)
MAPPINGS = WEAK_NAMES - {"typing.Any", "typing_extensions.Any", "builtins.object"}
SEQUENCES = frozenset(
    {"builtins.list", "typing.List", "typing.Sequence", "collections.abc.Sequence"}
)
_MAX_DEPTH = 8


@dataclass(frozen=True)
class FieldType:
    """The type family of a field annotation (None when unreadable), nullability and details."""

    family: str | None
    nullable: bool
    detail: str | LazyText
    enum_values: frozenset[str] | None = None
    weak: str | None = None


@dataclass(frozen=True)
class FieldInfo:
    """One annotated field of a RowShape."""

    name: str
    type: FieldType
    line: int


@dataclass
class ShapeInfo:
    """The fields of a `TypedDict` class, or why they could not all be read."""

    name: str
    line: int
    fields: dict[str, FieldInfo] = field(default_factory=dict)
    unreadable: list[tuple[int, str]] = field(default_factory=list)


def _code(module: PyModule, node: cst.CSTNode) -> LazyText:
    assert module.tree is not None
    return LazyText(module.tree, node)


class AnnotationReader:
    """Classifies annotations of one module into type families, resolving project names."""

    def __init__(self, project: Project, module: PyModule) -> None:
        self.project = project
        self.module = module
        self.json_module = project.dotted(project.settings.json_types_module)

    def classify(self, node: cst.BaseExpression, depth: int = 0) -> FieldType:
        """Return the field type of annotation NODE."""
        detail = _code(self.module, node)
        return self._classify(self.module, node, detail, depth)

    def _unknown(self, detail: LazyText) -> FieldType:
        return FieldType(None, False, detail)

    def _classify(
        self, module: PyModule, node: cst.BaseExpression, detail: LazyText, depth: int
    ) -> FieldType:
        if depth > _MAX_DEPTH:
            return self._unknown(detail)
        text = string_value(node)
        if text is not None:
            try:
                return self._classify(module, cst.parse_expression(text), detail, depth + 1)
            except cst.ParserSyntaxError:
                return self._unknown(detail)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            return self._union(module, [node.left, node.right], detail, depth)
        if isinstance(node, cst.Name) and node.value == "None":
            return FieldType("none", True, detail)
        if isinstance(node, cst.Subscript):
            return self._subscript(module, node, detail, depth)
        if isinstance(node, cst.Name | cst.Attribute):
            return self._named(module, node, detail, depth)
        return self._unknown(detail)

    def _union(
        self, module: PyModule, members: list[cst.BaseExpression], detail: LazyText, depth: int
    ) -> FieldType:
        flat: list[cst.BaseExpression] = []
        while members:
            member = members.pop(0)
            if isinstance(member, cst.BinaryOperation) and isinstance(member.operator, cst.BitOr):
                members[:0] = [member.left, member.right]
            else:
                flat.append(member)
        parts = [self._classify(module, member, detail, depth + 1) for member in flat]
        nullable = any(part.nullable for part in parts)
        rest = [part for part in parts if part.family != "none"]
        if len(rest) == 1:
            only = rest[0]
            return FieldType(only.family, nullable, detail, only.enum_values, only.weak)
        if rest and all(part.family == "enum" for part in rest):
            values = frozenset().union(*(part.enum_values or frozenset() for part in rest))
            return FieldType("enum", nullable, detail, values)
        return FieldType(None, nullable, detail)

    def _subscript(
        self, module: PyModule, node: cst.Subscript, detail: LazyText, depth: int
    ) -> FieldType:
        head = module.qualify(node.value)
        items = [
            element.slice.value for element in node.slice if isinstance(element.slice, cst.Index)
        ]
        if head in LITERAL_NAMES:
            values = self.project.literal_values(module, node)
            if values is None:
                return self._unknown(detail)
            return FieldType("enum", False, detail, values)
        if head in WRAPPERS and items:
            return self._classify(module, items[0], detail, depth + 1)
        if head in OPTIONALS and items:
            inner = self._classify(module, items[0], detail, depth + 1)
            return FieldType(inner.family, True, detail, inner.enum_values, inner.weak)
        if head in UNIONS:
            return self._union(module, list(items), detail, depth)
        if head in MAPPINGS or head in SEQUENCES:
            if not items:
                return FieldType("json", False, detail, weak=f"`{detail}`")
            element = self._classify(module, items[-1], detail, depth + 1)
            if element.weak is not None:
                return FieldType("json", False, detail, weak=f"`{detail}`")
            if element.family is None:
                return self._unknown(detail)
            return FieldType("json", False, detail)
        return self._unknown(detail)

    def _named(
        self, module: PyModule, node: cst.Name | cst.Attribute, detail: LazyText, depth: int
    ) -> FieldType:
        qualified = module.qualify(node)
        if qualified is None:
            return self._unknown(detail)
        if qualified in SCALARS:
            return FieldType(SCALARS[qualified], False, detail)
        if qualified in WEAK_NAMES:
            return FieldType("json", False, detail, weak=f"`{detail}`")
        symbol = self.project.symbol(qualified)
        if symbol is None:
            return self._unknown(detail)
        return self._symbol(symbol, detail, depth)

    def _symbol(self, symbol: Symbol, detail: LazyText, depth: int) -> FieldType:
        key = ("field-type", symbol.module.rel, symbol.name)
        cached = self.project.memo.get(key)
        if isinstance(cached, FieldType):
            return FieldType(
                cached.family,
                cached.nullable,
                detail,
                cached.enum_values,
                cached.weak and f"`{detail}`",
            )
        if key in self.project.memo:  # a recursive alias being read
            return self._unknown(detail)
        self.project.memo[key] = None
        found = self._symbol_uncached(symbol, detail, depth)
        self.project.memo[key] = found
        return found

    def _symbol_uncached(self, symbol: Symbol, detail: LazyText, depth: int) -> FieldType:
        module = symbol.module
        if symbol.name in module.classes:
            if is_typed_dict(self.project, module, module.classes[symbol.name]):
                return FieldType("json", False, detail)
            return self._unknown(detail)
        value = symbol.value
        if value is None:
            return self._unknown(detail)
        inner = self._classify(module, value, detail, depth + 1)
        if module.dotted == self.json_module and inner.weak is None:
            # The JSON types module's aliases (recursive, JSON null included) are JSON types.
            return FieldType("json", False, detail)
        return inner


def is_typed_dict(project: Project, module: PyModule, cls: cst.ClassDef, depth: int = 0) -> bool:
    """Return whether class CLS of MODULE is a `TypedDict` (directly or through its bases)."""
    if depth > _MAX_DEPTH:
        return False
    for base in cls.bases:
        qualified = module.qualify(base.value)
        if qualified in TYPED_DICT:
            return True
        symbol = project.symbol(qualified) if qualified else None
        if symbol is not None and symbol.name in symbol.module.classes:
            parent = symbol.module.classes[symbol.name]
            if is_typed_dict(project, symbol.module, parent, depth + 1):
                return True
    return False


def read_shape(project: Project, module: PyModule, name: str, depth: int = 0) -> ShapeInfo | None:
    """Read the fields of TypedDict NAME in MODULE (class or functional form); None if absent."""
    line = module.line_of_name(name)
    reader = AnnotationReader(project, module)
    cls = module.classes.get(name)
    if cls is not None:
        shape = ShapeInfo(name, line)
        for base in cls.bases:
            qualified = module.qualify(base.value)
            if qualified in TYPED_DICT:
                continue
            symbol = project.symbol(qualified) if qualified else None
            parent = (
                read_shape(project, symbol.module, symbol.name, depth + 1)
                if symbol is not None and depth < _MAX_DEPTH
                else None
            )
            if parent is None:
                shape.unreadable.append((line, f"base class `{_code(module, base.value)}`"))
                continue
            shape.fields.update(parent.fields)
            shape.unreadable.extend(parent.unreadable)
        body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else []
        for statement in body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    field_name = small.target.value
                    field_line = module.line_of(rf"^\s+{re.escape(field_name)}\s*:", line)
                    shape.fields[field_name] = FieldInfo(
                        field_name, reader.classify(small.annotation.annotation), field_line
                    )
        return shape
    value = module.bindings.get(name)
    if isinstance(value, cst.Call) and module.qualify(value.func) in TYPED_DICT:
        shape = ShapeInfo(name, line)
        spec = value.args[1].value if len(value.args) > 1 else None
        if not isinstance(spec, cst.Dict):
            shape.unreadable.append((line, "functional TypedDict without a literal field dict"))
            return shape
        for element in spec.elements:
            key = string_value(element.key) if isinstance(element, cst.DictElement) else None
            if key is None or not isinstance(element, cst.DictElement):
                shape.unreadable.append((line, "a field whose name is not a string literal"))
                continue
            shape.fields[key] = FieldInfo(key, reader.classify(element.value), line)
        return shape
    return None
