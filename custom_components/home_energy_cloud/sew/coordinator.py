"""SEW coordinator: the account's meters, bill, outage and month-to-date usage every few hours.

The month-to-date figures come with the newest day's usage read (every usage reply carries
them); after each successful refresh the statistics import runs in the background with that
read in hand (the first one backfills years, one request per day), one at a time; its results
(latest daily usage, data freshness) reach the entities when it ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.util import dt as dt_util

from ..api.exceptions import ApiAuthError, ApiError
from ..api.sew import (
    SewAccount,
    SewAuthError,
    SewBill,
    SewClient,
    SewMeter,
    SewModuleNotLicensedError,
    SewOutageStatus,
    SewResponseError,
    SewUsage,
    SewUsageSummary,
    SewUtility,
)
from ..const import DOMAIN, LOGGER
from ..coordinator import HomeEnergyCloudCoordinator
from ..devices import DeviceLifecycle
from ..vendor_spec import VendorRuntime
from .const import CONF_ACCOUNT, CONF_METERS, UPDATE_INTERVAL, VENDOR_KEY
from .statistics import SewStatisticsImporter
from .units import meter_unit

METERS_INTERVAL = timedelta(days=1)
"""Meters rarely change; listing them daily keeps a routine refresh to the usage calls."""


@dataclass(frozen=True, slots=True)
class SewMeterData:
    """One meter and its month-to-date figures (None: not reported or the read failed)."""

    meter: SewMeter
    unit: str | None
    summary: SewUsageSummary | None
    newest: tuple[date, SewUsage] | None = None
    """The newest day's usage reply this refresh read (its month-to-date block is ``summary``);
    the statistics import reuses it instead of asking for that day again."""


@dataclass(frozen=True, slots=True)
class SewData:
    """The account, its bill, its outage status and its meters by device unique id."""

    account: SewAccount
    bill: SewBill | None
    outage: SewOutageStatus | None
    meters: Mapping[str, SewMeterData]


def account_unique_id(utility: SewUtility, account_number: str) -> str:
    """Device unique id of an account."""
    return f"{VENDOR_KEY}_{utility.id}_{account_number}"


def meter_unique_id(utility: SewUtility, account_number: str, meter: SewMeter) -> str:
    """Device unique id of a meter (a meter number is only unique within its utility)."""
    return f"{account_unique_id(utility, account_number)}_{meter.meter_number}"


def account_device_info(utility: SewUtility, account_number: str) -> DeviceInfo:
    """The account's device: the bill, the balance and the outage status live here."""
    return DeviceInfo(
        identifiers={(DOMAIN, account_unique_id(utility, account_number))},
        name=f"{utility.name} account",
        manufacturer=utility.name,
        model="Utility account",
    )


def meter_device_info(
    utility: SewUtility, account_number: str, meter: SewMeter, account_device_id: str
) -> DeviceInfo:
    """A meter's device, attached to the account's.

    ``via_device_id`` where Home Assistant has it (2026.8+, ``via_device`` deprecated there),
    ``via_device`` before.
    """
    info: dict[str, Any] = {
        "identifiers": {(DOMAIN, meter_unique_id(utility, account_number, meter))},
        "name": f"{meter.service.value.capitalize()} meter",
        "manufacturer": utility.name,
        "model": f"{meter.service.value.capitalize()} meter",
    }
    if "via_device_id" in DeviceInfo.__annotations__:
        info["via_device_id"] = account_device_id
    else:
        info["via_device"] = (DOMAIN, account_unique_id(utility, account_number))
    return cast("DeviceInfo", info)


