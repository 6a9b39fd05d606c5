"""One parser for the usage rows of both flavors (``objUsageGenerationResultSet*``, notes §2).

Rules, each from the notes: a year-0001 ``UsageDate`` is a placeholder (use ``FromDate`` and
``ToDate``); ``value`` next to ``UsageValue`` means kWh and money (Hidroelectrica), otherwise
``UsageValue``/``Consumption`` is the quantity and ``Amount`` the money; ``ValidationStatus``
"Estimated" marks a row non-final; export rows of net meters are energy returned to the grid;
an interval request for an unpublished day answers another day, so rows outside the requested
day are dropped. Wall times are the utility's; the second of two equal labels on a fall-back
day is the later hour, and rows landing on the same instant are merged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .dates import parse_clock, parse_date
from .exceptions import SewProtocolError
from .models import Resolution, SewUsageRow, number, rows_of, text

ROW_KEYS = ("objUsageGenerationResultSetTwo", "objUsageGenerationResultSetOne")
_ESTIMATED = {"estimated", "estimate", "e", "tentative"}
_EXPORT = {"export", "exported", "generation", "received", "r", "g", "returned"}
_QUANTITY_KEYS = ("UsageValue", "Consumption", "value", "TotalValue")
_COST_KEYS = ("Amount", "UsageCost", "Cost", "DollarValue")


@dataclass(frozen=True, slots=True)
class SewUsageSummary:
    """The month-to-date block ``getTentativeData[0]`` (notes §2)."""

    so_far: float | None
    so_far_cost: float | None
    projected: float | None
    projected_cost: float | None


@dataclass(frozen=True, slots=True)
class SewUsage:
    """Parsed usage reply: rows in time order, and the month-to-date block if present."""

    rows: list[SewUsageRow]
    summary: SewUsageSummary | None


def parse_usage(
    data: object,
    *,
    resolution: Resolution,
    tz: ZoneInfo,
    day: date | None = None,
    interval: timedelta = timedelta(hours=1),
) -> SewUsage:
    """Parse a GetUsageGeneration ``Data`` object; raises only SewProtocolError."""
    if not isinstance(data, Mapping):
        raise SewProtocolError("usage reply is not an object")
    present = [key for key in ROW_KEYS if data.get(key) is not None]
    raw_rows = rows_of(data, *present) if present else []
    seen_labels: set[tuple[datetime, bool]] = set()
    merged: dict[datetime, SewUsageRow] = {}
    for raw in raw_rows:
        row = _parse_row(raw, resolution, tz, interval, seen_labels)
        if row is None:
            continue
        if day is not None and row.start.astimezone(tz).date() != day:
            continue
        key = row.start
        merged[key] = _merge(merged[key], row) if key in merged else row
    rows = [merged[key] for key in sorted(merged)]
    return SewUsage(rows=rows, summary=_parse_summary(data.get("getTentativeData")))


def _parse_row(
    raw: Mapping[str, Any],
    resolution: Resolution,
    tz: ZoneInfo,
    interval: timedelta,
    seen_labels: set[tuple[datetime, bool]],
) -> SewUsageRow | None:
    try:
        local_start, local_end = _bounds(raw, resolution, tz, interval, seen_labels)
    except OverflowError as err:
        raise SewProtocolError("usage row date out of range") from err
    if local_start is None or local_end is None:
        return None
    # UTC from here: comparisons within one zone ignore `fold`, which breaks fall-back hours.
    start, end = local_start.astimezone(UTC), local_end.astimezone(UTC)
    if end <= start:
        raise SewProtocolError("usage row ends before it starts")
    quantity, cost = _amounts(raw)
    status = (text(raw.get("ValidationStatus")) or "").casefold()
    direction = (text(raw.get("UsageType")) or "").casefold()
    exported = direction in _EXPORT
    return SewUsageRow(
        start=start,
        end=end,
        quantity=None if exported else quantity,
        cost=None if exported else cost,
        final=status not in _ESTIMATED,
        returned=quantity if exported else None,
        credit=cost if exported else None,
    )


def _amounts(raw: Mapping[str, Any]) -> tuple[float | None, float | None]:
    if raw.get("value") is not None and raw.get("UsageValue") is not None:
        return number(raw.get("value")), number(raw.get("UsageValue"))
    quantity = next((number(raw[k]) for k in _QUANTITY_KEYS if raw.get(k) is not None), None)
    cost = next((number(raw[k]) for k in _COST_KEYS if raw.get(k) is not None), None)
    return quantity, cost


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    """Naive local wall time of a parsed date (aware instants are converted first)."""
    if moment.tzinfo is not None:
        return moment.astimezone(tz).replace(tzinfo=None)
    return moment


def _aware(
    naive: datetime, tz: ZoneInfo, seen_labels: set[tuple[datetime, bool]], exported: bool
) -> datetime:
    """Attach the zone; a label seen before in this reply is the repeated fall-back hour.

    Import and export rows of a net meter share labels, so each direction counts on its own.
    """
    label = (naive, exported)
    fold = 1 if label in seen_labels else 0
    seen_labels.add(label)
    return naive.replace(tzinfo=tz, fold=fold)


def _bounds(
    raw: Mapping[str, Any],
    resolution: Resolution,
    tz: ZoneInfo,
    interval: timedelta,
    seen_labels: set[tuple[datetime, bool]],
) -> tuple[datetime | None, datetime | None]:
    usage_date = parse_date(raw.get("UsageDate"))
    from_date = parse_date(raw.get("FromDate"))
    to_date = parse_date(raw.get("ToDate"))
    if resolution is Resolution.MONTHLY or usage_date is None:
        if from_date is None or to_date is None:
            if usage_date is None:
                # No usable date at all: a placeholder row (servers pad with these).
                return None, None
            from_date = to_date = usage_date
        first = _local(from_date, tz).date()
        last = _local(to_date, tz).date()
        if last < first:
            raise SewProtocolError("usage row's ToDate is before its FromDate")
        start = datetime.combine(first, datetime.min.time()).replace(tzinfo=tz)
        end = datetime.combine(last + timedelta(days=1), datetime.min.time()).replace(tzinfo=tz)
        return start, end
    local = _local(usage_date, tz)
    if resolution is Resolution.DAILY:
        start = datetime.combine(local.date(), datetime.min.time()).replace(tzinfo=tz)
        end = datetime.combine(local.date() + timedelta(days=1), datetime.min.time())
        return start, end.replace(tzinfo=tz)
    clock = parse_clock(raw.get("Hourly"))
    naive = datetime.combine(local.date(), clock) if clock is not None else local
    exported = (text(raw.get("UsageType")) or "").casefold() in _EXPORT
    start = _aware(naive, tz, seen_labels, exported)
    return start, start.astimezone(UTC) + interval


def _add(left: float | None, right: float | None) -> float | None:
    if left is None:
        return right
    if right is None:
        return left
    return left + right


def _merge(left: SewUsageRow, right: SewUsageRow) -> SewUsageRow:
    return SewUsageRow(
        start=left.start,
        end=max(left.end, right.end),
        quantity=_add(left.quantity, right.quantity),
        cost=_add(left.cost, right.cost),
        final=left.final and right.final,
        returned=_add(left.returned, right.returned),
        credit=_add(left.credit, right.credit),
    )


def _parse_summary(value: object) -> SewUsageSummary | None:
    if value is None:
        return None
    rows = rows_of(value)
    if not rows:
        return None
    row = rows[0]
    return SewUsageSummary(
        so_far=number(row.get("SoFar")),
        so_far_cost=number(row.get("SoFarDollar")),
        projected=number(row.get("ProjectedBill")),
        projected_cost=number(row.get("ProjectedBillDollar")),
    )
