"""The SEW fake's default utility: users, accounts and meters (tests import these constants)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

TIME_ZONE: Final = "America/Chicago"
"""The utility's wall time; its DST changes are in the two years of data."""
HISTORY_DAYS: Final = 731

DEFAULT_SCENARIO: Final = "default"
"""Two years of history on every meter."""
SHORT_HISTORY: Final = "short_history"
"""Every meter was installed a week ago (the browser suite: a first import of days, not years)."""
SCENARIO_HISTORY_DAYS: Final[dict[str, int]] = {DEFAULT_SCENARIO: HISTORY_DAYS, SHORT_HISTORY: 7}
"""Days of history (ending the day the scenario starts) per scenario name."""

USERNAME: Final = "demo@example.com"
PASSWORD: Final = "Correct-Horse-1"
USER_ID: Final = "100234"
TFA_USERNAME: Final = "secure@example.com"
TFA_PASSWORD: Final = "Battery-Staple-2"
TFA_USER_ID: Final = "100777"
TFA_DESTINATION: Final = "s*****@example.com"

HOME_ACCOUNT: Final = "3001234567"
HOME_UTILITY_ACCOUNT: Final = "0001234567-01"
CABIN_ACCOUNT: Final = "3007654321"
CABIN_UTILITY_ACCOUNT: Final = "0007654321-01"
SECURE_ACCOUNT: Final = "3005550000"

ELECTRIC_METER: Final = "E1000001"
"""The home's electric meter: net metered (solar), so it also reports energy returned."""
WATER_METER: Final = "W2000001"
CABIN_METER: Final = "E1000002"
SECURE_METER: Final = "E1000003"

ELECTRIC_PRICE: Final = 0.1185
"""USD per kWh (and the credit per kWh returned)."""
WATER_PRICE: Final = 0.0062
"""USD per gallon."""


@dataclass(frozen=True)
class Meter:
    """One meter: ``kind`` is the API's MeterType (E/W), ``uom`` its unit."""

    number: str
    kind: str
    uom: str
    net_metered: bool = False
    solar_kw: float = 0.0


@dataclass(frozen=True)
class Account:
    """One utility account."""

    number: str
    utility_number: str
    address: str
    meters: tuple[Meter, ...]
    is_default: bool = False


@dataclass
class User:
    """One login."""

    username: str
    password: str
    user_id: str
    accounts: tuple[Account, ...]
    second_factor: bool = False
    trusted_devices: set[str] = field(default_factory=set)


def default_users() -> dict[str, User]:
    """The default logins, keyed by username as typed (the fake compares case-insensitively)."""
    home = Account(
        HOME_ACCOUNT,
        HOME_UTILITY_ACCOUNT,
        "1200 Prairie Rd, Lincoln NE 68502",
        (
            Meter(ELECTRIC_METER, "E", "kWh", net_metered=True, solar_kw=5.0),
            Meter(WATER_METER, "W", "gal"),
        ),
        is_default=True,
    )
    cabin = Account(
        CABIN_ACCOUNT,
        CABIN_UTILITY_ACCOUNT,
        "7 Lakeview Ln, Ogallala NE 69153",
        (Meter(CABIN_METER, "E", "kWh"),),
    )
    secure = Account(
        SECURE_ACCOUNT,
        "0005550000-01",
        "9 Oak St, Kearney NE 68847",
        (Meter(SECURE_METER, "E", "kWh"),),
    )
    return {
        USERNAME.casefold(): User(USERNAME, PASSWORD, USER_ID, (home, cabin)),
        TFA_USERNAME.casefold(): User(
            TFA_USERNAME, TFA_PASSWORD, TFA_USER_ID, (secure,), second_factor=True
        ),
    }
