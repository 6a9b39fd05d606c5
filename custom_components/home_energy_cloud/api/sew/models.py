"""Typed results of the SEW client; parsing of everything but usage rows (see usage.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
import math
from typing import Any

from .dates import parse_date
from .exceptions import SewProtocolError


class Flavor(StrEnum):
    """Which SEW mobile API a utility runs (notes §1.1, §1.2)."""

    PORTAL = "A"
    """``/PortalService/<Module>.svc/<Method>Mob``, optionally AES-encrypted."""
    API = "B"
    """``/API/`` + ``/Service/``, plain JSON with Basic auth from GetId."""


class ServiceType(StrEnum):
    """What a meter measures."""

    ELECTRIC = "electric"
    WATER = "water"
    GAS = "gas"


class Resolution(StrEnum):
    """The length of one usage row."""

    HOURLY = "hourly"
    DAILY = "daily"
    MONTHLY = "monthly"


_METER_TYPES = {"E": ServiceType.ELECTRIC, "W": ServiceType.WATER, "G": ServiceType.GAS}


@dataclass(frozen=True, slots=True)
class SewSession:
    """A logged-in session: what later calls authenticate with. Secrets stay out of reprs."""

    user_id: str
    token: str = field(repr=False)
    account_number: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class SewLoginResult:
    """A completed login."""

    user_id: str
    trusted_device_id: str | None = field(default=None, repr=False)
    """Keep this (entry data) and pass it to later clients so the second factor is skipped."""


@dataclass(frozen=True, slots=True)
class SewCodeRequired:
    """The utility sent a second-factor code; call ``submit_code`` with what the user got."""

    destination: str | None
    """Where the code went, as the utility masks it (``j***@example.com``), if it says."""


@dataclass(frozen=True, slots=True)
class SewAccount:
    """One utility account of the login (GetUserSetting)."""

    account_number: str = field(repr=False)
    utility_account_number: str = field(repr=False)
    address: str | None = field(default=None, repr=False)
    is_default: bool = False


@dataclass(frozen=True, slots=True)
class SewMeter:
    """One meter of an account (GetMultiMeter ``MeterDetails``)."""

    meter_number: str = field(repr=False)
    service: ServiceType
    unit: str | None
    """The utility's unit (``UOM``) as reported; None when the API does not say."""
    is_ami: bool = True
    """Whether the meter records interval (hourly) data; a meter without only has daily
    readings. A utility that does not say is taken to have it (hourly was asked before)."""
    net_metered: bool = False

    @property
    def resolution(self) -> Resolution:
        """The finest usage the utility keeps for this meter: hourly on AMI meters, else daily."""
        return Resolution.HOURLY if self.is_ami else Resolution.DAILY


@dataclass(frozen=True, slots=True)
class SewUsageRow:
    """One usage interval; ``start`` and ``end`` are aware UTC datetimes.

    UTC because Python compares two times of one zone by wall clock, ignoring ``fold``, so the
    two 1 AM hours of a fall-back day would compare equal in local time.
    """

    start: datetime
    end: datetime
    quantity: float | None
    cost: float | None
    final: bool
    """False for rows the utility marks ``Estimated``: they will be rewritten later."""
    returned: float | None = None
    """Energy returned to the grid in the interval, where the meter reports it."""
    credit: float | None = None
    """The money credited for ``returned`` (the export row's amount), where reported."""


@dataclass(frozen=True, slots=True)
class SewBill:
    """The current bill and the account balance (GetBill)."""

    amount: float | None
    due_date: date | None
    balance: float | None
    invoice_number: str | None = field(default=None, repr=False)
    bill_date: date | None = None


@dataclass(frozen=True, slots=True)
class SewOutageStatus:
    """Whether the account's premises are in a known outage."""

    active: bool
    message: str | None = None
    estimated_restoration: datetime | None = None


