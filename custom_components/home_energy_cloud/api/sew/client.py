"""Asynchronous client of one SEW utility's mobile API (either flavor); no Home Assistant imports.

Sessions: the first call logs in (behind a lock, so concurrent calls share one login); a call
refused as expired logs in once more and is retried once. A login that needs a second factor
cannot happen silently: :meth:`login` returns :class:`SewCodeRequired` for the config flow,
while data calls raise :class:`SewCodeRequiredError` (reauth). Passing the
``trusted_device_id`` of an earlier login lets the utility skip the code.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, timedelta
import logging
import secrets
import time
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from .const import (
    CALL_ACCOUNTS,
    CALL_BILL,
    CALL_METERS,
    CALL_OUTAGE,
    CALL_USAGE,
    HOURLY_TYPE_HOURLY,
    MODE_DAILY,
    MODE_HOURLY,
    MODE_MONTHLY,
    MODULE_OUTAGE,
    TYPE_GALLONS,
    TYPE_HCF,
    TYPE_KWH,
)
from .exceptions import (
    SewAuthError,
    SewCodeRequiredError,
    SewModuleNotLicensedError,
    SewSessionExpiredError,
)
from .flavor import FlavorTransport, Params, PendingCode
from .mobile_api import ApiTransport
from .models import (
    Flavor,
    Resolution,
    ServiceType,
    SewAccount,
    SewBill,
    SewCodeRequired,
    SewLoginResult,
    SewMeter,
    SewOutageStatus,
    SewSession,
    parse_accounts,
    parse_bill,
    parse_meters,
    parse_outage,
)
from .portal import PortalTransport
from .registry import SewUtility
from .transport import Http
from .usage import SewUsage, parse_usage

_LOGGER = logging.getLogger(__name__)
DEFAULT_MAX_IDLE = 600.0
"""A session unused this long is taken as dead and replaced before the next call.

