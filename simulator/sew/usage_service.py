"""GetUsageGeneration and the billing figures, from the readings and what is published by now.

Rules (notes §2, §5, §7): a day's hours are published late (after ``publish_lag``) and out of
order (each hour up to ``publish_jitter`` later); they stay ``Estimated`` (with a different
value) until ``final_after`` past the day's end. Mode H serves one day (``strDate``) and answers
an unpublished day with the latest published one; asking H for a range is refused. Mode D
answers a fixed 30-day window ending at ``strDate``; Mode M answers billing cycles with a
year-0001 ``UsageDate`` and real ``FromDate``/``ToDate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .readings import Slot, day_readings, unit_noise
from .scenario import ELECTRIC_PRICE, WATER_PRICE, Meter

DAILY_WINDOW_DAYS = 30
CYCLE_START_DAY = 5
YEAR_ONE = "/Date(-62135596800000)/"


class UsageRequestError(ValueError):
    """The request breaks a rule of the API (answered as Status 0 with this message)."""


@dataclass
class Publication:
    """When readings appear and turn final (settable through the control API)."""

    publish_lag: float = 6 * 3600.0
    publish_jitter: float = 30 * 3600.0
    final_after: float = 3 * 86400.0


@dataclass(frozen=True)
class Reading:
    """One published hour: imported/exported as the API shows it now."""

    slot: Slot
    imported: float
    exported: float
    estimated: bool


class UsageBook:
    """One utility's readings, as published at a given moment."""

    def __init__(self, tz_name: str, first_day: date, publication: Publication) -> None:
        """``first_day``: the oldest day with data (two years before the scenario's start)."""
        self.tz_name = tz_name
        self.tz = ZoneInfo(tz_name)
        self.first_day = first_day
        self.publication = publication

    def _day_end(self, day: date) -> float:
        midnight = datetime.combine(day + timedelta(days=1), datetime.min.time())
        return midnight.replace(tzinfo=self.tz).timestamp()

    def readings(self, meter: Meter, day: date, now: float) -> list[Reading]:
        """The hours of ``day`` published by ``now``, in time order."""
        if day < self.first_day:
            return []
        pub = self.publication
        end = self._day_end(day)
        if now < end + pub.publish_lag:
            return []
        slots = day_readings(meter, self.tz_name, day)
        estimated = now < end + pub.final_after
        if not estimated and now >= end + pub.publish_lag + pub.publish_jitter:
            return [Reading(slot, slot.imported, slot.exported, False) for slot in slots]
        published = []
        for index, slot in enumerate(slots):
            delay = pub.publish_lag + pub.publish_jitter * unit_noise(meter.number, day, index)
            if now < end + delay:
                continue
            if estimated:
                factor = 0.8 + 0.3 * unit_noise(meter.number, "estimate", day, index)
                published.append(
                    Reading(
                        slot,
                        round(slot.imported * factor, 3),
                        round(slot.exported * factor, 3),
                        True,
                    )
                )
            else:
                published.append(Reading(slot, slot.imported, slot.exported, False))
        return published

    def today(self, now: float) -> date:
        """The utility's local date at ``now``."""
        return datetime.fromtimestamp(now, self.tz).date()

    def latest_published_day(self, meter: Meter, now: float) -> date | None:
        """The newest day with at least one published hour."""
        day = self.today(now)
        while day >= self.first_day:
            if self.readings(meter, day, now):
                return day
            day -= timedelta(days=1)
        return None

    def cycle_of(self, day: date) -> tuple[date, date]:
        """The billing cycle (first, last day inclusive) that holds ``day``."""
        first = day.replace(day=CYCLE_START_DAY)
        if day.day < CYCLE_START_DAY:
            first = _add_months(first, -1)
        return first, _add_months(first, 1) - timedelta(days=1)

    def total(self, meter: Meter, first: date, last: date, now: float) -> tuple[float, bool]:
        """Imported quantity over the days, and whether all of it is final."""
        quantity, final = 0.0, True
        day = max(first, self.first_day)
        while day <= last:
            readings = self.readings(meter, day, now)
            quantity += sum(reading.imported for reading in readings)
            expected = len(day_readings(meter, self.tz_name, day))
            final = final and len(readings) == expected and not any(r.estimated for r in readings)
            day += timedelta(days=1)
        return quantity, final


def price(meter: Meter) -> float:
    """Money per unit of the meter's quantity."""
    return WATER_PRICE if meter.kind == "W" else ELECTRIC_PRICE


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


@dataclass(frozen=True)
class RowStyle:
    """How a host writes rows: its date format and which fields carry quantity and money."""

    aspnet_dates: bool
    """True: ``/Date(ms)/``; False: ``"January 5, 2025"``."""
    value_is_quantity: bool
    """True (Hidroelectrica): ``value`` = quantity, ``UsageValue`` = money; False:
    ``UsageValue`` = quantity, ``Amount`` = money."""

    def day(self, day: date, tz: ZoneInfo) -> str:
        """A day as this host writes ``UsageDate``."""
        if self.aspnet_dates:
            midnight = datetime.combine(day, datetime.min.time()).replace(tzinfo=tz)
            return f"/Date({int(midnight.astimezone(UTC).timestamp() * 1000)})/"
        return f"{day:%B} {day.day}, {day.year}"

    def amounts(self, quantity: float, money: float) -> dict[str, Any]:
        """The quantity and money fields of one row."""
        if self.value_is_quantity:
            return {"value": round(quantity, 3), "UsageValue": round(money, 2)}
        return {"UsageValue": round(quantity, 3), "Amount": round(money, 2)}


