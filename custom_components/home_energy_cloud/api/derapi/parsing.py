"""Typed readers of untrusted JSON values; each raises DerapiProtocolError and nothing else.

The models' parsers are built from these so that any body a server sends ends either in a
valid model or in one typed error naming the field that was wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
import math
from typing import Any

from .exceptions import DerapiProtocolError


def as_object(value: object, what: str) -> Mapping[str, Any]:
    """The value as a JSON object."""
    if not isinstance(value, Mapping):
        raise DerapiProtocolError(f"{what}: expected an object, got {type(value).__name__}")
    return value


def as_list(value: object, what: str) -> list[Any]:
    """The value as a JSON array."""
    if not isinstance(value, list):
        raise DerapiProtocolError(f"{what}: expected an array, got {type(value).__name__}")
    return value


def req_str(data: Mapping[str, Any], key: str, what: str) -> str:
    """A required, non-empty string field."""
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise DerapiProtocolError(f"{what}: `{key}` must be a non-empty string")
    return value


def opt_str(data: Mapping[str, Any], key: str, what: str) -> str | None:
    """An optional string field (absent or null: None)."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise DerapiProtocolError(f"{what}: `{key}` must be a string")
    return value


def _number(value: object, key: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DerapiProtocolError(f"{what}: `{key}` must be a number")
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        raise DerapiProtocolError(f"{what}: `{key}` is out of range") from None
    if not math.isfinite(number):
        raise DerapiProtocolError(f"{what}: `{key}` must be finite")
    return number


def req_num(data: Mapping[str, Any], key: str, what: str) -> float:
    """A required finite number."""
    if key not in data:
        raise DerapiProtocolError(f"{what}: `{key}` is missing")
    return _number(data[key], key, what)


def opt_num(data: Mapping[str, Any], key: str, what: str) -> float | None:
    """An optional finite number (absent or null: None)."""
    value = data.get(key)
    return None if value is None else _number(value, key, what)


def opt_bool(data: Mapping[str, Any], key: str, what: str) -> bool | None:
    """An optional boolean."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise DerapiProtocolError(f"{what}: `{key}` must be a boolean")
    return value


def parse_datetime(value: object, key: str, what: str) -> datetime:
    """An ISO-8601 date-time with an explicit offset (notes §2: `date-time-tz`)."""
    if not isinstance(value, str):
        raise DerapiProtocolError(f"{what}: `{key}` must be a date-time string")
    try:
        parsed = datetime.fromisoformat(value)
    except (ValueError, OverflowError):
        raise DerapiProtocolError(f"{what}: `{key}` is not an ISO-8601 date-time") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise DerapiProtocolError(f"{what}: `{key}` has no UTC offset")
    return parsed


def req_datetime(data: Mapping[str, Any], key: str, what: str) -> datetime:
    """A required date-time field."""
    return parse_datetime(data.get(key), key, what)


def opt_datetime(data: Mapping[str, Any], key: str, what: str) -> datetime | None:
    """An optional date-time field (absent or null: None)."""
    value = data.get(key)
    return None if value is None else parse_datetime(value, key, what)


def id_list(data: Mapping[str, Any], key: str, what: str) -> tuple[str, ...]:
    """An array of `{id}` objects (a site's devices); absent means none."""
    value = data.get(key)
    if value is None:
        return ()
    return tuple(
        req_str(as_object(item, f"{what}.{key}[]"), "id", f"{what}.{key}[]")
        for item in as_list(value, f"{what}.{key}")
    )