class SewCoordinator(HomeEnergyCloudCoordinator[SewData]):
    """One per entry (one account of one login)."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: SewConfigEntry,
        client: SewClient,
        devices: DeviceLifecycle,
        importer: SewStatisticsImporter,
        account_device_id: str,
    ) -> None:
        """Poll every few hours: utility data lags a day or more."""
        super().__init__(hass, entry, name="SEW utility", update_interval=UPDATE_INTERVAL)
        self.client = client
        self.utility = client.utility
        self.lifecycle = devices
        self.importer = importer
        self.account_number: str = entry.data[CONF_ACCOUNT]
        self.account_device_id = account_device_id
        self._selected: list[str] | None = entry.data.get(CONF_METERS)
        self._account: SewAccount | None = None
        self._meters: list[SewMeter] | None = None
        self._meters_fetched: datetime | None = None
        self._outage_licensed = self.utility.licenses("Outage") is not False
        self._import_task: asyncio.Task[None] | None = None
        self.import_running = False
        self._needs_reauth = False

    def _today(self) -> date:
        return dt_util.now(self.client.time_zone).date()

    async def _async_fetch(self) -> SewData:
        if self._needs_reauth:
            # Every login attempt may text the user a code: wait for the reauth flow.
            raise SewAuthError("waiting for the user to log in again")
        try:
            data = await self._async_read()
        except ApiAuthError:
            self._needs_reauth = True
            raise
        self._start_import(data)
        return data

    async def _async_read(self) -> SewData:
        now = dt_util.utcnow()
        due = self._meters_fetched is None or now - self._meters_fetched >= METERS_INTERVAL
        if self._account is None or self._meters is None or due:
            await self._async_list_meters()
            self._meters_fetched = now
        assert self._account is not None
        assert self._meters is not None
        account = self._account
        bill = await self._optional(self.client.get_bill(account), "bill")
        outage: SewOutageStatus | None = None
        if self._outage_licensed:
            try:
                outage = await self.client.get_outage(account)
            except SewModuleNotLicensedError:
                self._outage_licensed = False
            except ApiAuthError:
                raise
            except ApiError as err:
                LOGGER.debug("SEW outage status unavailable: %s", err)
        meters: dict[str, SewMeterData] = {}
        newest_day = self._today() - timedelta(days=1)
        for meter in self._meters:
            # Every usage reply carries the month-to-date block (notes §2): the newest day's
            # read gives it, and the import then reuses that read (a routine refresh stays at
            # the days still changing, no separate monthly call).
            usage = await self._optional(
                self.importer.async_read_day(account, meter, newest_day), "usage"
            )
            meters[meter_unique_id(self.utility, self.account_number, meter)] = SewMeterData(
                meter=meter,
                unit=meter_unit(self.utility, meter),
                summary=usage.summary if usage is not None else None,
                newest=(newest_day, usage) if usage is not None else None,
            )
        return SewData(account=account, bill=bill, outage=outage, meters=meters)

    async def _optional[T](self, call: Awaitable[T], what: str) -> T | None:
        """A read whose failure only leaves its own entities unknown (auth still fails all)."""
        try:
            return await call
        except ApiAuthError:
            raise
        except ApiError as err:
            LOGGER.debug("SEW %s unavailable: %s", what, err)
            return None

    async def _async_list_meters(self) -> None:
        accounts = await self.client.get_accounts()
        account = next((a for a in accounts if a.account_number == self.account_number), None)
        if account is None:
            raise SewResponseError("the login no longer lists this account")
        meters = await self.client.get_meters(account)
        if self._selected is not None:
            meters = [m for m in meters if m.meter_number in self._selected]
        listed = {meter_unique_id(self.utility, self.account_number, m): m for m in meters}
        self.lifecycle.async_report_list(
            [account_unique_id(self.utility, self.account_number), *listed]
        )
        # A meter the list left out stays until the lifecycle removes it for good.
        for meter in self._meters or []:
            uid = meter_unique_id(self.utility, self.account_number, meter)
            if uid not in listed and self.lifecycle.is_listed(uid):
                listed[uid] = meter
        self._account = account
        self._meters = list(listed.values())

    def _start_import(self, data: SewData) -> None:
        if self._import_task is not None and not self._import_task.done():
            return
        self._import_task = self.config_entry.async_create_background_task(
            self.hass, self.async_import(data), "SEW statistics import"
        )

    async def async_import(self, data: SewData) -> None:
        """Bring every meter's statistics up to date, then tell the entities."""
        self.import_running = True
        try:
            for uid, meter_data in data.meters.items():
                outcome = await self.importer.async_import(
                    uid,
                    data.account,
                    meter_data.meter,
                    meter_data.unit,
                    prefetched=dict([meter_data.newest]) if meter_data.newest else None,
                )
                if outcome.error is not None:
                    raise outcome.error
        except ApiAuthError:
            self._needs_reauth = True
            self.config_entry.async_start_reauth(self.hass)
        except ApiError as err:
            LOGGER.info("SEW statistics import stopped, continuing next refresh: %s", err)
        finally:
            self.import_running = False
            self.async_update_listeners()

    async def async_wait_import(self) -> None:
        """Wait for a running import (the service action does not run two at once)."""
        if self._import_task is not None:
            await asyncio.shield(self._import_task)


@dataclass(kw_only=True)
class SewRuntime(VendorRuntime):
    """``entry.runtime_data`` of a SEW utility account."""

    client: SewClient
    coordinator: SewCoordinator
    importer: SewStatisticsImporter


type SewConfigEntry = ConfigEntry[SewRuntime]
