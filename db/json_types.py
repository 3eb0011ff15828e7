"""JSON value and JSON object types, with validators shared by the row schemas."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeAlias, Union

from pydantic import ConfigDict, TypeAdapter
from typing_extensions import TypeAliasType

JsonPrimitive: TypeAlias = str | int | float | bool | None

if TYPE_CHECKING:
    JsonValue: TypeAlias = JsonPrimitive | list["JsonValue"] | dict[str, "JsonValue"]
else:
    # A named recursive alias: pydantic builds one recursive schema for it instead of
    # expanding the forward references forever.
    JsonValue = TypeAliasType(
        "JsonValue",
        Union[JsonPrimitive, list["JsonValue"], dict[str, "JsonValue"]],  # noqa: UP007
    )

JsonObject: TypeAlias = dict[str, JsonValue]
FlatJsonObject: TypeAlias = dict[str, str | int | float | bool | None]
"""A JSON object whose values are all primitives (audit metadata)."""

STRICT: Final = ConfigDict(strict=True)

JsonValueSchema: Final = TypeAdapter(JsonValue, config=STRICT)
JsonObjectSchema: Final = TypeAdapter(JsonObject, config=STRICT)
FlatJsonObjectSchema: Final = TypeAdapter(FlatJsonObject, config=STRICT)
