"""The date and time formats SEW servers send (notes §2): one parser for all of them.

``/Date(ms)/`` (ASP.NET, with an optional ``+hhmm`` offset) is an instant and comes back
timezone-aware (UTC); every other format is the utility's local wall time and comes back naive.
Year-0001 (or any pre-1900) dates are the servers' "no date" placeholder and come back None.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
import re

from .exceptions import SewProtocolError

_ASPNET = re.compile(r"/?Date\((-?\d{1,15})([+-]\d{4})?\)/?")
_FORMATS = (
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d-%b-%Y",
)
_TIME_FORMATS = ("%I:%M %p", "%I:%M:%S %p", "%H:%M", "%H:%M:%S", "%I %p")
_FRACTION = re.compile(r"\.\d+")
_ZONE_SUFFIX = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
MIN_YEAR = 1900


def parse_date(value: object) -> datetime | None:
    """Return the datetime in ``value``; None for blanks and placeholders.

    Raises SewProtocolError for anything that is not a date in a known format.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise SewProtocolError(f"expected a date string, got {type(value).__name__}")
    raw = value.strip()
    if not raw:
        return None
    if match := _ASPNET.fullmatch(raw):
        return _from_aspnet(int(match.group(1)))
    aware = _ZONE_SUFFIX.search(raw)
    if aware and "T" in raw:
        return _from_iso_with_zone(raw)
    cleaned = _FRACTION.sub("", raw)
    for fmt in _FORMATS:
        try:
            parsed = datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
        return parsed if parsed.year >= MIN_YEAR else None
    if raw.startswith(("0001", "1/1/0001", "01/01/0001")):
        return None
    raise SewProtocolError(f"unknown date format: {raw[:40]!r}")


def _from_aspnet(millis: int) -> datetime | None:
    try:
        parsed = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=millis)
    except OverflowError as err:
        raise SewProtocolError("date out of range") from err
    return parsed if parsed.year >= MIN_YEAR else None


def _from_iso_with_zone(raw: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as err:
        raise SewProtocolError(f"unknown date format: {raw[:40]!r}") from err
    return parsed if parsed.year >= MIN_YEAR else None


def parse_clock(value: object) -> time | None:
    """The ``Hourly`` label of an interval row (``"1:00 AM"``, ``"13:00"``); None if blank."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise SewProtocolError("expected a time-of-day string")
    raw = value.strip().upper()
    if not raw:
        return None
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(raw, fmt).time()
        except ValueError:
            continue
    raise SewProtocolError(f"unknown time-of-day format: {raw[:20]!r}")