def _parse_day(raw: str | None) -> date | None:
    if not raw:
        return None
    for fmt in ("%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
    raise UsageRequestError(f"Invalid date: {raw}")


def usage_data(
    book: UsageBook,
    meter: Meter,
    params: dict[str, str],
    now: float,
    style: RowStyle,
    *,
    interval: bool = True,
) -> dict[str, Any]:
    """The ``Data`` of a GetUsageGeneration reply.

    ``interval`` False: a meter without interval data (not AMI) has no hourly rows; the
    portals then draw an empty hourly chart, so the reply is a success without rows.
    """
    mode = params.get("Mode", "")
    anchor = _parse_day(params.get("strDate")) or book.today(now)
    if mode == "H":
        first = _parse_day(params.get("DateFromDaily"))
        last = _parse_day(params.get("DateToDaily"))
        if first is not None and last is not None and first != last:
            raise UsageRequestError("Hourly usage can be requested for one day only")
        rows = _hourly_rows(book, meter, anchor, now, style) if interval else []
    elif mode == "D":
        rows = _daily_rows(book, meter, anchor, now, style)
    elif mode == "M":
        rows = _cycle_rows(book, meter, now, style)
    else:
        raise UsageRequestError(f"Unsupported Mode: {mode}")
    return {
        "objUsageGenerationResultSetTwo": rows,
        "getTentativeData": [_tentative(book, meter, now)],
    }


def _hourly_rows(
    book: UsageBook, meter: Meter, day: date, now: float, style: RowStyle
) -> list[dict[str, Any]]:
    readings = book.readings(meter, day, now)
    if not readings:
        # Real servers answer an unpublished day with the latest published one (notes §2).
        latest = book.latest_published_day(meter, now)
        if latest is None or day < book.first_day:
            return []
        day, readings = latest, book.readings(meter, latest, now)
    unit_price = price(meter)
    rows: list[dict[str, Any]] = []
    for reading in readings:
        local = reading.slot.start
        common = {
            "UsageDate": style.day(day, book.tz),
            "Hourly": local.strftime("%I:%M %p").lstrip("0"),
            "ValidationStatus": "Estimated" if reading.estimated else "Actual",
        }
        quantity = reading.imported
        rows.append(
            {
                **common,
                **style.amounts(quantity, quantity * unit_price),
                **({"UsageType": "Import"} if meter.net_metered else {}),
            }
        )
        if meter.net_metered:
            credit = reading.exported * unit_price
            rows.append(
                {**common, **style.amounts(reading.exported, credit), "UsageType": "Export"}
            )
    return rows


def _daily_rows(
    book: UsageBook, meter: Meter, anchor: date, now: float, style: RowStyle
) -> list[dict[str, Any]]:
    latest = book.latest_published_day(meter, now)
    if latest is None:
        return []
    last = min(anchor, latest)
    rows = []
    for offset in range(DAILY_WINDOW_DAYS - 1, -1, -1):
        day = last - timedelta(days=offset)
        if day < book.first_day:
            continue
        quantity, final = book.total(meter, day, day, now)
        rows.append(
            {
                "UsageDate": style.day(day, book.tz),
                "ValidationStatus": "Actual" if final else "Estimated",
                **style.amounts(quantity, quantity * price(meter)),
            }
        )
    return rows


def _cycle_rows(book: UsageBook, meter: Meter, now: float, style: RowStyle) -> list[dict[str, Any]]:
    today = book.today(now)
    # The first cycle runs from the day service started (the first day with data) to the
    # cycle's usual end, as a first bill after moving in does.
    first = book.first_day
    rows = []
    while first <= today:
        _, last = book.cycle_of(first)
        quantity, final = book.total(meter, first, min(last, today), now)
        rows.append(
            {
                "UsageDate": YEAR_ONE,
                "Month": first.strftime("%b"),
                "Year": str(first.year),
                "FromDate": f"{first:%m/%d/%Y}",
                "ToDate": f"{last:%m/%d/%Y}",
                "BillingDays": (last - first).days + 1,
                "ValidationStatus": "Actual" if final and last < today else "Estimated",
                **style.amounts(quantity, quantity * price(meter)),
            }
        )
        first = last + timedelta(days=1)
    return rows


def _tentative(book: UsageBook, meter: Meter, now: float) -> dict[str, Any]:
    today = book.today(now)
    first, last = book.cycle_of(today)
    so_far, _ = book.total(meter, first, today, now)
    elapsed = (today - first).days + 1
    projected = so_far / elapsed * ((last - first).days + 1)
    unit_price = price(meter)
    return {
        "SoFar": round(so_far, 2),
        "SoFarDollar": round(so_far * unit_price, 2),
        "ProjectedBill": round(projected, 2),
        "ProjectedBillDollar": round(projected * unit_price, 2),
        "ExpectedUsage": 0,
    }


def bill_data(book: UsageBook, meters: tuple[Meter, ...], now: float, paid: bool) -> dict[str, Any]:
    """GetBill: the last closed cycle's charges over every meter of the account."""
    today = book.today(now)
    current, _ = book.cycle_of(today)
    first, last = book.cycle_of(current - timedelta(days=1))
    amount = sum(book.total(meter, first, last, now)[0] * price(meter) for meter in meters)
    bill_day = last + timedelta(days=2)
    return {
        "billamount": f"{amount:.2f}",
        "rembalance": "0.00" if paid else f"{amount:.2f}",
        "duedate": f"{bill_day + timedelta(days=21):%m/%d/%Y}",
        "billdate": f"{bill_day:%m/%d/%Y}",
        "invoicenumber": f"INV{first:%Y%m}{meters[0].number[-4:]}",
    }
