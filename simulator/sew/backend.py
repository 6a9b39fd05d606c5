"""What both API flavors share: users, logins, accounts, meters, usage, bills, outages.

Handlers of each flavor decode the request, call one of these operations and encode the result
envelope ``{"status_code": .., "result": {"Status": 1|0, "Message": .., "Data": ..}}``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..clock import SimClock
from .scenario import HISTORY_DAYS, TFA_DESTINATION, TIME_ZONE, Account, Meter, User, default_users
from .sessions import Sessions
from .usage_service import (
    Publication,
    RowStyle,
    UsageBook,
    UsageRequestError,
    bill_data,
    usage_data,
)

EXPIRED_MESSAGE = "Token has been expired."


class Refused(Exception):
    """A business-level refusal: ``Status 0`` with this message."""


def envelope(
    data: Any = None, *, message: str = "", status: int = 1, code: int = 200
) -> dict[str, Any]:
    """The result envelope of both flavors."""
    return {"status_code": code, "result": {"Status": status, "Message": message, "Data": data}}


def expired_envelope() -> dict[str, Any]:
    """The in-JSON expiry signal (notes §1.2: a 401 can arrive inside the JSON)."""
    return envelope(None, message=EXPIRED_MESSAGE, status=0, code=401)


@dataclass
class HostSettings:
    """Per-host behaviour where the notes leave the real one open (control API: settings)."""

    encrypted: bool = True
    envelope: str = "A"
    key: str = "PasswordPassword"
    password_digest: str = "hex"
    expiry_in_json: bool = True
    """True: an expired token gets ``status_code`` 401 in the JSON; False: HTTP 401."""
    modules: set[str] = field(default_factory=set)


@dataclass
class Backend:
    """The utility behind both hosts."""

    clock: SimClock
    publication: Publication = field(default_factory=Publication)
    users: dict[str, User] = field(default_factory=default_users)
    maintenance: bool = False
    outage_accounts: set[str] = field(default_factory=set)
    paid_accounts: set[str] = field(default_factory=set)
    calls: Counter[str] = field(default_factory=Counter)
    usage_requests: list[dict[str, str]] = field(default_factory=list)
    history_days: int = HISTORY_DAYS
    daily_only_meters: set[str] = field(default_factory=set)
    """Meters without interval data (not AMI): daily and billing-cycle usage only."""
    usage_modes: set[str] = field(default_factory=lambda: {"H", "D", "M"})
    """The ``Mode`` values this utility serves (they differ per utility, notes §2)."""

    def __post_init__(self) -> None:
        """``history_days`` of history ending the day the scenario starts."""
        self.sessions = Sessions(self.clock)
        today = datetime.fromtimestamp(self.clock.time(), ZoneInfo(TIME_ZONE)).date()
        first_day = today - timedelta(days=self.history_days)
        self.book = UsageBook(TIME_ZONE, first_day, self.publication)

    def now(self) -> float:
        """Simulated wall time."""
        return self.clock.time()

    def find_user(self, username: str) -> User | None:
        """Usernames are compared case-insensitively, like the portals do."""
        return self.users.get(username.strip().casefold())

    def start_login(self, user: User, device_id: str, token_key: str) -> dict[str, Any]:
        """The login record: a token, or a code request for a second-factor user."""
        if user.second_factor and device_id not in user.trusted_devices:
            pending = self.sessions.send_code(user)
            return {
                "UserID": user.user_id,
                "TFARequired": True,
                "TFAToken": pending.tfa_token,
                "TFADestination": TFA_DESTINATION,
            }
        return self._session_record(user, token_key)

    def finish_code(
        self, user_id: str, tfa_token: str, code: str, device_id: str, token_key: str
    ) -> dict[str, Any] | None:
        """The login record after a right code (the device is trusted from then on)."""
        user = self.sessions.check_code(user_id, tfa_token, code)
        if user is None:
            return None
        if device_id:
            user.trusted_devices.add(device_id)
        return self._session_record(user, token_key)

    def _session_record(self, user: User, token_key: str) -> dict[str, Any]:
        default = next((a for a in user.accounts if a.is_default), user.accounts[0])
        return {
            "UserID": user.user_id,
            token_key: self.sessions.issue(user),
            "AccountNumber": default.number,
            "TFARequired": False,
        }

    def account(self, user: User, params: dict[str, str]) -> Account:
        """The account a call names; it must be one of the user's."""
        number = params.get("AccountNumber", "")
        for account in user.accounts:
            if account.number == number:
                return account
        raise Refused("Invalid account number")

    def meter(self, account: Account, params: dict[str, str]) -> Meter:
        """The meter a usage call names; it must be one of the account's."""
        number = params.get("MeterNumber", "")
        for meter in account.meters:
            if meter.number == number:
                return meter
        raise Refused("Invalid meter number")

    # -- operations (return Data, raise Refused) -------------------------------------------------

    def accounts(self, user: User) -> dict[str, Any]:
        """GetUserSetting: accounts in Table1 (notes §1.2)."""
        return {
            "Table": [{"UserID": user.user_id, "LanguageCode": "EN"}],
            "Table1": [
                {
                    "AccountNumber": account.number,
                    "UtilityAccountNumber": account.utility_number,
                    "Address": account.address,
                    "IsDefaultAccount": account.is_default,
                }
                for account in user.accounts
            ],
        }

    def meters(self, user: User, params: dict[str, str]) -> dict[str, Any]:
        """GetMultiMeter: the account's meters, optionally of one ``MeterType``."""
        account = self.account(user, params)
        kind = params.get("MeterType", "").strip().upper()
        return {
            "MeterDetails": [
                {
                    "MeterNumber": meter.number,
                    "MeterType": meter.kind,
                    "IsAMI": meter.number not in self.daily_only_meters,
                    "UOM": meter.uom,
                    "IsNetMetering": meter.net_metered,
                    "Status": "Active",
                }
                for meter in account.meters
                if not kind or meter.kind == kind
            ]
        }

    def usage(self, user: User, params: dict[str, str], style: RowStyle) -> dict[str, Any]:
        """GetUsageGeneration."""
        meter = self.meter(self.account(user, params), params)
        self.usage_requests.append(dict(params))
        if params.get("Mode", "") not in self.usage_modes:
            raise Refused(f"Unsupported Mode: {params.get('Mode', '')}")
        try:
            return usage_data(
                self.book,
                meter,
                params,
                self.now(),
                style,
                interval=meter.number not in self.daily_only_meters,
            )
        except UsageRequestError as err:
            raise Refused(str(err)) from err

    def bill(self, user: User, params: dict[str, str]) -> dict[str, Any]:
        """GetBill."""
        account = self.account(user, params)
        return bill_data(
            self.book, account.meters, self.now(), account.number in self.paid_accounts
        )

    def outage(self, user: User, params: dict[str, str]) -> dict[str, Any]:
        """GetOutageStatus."""
        account = self.account(user, params)
        active = account.number in self.outage_accounts
        return {
            "IsOutage": active,
            "Message": "Crews are on the way" if active else "No known outage",
            "EstimatedRestoration": "",
        }
