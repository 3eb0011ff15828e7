"""JSON value and JSON object types, with validators shared by the row schemas."""

from __future__ import annotations

from typing import Final, TypeAlias

from pydantic import ConfigDict, TypeAdapter

JsonPrimitive: TypeAlias = str | int | float | bool | None
JsonValue: TypeAlias = JsonPrimitive | list["JsonValue"] | dict[str, "JsonValue"]
JsonObject: TypeAlias = dict[str, JsonValue]
FlatJsonObject: TypeAlias = dict[str, str | int | float | bool | None]
"""A JSON object whose values are all primitives (audit metadata)."""

STRICT: Final = ConfigDict(strict=True)

JsonValueSchema: Final = TypeAdapter(JsonValue, config=STRICT)
JsonObjectSchema: Final = TypeAdapter(JsonObject, config=STRICT)
FlatJsonObjectSchema: Final = TypeAdapter(FlatJsonObject, config=STRICT)