def text(value: object) -> str | None:
    """A non-empty stripped string, or None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | str):
        stripped = str(value).strip()
        return stripped or None
    return None


def number(value: object) -> float | None:
    """A float from a number or numeric string (``"1,234.5"``, ``"$12.00"``); None if blank."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            result = float(value)
        except OverflowError as err:
            raise SewProtocolError("number out of range") from err
    elif isinstance(value, str):
        cleaned = value.strip().replace(",", "").replace("$", "")
        if not cleaned:
            return None
        try:
            result = float(cleaned)
        except ValueError as err:
            raise SewProtocolError(f"not a number: {value[:40]!r}") from err
    else:
        raise SewProtocolError(f"not a number: {type(value).__name__}")
    if not math.isfinite(result):
        raise SewProtocolError("not a finite number")
    return result


def flag(value: object) -> bool:
    """SEW booleans arrive as true/false, 0/1, "1"/"0", "Y"/"N" or "true"/"false"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        return value.strip().casefold() in {"1", "true", "y", "yes"}
    return False


def rows_of(data: object, *keys: str) -> list[Mapping[str, Any]]:
    """The list of objects under the first of ``keys`` present (or ``data`` itself if a list)."""
    found: object = data
    if isinstance(data, Mapping):
        found = next((data[key] for key in keys if data.get(key) is not None), [])
    if not isinstance(found, list):
        raise SewProtocolError(f"expected a list under {keys[0] if keys else 'the reply'}")
    if not all(isinstance(row, Mapping) for row in found):
        raise SewProtocolError("expected a list of objects")
    return found


def parse_accounts(data: object) -> list[SewAccount]:
    """GetUserSetting: accounts live in ``Table1`` or ``Table2`` (notes §1.2)."""
    rows = rows_of(data, "Table1", "Table2", "Table")
    accounts: list[SewAccount] = []
    for row in rows:
        account = text(row.get("AccountNumber"))
        if account is None:
            raise SewProtocolError("an account lacks AccountNumber")
        accounts.append(
            SewAccount(
                account_number=account,
                utility_account_number=text(row.get("UtilityAccountNumber")) or account,
                address=text(row.get("Address")),
                is_default=flag(row.get("IsDefaultAccount")),
            )
        )
    return accounts


def parse_meters(data: object) -> list[SewMeter]:
    """GetMultiMeter ``MeterDetails``; meters of unknown service types are skipped."""
    meters: list[SewMeter] = []
    for row in rows_of(data, "MeterDetails"):
        number_ = text(row.get("MeterNumber"))
        kind = (text(row.get("MeterType")) or "").upper()[:1]
        if number_ is None:
            raise SewProtocolError("a meter lacks MeterNumber")
        service = _METER_TYPES.get(kind)
        if service is None:
            continue
        meters.append(
            SewMeter(
                meter_number=number_,
                service=service,
                unit=text(row.get("UOM")) or text(row.get("Uom")),
                is_ami=flag(row["IsAMI"]) if row.get("IsAMI") is not None else True,
                net_metered=flag(row.get("IsNetMetering")),
            )
        )
    return meters


def _first(data: object) -> Mapping[str, Any]:
    if isinstance(data, list):
        data = data[0] if data else {}
    if not isinstance(data, Mapping):
        raise SewProtocolError("expected an object")
    return data


def _day(value: object) -> date | None:
    parsed = parse_date(value)
    return parsed.date() if parsed is not None else None


def parse_bill(data: object) -> SewBill:
    """GetBill (field names as Hidroelectrica's clients read them, notes §1.2)."""
    row = _first(data)
    return SewBill(
        amount=number(row.get("billamount")),
        due_date=_day(row.get("duedate")),
        balance=number(row.get("rembalance")),
        invoice_number=text(row.get("invoicenumber")),
        bill_date=_day(row.get("billdate")),
    )


def parse_outage(data: object) -> SewOutageStatus:
    """GetOutageStatus."""
    row = _first(data)
    return SewOutageStatus(
        active=flag(row.get("IsOutage")),
        message=text(row.get("Message")),
        estimated_restoration=parse_date(row.get("EstimatedRestoration")),
    )