SEW sessions expire after minutes (notes §7); logging in first saves every concurrent call of a
refresh from failing once on the old token.
"""
DAILY_WINDOW = timedelta(days=29)
"""Daily requests ask for 30 days ending at the anchor; servers return a fixed window anyway."""


def _date_param(day: date) -> str:
    return day.strftime("%m/%d/%Y")


class SewClient:
    """One login at one SEW utility, shared by everything that reads that account."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        utility: SewUtility,
        username: str,
        password: str,
        *,
        trusted_device_id: str | None = None,
        default_time_zone: str = "UTC",
        request_timeout: float = 30.0,
        max_idle: float = DEFAULT_MAX_IDLE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Nothing is sent until the first call. ``default_time_zone``: Home Assistant's."""
        if utility.base_url is None or utility.flavor is None:
            raise ValueError("the utility needs a base URL and a flavor")
        self.utility = utility
        self._http = Http(session, request_timeout)
        self._transport: FlavorTransport = (
            PortalTransport(self._http, utility.base_url, utility.portal)
            if utility.flavor is Flavor.PORTAL
            else ApiTransport(self._http, utility.base_url)
        )
        self._username = username
        self._password = password
        self._device_id = trusted_device_id or secrets.token_hex(16)
        self._lock = asyncio.Lock()
        self._session: SewSession | None = None
        self._pending: PendingCode | None = None
        self.time_zone = ZoneInfo(utility.time_zone or default_time_zone)
        self.logins = 0
        self._max_idle = max_idle
        self._clock = clock
        self._last_used = 0.0

    def __repr__(self) -> str:
        """Never show the username, password or tokens."""
        return f"SewClient(utility={self.utility.id!r}, logged_in={self._session is not None})"

    @property
    def requests(self) -> int:
        """How many HTTP requests this client has sent."""
        return self._http.requests

    @property
    def trusted_device_id(self) -> str:
        """The device id the utility trusts after a second factor; store it with the entry."""
        return self._device_id

    # ------------------------------------------------------------------ login

    async def login(self) -> SewLoginResult | SewCodeRequired:
        """Log in now (the config flow's check); a code request is returned, not raised."""
        async with self._lock:
            outcome = await self._login_locked()
        if isinstance(outcome, PendingCode):
            return SewCodeRequired(outcome.destination)
        return SewLoginResult(outcome.user_id, self._device_id)

    async def submit_code(self, code: str) -> SewLoginResult:
        """Finish the login :meth:`login` started with the code the user received."""
        async with self._lock:
            pending = self._pending
            if pending is None:
                raise SewAuthError("no login is waiting for a code; log in first")
            session = await self._transport.submit_code(pending, code, self._device_id)
            self._pending = None
            self._session = session
            self._last_used = self._clock()
        return SewLoginResult(session.user_id, self._device_id)

    async def _login_locked(self) -> SewSession | PendingCode:
        self.logins += 1
        self._session = None
        outcome = await self._transport.login(self._username, self._password, self._device_id)
        if isinstance(outcome, PendingCode):
            self._pending = outcome
        else:
            self._pending = None
            self._session = outcome
            self._last_used = self._clock()
            _LOGGER.debug("SEW login to %s succeeded", self.utility.id)
        return outcome

    async def _current_session(self, refused: SewSession | None = None) -> SewSession:
        """The session to use; logs in when there is none or ``refused`` is still held."""
        async with self._lock:
            idle = self._clock() - self._last_used > self._max_idle
            if self._session is not None and self._session is not refused and not idle:
                return self._session
            outcome = await self._login_locked()
        if isinstance(outcome, PendingCode):
            raise SewCodeRequiredError("the utility asks for a second-factor code")
        return outcome

    async def _call(self, call: str, params: Params) -> Any:
        session = await self._current_session()
        try:
            data = await self._transport.call(session, call, params)
        except SewSessionExpiredError:
            _LOGGER.debug("SEW session expired; logging in again")
        else:
            self._last_used = self._clock()
            return data
        fresh = await self._current_session(refused=session)
        try:
            data = await self._transport.call(fresh, call, params)
        except SewSessionExpiredError as err:
            raise SewAuthError("the utility refused a fresh session") from err
        self._last_used = self._clock()
        return data

    # ------------------------------------------------------------------ reads

    async def get_accounts(self) -> list[SewAccount]:
        """The accounts of this login."""
        session = await self._current_session()
        return parse_accounts(await self._call(CALL_ACCOUNTS, {"UserID": session.user_id}))

    async def get_meters(self, account: SewAccount) -> list[SewMeter]:
        """The account's meters (every service type)."""
        data = await self._call(CALL_METERS, {**_ids(account), "MeterType": ""})
        return parse_meters(data)

    async def get_hourly_usage(self, account: SewAccount, meter: SewMeter, day: date) -> SewUsage:
        """One local day of hourly rows (the API serves one day per request)."""
        params = _usage_params(account, meter, MODE_HOURLY, day, day)
        data = await self._call(CALL_USAGE, params)
        return parse_usage(data, resolution=Resolution.HOURLY, tz=self.time_zone, day=day)

    async def get_daily_usage(self, account: SewAccount, meter: SewMeter, end: date) -> SewUsage:
        """Daily rows of the window ending at ``end`` (the server picks the window's length)."""
        params = _usage_params(account, meter, MODE_DAILY, end - DAILY_WINDOW, end)
        data = await self._call(CALL_USAGE, params)
        return parse_usage(data, resolution=Resolution.DAILY, tz=self.time_zone)

    async def get_monthly_usage(
        self, account: SewAccount, meter: SewMeter, today: date
    ) -> SewUsage:
        """Billing-cycle rows (``FromDate``/``ToDate``), plus the month-to-date block."""
        params = _usage_params(account, meter, MODE_MONTHLY, today, today)
        data = await self._call(CALL_USAGE, params)
        return parse_usage(data, resolution=Resolution.MONTHLY, tz=self.time_zone)

    async def get_bill(self, account: SewAccount) -> SewBill:
        """The current bill, its due date and the account balance."""
        return parse_bill(await self._call(CALL_BILL, {**_ids(account), "IsBillPDF": "0"}))

    async def get_outage(self, account: SewAccount) -> SewOutageStatus:
        """Outage status; SewModuleNotLicensedError where the utility has no Outage module."""
        if self.utility.licenses(MODULE_OUTAGE) is False:
            raise SewModuleNotLicensedError("this utility does not run the Outage module")
        return parse_outage(await self._call(CALL_OUTAGE, _ids(account)))


def _ids(account: SewAccount) -> dict[str, str]:
    return {
        "AccountNumber": account.account_number,
        "UtilityAccountNumber": account.utility_account_number,
    }


def _quantity_type(meter: SewMeter) -> str:
    """``Type`` for a meter (notes §2): K for energy, G for gallons, W for HCF-style water.

    Gas has no public evidence; K (the quantity type) is asked and the rows' unit is the meter's.
    """
    if meter.service is ServiceType.WATER:
        return TYPE_GALLONS if (meter.unit or "").casefold().startswith("gal") else TYPE_HCF
    return TYPE_KWH


def _usage_params(
    account: SewAccount, meter: SewMeter, mode: str, first: date, last: date
) -> dict[str, str]:
    return {
        **_ids(account),
        "MeterNumber": meter.meter_number,
        "Mode": mode,
        "HourlyType": HOURLY_TYPE_HOURLY,
        "Type": _quantity_type(meter),
        "strDate": _date_param(last),
        "DateFromDaily": first.isoformat(),
        "DateToDaily": last.isoformat(),
        "UsageOrGeneration": "1",
        "IsNetUsage": "1" if meter.net_metered else "0",
    }
